//! How long the in-memory handoff state keeps things (the same settings
//! as Redis's TTLs, swept every so many writes), and what it erases and
//! exports of one conversation.

use super::{Inner, MemoryHandoffStore};
use crate::conversation::{ConversationId, now_ms};
use crate::handoff::{HandoffRecord, HandoffRetention, since_of_score};

/// Every this many writes, what has outlived its retention is swept out.
const SWEEP_EVERY: u64 = 256;

fn cutoff(now: i64, ttl: std::time::Duration) -> i64 {
    now.saturating_sub(ttl.as_millis() as i64)
}

impl MemoryHandoffStore {
    pub(super) fn count_write(&self, inner: &mut Inner) {
        inner.writes += 1;
        if inner.writes.is_multiple_of(SWEEP_EVERY) {
            inner.sweep(&self.retention, now_ms());
        }
    }
}

impl Inner {
    /// Drops what has outlived its retention at `now`: histories, outboxes
    /// and incidents by their last write, ratings by their time, queued
    /// cases by their escalation.
    pub(super) fn sweep(&mut self, retention: &HandoffRetention, now: i64) {
        let history = cutoff(now, retention.history_ttl);
        self.histories
            .retain(|_, items| items.back().is_some_and(|item| item.at_ms >= history));
        let outbox = cutoff(now, retention.outbox_ttl);
        self.outboxes.retain(|_, messages| {
            messages
                .last()
                .is_some_and(|message| message.at_ms >= outbox)
        });
        let ratings = cutoff(now, retention.ratings_ttl);
        while self
            .ratings
            .back()
            .is_some_and(|stored| stored.rating.at_ms < ratings)
        {
            self.ratings.pop_back();
        }
        let waiting = cutoff(now, retention.waiting_ttl);
        for queue in self.queues.values_mut() {
            queue.retain(|(score, _)| since_of_score(*score) >= waiting);
        }
        self.queues.retain(|_, queue| !queue.is_empty());
        self.incidents
            .retain(|_, incident| incident.last_activity_ms() >= history);
        let incidents = &self.incidents;
        self.latest_incident
            .retain(|_, latest| incidents.contains_key(latest));
    }

    pub(super) fn incidents_of(&self, id: &ConversationId) -> Vec<String> {
        self.incidents
            .values()
            .filter(|incident| {
                incident
                    .members
                    .iter()
                    .any(|member| member.conversation_id == *id)
            })
            .map(|incident| incident.id.clone())
            .collect()
    }

    pub(super) fn erase(&mut self, id: &ConversationId) {
        self.histories.remove(id);
        self.outboxes.remove(id);
        self.updates.remove(id);
        for queue in self.queues.values_mut() {
            queue.retain(|(_, queued)| queued != id);
        }
        for held in self.held.values_mut() {
            held.remove(id);
        }
        self.ratings.retain(|stored| stored.conversation_id != *id);
        self.sent.retain(|_, (to, _)| to.conversation_id != *id);
    }

    pub(super) fn export(&self, id: &ConversationId) -> HandoffRecord {
        HandoffRecord {
            history: self
                .histories
                .get(id)
                .map(|items| items.iter().cloned().collect())
                .unwrap_or_default(),
            outbox: self.outboxes.get(id).cloned().unwrap_or_default(),
            queues: self
                .queues
                .iter()
                .filter(|(_, queue)| queue.iter().any(|(_, queued)| queued == id))
                .map(|(team, _)| team.clone())
                .collect(),
            held_by: self
                .held
                .iter()
                .filter(|(_, held)| held.contains_key(id))
                .map(|(team, _)| team.clone())
                .collect(),
            incidents: self.incidents_of(id),
            ratings: self
                .ratings
                .iter()
                .filter(|stored| stored.conversation_id == *id)
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::conversation::{Priority, Rating, Speaker};
    use crate::handoff::{HandoffStore, HistoryItem, OutboxMessage, Record, StoredRating};

    fn id(user: &str) -> ConversationId {
        ConversationId::new("web", user).unwrap()
    }

    #[tokio::test]
    async fn everything_kept_runs_out_with_its_retention() {
        let store = MemoryHandoffStore::with_retention(HandoffRetention {
            history_limit: 10,
            history_ttl: Duration::from_secs(100),
            outbox_ttl: Duration::from_secs(200),
            ratings_ttl: Duration::from_secs(300),
            waiting_ttl: Duration::from_secs(400),
        });
        let (old, now) = (now_ms() - 1000 * 1000, now_ms());
        let citizen = id("old");
        store
            .append(
                &citizen,
                &[HistoryItem {
                    at_ms: old,
                    record: Record::Claimed {
                        agent: "sara".to_owned(),
                        team: "t".to_owned(),
                    },
                }],
            )
            .await
            .unwrap();
        let message = OutboxMessage {
            cursor: 0,
            at_ms: old,
            speaker: Speaker::Bot,
            text: "hi".to_owned(),
            buttons: Vec::new(),
        };
        store.push_outbox(&citizen, &message).await.unwrap();
        let rating = StoredRating {
            conversation_id: citizen.clone(),
            rating: Rating {
                agent: Some("sara".to_owned()),
                team: Some("t".to_owned()),
                score: 5,
                at_ms: old,
                comment: Some("thanks".to_owned()),
            },
        };
        store.add_rating(&rating).await.unwrap();
        store
            .enqueue("t", &citizen, Priority::Normal, old)
            .await
            .unwrap();
        let before = store.export(&citizen).await.unwrap();
        assert_eq!(before.queues, ["t"]);
        assert_eq!(
            (
                before.history.len(),
                before.outbox.len(),
                before.ratings.len()
            ),
            (1, 1, 1)
        );
        assert!(store.queue("t").await.unwrap().is_empty(), "past retention");

        store.inner().sweep(&store.retention, now);
        let record = store.export(&citizen).await.unwrap();
        assert!(record.history.is_empty() && record.outbox.is_empty());
        assert!(record.ratings.is_empty() && record.queues.is_empty());
    }
}
