//! Human handoff, the humans' side of a conversation: teams and their
//! hours (`teams`, `hours`), what a bot turn does for them (`desk`: queue
//! an escalation, relay a citizen's message, store a rating, group urgent
//! reports into outage incidents), and the state agents read: queues, full
//! histories, web-chat outboxes, ratings, incidents and live events.
//!
//! State lives behind [`HandoffStore`], in memory (one process, the
//! default) or in Redis (`REDIS_URL`), beside the conversations of
//! `state/`. What agents do is in `agents/`; a change to a conversation
//! goes through the pipeline's lease like any turn, and the agents hear of
//! it ([`Announcements`]) only once it is committed.

mod announcements;
mod desk;
mod hours;
mod incidents;
mod memory;
mod record;
mod redis;
pub mod sla;
mod teams;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

pub use announcements::Announcements;
pub use desk::{Desk, EntryTitle, TurnStart};
pub use hours::Opening;
pub use incidents::{
    Incident, IncidentChange, IncidentEvent, IncidentId, IncidentKey, IncidentStatus,
    IncidentUpdate, IncidentWrite, Member, Report,
};
pub use memory::MemoryHandoffStore;
pub use record::{
    AlertEventData, ConversationEvent, Event, HistoryItem, IncidentEventData, Record,
};
pub use redis::RedisHandoffStore;
pub use sla::SlaStatus;
pub use teams::{Agent, Placement, Teams};

use crate::conversation::{ConversationId, Priority, Rating, Speaker};
use crate::message::Button;
use crate::state::StoreError;

/// A message an agent (or the bot, on resolve) sent to a web-chat citizen,
/// for `GET /api/v1/conversations/{id}/messages?after=<cursor>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Position in the outbox, from 1: the next `after`.
    #[serde(default)]
    pub cursor: u64,
    pub at_ms: i64,
    pub speaker: Speaker,
    pub text: String,
    #[serde(default)]
    pub buttons: Vec<Button>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRating {
    pub conversation_id: ConversationId,
    #[serde(flatten)]
    pub rating: Rating,
}

/// Everything the handoff state keeps about one conversation, for an
/// export.
#[derive(Debug, Default, Serialize)]
pub struct HandoffRecord {
    pub history: Vec<HistoryItem>,
    pub outbox: Vec<OutboxMessage>,
    /// The teams whose queue it waits in.
    pub queues: Vec<String>,
    /// The teams one of whose agents has it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub held_by: Vec<String>,
    /// The outage incidents it is a member of.
    pub incidents: Vec<String>,
    pub ratings: Vec<StoredRating>,
}

/// How long, and how much, the handoff state keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandoffRetention {
    /// Events kept in a conversation's history (the oldest go first).
    pub history_limit: usize,
    /// Histories, pickup times and incidents, from their last write.
    pub history_ttl: std::time::Duration,
    /// Web-chat outboxes, from their last message.
    pub outbox_ttl: std::time::Duration,
    /// Ratings and their comments.
    pub ratings_ttl: std::time::Duration,
    /// Cases nobody claimed, from their escalation.
    pub waiting_ttl: std::time::Duration,
}

impl HandoffRetention {
    /// `history_limit` and `history_ttl` (outboxes too), with the defaults
    /// of `[retention]` for the rest.
    pub fn new(history_limit: usize, history_ttl: std::time::Duration) -> Self {
        const DAY: u64 = 24 * 60 * 60;
        Self {
            history_limit: history_limit.max(1),
            history_ttl,
            outbox_ttl: history_ttl,
            ratings_ttl: std::time::Duration::from_secs(365 * DAY),
            waiting_ttl: std::time::Duration::from_secs(30 * DAY),
        }
    }

    pub fn from_settings(
        handoff: &crate::configuration::HandoffSettings,
        retention: &crate::configuration::RetentionSettings,
    ) -> Self {
        Self {
            history_limit: handoff.history_limit.max(1),
            history_ttl: handoff.history_ttl(),
            outbox_ttl: retention.outbox(),
            ratings_ttl: retention.ratings(),
            waiting_ttl: retention.waiting(),
        }
    }
}

/// Ratings kept for the agent API, newest first.
pub const MAX_STORED_RATINGS: usize = 10_000;
/// Pickup times (queued to claimed) kept per team for the wait estimate.
pub const PICKUPS_KEPT: usize = 20;

#[async_trait]
pub trait HandoffStore: Send + Sync + 'static {
    /// Puts the conversation in its team's queue (again: its place is
    /// updated) and returns its position there, from 1.
    async fn enqueue(
        &self,
        team: &str,
        id: &ConversationId,
        priority: Priority,
        since_ms: i64,
    ) -> Result<usize, StoreError>;

    async fn dequeue(&self, team: &str, id: &ConversationId) -> Result<(), StoreError>;

    /// The team's waiting conversations: urgent first, then longest waiting.
    async fn queue(&self, team: &str) -> Result<Vec<Queued>, StoreError>;

    /// Notes that an agent of `team` has the conversation since `at_ms`
    /// (claimed, assigned or transferred to them): the team's open cases
    /// that are in no queue. Who has it is the conversation's to say.
    async fn hold(&self, team: &str, id: &ConversationId, at_ms: i64) -> Result<(), StoreError>;

    /// The conversation is no longer with an agent of `team` (resolved,
    /// transferred, returned to the queue).
    async fn release(&self, team: &str, id: &ConversationId) -> Result<(), StoreError>;

    /// The team's cases that an agent has, longest held first.
    async fn held(&self, team: &str) -> Result<Vec<Held>, StoreError>;

    /// Sets whether an agent takes cases now.
    async fn set_presence(&self, presence: &Presence) -> Result<(), StoreError>;

    /// Every agent who ever set their presence, by name.
    async fn presences(&self) -> Result<Vec<Presence>, StoreError>;

    /// Remembers how long a case waited before an agent claimed it.
    async fn record_pickup(&self, team: &str, waited_ms: i64) -> Result<(), StoreError>;

    /// The team's latest pickup times, newest first.
    async fn pickups(&self, team: &str) -> Result<Vec<i64>, StoreError>;

    async fn append(&self, id: &ConversationId, items: &[HistoryItem]) -> Result<(), StoreError>;

    /// The conversation's full history, oldest first.
    async fn history(&self, id: &ConversationId) -> Result<Vec<HistoryItem>, StoreError>;

    /// Adds a message to a web-chat citizen's outbox; returns its cursor.
    async fn push_outbox(
        &self,
        id: &ConversationId,
        message: &OutboxMessage,
    ) -> Result<u64, StoreError>;

    /// The outbox messages after `cursor`, oldest first.
    async fn outbox(
        &self,
        id: &ConversationId,
        after: u64,
    ) -> Result<Vec<OutboxMessage>, StoreError>;

    async fn add_rating(&self, rating: &StoredRating) -> Result<(), StoreError>;

    /// Ratings, newest first.
    async fn ratings(&self) -> Result<Vec<StoredRating>, StoreError>;

    /// Sends an event to every instance's subscribers.
    async fn publish(&self, event: &Event) -> Result<(), StoreError>;

    /// Events from every instance, from now on.
    async fn subscribe(&self) -> Result<broadcast::Receiver<Event>, StoreError>;

    /// Whether this caller may send the citizen a waiting update now: true
    /// for one caller, across instances, per `every`.
    async fn take_update_turn(
        &self,
        id: &ConversationId,
        every: std::time::Duration,
    ) -> Result<bool, StoreError>;

    /// Groups an urgent report: joins the open incident of `key` when its
    /// last activity is at most `window_ms` before `now_ms`, else opens a
    /// new one. Atomic across instances.
    async fn report_incident(
        &self,
        key: &IncidentKey,
        member: &ConversationId,
        window_ms: i64,
        now_ms: i64,
    ) -> Result<Report, StoreError>;

    /// An incident, open or resolved, until it expires.
    async fn incident(&self, id: &str) -> Result<Option<Incident>, StoreError>;

    /// The team's open incidents, oldest first.
    async fn open_incidents(&self, team: &str) -> Result<Vec<Incident>, StoreError>;

    /// Adds a status update to an open incident.
    async fn post_incident_update(
        &self,
        id: &str,
        update: &IncidentUpdate,
    ) -> Result<IncidentWrite, StoreError>;

    /// Marks an open incident resolved: it takes no more reports.
    async fn resolve_incident(
        &self,
        id: &str,
        agent: &str,
        now_ms: i64,
    ) -> Result<IncidentWrite, StoreError>;

    /// Takes a member out of an incident (it moves to another area's);
    /// returns what remains, none when the incident is gone (an incident
    /// nobody is left in is dropped).
    async fn leave_incident(
        &self,
        id: &str,
        member: &ConversationId,
    ) -> Result<Option<Incident>, StoreError>;

    /// Erasure: removes everything kept about the conversation (history,
    /// outbox, its places in team queues, its incident memberships, its
    /// ratings, the mark of its last waiting update).
    async fn erase(&self, id: &ConversationId) -> Result<(), StoreError>;

    /// Everything kept about the conversation, for an export.
    async fn export(&self, id: &ConversationId) -> Result<HandoffRecord, StoreError>;

    /// Takes the desk's automatic-assignment lock under `token` for
    /// `ttl`, unless another holder has it: one instance gives out cases
    /// at a time, so loads it counts stay true while it assigns.
    async fn lock_assignment(
        &self,
        token: &str,
        ttl: std::time::Duration,
    ) -> Result<bool, StoreError>;

    /// Lets the lock go if `token` still holds it (it may have expired
    /// and gone to another instance).
    async fn unlock_assignment(&self, token: &str) -> Result<(), StoreError>;

    /// Advances the team's round-robin cursor, shared by every instance,
    /// and returns it.
    async fn next_assignment(&self, team: &str) -> Result<u64, StoreError>;
    /// Remembers that the platform's `message_ids` went to the
    /// conversation, in `team`'s case, for as long as its history is kept,
    /// so that their status webhooks find it; erased with it.
    async fn remember_sent(
        &self,
        id: &ConversationId,
        team: &str,
        message_ids: &[String],
    ) -> Result<(), StoreError>;

    /// The conversation and team a platform message id went to, if known.
    async fn sent_to(&self, message_id: &str) -> Result<Option<SentTo>, StoreError>;
}

/// Where a message khidma sent went ([`HandoffStore::sent_to`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentTo {
    pub conversation_id: ConversationId,
    pub team: String,
}

/// A conversation in a team's queue, and when it was escalated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub id: ConversationId,
    pub since_ms: i64,
    pub priority: Priority,
}

impl Queued {
    /// An entry of a queue kept as a [`queue_score`].
    fn from_score(id: ConversationId, score: f64) -> Self {
        Self {
            id,
            since_ms: since_of_score(score),
            priority: if (score as i64) < NORMAL_OFFSET {
                Priority::Urgent
            } else {
                Priority::Normal
            },
        }
    }
}

/// Whether an agent takes cases now: what automatic assignment and
/// supervisors go by. An agent who never said is away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Available,
    Away,
}

/// An agent's availability, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub agent: String,
    pub availability: Availability,
    pub since_ms: i64,
}

/// A case an agent of a team has, and since when they have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub id: ConversationId,
    pub since_ms: i64,
}

/// Added to normal cases' scores; milliseconds since 1970 stay far below.
const NORMAL_OFFSET: i64 = 1 << 50;

/// Queue order as one number: urgent cases before normal ones, then
/// earliest escalation first. Milliseconds since 1970 stay below 2^53, so
/// the score is exact in a Redis sorted set's double.
fn queue_score(priority: Priority, since_ms: i64) -> f64 {
    let offset = match priority {
        Priority::Urgent => 0,
        Priority::Normal => NORMAL_OFFSET,
    };
    (offset + since_ms) as f64
}

/// The escalation time back out of a queue score.
fn since_of_score(score: f64) -> i64 {
    (score as i64) % NORMAL_OFFSET
}

/// Events buffered per subscriber; a console that falls further behind
/// misses events and reloads the queue.
const EVENT_BUFFER: usize = 1024;
