//! What a conversation is, independent of where it is stored or which
//! channel it came through.

use std::collections::VecDeque;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::kb::{Area, EntryId};
use crate::language::text::is_invisible;
use crate::memory::CitizenMemory;

mod case;
mod rating;
mod thread;
pub use case::{Outcome, SlaTarget};
pub use rating::{MAX_RATINGS, Rating, RatingRequest};
pub use thread::Thread;

/// Turns kept with the conversation for context; the bot needs few, and
/// agents get the full history from the transcript.
pub const MAX_TURNS: usize = 50;

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as i64)
        .unwrap_or_default()
}

/// `<channel>:<platform user id>`, e.g. `web:citizen-42`, `telegram:7000001`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ConversationId(String);

pub const MAX_USER_ID_LEN: usize = 128;

impl ConversationId {
    /// `user` must be a platform's user id: printable, no spaces, nothing
    /// invisible (zero-width or direction characters would let two ids look
    /// alike), at most [`MAX_USER_ID_LEN`] characters.
    pub fn new(channel: &str, user: &str) -> Result<Self, String> {
        if user.is_empty() {
            return Err("must not be empty".to_owned());
        }
        if user.chars().count() > MAX_USER_ID_LEN {
            return Err(format!("must be at most {MAX_USER_ID_LEN} characters"));
        }
        if user
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || is_invisible(c))
        {
            return Err(
                "must not contain spaces, control, zero-width or direction characters".to_owned(),
            );
        }
        Ok(Self(format!("{channel}:{user}")))
    }

    /// How this conversation appears in logs: never the id itself, which
    /// holds a phone number or a platform's user id.
    pub fn pseudonym(&self) -> crate::telemetry::Pseudonym<'_> {
        crate::telemetry::Pseudonym::of(self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn channel(&self) -> &str {
        self.0.split_once(':').map_or("", |(channel, _)| channel)
    }

    /// The platform's id of the user: what a channel sends replies to.
    pub fn user(&self) -> &str {
        self.0.split_once(':').map_or("", |(_, user)| user)
    }
}

impl TryFrom<String> for ConversationId {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        let (channel, user) = raw
            .split_once(':')
            .ok_or_else(|| "must be <channel>:<user id>".to_owned())?;
        ConversationId::new(channel, user)
    }
}

impl From<ConversationId> for String {
    fn from(id: ConversationId) -> Self {
        id.0
    }
}

impl fmt::Display for ConversationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the bot did with a message; the `action` of the REST reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Answer,
    Clarify,
    Escalate,
    Fallback,
    Agent,
}

impl Action {
    /// As in the REST reply, metrics labels and CX events.
    pub fn name(self) -> &'static str {
        match self {
            Action::Answer => "answer",
            Action::Clarify => "clarify",
            Action::Escalate => "escalate",
            Action::Fallback => "fallback",
            Action::Agent => "agent",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationReason {
    /// An `escalate = "urgent"` entry matched: an outage or a hazard.
    Urgent,
    /// The citizen reports danger to life (fire, not breathing, someone
    /// trapped) that no urgent entry of the knowledge base covers.
    DangerToLife,
    /// An `escalate = "agent"` entry matched.
    AgentEntry,
    /// The citizen asked for a person.
    CitizenAsked,
    /// Two messages in a row that the knowledge base could not answer.
    RepeatedFallback,
    /// Insults or "this is useless": the citizen is fed up with the bot.
    Frustration,
    /// The same question a third time: the answers did not help.
    RepeatedQuestion,
}

impl EscalationReason {
    /// As stored and in metrics labels and CX events.
    pub fn name(self) -> &'static str {
        match self {
            EscalationReason::Urgent => "urgent",
            EscalationReason::DangerToLife => "danger_to_life",
            EscalationReason::AgentEntry => "agent_entry",
            EscalationReason::CitizenAsked => "citizen_asked",
            EscalationReason::RepeatedFallback => "repeated_fallback",
            EscalationReason::Frustration => "frustration",
            EscalationReason::RepeatedQuestion => "repeated_question",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Normal,
    Urgent,
}

impl Priority {
    pub fn name(self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::Urgent => "urgent",
        }
    }
}

/// Who is answering the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Handoff {
    #[default]
    Bot,
    /// Escalated; no agent has claimed it yet. The bot stays silent.
    Waiting {
        reason: EscalationReason,
        priority: Priority,
        entry_id: Option<EntryId>,
        since_ms: i64,
        /// Whether the citizen has been told that their later messages reach
        /// the agent (said once, not after every message).
        acknowledged: bool,
        /// The knowledge-base category the case is about, which routes it
        /// to a team; stored before teams existed, hence the default.
        #[serde(default)]
        category: Option<String>,
        /// The team whose queue holds it, once queued (an urgent case may
        /// go to the on-call team rather than its category's).
        #[serde(default)]
        team: Option<String>,
        /// The district the citizen named or shared, when they did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        area: Option<Area>,
        /// The outage incident the report was grouped into.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        incident_id: Option<String>,
        /// The service-level targets it has missed, each announced once.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        breaches: Vec<SlaTarget>,
    },
    /// An agent claimed it: citizen messages go to them, the bot is silent.
    WithAgent {
        agent: String,
        team: String,
        reason: EscalationReason,
        priority: Priority,
        entry_id: Option<EntryId>,
        /// When the case was escalated (not when it was claimed).
        since_ms: i64,
        acknowledged: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        area: Option<Area>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        incident_id: Option<String>,
        /// When this agent took it (claimed, assigned or transferred to
        /// them); none for cases claimed before this was kept.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        claimed_ms: Option<i64>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        breaches: Vec<SlaTarget>,
    },
}

impl Handoff {
    pub fn is_with_humans(&self) -> bool {
        !matches!(self, Handoff::Bot)
    }

    pub fn incident_id(&self) -> Option<&str> {
        match self {
            Handoff::Bot => None,
            Handoff::Waiting { incident_id, .. } | Handoff::WithAgent { incident_id, .. } => {
                incident_id.as_deref()
            }
        }
    }

    pub fn area(&self) -> Option<&Area> {
        match self {
            Handoff::Bot => None,
            Handoff::Waiting { area, .. } | Handoff::WithAgent { area, .. } => area.as_ref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    Citizen,
    Bot,
    Agent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub at_ms: i64,
    pub speaker: Speaker,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<EntryId>,
}

/// Failed deliveries kept with the conversation: enough for an agent to see
/// that the citizen did not get recent replies, and why.
pub const MAX_FAILED_DELIVERIES: usize = 20;

/// Why a reply did not reach the citizen's app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryFailure {
    /// WhatsApp 131047 (and Messenger's equivalent): the citizen last wrote
    /// more than 24 hours ago, so only an approved template can reach them.
    OutsideWindow,
    /// The platform refused the message for good (a 4xx that retrying
    /// cannot fix).
    Rejected,
    /// The platform stayed unreachable, overloaded or rate-limited through
    /// every retry.
    Unreachable,
    /// The platform did not answer in time after the message went out: it
    /// may have arrived. Never sent again, so as not to repeat it.
    Unconfirmed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedDelivery {
    pub at_ms: i64,
    pub failure: DeliveryFailure,
    /// The platform's error, for the agent and the logs.
    pub detail: String,
    /// The text that did not arrive.
    pub text: String,
}

pub(crate) fn is_zero<T: Default + PartialEq>(count: &T) -> bool {
    *count == T::default()
}

/// Everything the bot remembers between two messages of one citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    /// Pinned on the first message that shows a language; changed only when
    /// the citizen clearly switches or a client forces one.
    pub language: Option<Lang>,
    /// Entries last offered as choices (clarify buttons or a topic menu):
    /// the next message may pick one of them.
    #[serde(default)]
    pub offered: Vec<EntryId>,
    #[serde(default)]
    pub consecutive_fallbacks: u32,
    #[serde(default)]
    pub handoff: Handoff,
    #[serde(default)]
    pub last_entry: Option<EntryId>,
    #[serde(default)]
    pub turns: VecDeque<Turn>,
    /// Turns ever recorded, the oldest of them perhaps no longer kept: a
    /// turn's own turns are those recorded since it began, whatever the
    /// clocks of the instances that recorded them say.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub turns_recorded: u64,
    /// How many of the turns recorded are in the agents' history: the
    /// rest (the bot's own turns before any human was involved) are copied
    /// there at an escalation, counted rather than compared by time.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub turns_in_history: u64,
    /// Replies that never reached the citizen, oldest first.
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub failed_deliveries: VecDeque<FailedDelivery>,
    /// Set by a resolve: the next message may be the citizen's rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating_request: Option<RatingRequest>,
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub ratings: VecDeque<Rating>,
    /// The bot asked the citizen to rate its answers: it asks once a
    /// conversation, not after every thanks.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bot_rating_asked: bool,
    /// The citizen pressed "add a comment": their next message is it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub awaiting_comment: bool,
    /// The area the citizen last shared a location in or named: an outage
    /// they report afterwards is grouped there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_area: Option<Area>,
    /// What the conversation is about right now, for follow-ups and
    /// corrections (`dialogue::topic`, `dialogue::correction`).
    #[serde(default, skip_serializing_if = "Thread::is_empty")]
    pub thread: Thread,
    /// What is remembered of the citizen across conversations. Stored
    /// apart from the conversation (it outlives it), so not in its JSON;
    /// the store loads it with the lease and saves it with the commit.
    #[serde(skip)]
    pub memory: CitizenMemory,
    /// Web chat: the SHA-256 (hex) of the session token its first reply
    /// issued; later messages must carry the token (`channels::web`). Only
    /// the hash is stored, and it goes with the conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_session: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl Conversation {
    pub fn new(id: ConversationId) -> Self {
        let now = now_ms();
        Self {
            id,
            language: None,
            offered: Vec::new(),
            consecutive_fallbacks: 0,
            handoff: Handoff::Bot,
            last_entry: None,
            turns: VecDeque::new(),
            turns_recorded: 0,
            turns_in_history: 0,
            failed_deliveries: VecDeque::new(),
            rating_request: None,
            ratings: VecDeque::new(),
            bot_rating_asked: false,
            awaiting_comment: false,
            shared_area: None,
            thread: Thread::default(),
            memory: CitizenMemory::default(),
            web_session: None,
            created_at_ms: now,
            updated_at_ms: now,
        }
    }

    pub fn record(&mut self, turn: Turn) {
        self.updated_at_ms = turn.at_ms;
        self.turns.push_back(turn);
        self.turns_recorded += 1;
        while self.turns.len() > MAX_TURNS {
            self.turns.pop_front();
        }
    }

    /// The turns recorded after the first `recorded` (a past value of
    /// `turns_recorded`), oldest first, as far as they are still kept.
    pub fn turns_since(&self, recorded: u64) -> impl Iterator<Item = &Turn> {
        let new =
            usize::try_from(self.turns_recorded.saturating_sub(recorded)).unwrap_or(usize::MAX);
        self.turns.iter().skip(self.turns.len().saturating_sub(new))
    }

    /// The turns not yet in the agents' history, oldest first.
    pub fn turns_not_in_history(&self) -> impl Iterator<Item = &Turn> {
        self.turns_since(self.turns_in_history)
    }

    /// Every turn recorded so far is in the agents' history now.
    pub fn mark_in_history(&mut self) {
        self.turns_in_history = self.turns_recorded;
    }

    pub fn record_rating(&mut self, rating: Rating) {
        self.ratings.push_back(rating);
        while self.ratings.len() > MAX_RATINGS {
            self.ratings.pop_front();
        }
    }

    pub fn record_failed_delivery(&mut self, failed: FailedDelivery) {
        self.failed_deliveries.push_back(failed);
        while self.failed_deliveries.len() > MAX_FAILED_DELIVERIES {
            self.failed_deliveries.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversation_ids_name_channel_and_user() {
        let id = ConversationId::new("web", "citizen-42").unwrap();
        assert_eq!(id.as_str(), "web:citizen-42");
        assert_eq!(id.channel(), "web");
        assert_eq!(id.user(), "citizen-42");
        assert!(ConversationId::new("web", "").is_err());
        assert!(ConversationId::new("web", "two words").is_err());
        assert!(ConversationId::new("web", &"x".repeat(MAX_USER_ID_LEN + 1)).is_err());
        assert!(ConversationId::try_from("no-channel".to_owned()).is_err());
    }

    #[test]
    fn only_the_latest_turns_are_kept() {
        let mut conversation = Conversation::new(ConversationId::new("web", "u").unwrap());
        for n in 0..(MAX_TURNS + 5) {
            conversation.record(Turn {
                at_ms: n as i64,
                speaker: Speaker::Citizen,
                text: n.to_string(),
                action: None,
                entry_id: None,
            });
        }
        assert_eq!(conversation.turns.len(), MAX_TURNS);
        assert_eq!(conversation.turns.front().unwrap().text, "5");
        let recorded = conversation.turns_recorded;
        assert_eq!(recorded, (MAX_TURNS + 5) as u64);
        assert_eq!(conversation.turns_since(recorded).count(), 0);
        for text in ["a", "b"] {
            conversation.record(Turn {
                at_ms: 0,
                speaker: Speaker::Bot,
                text: text.to_owned(),
                action: None,
                entry_id: None,
            });
        }
        let since: Vec<_> = conversation
            .turns_since(recorded)
            .map(|turn| turn.text.as_str())
            .collect();
        assert_eq!(since, ["a", "b"], "by count, not by time");
        assert_eq!(conversation.turns_since(0).count(), MAX_TURNS);
    }
}
