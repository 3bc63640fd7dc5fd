//! The Redis keys of conversations and their inbox; `handoff/redis.rs`
//! keeps its keys beside them.
//!
//! `P` is the prefix (`state.key_prefix`, default `khidma:`) and `C` the
//! conversation id (`web:citizen-42`, with `%`, `{`, `}` escaped as `%25`,
//! `%7B`, `%7D`). `{C}` is a Cluster hash tag: all keys of one conversation
//! live in one slot, so one script can touch them together.
//!
//! | key | type | holds | lifetime |
//! |---|---|---|---|
//! | `P{C}:conversation` | string | the `Conversation` as JSON | `state.idle_ttl_secs` from the last commit; `retention.waiting_secs` while waiting for or with an agent |
//! | `P{C}:inbox` | list | queued webhook messages (`Envelope` JSON), oldest first | until handled |
//! | `P{C}:memory` | string | what is remembered of the citizen (`CitizenMemory` JSON: language, district, last cases with outcome; no message text) | `state.memory_retention_secs` (90 days) from the last commit; deleted when empty ("forget me") |
//! | `P{C}:seen:<message id>` | string | a platform message id was enqueued | `state.dedup_ttl_secs` |
//! | `P{C}:sent:<message id>` | string | how many messages of the reply to that message the platform took | `state.dedup_ttl_secs` |
//! | `P{C}:lease` | string | the token of the turn holding the conversation | `state.lease_ms`, renewed while the turn runs |
//! | `P{C}:lease-queue` | list | tokens of turns waiting for the lease, in arrival order | refreshed by each waiter |
//! | `P{C}:lease-waiters` | hash | token -> deadline (ms, Redis clock) by which the waiter must ask again | as the queue |
//! | `Pready` | sorted set | conversations with queued messages, scored by when they may be handed out | members leave when their inbox is empty |

use crate::configuration::KeyPrefix;
use crate::conversation::ConversationId;

/// The keys of one conversation. `{…}` is a Cluster hash tag: all of them
/// hash to one slot, which lets one script touch them together.
pub(super) struct ConversationKeys {
    pub(super) base: String,
    pub(super) conversation: String,
    pub(super) memory: String,
    pub(super) inbox: String,
    pub(super) lease: String,
    pub(super) lease_queue: String,
    pub(super) lease_waiters: String,
}

impl ConversationKeys {
    pub(super) fn new(prefix: &KeyPrefix, id: &ConversationId) -> Self {
        // Braces inside the id would end the hash tag early and could make
        // two ids share keys; escaping them keeps keys unambiguous.
        let tag = id
            .as_str()
            .replace('%', "%25")
            .replace('{', "%7B")
            .replace('}', "%7D");
        let base = format!("{}{{{tag}}}:", prefix.as_str());
        Self {
            conversation: format!("{base}conversation"),
            memory: format!("{base}memory"),
            inbox: format!("{base}inbox"),
            lease: format!("{base}lease"),
            lease_queue: format!("{base}lease-queue"),
            lease_waiters: format!("{base}lease-waiters"),
            base,
        }
    }

    pub(super) fn seen(&self, message_id: &str) -> String {
        format!("{}seen:{message_id}", self.base)
    }

    pub(super) fn sent(&self, message_id: &str) -> String {
        format!("{}sent:{message_id}", self.base)
    }
}

pub(super) fn ready_key(prefix: &KeyPrefix) -> String {
    format!("{}ready", prefix.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_a_conversation_carries_its_hash_tag() {
        let prefix = KeyPrefix::try_from("khidma:".to_owned()).unwrap();
        let id = ConversationId::new("web", "a}b{c%").unwrap();
        let keys = ConversationKeys::new(&prefix, &id);
        assert_eq!(keys.conversation, "khidma:{web:a%7Db%7Bc%25}:conversation");
        for key in [
            &keys.memory,
            &keys.inbox,
            &keys.lease,
            &keys.lease_queue,
            &keys.lease_waiters,
            &keys.seen("telegram:1"),
            &keys.sent("telegram:1"),
        ] {
            assert!(key.starts_with("khidma:{web:a%7Db%7Bc%25}:"), "{key}");
        }
        assert_eq!(ready_key(&prefix), "khidma:ready");
    }
}
