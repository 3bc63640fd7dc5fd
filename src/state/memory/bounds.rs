//! How much memory mode keeps: at most so many conversations taking about
//! so many bytes. Past either, the least recently used go first, in a batch
//! down to nine tenths of the limit, so that the sort behind it costs
//! little per message (an attacker writing from many user ids could
//! otherwise grow the process without end).

use std::collections::HashMap;
use std::hash::Hash;
use std::mem::size_of;

use crate::conversation::{Conversation, FailedDelivery, Rating, Turn};

/// `retention.in_memory_max_conversations` and `in_memory_max_bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_conversations: usize,
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_conversations: 50_000,
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// A conversation as memory mode keeps it: with its size and when it was
/// last used.
pub(super) struct Kept {
    pub(super) conversation: Conversation,
    pub(super) bytes: usize,
    pub(super) used_ms: i64,
}

impl Kept {
    pub(super) fn new(conversation: Conversation, used_ms: i64) -> Self {
        Self {
            bytes: footprint(&conversation),
            conversation,
            used_ms,
        }
    }
}

/// About what a conversation takes in memory: its parts of variable size
/// (the citizen's and the bot's words above all) and a fixed share for the
/// rest (ids, thread, handoff, map entry).
fn footprint(conversation: &Conversation) -> usize {
    const FIXED: usize = 1024;
    let turns: usize = conversation
        .turns
        .iter()
        .map(|turn| size_of::<Turn>() + turn.text.len())
        .sum();
    let failures: usize = conversation
        .failed_deliveries
        .iter()
        .map(|failed| size_of::<FailedDelivery>() + failed.text.len() + failed.detail.len())
        .sum();
    let ratings: usize = conversation
        .ratings
        .iter()
        .map(|rating| {
            size_of::<Rating>()
                + rating.agent.as_ref().map_or(0, String::len)
                + rating.team.as_ref().map_or(0, String::len)
                + rating.comment.as_ref().map_or(0, String::len)
        })
        .sum();
    FIXED + conversation.id.as_str().len() + turns + failures + ratings
}

/// Drops the least recently used entries of `map` (by `used`) until at
/// most nine tenths of `max_count` remain and their `size` sums to at most
/// nine tenths of `max_size`, when either limit is passed; returns how
/// many went and the size that remains.
pub(super) fn evict<K: Clone + Eq + Hash, V>(
    map: &mut HashMap<K, V>,
    total_size: usize,
    max_count: usize,
    max_size: usize,
    used: impl Fn(&V) -> i64,
    size: impl Fn(&V) -> usize,
) -> (usize, usize) {
    if map.len() <= max_count && total_size <= max_size {
        return (0, total_size);
    }
    let (count_goal, size_goal) = (max_count - max_count / 10, max_size - max_size / 10);
    let mut by_age: Vec<(i64, K)> = map
        .iter()
        .map(|(key, value)| (used(value), key.clone()))
        .collect();
    by_age.sort_unstable_by_key(|(used, _)| *used);
    let mut remaining = total_size;
    let mut evicted = 0;
    for (_, key) in by_age {
        if map.len() <= count_goal && remaining <= size_goal {
            break;
        }
        if let Some(value) = map.remove(&key) {
            remaining = remaining.saturating_sub(size(&value));
            evicted += 1;
        }
    }
    (evicted, remaining)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_a_limit_the_least_recently_used_go_down_to_nine_tenths() {
        let mut map: HashMap<u32, (i64, usize)> =
            (0..100).map(|n| (n, (i64::from(n), 10))).collect();
        assert_eq!(
            evict(&mut map, 1000, 100, 1000, |v| v.0, |v| v.1),
            (0, 1000)
        );

        let (evicted, remaining) = evict(&mut map, 1000, 50, 10_000, |v| v.0, |v| v.1);
        assert_eq!((evicted, remaining), (55, 450));
        assert!((55..100).all(|n| map.contains_key(&n)), "the newest stay");

        let (evicted, remaining) = evict(&mut map, 450, 1000, 200, |v| v.0, |v| v.1);
        assert_eq!((evicted, remaining), (27, 180));
        assert!(map.contains_key(&99) && !map.contains_key(&81));
    }

    #[test]
    fn a_conversation_weighs_about_its_words() {
        let mut conversation =
            Conversation::new(crate::conversation::ConversationId::new("web", "a").unwrap());
        let empty = footprint(&conversation);
        conversation.record(Turn {
            at_ms: 0,
            speaker: crate::conversation::Speaker::Citizen,
            text: "x".repeat(4000),
            action: None,
            entry_id: None,
        });
        assert!(footprint(&conversation) >= empty + 4000);
    }
}
