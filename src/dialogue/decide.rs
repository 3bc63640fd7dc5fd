//! The decision for one message: answer, clarify, escalate or fall back.
//! Pure: no I/O, the same inputs always give the same decision.

use crate::conversation::{Conversation, EscalationReason, Handoff, Priority};
use crate::kb::{Escalation, Hit, KnowledgeBase};

/// How many ranked entries the decision looks at.
const CANDIDATES: usize = 5;

// The thresholds below read a hit's `coverage`: the share of the message's
// meaning (idf-weighted terms) that an entry's questions, keywords and title
// contain. It does not grow with message length the way BM25 does, so one
// threshold serves "تجديد اقامه" and a paragraph alike. Values come from a
// sweep on ../shared/eval/dev.jsonl (steps of 0.05, best strict score with
// at most one calm question escalated); docs/quality.md has the figures.

/// Answer outright only when the best entry explains at least this much of
/// the message...
const ANSWER_MIN_COVERAGE: f32 = 0.2;
/// ...and leads the runner-up by at least this share of its own score;
/// closer than that, both are offered.
const ANSWER_MIN_MARGIN: f32 = 0.1;
/// Below this coverage nothing fits: say so rather than guess.
const CLARIFY_MIN_COVERAGE: f32 = 0.15;
/// An urgent entry escalates at a lower bar: a wrongly escalated question
/// costs an agent a minute, a missed outage leaves a family without water.
const URGENT_MIN_COVERAGE: f32 = 0.1;

/// A button the bot offered, as it comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ButtonAction {
    Entry(String),
    Topic(String),
    MainTopics,
    TalkToAgent,
}

impl ButtonAction {
    pub fn id(&self) -> String {
        match self {
            ButtonAction::Entry(id) => format!("entry:{id}"),
            ButtonAction::Topic(category) => format!("topic:{category}"),
            ButtonAction::MainTopics => "topics".to_owned(),
            ButtonAction::TalkToAgent => "agent".to_owned(),
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.split_once(':') {
            Some(("entry", id)) => Some(ButtonAction::Entry(id.to_owned())),
            Some(("topic", category)) => Some(ButtonAction::Topic(category.to_owned())),
            None if raw == "topics" => Some(ButtonAction::MainTopics),
            None if raw == "agent" => Some(ButtonAction::TalkToAgent),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Answer {
        entry: usize,
    },
    Clarify {
        candidates: Vec<usize>,
    },
    TopicMenu {
        category: String,
        entries: Vec<usize>,
    },
    MainTopics,
    /// A message that is only a greeting or thanks.
    Greeting {
        salam: bool,
    },
    Escalate {
        entry: Option<usize>,
        reason: EscalationReason,
        priority: Priority,
    },
    Fallback,
    /// A person owns the conversation: the bot passes the message on.
    RelayToAgent {
        first: bool,
    },
}

/// Words that greet or thank; with nothing else in the message, it is a
/// greeting, not a question. Normalised forms.
const GREETING_WORDS: &[&str] = &[
    "سلام",
    "السلام",
    "مرحبا",
    "اهلا",
    "هلا",
    "صباح",
    "مساء",
    "شكرا",
    "مشكور",
    "hi",
    "hello",
    "hey",
    "morning",
    "evening",
    "thanks",
    "thank",
    "salam",
    "marhaba",
    "ahlan",
];

fn is_greeting(text: &str) -> Option<bool> {
    let words: Vec<String> = crate::kb::analysis::words(text)
        .into_iter()
        .map(|word| crate::kb::analysis::normalize_arabic(&word.to_lowercase()))
        .collect();
    let greets = words
        .iter()
        .any(|word| GREETING_WORDS.contains(&word.as_str()));
    greets.then(|| {
        words
            .iter()
            .any(|word| word.ends_with("سلام") || word == "salam")
    })
}

fn for_entry(kb: &KnowledgeBase, entry: usize) -> Decision {
    match kb.entry(entry).escalate {
        Some(Escalation::Urgent) => Decision::Escalate {
            entry: Some(entry),
            reason: EscalationReason::Urgent,
            priority: Priority::Urgent,
        },
        Some(Escalation::Agent) => Decision::Escalate {
            entry: Some(entry),
            reason: EscalationReason::AgentEntry,
            priority: Priority::Normal,
        },
        None => Decision::Answer { entry },
    }
}

fn decide_button(button: &ButtonAction, kb: &KnowledgeBase) -> Option<Decision> {
    match button {
        ButtonAction::Entry(id) => kb.ordinal(id).map(|entry| for_entry(kb, entry)),
        ButtonAction::Topic(category) => kb.category(category).map(|entries| Decision::TopicMenu {
            category: category.clone(),
            entries: entries.to_vec(),
        }),
        ButtonAction::MainTopics => Some(Decision::MainTopics),
        ButtonAction::TalkToAgent => Some(Decision::Escalate {
            entry: None,
            reason: EscalationReason::CitizenAsked,
            priority: Priority::Normal,
        }),
    }
}

/// A reply to offered choices by their title or position ("2", "٢").
fn picked_by_text(text: &str, offered: &[usize], kb: &KnowledgeBase) -> Option<usize> {
    let wanted = crate::kb::analysis::normalize_arabic(text.trim()).to_lowercase();
    if let Ok(position) = wanted.parse::<usize>() {
        return position
            .checked_sub(1)
            .and_then(|i| offered.get(i))
            .copied();
    }
    offered.iter().copied().find(|&entry| {
        kb.entry(entry).sides().any(|(_, side)| {
            crate::kb::analysis::normalize_arabic(&side.title).to_lowercase() == wanted
        })
    })
}

fn margin(top: &Hit, runner_up: Option<&Hit>) -> f32 {
    match runner_up {
        Some(second) if top.score > 0.0 => (top.score - second.score) / top.score,
        _ => 1.0,
    }
}

/// Ranks the entries for a question and decides how sure to be.
fn decide_question(text: &str, offered: &[usize], kb: &KnowledgeBase) -> Decision {
    if kb.query_terms(text).is_empty() {
        return match is_greeting(text) {
            Some(salam) => Decision::Greeting { salam },
            None => Decision::Fallback,
        };
    }
    let hits = kb.search(text, CANDIDATES);
    let Some(top) = hits.first() else {
        return Decision::Fallback;
    };
    let runner_up = hits.get(1);
    let top_margin = margin(top, runner_up);

    // A short reply to a clarify question ("renewal") is read among the
    // entries just offered.
    if offered.contains(&top.entry)
        && top.coverage >= CLARIFY_MIN_COVERAGE
        && (top_margin >= ANSWER_MIN_MARGIN
            || runner_up.is_some_and(|second| !offered.contains(&second.entry)))
    {
        return for_entry(kb, top.entry);
    }
    if kb.entry(top.entry).escalate == Some(Escalation::Urgent)
        && top.coverage >= URGENT_MIN_COVERAGE
    {
        return for_entry(kb, top.entry);
    }
    if top.coverage >= ANSWER_MIN_COVERAGE && top_margin >= ANSWER_MIN_MARGIN {
        return for_entry(kb, top.entry);
    }
    let close: Vec<usize> = hits
        .iter()
        .skip(1)
        .take(2)
        .filter(|hit| {
            hit.coverage >= CLARIFY_MIN_COVERAGE && margin(top, Some(hit)) < ANSWER_MIN_MARGIN
        })
        .map(|hit| hit.entry)
        .collect();
    if top.coverage >= CLARIFY_MIN_COVERAGE && !close.is_empty() {
        let mut candidates = vec![top.entry];
        candidates.extend(close);
        return Decision::Clarify { candidates };
    }
    if top.coverage >= ANSWER_MIN_COVERAGE {
        return for_entry(kb, top.entry);
    }
    Decision::Fallback
}

/// The decision for one message in `conversation`.
pub fn decide(
    text: &str,
    button: Option<&ButtonAction>,
    conversation: &Conversation,
    kb: &KnowledgeBase,
) -> Decision {
    if let Handoff::Waiting { acknowledged, .. } = conversation.handoff {
        return Decision::RelayToAgent {
            first: !acknowledged,
        };
    }
    if let Some(decision) = button.and_then(|button| decide_button(button, kb)) {
        return decision;
    }
    let offered: Vec<usize> = conversation
        .offered
        .iter()
        .filter_map(|id| kb.ordinal(id.as_str()))
        .collect();
    if let Some(entry) = picked_by_text(text, &offered, kb) {
        return for_entry(kb, entry);
    }
    decide_question(text, &offered, kb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn button_ids_round_trip() {
        for button in [
            ButtonAction::Entry("passport-renewal".into()),
            ButtonAction::Topic("traffic".into()),
            ButtonAction::MainTopics,
            ButtonAction::TalkToAgent,
        ] {
            assert_eq!(ButtonAction::parse(&button.id()), Some(button));
        }
        assert_eq!(ButtonAction::parse("nonsense"), None);
    }

    #[test]
    fn greetings_are_told_apart_from_salam() {
        assert_eq!(is_greeting("السلام عليكم"), Some(true));
        assert_eq!(is_greeting("مرحبا"), Some(false));
        assert_eq!(is_greeting("hello there"), Some(false));
        assert_eq!(is_greeting("ok"), None);
    }
}
