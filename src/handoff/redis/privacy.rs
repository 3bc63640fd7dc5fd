//! Retention of what has no TTL of its own in Redis (ratings in one list,
//! cases in team queues), and erasure and export of everything the handoff
//! state keeps about one conversation, wherever it is: its own keys, the
//! team queues, the incidents, the ratings.

use std::sync::LazyLock;

use super::{RedisHandoffStore, json, ms, parse};
use crate::conversation::{ConversationId, now_ms};
use crate::handoff::{
    HandoffRecord, HandoffStore, MAX_STORED_RATINGS, NORMAL_OFFSET, StoredRating,
};
use crate::state::StoreError;

/// Adds a rating (newest first), keeps the last `MAX_STORED_RATINGS` and
/// none from before the cut-off, and sets the list's TTL.
/// KEYS: ratings. ARGV: rating JSON, ratings kept, cut-off ms, TTL ms.
static KEEP_RATING: LazyLock<::redis::Script> =
    LazyLock::new(|| ::redis::Script::new(include_str!("keep_rating.lua")));

/// The conversation's keys that only it uses.
const OWN_KEYS: &[&str] = &["history", "outbox", "waiting-update"];

impl RedisHandoffStore {
    pub(super) async fn keep_rating(&self, rating: &StoredRating) -> Result<(), StoreError> {
        let ttl = self.retention.ratings_ttl;
        let mut keep = KEEP_RATING.prepare_invoke();
        keep.key(self.store.global_key("ratings"))
            .arg(json(rating)?)
            .arg(MAX_STORED_RATINGS)
            .arg(now_ms() - ttl.as_millis() as i64)
            .arg(ms(ttl));
        self.store.invoke::<i64>(&keep).await.map(drop)
    }

    /// Adds to `pipe` the removal of the cases of queue `key` escalated
    /// longer than `retention.waiting_ttl` ago, in both priority bands.
    pub(super) fn drop_unclaimed(&self, pipe: &mut ::redis::Pipeline, key: &str) {
        let cutoff = now_ms() - self.retention.waiting_ttl.as_millis() as i64;
        pipe.cmd("ZREMRANGEBYSCORE")
            .arg(key)
            .arg("-inf")
            .arg(format!("({cutoff}"))
            .ignore()
            .cmd("ZREMRANGEBYSCORE")
            .arg(key)
            .arg(NORMAL_OFFSET)
            .arg(format!("({}", NORMAL_OFFSET + cutoff))
            .ignore();
    }

    /// The teams whose queue holds the conversation.
    async fn queues_of(&self, id: &ConversationId) -> Result<Vec<String>, StoreError> {
        let prefix = self.store.global_key("team:");
        self.sets_holding(&prefix, ":queue", id).await
    }

    /// The teams one of whose agents has the conversation.
    async fn holders_of(&self, id: &ConversationId) -> Result<Vec<String>, StoreError> {
        let prefix = self.store.global_key("team:");
        self.sets_holding(&prefix, ":held", id).await
    }

    /// The incidents the conversation is a member of.
    async fn incidents_of(&self, id: &ConversationId) -> Result<Vec<String>, StoreError> {
        let prefix = self.incidents_key("incident:");
        self.sets_holding(&prefix, ":members", id).await
    }

    /// The `<name>`s of the sorted sets `<prefix><name><suffix>` that hold
    /// the conversation.
    async fn sets_holding(
        &self,
        prefix: &str,
        suffix: &str,
        id: &ConversationId,
    ) -> Result<Vec<String>, StoreError> {
        let keys = self.store.scan(prefix, &format!("*{suffix}")).await?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut pipe = ::redis::pipe();
        for key in &keys {
            pipe.zscore(key, id.as_str());
        }
        let scores: Vec<Option<f64>> = self.store.query(&pipe).await?;
        Ok(keys
            .iter()
            .zip(scores)
            .filter(|(_, score)| score.is_some())
            .filter_map(|(key, _)| key.strip_prefix(prefix)?.strip_suffix(suffix))
            .map(str::to_owned)
            .collect())
    }

    /// The stored ratings (as stored, and read) of the conversation.
    async fn ratings_of(
        &self,
        id: &ConversationId,
    ) -> Result<Vec<(String, StoredRating)>, StoreError> {
        let (lines,): (Vec<String>,) = self
            .store
            .query(::redis::pipe().lrange(self.store.global_key("ratings"), 0, -1))
            .await?;
        let mut found = Vec::new();
        for line in lines {
            let rating: StoredRating = parse("rating", &line)?;
            if rating.conversation_id == *id {
                found.push((line, rating));
            }
        }
        Ok(found)
    }

    pub(super) async fn erase_all(&self, id: &ConversationId) -> Result<(), StoreError> {
        for incident in self.incidents_of(id).await? {
            self.leave(&incident, id).await?;
        }
        self.forget_sent(id).await?;
        let mut pipe = ::redis::pipe();
        for name in OWN_KEYS {
            pipe.del(self.store.conversation_key(id, name)).ignore();
        }
        for team in self.queues_of(id).await? {
            pipe.zrem(self.queue_key(&team), id.as_str()).ignore();
        }
        for team in self.holders_of(id).await? {
            pipe.zrem(self.held_key(&team), id.as_str()).ignore();
        }
        let ratings = self.store.global_key("ratings");
        for (line, _) in self.ratings_of(id).await? {
            pipe.lrem(&ratings, 0, line).ignore();
        }
        self.store.query::<()>(&pipe).await
    }

    pub(super) async fn export_all(
        &self,
        id: &ConversationId,
    ) -> Result<HandoffRecord, StoreError> {
        Ok(HandoffRecord {
            history: self.history(id).await?,
            outbox: self.outbox(id, 0).await?,
            queues: self.queues_of(id).await?,
            held_by: self.holders_of(id).await?,
            incidents: self.incidents_of(id).await?,
            ratings: self
                .ratings_of(id)
                .await?
                .into_iter()
                .map(|(_, rating)| rating)
                .collect(),
        })
    }
}
