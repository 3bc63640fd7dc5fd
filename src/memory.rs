//! What the bot remembers of a citizen across conversations, per channel
//! and platform user: the language they write in, their district and their
//! last cases with how each ended. A conversation is forgotten after a day
//! of silence; this is kept for `state.memory_retention_secs` (90 days by
//! default) from the citizen's last message, and erased at once when they
//! ask ("forget me"). It holds no message text.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::kb::{Area, EntryId};

/// Cases remembered per citizen: enough to greet them and to show agents
/// what came before.
pub const MAX_CASES: usize = 5;

/// How a case ended, as far as the bot knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The bot answered from the knowledge base.
    Answered,
    /// Handed to a person; not closed yet.
    Escalated,
    /// A person closed it.
    Resolved,
}

/// One earlier case of the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastCase {
    /// The entry it was about; none for a request for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<EntryId>,
    pub opened_ms: i64,
    pub outcome: Outcome,
    /// An outage or a hazard.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub urgent: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_ms: Option<i64>,
    /// The agent who closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CitizenMemory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Lang>,
    /// The district the citizen last named or shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<Area>,
    /// Oldest first.
    #[serde(default, skip_serializing_if = "VecDeque::is_empty")]
    pub cases: VecDeque<PastCase>,
    /// Web chat: the hash of the session of the conversation that saved
    /// this memory. A new web conversation keeps the memory only for the
    /// holder of that session (or a portal), so whoever merely knows a
    /// user id learns nothing of its citizen (`channels::web::session`).
    /// Not worth keeping on its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_session: Option<String>,
}

impl CitizenMemory {
    /// Nothing worth keeping: the store deletes rather than saves it.
    pub fn is_empty(&self) -> bool {
        self.language.is_none() && self.area.is_none() && self.cases.is_empty()
    }

    fn push(&mut self, case: PastCase) {
        self.cases.push_back(case);
        while self.cases.len() > MAX_CASES {
            self.cases.pop_front();
        }
    }

    /// The bot answered `entry_id`; asking about it again in a row is one
    /// case, not two.
    pub fn note_answer(&mut self, entry_id: &EntryId, at_ms: i64) {
        if let Some(last) = self.cases.back_mut()
            && last.outcome == Outcome::Answered
            && last.entry_id.as_ref() == Some(entry_id)
        {
            last.opened_ms = at_ms;
            return;
        }
        self.push(PastCase {
            entry_id: Some(entry_id.clone()),
            opened_ms: at_ms,
            outcome: Outcome::Answered,
            urgent: false,
            closed_ms: None,
            agent: None,
        });
    }

    /// The conversation was handed to a person.
    pub fn note_escalation(&mut self, entry_id: Option<&EntryId>, urgent: bool, at_ms: i64) {
        self.push(PastCase {
            entry_id: entry_id.cloned(),
            opened_ms: at_ms,
            outcome: Outcome::Escalated,
            urgent,
            closed_ms: None,
            agent: None,
        });
    }

    /// A person closed the open case (the latest escalated one).
    pub fn note_resolved(&mut self, agent: &str, at_ms: i64) {
        if let Some(case) = self
            .cases
            .iter_mut()
            .rev()
            .find(|case| case.outcome == Outcome::Escalated)
        {
            case.outcome = Outcome::Resolved;
            case.closed_ms = Some(at_ms);
            case.agent = Some(agent.to_owned());
        }
    }

    pub fn last_case(&self) -> Option<&PastCase> {
        self.cases.back()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: &str) -> EntryId {
        EntryId::parse(raw).unwrap()
    }

    #[test]
    fn cases_are_kept_newest_last_and_bounded() {
        let mut memory = CitizenMemory::default();
        assert!(memory.is_empty());
        for n in 0..(MAX_CASES + 2) {
            memory.note_answer(&id(&format!("entry-{n}")), n as i64);
        }
        assert_eq!(memory.cases.len(), MAX_CASES);
        assert_eq!(
            memory.last_case().unwrap().entry_id,
            Some(id(&format!("entry-{}", MAX_CASES + 1)))
        );
        memory.note_answer(&id(&format!("entry-{}", MAX_CASES + 1)), 99);
        assert_eq!(
            memory.cases.len(),
            MAX_CASES,
            "the same topic again is one case"
        );
        assert_eq!(memory.last_case().unwrap().opened_ms, 99);
    }

    #[test]
    fn a_resolve_closes_the_latest_escalation() {
        let mut memory = CitizenMemory::default();
        memory.note_escalation(Some(&id("water-outage")), true, 10);
        memory.note_answer(&id("water-bill"), 20);
        memory.note_resolved("sara", 30);
        let case = &memory.cases[0];
        assert_eq!(case.outcome, Outcome::Resolved);
        assert_eq!(case.agent.as_deref(), Some("sara"));
        assert_eq!(case.closed_ms, Some(30));
        assert_eq!(memory.cases[1].outcome, Outcome::Answered);
    }
}
