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
pub use redis::RedisHandoffStore;
pub use sla::SlaStatus;
pub use teams::{Agent, Placement, Teams};

use crate::channels::Tick;
use crate::conversation::{
    ConversationId, DeliveryFailure, EscalationReason, Outcome, Priority, Rating, SlaTarget,
    Speaker,
};
use crate::i18n::Lang;
use crate::kb::{Area, EntryId};
use crate::message::Button;
use crate::state::StoreError;

/// Something that happened in a conversation: a line of the history agents
/// read, and (some of them) a live event. Each names the team that had the
/// conversation then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Escalated {
        reason: EscalationReason,
        priority: Priority,
        team: String,
        entry_id: Option<EntryId>,
        language: Option<Lang>,
        /// The outage incident the report was grouped into.
        #[serde(default)]
        incident_id: Option<String>,
        #[serde(default)]
        area: Option<Area>,
    },
    Message {
        team: String,
        speaker: Speaker,
        text: String,
        /// Who wrote it, for agents' messages.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agent: Option<String>,
        /// Why it did not reach the citizen, when it did not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        failure: Option<DeliveryFailure>,
        /// The platform's ids of what it took (WhatsApp's `wamid`s), which
        /// its [`Record::Status`] lines name.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        message_ids: Vec<String>,
    },
    /// How far a sent message got (the console's ticks), from the
    /// platform's status webhook.
    Status {
        team: String,
        message_id: String,
        tick: Tick,
    },
    Claimed {
        agent: String,
        team: String,
    },
    Resolved {
        agent: String,
        team: String,
        /// How the agent closed it; none for cases closed before outcomes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<Outcome>,
    },
    /// The case moved to another team or agent. `team` has it now.
    Transferred {
        team: String,
        from_team: String,
        /// The agent who had it, if anyone did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_agent: Option<String>,
        /// The agent who has it now, when it went to one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_agent: Option<String>,
        /// Who moved it: an agent's or supervisor's name, or `sla` when a
        /// missed target moved it up.
        by: String,
        reason: String,
    },
    /// A case given to an agent by someone else than them: automatic
    /// assignment (`by`: `auto`) or a supervisor.
    Assigned {
        agent: String,
        team: String,
        by: String,
    },
    /// The agent who had the case was silent too long: it went back to
    /// the queue.
    Returned {
        agent: String,
        team: String,
    },
    /// An agent's private note: in the transcript, never sent to the
    /// citizen.
    Note {
        team: String,
        agent: String,
        text: String,
    },
    /// The case missed a service-level target.
    Breached {
        team: String,
        target: SlaTarget,
        due_ms: i64,
        /// The team it moved up to, when its team escalates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        escalated_to: Option<String>,
    },
    Rated {
        agent: String,
        team: String,
        score: u8,
        /// Set when the citizen added a comment (a second `rated` record).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub at_ms: i64,
    #[serde(flatten)]
    pub record: Record,
}

/// A live event for the agents of a team, on whichever instance they are
/// connected to: something in one conversation, or a change of an
/// incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Event {
    Conversation(ConversationEvent),
    Incident(IncidentEventData),
    Alert(AlertEventData),
}

/// Something that happened in a conversation, for the agents of the
/// record's team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationEvent {
    pub conversation_id: ConversationId,
    #[serde(flatten)]
    pub item: HistoryItem,
}

/// An incident event as it goes out: tagged `"type": "incident"` like the
/// conversation events are tagged by their record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "incident")]
pub struct IncidentEventData {
    #[serde(flatten)]
    pub incident: IncidentEvent,
}

/// An alert as it goes out, tagged `"type": "alert"`: for supervisors, not
/// for any team's agents. Its fields are `cx::alerts`'s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "alert")]
pub struct AlertEventData {
    #[serde(flatten)]
    pub alert: serde_json::Map<String, serde_json::Value>,
}

impl Event {
    pub fn conversation(conversation_id: ConversationId, item: HistoryItem) -> Self {
        Event::Conversation(ConversationEvent {
            conversation_id,
            item,
        })
    }

    pub fn incident(incident: IncidentEvent) -> Self {
        Event::Incident(IncidentEventData { incident })
    }

    /// Whether the agents of `team` hear it: the team that has the
    /// conversation or incident, and for a transfer the team it left too.
    /// Nobody's team hears supervisors' alerts.
    pub fn is_for_team(&self, team: &str) -> bool {
        match self {
            Event::Alert(_) => false,
            Event::Incident(data) => data.incident.team == team,
            Event::Conversation(event) => event.item.record.teams().contains(&team),
        }
    }

    /// The SSE `event:` name: the record's type, or `incident`.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Alert(_) => "alert",
            Event::Incident(_) => "incident",
            Event::Conversation(event) => event.item.record.kind(),
        }
    }
}

impl Record {
    /// The teams concerned: the one that has the conversation (first), and
    /// for a transfer the one it left.
    pub fn teams(&self) -> Vec<&str> {
        match self {
            Record::Transferred {
                team, from_team, ..
            } => vec![team, from_team],
            Record::Escalated { team, .. }
            | Record::Message { team, .. }
            | Record::Claimed { team, .. }
            | Record::Resolved { team, .. }
            | Record::Rated { team, .. }
            | Record::Assigned { team, .. }
            | Record::Returned { team, .. }
            | Record::Note { team, .. }
            | Record::Breached { team, .. }
            | Record::Status { team, .. } => vec![team],
        }
    }

    /// Its `type` on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Escalated { .. } => "escalated",
            Record::Message { .. } => "message",
            Record::Claimed { .. } => "claimed",
            Record::Resolved { .. } => "resolved",
            Record::Rated { .. } => "rated",
            Record::Transferred { .. } => "transferred",
            Record::Assigned { .. } => "assigned",
            Record::Returned { .. } => "returned",
            Record::Note { .. } => "note",
            Record::Breached { .. } => "breached",
            Record::Status { .. } => "status",
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_kinds_of_event_cross_instances_as_json_and_back() {
        let conversation = Event::conversation(
            ConversationId::new("web", "a").unwrap(),
            HistoryItem {
                at_ms: 1,
                record: Record::Claimed {
                    agent: "sara".to_owned(),
                    team: "utilities".to_owned(),
                },
            },
        );
        let incident = Event::incident(IncidentEvent {
            incident_id: "inc-1".to_owned(),
            team: "utilities".to_owned(),
            change: IncidentChange::Joined,
            count: 2,
            at_ms: 3,
        });
        let written = serde_json::to_value(&incident).unwrap();
        assert_eq!(
            written,
            serde_json::json!({"type": "incident", "incident_id": "inc-1", "team": "utilities",
                               "change": "joined", "count": 2, "at_ms": 3})
        );
        for event in [conversation, incident] {
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(
                serde_json::from_str::<Event>(&json).unwrap(),
                event,
                "{json}"
            );
        }
    }
}
