//! One event: a turn or a step of a case, with what the figures need and
//! nothing about who the citizen is.

use crate::conversation::{Action, ConversationId, EscalationReason, Priority};
use crate::i18n::Lang;

/// What happened. Stored by [`EventKind::name`]; `docs/cx-events.md`
/// documents each for agencies' BI tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A citizen's message was handled (by the bot, or passed to the
    /// agent who has the conversation).
    Turn,
    /// A case was opened: the conversation went to the agents' queue.
    Escalated,
    Claimed,
    /// The first message a person wrote in a case.
    FirstReply,
    Resolved,
    /// A new rating; its comment, when one follows, is `Commented`.
    Rated,
    Commented,
    /// A case moved to another team or agent (`team` is where it went).
    Transferred,
    /// A case missed a service-level target (`outcome` names which:
    /// `first_reply` or `resolution`).
    SlaBreached,
    /// Something supervisors should look at now (`cx::alerts`).
    Alert,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Turn => "turn",
            EventKind::Escalated => "escalated",
            EventKind::Claimed => "claimed",
            EventKind::FirstReply => "first_reply",
            EventKind::Resolved => "resolved",
            EventKind::Rated => "rated",
            EventKind::Commented => "commented",
            EventKind::Transferred => "transferred",
            EventKind::SlaBreached => "sla_breached",
            EventKind::Alert => "alert",
        }
    }
}

/// How sure the bot was of what it answered: bands rather than raw scores,
/// which mean nothing across knowledge bases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidence {
    High,
    Medium,
    Low,
}

impl Confidence {
    pub fn name(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}

/// An event as recorded; the store turns the conversation into its
/// pseudonym, the time into the agency's local day and hour, and masks
/// `text`.
#[derive(Debug, Clone, PartialEq)]
pub struct CxEvent {
    pub at_ms: i64,
    pub kind: EventKind,
    /// Every event but an alert belongs to a conversation.
    pub conversation: Option<ConversationId>,
    /// The channel's name: `web`, `whatsapp`, `telegram`, `messenger`, `cli`.
    pub channel: Option<String>,
    pub language: Option<Lang>,
    pub action: Option<Action>,
    pub entry: Option<String>,
    pub category: Option<String>,
    pub confidence: Option<Confidence>,
    pub reason: Option<EscalationReason>,
    pub priority: Option<Priority>,
    pub team: Option<String>,
    /// A staff member's name, never a citizen's.
    pub agent: Option<String>,
    pub district: Option<String>,
    pub incident: Option<String>,
    /// From the escalation to this step (claim, first reply, resolve).
    pub wait_ms: Option<i64>,
    pub outcome: Option<String>,
    pub rating: Option<u8>,
    /// The citizen's message read from -1.0 (angry) to 1.0 (pleased).
    pub sentiment: Option<f32>,
    /// A question the bot could not answer, or a rating's comment: masked
    /// by the store before it is written, and blanked after the retention.
    pub text: Option<String>,
    /// An alert's rule, key, value and baseline.
    pub detail: Option<serde_json::Value>,
}

impl CxEvent {
    pub fn new(kind: EventKind, at_ms: i64, conversation: &ConversationId, channel: &str) -> Self {
        Self {
            conversation: Some(conversation.clone()),
            channel: Some(channel.to_owned()),
            ..Self::bare(kind, at_ms)
        }
    }

    /// An alert: about the service, not one conversation.
    pub fn alert(at_ms: i64, detail: serde_json::Value) -> Self {
        Self {
            detail: Some(detail),
            ..Self::bare(EventKind::Alert, at_ms)
        }
    }

    fn bare(kind: EventKind, at_ms: i64) -> Self {
        Self {
            at_ms,
            kind,
            conversation: None,
            channel: None,
            language: None,
            action: None,
            entry: None,
            category: None,
            confidence: None,
            reason: None,
            priority: None,
            team: None,
            agent: None,
            district: None,
            incident: None,
            wait_ms: None,
            outcome: None,
            rating: None,
            sentiment: None,
            text: None,
            detail: None,
        }
    }
}
