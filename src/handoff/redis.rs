//! Handoff state in Redis, beside the conversations of `state/redis.rs`
//! and over its connection; incidents are in `incidents`. With `P` the key
//! prefix and `{C}` a conversation's hash tag (`state/redis/keys.rs`):
//!
//! | key | type | holds | lifetime |
//! |---|---|---|---|
//! | `P{C}:history` | list | the full history agents read (`HistoryItem` JSON, oldest first): messages from the first escalation on, and escalated / claimed / resolved / rated | the last `handoff.history_limit` items; `handoff.history_ttl_secs` from the last write |
//! | `P{C}:outbox` | list | what was sent a web-chat citizen after their turn (`OutboxMessage` JSON); a message's cursor is its position | `retention.outbox_secs` from the last write; never trimmed, so cursors stay valid |
//! | `P{C}:waiting-update` | string | an instance sent (or is sending) this waiting citizen their update (`SET NX PX`) | `handoff.unclaimed_update_secs` |
//! | `Pteam:<team>:queue` | sorted set | the team's waiting conversations, urgent first (normal cases add 2^50), then by escalation time (ms) | members leave when claimed, or `retention.waiting_secs` after their escalation; the key as long after the last |
//! | `Pteam:<team>:held` | sorted set | the team's cases that an agent has, by when they took it (ms) | members leave when resolved, transferred or returned; with the conversation's erasure |
//! | `Pteam:<team>:pickups` | list | the team's last pickup times (ms from escalation to claim), newest first: the wait estimate | `handoff.history_ttl_secs` from the last claim |
//! | `Pteam:<team>:assignment-cursor` | string | the team's round-robin cursor of automatic assignment (`INCR`) | staff data, kept |
//! | `Passignment-lock` | string | the instance giving out cases now (a random token; `SET NX PX`) | a few seconds, or until it lets go |
//! | `Ppresence` | hash | agent name -> their availability (`Presence` JSON) | staff data, kept until changed |
//! | `Pratings` | list | ratings (`StoredRating` JSON), newest first | the last 10 000, none older than `retention.ratings_secs`; the key as long after the last |
//! | `Pevents` | pub/sub channel | live events (`Event` JSON) for agents' consoles on every instance | not stored |
//!
//! Pub/sub is at most once: a console that was disconnected reloads.

mod assignment;
mod incidents;
mod privacy;
mod sent;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use tokio::sync::{Mutex, broadcast};

use super::{
    EVENT_BUFFER, Event, HandoffRecord, HandoffRetention, HandoffStore, Held, HistoryItem,
    Incident, IncidentKey, IncidentUpdate, IncidentWrite, OutboxMessage, PICKUPS_KEPT, Presence,
    Queued, Report, SentTo, StoredRating, queue_score,
};
use crate::conversation::{ConversationId, Priority};
use crate::state::{RedisStore, StoreError};

pub struct RedisHandoffStore {
    store: RedisStore,
    retention: HandoffRetention,
    history_limit: usize,
    ttl_ms: u64,
    /// This instance's relay of the events channel, started by the first
    /// subscriber and restarted when its connection dropped.
    relay: Mutex<Option<Relay>>,
}

struct Relay {
    sender: broadcast::Sender<Event>,
    alive: Arc<AtomicBool>,
}

fn json(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|err| StoreError::Corrupt(err.to_string()))
}

fn parse<T: serde::de::DeserializeOwned>(what: &str, raw: &str) -> Result<T, StoreError> {
    serde_json::from_str(raw).map_err(|err| StoreError::Corrupt(format!("{what}: {err}")))
}

/// A TTL in whole milliseconds, at least one.
fn ms(duration: Duration) -> u64 {
    (duration.as_millis() as u64).max(1)
}

impl RedisHandoffStore {
    /// Sets `key` to `value` for `ttl` unless it is set (`SET NX PX`):
    /// whether this instance took the turn or the lock it stands for.
    async fn set_if_absent(
        &self,
        key: String,
        value: &str,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let (taken,): (Option<String>,) = self
            .store
            .query(
                ::redis::pipe()
                    .cmd("SET")
                    .arg(key)
                    .arg(value)
                    .arg("NX")
                    .arg("PX")
                    .arg((ttl.as_millis() as u64).max(1)),
            )
            .await?;
        Ok(taken.is_some())
    }

    /// Keeps `history_limit` events per history, and everything for `ttl`
    /// after its last write, but ratings and unclaimed cases, which keep
    /// the defaults of [`HandoffRetention::new`].
    pub fn new(store: RedisStore, history_limit: usize, ttl: Duration) -> Self {
        Self::with_retention(store, HandoffRetention::new(history_limit, ttl))
    }

    pub fn with_retention(store: RedisStore, retention: HandoffRetention) -> Self {
        Self {
            store,
            history_limit: retention.history_limit,
            ttl_ms: ms(retention.history_ttl),
            retention,
            relay: Mutex::new(None),
        }
    }

    fn queue_key(&self, team: &str) -> String {
        self.store.global_key(&format!("team:{team}:queue"))
    }

    fn held_key(&self, team: &str) -> String {
        self.store.global_key(&format!("team:{team}:held"))
    }

    fn pickups_key(&self, team: &str) -> String {
        self.store.global_key(&format!("team:{team}:pickups"))
    }

    fn events_channel(&self) -> String {
        self.store.global_key("events")
    }

    async fn start_relay(&self) -> Result<Relay, StoreError> {
        let mut pubsub = self.store.pubsub().await?;
        pubsub
            .subscribe(self.events_channel())
            .await
            .map_err(|err| StoreError::Unavailable(format!("redis: {err}")))?;
        let sender = broadcast::channel(EVENT_BUFFER).0;
        let alive = Arc::new(AtomicBool::new(true));
        let (relay_sender, relay_alive) = (sender.clone(), alive.clone());
        tokio::spawn(async move {
            let mut messages = pubsub.into_on_message();
            while let Some(message) = messages.next().await {
                let event = message
                    .get_payload::<String>()
                    .map_err(|err| StoreError::Corrupt(err.to_string()))
                    .and_then(|raw| parse::<Event>("event", &raw));
                match event {
                    Ok(event) => {
                        let _ = relay_sender.send(event);
                    }
                    Err(err) => tracing::warn!(error = %err, "an event could not be read"),
                }
            }
            tracing::warn!("the events subscription ended; the next subscriber renews it");
            relay_alive.store(false, Ordering::Relaxed);
        });
        Ok(Relay { sender, alive })
    }
}

#[async_trait]
impl HandoffStore for RedisHandoffStore {
    async fn enqueue(
        &self,
        team: &str,
        id: &ConversationId,
        priority: Priority,
        since_ms: i64,
    ) -> Result<usize, StoreError> {
        let key = self.queue_key(team);
        let mut pipe = ::redis::pipe();
        pipe.atomic()
            .zadd(&key, id.as_str(), queue_score(priority, since_ms))
            .ignore()
            .pexpire(&key, ms(self.retention.waiting_ttl) as i64)
            .ignore();
        self.drop_unclaimed(&mut pipe, &key);
        let (rank,): (Option<usize>,) = self.store.query(pipe.zrank(&key, id.as_str())).await?;
        Ok(rank.unwrap_or_default() + 1)
    }

    async fn dequeue(&self, team: &str, id: &ConversationId) -> Result<(), StoreError> {
        self.store
            .query::<()>(
                ::redis::pipe()
                    .zrem(self.queue_key(team), id.as_str())
                    .ignore(),
            )
            .await
    }

    async fn queue(&self, team: &str) -> Result<Vec<Queued>, StoreError> {
        let key = self.queue_key(team);
        let mut pipe = ::redis::pipe();
        pipe.atomic();
        self.drop_unclaimed(&mut pipe, &key);
        let (members,): (Vec<(String, f64)>,) = self
            .store
            .query(pipe.zrange_withscores(&key, 0, -1))
            .await?;
        members
            .into_iter()
            .map(|(member, score)| {
                let id = ConversationId::try_from(member)
                    .map_err(|err| StoreError::Corrupt(err.to_string()))?;
                Ok(Queued::from_score(id, score))
            })
            .collect()
    }

    async fn hold(&self, team: &str, id: &ConversationId, at_ms: i64) -> Result<(), StoreError> {
        self.store
            .query::<()>(
                ::redis::pipe()
                    .zadd(self.held_key(team), id.as_str(), at_ms)
                    .ignore(),
            )
            .await
    }

    async fn release(&self, team: &str, id: &ConversationId) -> Result<(), StoreError> {
        self.store
            .query::<()>(
                ::redis::pipe()
                    .zrem(self.held_key(team), id.as_str())
                    .ignore(),
            )
            .await
    }

    async fn held(&self, team: &str) -> Result<Vec<Held>, StoreError> {
        let (members,): (Vec<(String, i64)>,) = self
            .store
            .query(::redis::pipe().zrange_withscores(self.held_key(team), 0, -1))
            .await?;
        members
            .into_iter()
            .map(|(member, since_ms)| {
                let id = ConversationId::try_from(member)
                    .map_err(|err| StoreError::Corrupt(err.to_string()))?;
                Ok(Held { id, since_ms })
            })
            .collect()
    }

    async fn set_presence(&self, presence: &Presence) -> Result<(), StoreError> {
        self.store
            .query::<()>(
                ::redis::pipe()
                    .hset(
                        self.store.global_key("presence"),
                        &presence.agent,
                        json(presence)?,
                    )
                    .ignore(),
            )
            .await
    }

    async fn presences(&self) -> Result<Vec<Presence>, StoreError> {
        let (entries,): (Vec<(String, String)>,) = self
            .store
            .query(::redis::pipe().hgetall(self.store.global_key("presence")))
            .await?;
        let mut presences = entries
            .iter()
            .map(|(_, raw)| parse::<Presence>("presence", raw))
            .collect::<Result<Vec<_>, _>>()?;
        presences.sort_by(|a, b| a.agent.cmp(&b.agent));
        Ok(presences)
    }

    async fn record_pickup(&self, team: &str, waited_ms: i64) -> Result<(), StoreError> {
        let key = self.pickups_key(team);
        self.store
            .query::<()>(
                ::redis::pipe()
                    .atomic()
                    .lpush(&key, waited_ms)
                    .ignore()
                    .ltrim(&key, 0, PICKUPS_KEPT as isize - 1)
                    .ignore()
                    .pexpire(&key, self.ttl_ms as i64)
                    .ignore(),
            )
            .await
    }

    async fn pickups(&self, team: &str) -> Result<Vec<i64>, StoreError> {
        let (pickups,): (Vec<i64>,) = self
            .store
            .query(::redis::pipe().lrange(self.pickups_key(team), 0, -1))
            .await?;
        Ok(pickups)
    }

    async fn append(&self, id: &ConversationId, items: &[HistoryItem]) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        let key = self.store.conversation_key(id, "history");
        let lines = items.iter().map(json).collect::<Result<Vec<_>, _>>()?;
        self.store
            .query::<()>(
                ::redis::pipe()
                    .atomic()
                    .rpush(&key, lines)
                    .ignore()
                    .ltrim(&key, -(self.history_limit as isize), -1)
                    .ignore()
                    .pexpire(&key, self.ttl_ms as i64)
                    .ignore(),
            )
            .await
    }

    async fn history(&self, id: &ConversationId) -> Result<Vec<HistoryItem>, StoreError> {
        let (lines,): (Vec<String>,) = self
            .store
            .query(::redis::pipe().lrange(self.store.conversation_key(id, "history"), 0, -1))
            .await?;
        lines.iter().map(|line| parse("history", line)).collect()
    }

    async fn push_outbox(
        &self,
        id: &ConversationId,
        message: &OutboxMessage,
    ) -> Result<u64, StoreError> {
        let key = self.store.conversation_key(id, "outbox");
        // Never trimmed (the TTL bounds it), so a message's cursor is its
        // position in the list.
        let (cursor,): (u64,) = self
            .store
            .query(
                ::redis::pipe()
                    .atomic()
                    .rpush(&key, json(message)?)
                    .pexpire(&key, ms(self.retention.outbox_ttl) as i64)
                    .ignore(),
            )
            .await?;
        Ok(cursor)
    }

    async fn outbox(
        &self,
        id: &ConversationId,
        after: u64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let start = isize::try_from(after).unwrap_or(isize::MAX);
        let (lines,): (Vec<String>,) = self
            .store
            .query(::redis::pipe().lrange(self.store.conversation_key(id, "outbox"), start, -1))
            .await?;
        lines
            .iter()
            .zip(after + 1..)
            .map(|(line, cursor)| {
                parse::<OutboxMessage>("outbox", line)
                    .map(|message| OutboxMessage { cursor, ..message })
            })
            .collect()
    }

    async fn add_rating(&self, rating: &StoredRating) -> Result<(), StoreError> {
        self.keep_rating(rating).await
    }

    async fn ratings(&self) -> Result<Vec<StoredRating>, StoreError> {
        let (lines,): (Vec<String>,) = self
            .store
            .query(::redis::pipe().lrange(self.store.global_key("ratings"), 0, -1))
            .await?;
        lines.iter().map(|line| parse("rating", line)).collect()
    }

    async fn publish(&self, event: &Event) -> Result<(), StoreError> {
        self.store
            .query::<()>(
                ::redis::pipe()
                    .publish(self.events_channel(), json(event)?)
                    .ignore(),
            )
            .await
    }

    async fn take_update_turn(
        &self,
        id: &ConversationId,
        every: Duration,
    ) -> Result<bool, StoreError> {
        self.set_if_absent(
            self.store.conversation_key(id, "waiting-update"),
            "1",
            every,
        )
        .await
    }

    async fn report_incident(
        &self,
        key: &IncidentKey,
        member: &ConversationId,
        window_ms: i64,
        now_ms: i64,
    ) -> Result<Report, StoreError> {
        self.report(key, member, window_ms, now_ms).await
    }

    async fn incident(&self, id: &str) -> Result<Option<Incident>, StoreError> {
        self.load_incident(id).await
    }

    async fn open_incidents(&self, team: &str) -> Result<Vec<Incident>, StoreError> {
        self.open(team).await
    }

    async fn post_incident_update(
        &self,
        id: &str,
        update: &IncidentUpdate,
    ) -> Result<IncidentWrite, StoreError> {
        self.update(id, update).await
    }

    async fn resolve_incident(
        &self,
        id: &str,
        agent: &str,
        now_ms: i64,
    ) -> Result<IncidentWrite, StoreError> {
        self.resolve(id, agent, now_ms).await
    }

    async fn leave_incident(
        &self,
        id: &str,
        member: &ConversationId,
    ) -> Result<Option<Incident>, StoreError> {
        self.leave(id, member).await
    }

    async fn erase(&self, id: &ConversationId) -> Result<(), StoreError> {
        self.erase_all(id).await
    }

    async fn export(&self, id: &ConversationId) -> Result<HandoffRecord, StoreError> {
        self.export_all(id).await
    }

    async fn lock_assignment(&self, token: &str, ttl: Duration) -> Result<bool, StoreError> {
        self.take_assignment_lock(token, ttl).await
    }

    async fn unlock_assignment(&self, token: &str) -> Result<(), StoreError> {
        self.drop_assignment_lock(token).await
    }

    async fn next_assignment(&self, team: &str) -> Result<u64, StoreError> {
        self.advance_assignment_cursor(team).await
    }

    async fn remember_sent(
        &self,
        id: &ConversationId,
        team: &str,
        message_ids: &[String],
    ) -> Result<(), StoreError> {
        self.remember_sent_ids(id, team, message_ids).await
    }

    async fn sent_to(&self, message_id: &str) -> Result<Option<SentTo>, StoreError> {
        self.find_sent(message_id).await
    }

    async fn subscribe(&self) -> Result<broadcast::Receiver<Event>, StoreError> {
        let mut relay = self.relay.lock().await;
        if let Some(running) = relay.as_ref().filter(|r| r.alive.load(Ordering::Relaxed)) {
            return Ok(running.sender.subscribe());
        }
        let started = self.start_relay().await?;
        let receiver = started.sender.subscribe();
        *relay = Some(started);
        Ok(receiver)
    }
}
