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
in_memory_max_conversations = 100000
in_memory_max_bytes = 268435456
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
    /// past it, the least recently used go first (256 MiB).
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
