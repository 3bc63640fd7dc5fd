//! The memory store's record of how much of each queued message's reply was
//! sent ([`super::ConversationStore::record_sent`]): message id to count,
//! each forgotten after the de-duplication window, like the message id.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::conversation::now_ms;

/// Every this many records, forgotten ones are swept out.
const SWEEP_EVERY: u64 = 1024;

pub(super) struct SentLog {
    ttl: Duration,
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    /// Message id to (messages sent, when it may be forgotten).
    sent: HashMap<String, (usize, i64)>,
    writes: u64,
}

impl SentLog {
    pub(super) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            inner: Mutex::new(Entries::default()),
        }
    }

    // Never held across an await.
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn so_far(&self, message_id: &str) -> usize {
        let now = now_ms();
        self.entries()
            .sent
            .get(message_id)
            .filter(|(_, forget_at)| *forget_at > now)
            .map_or(0, |(count, _)| *count)
    }

    /// Forgets what was sent for these messages (erasure).
    pub(super) fn forget(&self, message_ids: &[String]) {
        let mut entries = self.entries();
        for message_id in message_ids {
            entries.sent.remove(message_id);
        }
    }

    pub(super) fn record(&self, message_id: &str, count: usize) {
        let now = now_ms();
        let forget_at = now + self.ttl.as_millis() as i64;
        let mut entries = self.entries();
        let entry = entries
            .sent
            .entry(message_id.to_owned())
            .or_insert((0, forget_at));
        if entry.1 <= now {
            *entry = (0, forget_at);
        }
        entry.0 = entry.0.max(count);
        entries.writes += 1;
        if entries.writes.is_multiple_of(SWEEP_EVERY) {
            entries.sent.retain(|_, (_, forget_at)| *forget_at > now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_only_grows_and_is_forgotten_after_its_window() {
        let log = SentLog::new(Duration::from_secs(60));
        assert_eq!(log.so_far("telegram:1"), 0);
        log.record("telegram:1", 2);
        log.record("telegram:1", 1);
        assert_eq!(log.so_far("telegram:1"), 2, "never lowered");
        assert_eq!(log.so_far("telegram:2"), 0);

        let forgetful = SentLog::new(Duration::ZERO);
        forgetful.record("telegram:1", 2);
        assert_eq!(forgetful.so_far("telegram:1"), 0);
    }
}
