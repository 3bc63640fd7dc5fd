//! What agents read of a conversation: the lines of its history
//! ([`Record`], [`HistoryItem`]) and the live events that carry them, and
//! incidents' and alerts' events, to every instance's consoles.

use serde::{Deserialize, Serialize};

use super::IncidentEvent;
use crate::channels::Tick;
use crate::conversation::{
    ConversationId, DeliveryFailure, EscalationReason, Outcome, Priority, SlaTarget, Speaker,
};
use crate::i18n::Lang;
use crate::kb::{Area, EntryId};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handoff::IncidentChange;

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
