//! Handoff state in Redis, beside the conversations of `state/redis.rs`
//! and over its connection. With that file, the only one that knows Redis
//! keys; ARCHITECTURE.md lists them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt;
use tokio::sync::{Mutex, broadcast};

use super::{
    EVENT_BUFFER, Event, HandoffStore, HistoryItem, Incident, IncidentKey, IncidentStatus,
    IncidentUpdate, IncidentWrite, MAX_STORED_RATINGS, Member, OutboxMessage, PICKUPS_KEPT, Queued,
    Report, StoredRating, queue_score, since_of_score,
};
use crate::conversation::{ConversationId, Priority};
use crate::kb::EntryId;
use crate::state::{RedisStore, StoreError};

pub struct RedisHandoffStore {
    store: RedisStore,
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

/// Joins the live incident of a key or opens one: the decision and the
/// write in one step, so two instances receiving reports at once open one
/// incident. Incident keys share the `{incidents}` slot; the script builds
/// the incident's keys from its id (ARGV[1] is their common prefix).
static REPORT: LazyLock<::redis::Script> = LazyLock::new(|| {
    ::redis::Script::new(
        r"
local now = tonumber(ARGV[6])
local id = redis.call('GET', KEYS[1])
if id then
  local key = ARGV[1] .. id
  local status = redis.call('HGET', key, 'status')
  local active = tonumber(redis.call('HGET', key, 'active_ms') or '0')
  if status ~= 'open' or now - active > tonumber(ARGV[7]) then id = false end
end
local opened = 0
if not id then
  id = 'inc-' .. redis.call('INCR', KEYS[2])
  redis.call('HSET', ARGV[1] .. id, 'team', ARGV[2], 'entry_id', ARGV[3], 'area', ARGV[4],
    'status', 'open', 'opened_ms', ARGV[6], 'last_report_ms', ARGV[6], 'active_ms', ARGV[6],
    'open_key', KEYS[1])
  redis.call('SET', KEYS[1], id)
  redis.call('ZADD', KEYS[3], now, id)
  opened = 1
else
  local key = ARGV[1] .. id
  if now > tonumber(redis.call('HGET', key, 'last_report_ms')) then
    redis.call('HSET', key, 'last_report_ms', ARGV[6])
  end
  if now > tonumber(redis.call('HGET', key, 'active_ms')) then
    redis.call('HSET', key, 'active_ms', ARGV[6])
  end
end
local key = ARGV[1] .. id
redis.call('ZADD', key .. ':members', 'NX', now, ARGV[5])
for _, name in ipairs({key, key .. ':members', key .. ':updates', KEYS[1], KEYS[3]}) do
  redis.call('PEXPIRE', name, ARGV[8])
end
return {id, opened}
",
    )
});

/// Adds a status update to an open incident: 0 unknown, 1 resolved, 2 done.
static UPDATE: LazyLock<::redis::Script> = LazyLock::new(|| {
    ::redis::Script::new(
        r"
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if status ~= 'open' then return 1 end
redis.call('RPUSH', KEYS[2], ARGV[1])
if tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[1], 'active_ms')) then
  redis.call('HSET', KEYS[1], 'active_ms', ARGV[2])
end
for _, name in ipairs({KEYS[1], KEYS[2], KEYS[3]}) do redis.call('PEXPIRE', name, ARGV[3]) end
return 2
",
    )
});

/// Resolves an open incident: 0 unknown, 1 already resolved, 2 done. Its
/// key no longer points at it, so the next report opens a new one.
static RESOLVE: LazyLock<::redis::Script> = LazyLock::new(|| {
    ::redis::Script::new(
        r"
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if status ~= 'open' then return 1 end
redis.call('HSET', KEYS[1], 'status', 'resolved', 'resolved_ms', ARGV[2], 'resolved_by', ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[3])
local open_key = redis.call('HGET', KEYS[1], 'open_key')
if open_key and redis.call('GET', open_key) == ARGV[3] then redis.call('DEL', open_key) end
return 2
",
    )
});

/// Takes a member out: 0 not a member, 1 left, 2 left and the incident,
/// now empty, was dropped.
static LEAVE: LazyLock<::redis::Script> = LazyLock::new(|| {
    ::redis::Script::new(
        r"
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
if redis.call('ZCARD', KEYS[2]) > 0 then return 1 end
local open_key = redis.call('HGET', KEYS[1], 'open_key')
if open_key and redis.call('GET', open_key) == ARGV[2] then redis.call('DEL', open_key) end
redis.call('ZREM', KEYS[4], ARGV[2])
redis.call('DEL', KEYS[1], KEYS[3])
return 2
",
    )
});

/// An incident's hash, its members with when they joined, and its updates.
type StoredIncident = (HashMap<String, String>, Vec<(String, i64)>, Vec<String>);

/// `%`, `{` and `}` escaped, so that a name cannot end the hash tag.
fn key_part(raw: &str) -> String {
    raw.replace('%', "%25")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

impl RedisHandoffStore {
    pub fn new(store: RedisStore, history_limit: usize, ttl: Duration) -> Self {
        Self {
            store,
            history_limit: history_limit.max(1),
            ttl_ms: (ttl.as_millis() as u64).max(1),
            relay: Mutex::new(None),
        }
    }

    fn queue_key(&self, team: &str) -> String {
        self.store.global_key(&format!("team:{team}:queue"))
    }

    fn pickups_key(&self, team: &str) -> String {
        self.store.global_key(&format!("team:{team}:pickups"))
    }

    /// `P{incidents}:...`: every incident key in one slot, so that the
    /// scripts may touch them together.
    fn incidents_key(&self, name: &str) -> String {
        self.store.global_key(&format!("{{incidents}}:{name}"))
    }

    fn incident_key(&self, id: &str) -> String {
        self.incidents_key(&format!("incident:{}", key_part(id)))
    }

    fn team_incidents_key(&self, team: &str) -> String {
        self.incidents_key(&format!("team:{}:open", key_part(team)))
    }

    fn latest_incident_key(&self, key: &IncidentKey) -> String {
        self.incidents_key(&format!(
            "latest:{}:{}:{}",
            key_part(&key.team),
            key.entry_id.as_str(),
            key.area
                .as_ref()
                .map_or_else(|| "-".to_owned(), |area| key_part(&area.id))
        ))
    }

    async fn load_incident(&self, id: &str) -> Result<Option<Incident>, StoreError> {
        let key = self.incident_key(id);
        let (fields, members, updates): StoredIncident = self
            .store
            .query(
                ::redis::pipe()
                    .hgetall(&key)
                    .zrange_withscores(format!("{key}:members"), 0, -1)
                    .lrange(format!("{key}:updates"), 0, -1),
            )
            .await?;
        if fields.is_empty() {
            return Ok(None);
        }
        let field = |name: &str| {
            fields
                .get(name)
                .ok_or_else(|| StoreError::Corrupt(format!("incident {id} has no {name}")))
        };
        let number = |name: &str| -> Result<i64, StoreError> {
            field(name)?
                .parse()
                .map_err(|err| StoreError::Corrupt(format!("incident {id} {name}: {err}")))
        };
        let optional = |name: &str| fields.get(name).filter(|value| !value.is_empty());
        Ok(Some(Incident {
            id: id.to_owned(),
            team: field("team")?.clone(),
            entry_id: EntryId::parse(field("entry_id")?)
                .map_err(|err| StoreError::Corrupt(format!("incident {id} entry: {err}")))?,
            area: optional("area")
                .map(|raw| parse("incident area", raw))
                .transpose()?,
            status: match field("status")?.as_str() {
                "open" => IncidentStatus::Open,
                _ => IncidentStatus::Resolved,
            },
            opened_ms: number("opened_ms")?,
            last_report_ms: number("last_report_ms")?,
            members: members
                .into_iter()
                .map(|(member, joined_ms)| {
                    ConversationId::try_from(member)
                        .map(|conversation_id| Member {
                            conversation_id,
                            joined_ms,
                        })
                        .map_err(StoreError::Corrupt)
                })
                .collect::<Result<_, _>>()?,
            updates: updates
                .iter()
                .map(|raw| parse("incident update", raw))
                .collect::<Result<_, _>>()?,
            resolved_ms: optional("resolved_ms")
                .map(|raw| raw.parse())
                .transpose()
                .map_err(|err| StoreError::Corrupt(format!("incident {id} resolved_ms: {err}")))?,
            resolved_by: optional("resolved_by").cloned(),
        }))
    }

    async fn written(&self, id: &str, outcome: i64) -> Result<IncidentWrite, StoreError> {
        let incident = self.load_incident(id).await?;
        Ok(match (outcome, incident) {
            (0, _) | (_, None) => IncidentWrite::Missing,
            (1, Some(incident)) => IncidentWrite::Resolved(incident),
            (_, Some(incident)) => IncidentWrite::Done(incident),
        })
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
        let (rank,): (Option<usize>,) = self
            .store
            .query(
                ::redis::pipe()
                    .atomic()
                    .zadd(&key, id.as_str(), queue_score(priority, since_ms))
                    .ignore()
                    .zrank(&key, id.as_str()),
            )
            .await?;
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
        let (members,): (Vec<(String, f64)>,) = self
            .store
            .query(::redis::pipe().zrange_withscores(self.queue_key(team), 0, -1))
            .await?;
        members
            .into_iter()
            .map(|(member, score)| {
                let id = ConversationId::try_from(member)
                    .map_err(|err| StoreError::Corrupt(err.to_string()))?;
                Ok(Queued {
                    id,
                    since_ms: since_of_score(score),
                })
            })
            .collect()
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
                    .pexpire(&key, self.ttl_ms as i64)
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
        let key = self.store.global_key("ratings");
        self.store
            .query::<()>(
                ::redis::pipe()
                    .atomic()
                    .lpush(&key, json(rating)?)
                    .ignore()
                    .ltrim(&key, 0, MAX_STORED_RATINGS as isize - 1)
                    .ignore(),
            )
            .await
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
        let (taken,): (Option<String>,) = self
            .store
            .query(
                ::redis::pipe()
                    .cmd("SET")
                    .arg(self.store.conversation_key(id, "waiting-update"))
                    .arg(1)
                    .arg("NX")
                    .arg("PX")
                    .arg((every.as_millis() as u64).max(1)),
            )
            .await?;
        Ok(taken.is_some())
    }

    async fn report_incident(
        &self,
        key: &IncidentKey,
        member: &ConversationId,
        window_ms: i64,
        now_ms: i64,
    ) -> Result<Report, StoreError> {
        let area = key.area.as_ref().map(json).transpose()?.unwrap_or_default();
        let mut report = REPORT.prepare_invoke();
        report
            .key(self.latest_incident_key(key))
            .key(self.incidents_key("serial"))
            .key(self.team_incidents_key(&key.team))
            .arg(self.incident_key(""))
            .arg(&key.team)
            .arg(key.entry_id.as_str())
            .arg(area)
            .arg(member.as_str())
            .arg(now_ms)
            .arg(window_ms)
            .arg(self.ttl_ms);
        let (id, opened): (String, i64) = self.store.invoke(&report).await?;
        let incident = self
            .load_incident(&id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("incident {id} vanished")))?;
        Ok(Report {
            incident,
            opened: opened == 1,
        })
    }

    async fn incident(&self, id: &str) -> Result<Option<Incident>, StoreError> {
        self.load_incident(id).await
    }

    async fn open_incidents(&self, team: &str) -> Result<Vec<Incident>, StoreError> {
        let (ids,): (Vec<String>,) = self
            .store
            .query(::redis::pipe().zrange(self.team_incidents_key(team), 0, -1))
            .await?;
        let mut open = Vec::with_capacity(ids.len());
        for id in ids {
            // Expired with the history TTL: nothing to show.
            if let Some(incident) = self.load_incident(&id).await?
                && incident.is_open()
            {
                open.push(incident);
            }
        }
        Ok(open)
    }

    async fn post_incident_update(
        &self,
        id: &str,
        update: &IncidentUpdate,
    ) -> Result<IncidentWrite, StoreError> {
        let key = self.incident_key(id);
        let mut post = UPDATE.prepare_invoke();
        post.key(&key)
            .key(format!("{key}:updates"))
            .key(format!("{key}:members"))
            .arg(json(update)?)
            .arg(update.at_ms)
            .arg(self.ttl_ms);
        let outcome: i64 = self.store.invoke(&post).await?;
        self.written(id, outcome).await
    }

    async fn resolve_incident(
        &self,
        id: &str,
        agent: &str,
        now_ms: i64,
    ) -> Result<IncidentWrite, StoreError> {
        let key = self.incident_key(id);
        let team: (Option<String>,) = self.store.query(::redis::pipe().hget(&key, "team")).await?;
        let Some(team) = team.0 else {
            return Ok(IncidentWrite::Missing);
        };
        let mut resolve = RESOLVE.prepare_invoke();
        resolve
            .key(&key)
            .key(self.team_incidents_key(&team))
            .arg(agent)
            .arg(now_ms)
            .arg(id);
        let outcome: i64 = self.store.invoke(&resolve).await?;
        self.written(id, outcome).await
    }

    async fn leave_incident(
        &self,
        id: &str,
        member: &ConversationId,
    ) -> Result<Option<Incident>, StoreError> {
        let key = self.incident_key(id);
        let team: (Option<String>,) = self.store.query(::redis::pipe().hget(&key, "team")).await?;
        let Some(team) = team.0 else {
            return Ok(None);
        };
        let mut leave = LEAVE.prepare_invoke();
        leave
            .key(&key)
            .key(format!("{key}:members"))
            .key(format!("{key}:updates"))
            .key(self.team_incidents_key(&team))
            .arg(member.as_str())
            .arg(id);
        let _: i64 = self.store.invoke(&leave).await?;
        self.load_incident(id).await
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
