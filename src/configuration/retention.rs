//! `[retention]`: how long, and in memory mode how much, is kept of what
//! citizens leave behind, beyond the older settings that already bound it
//! (`state.idle_ttl_secs` for conversations with the bot,
//! `state.memory_retention_secs`, `state.dedup_ttl_secs`,
//! `handoff.history_ttl_secs` for transcripts). README's "Retention and
//! erasure" lists them all.

use std::num::{NonZeroU64, NonZeroUsize};
use std::time::Duration;

use serde::Deserialize;

pub(super) const DEFAULTS: &str = r#"
[retention]
waiting_secs = 2592000
outbox_secs = 2592000
ratings_secs = 31536000
in_memory_max_conversations = 50000
in_memory_max_bytes = 67108864
"#;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    /// A conversation waiting for or with an agent is kept this long after
    /// its last change, and a case nobody claimed leaves its team's queue
    /// this long after it was escalated (30 days).
    pub waiting_secs: NonZeroU64,
    /// What agents sent a web-chat citizen is kept this long after the
    /// last message to them (30 days).
    pub outbox_secs: NonZeroU64,
    /// Ratings (with their comments) are kept this long (365 days).
    pub ratings_secs: NonZeroU64,
    /// In memory mode (no `REDIS_URL`), at most this many conversations
    /// are kept; past it, the least recently used go first.
    pub in_memory_max_conversations: NonZeroUsize,
    /// In memory mode, conversations take at most about this many bytes;
    /// past it, the least recently used go first (64 MiB; Redis holds
    /// more).
    pub in_memory_max_bytes: NonZeroUsize,
}

impl RetentionSettings {
    pub fn waiting(&self) -> Duration {
        Duration::from_secs(self.waiting_secs.get())
    }

    pub fn outbox(&self) -> Duration {
        Duration::from_secs(self.outbox_secs.get())
    }

    pub fn ratings(&self) -> Duration {
        Duration::from_secs(self.ratings_secs.get())
    }
}

#[cfg(test)]
mod tests {
    use crate::configuration::Settings;
    use crate::configuration::tests::env;

    #[test]
    fn every_retention_has_a_default_and_an_environment_name() {
        let defaults = Settings::load(None, &env(&[])).unwrap().retention;
        assert_eq!(defaults.waiting().as_secs(), 30 * 24 * 3600);
        assert_eq!(defaults.ratings().as_secs(), 365 * 24 * 3600);
        assert_eq!(defaults.in_memory_max_bytes.get(), 64 << 20);

        let set = Settings::load(
            None,
            &env(&[
                ("KHIDMA_RETENTION__OUTBOX_SECS", "60"),
                ("KHIDMA_RETENTION__IN_MEMORY_MAX_CONVERSATIONS", "10"),
            ]),
        )
        .unwrap()
        .retention;
        assert_eq!(set.outbox().as_secs(), 60);
        assert_eq!(set.in_memory_max_conversations.get(), 10);

        let err = Settings::load(None, &env(&[("KHIDMA_RETENTION__RATINGS_SECS", "0")]));
        assert!(err.unwrap_err().to_string().contains("ratings_secs"));
    }
}
