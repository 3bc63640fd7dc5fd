//! The decision for one message: answer, clarify, escalate or fall back.
//! Pure: no I/O, the same inputs always give the same decision.

use crate::conversation::{Conversation, EscalationReason, Handoff, Priority, Speaker};
use crate::kb::{Escalation, Hit, KnowledgeBase, Query};
use crate::language::person;
use crate::language::urgency::{self, Alarm};

use super::button::{ButtonAction, RATING_SCORES};

/// How many ranked entries the decision looks at.
const CANDIDATES: usize = 5;

/// When the runner-up also fits and scores within this share of the best,
/// the citizen chooses between them. A share of the best score, so the same
/// on every base: BM25 scores of two entries for one message differ by a
/// few percent only when both match it about equally.
const CLARIFY_MAX_MARGIN: f32 = 0.05;

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
    /// The citizen thanks the bot or says goodbye (`closing`); after an
    /// answer, once a conversation, the bot asks them to rate its help.
    Closing {
        farewell: bool,
        ask_rating: bool,
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
    /// The citizen rated the agent who resolved their case, or the bot.
    Rated {
        score: u8,
    },
    /// The citizen wants to comment on their rating: ask for it.
    AskComment,
    /// The message is the comment on the last rating.
    Commented,
    /// A question about the topic just answered ("how much?"): its answer
    /// again, introduced as such (`topic`).
    FollowUp {
        entry: usize,
    },
    /// The citizen said the last answer was wrong (`correction`): `then`
    /// is what the bot does instead, and `rejected` what it must not offer
    /// again.
    Correction {
        rejected: Vec<usize>,
        then: Box<Decision>,
    },
    /// The bot missed twice in a row: it offers a person, and any other
    /// likely readings.
    OfferPerson {
        candidates: Vec<usize>,
    },
    /// The citizen asked for the other language and there was nothing to
    /// say again in it (`switch`).
    LanguageSwitched,
    /// The message only said where the citizen is (`location`).
    AreaNoted {
        area: crate::kb::Area,
        salam: bool,
    },
    /// A greeting from a citizen the bot remembers (`returning`), with
    /// their last case when there is one.
    WelcomeBack {
        salam: bool,
        case: Option<crate::memory::PastCase>,
    },
    /// "Forget me": what the bot kept about the citizen is erased.
    Forget,
}

/// Whether a greeting deserves "wa alaikum assalam": the reply to salam is
/// a fixed courtesy in both languages (a farewell or the reply itself is
/// not a salam).
pub(super) fn said_salam(text: &str) -> bool {
    crate::language::courtesy::said_salam(text)
}

pub(super) fn for_entry(kb: &KnowledgeBase, entry: usize) -> Decision {
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
        // A rating button outside a rating request is stale: read the text.
        ButtonAction::Rate(_) => None,
        ButtonAction::Comment => Some(Decision::AskComment),
    }
}

/// A rating as a button or a bare digit ("4", "٤"), when one was asked for.
fn rating(text: &str, button: Option<&ButtonAction>) -> Option<u8> {
    if let Some(ButtonAction::Rate(score)) = button {
        return Some(*score);
    }
    crate::language::text::normalize_arabic(text.trim())
        .parse()
        .ok()
        .filter(|score| RATING_SCORES.contains(score))
}

fn margin(top: &Hit, runner_up: Option<&Hit>) -> f32 {
    match runner_up {
        Some(second) if top.score > 0.0 => (top.score - second.score) / top.score,
        _ => 1.0,
    }
}

/// Ranks the entries for a question and decides how sure to be.
pub(super) fn decide_question(text: &str, offered: &[usize], kb: &KnowledgeBase) -> Decision {
    let query = kb.read(text);
    if query.is_empty() {
        return if query.greeted || said_salam(text) {
            Decision::Greeting {
                salam: said_salam(text),
            }
        } else {
            Decision::Fallback
        };
    }
    // Outages and requests for a person escalate on the editors' rules
    // first: a citizen without water must not depend on how well their
    // dialect happens to match.
    let verdict = kb.escalation(&query);
    if let Some(entry) = verdict.escalate {
        return for_entry(kb, entry);
    }
    // Then what every agency's citizens say the same way: an emergency, or
    // a request for a person, detected whatever the base holds.
    if kb.options().alarms {
        if let Some(alarm) = urgency::alarm(text) {
            return emergency(alarm, text, kb);
        }
        if person::asks_for_person(text) {
            return person_requested(&query, kb);
        }
    }
    let hits: Vec<Hit> = kb
        .search(&query, CANDIDATES)
        .into_iter()
        .filter(|hit| !verdict.vetoed.contains(&hit.entry))
        .filter(|hit| reachable_by_retrieval(hit, kb))
        .collect();
    let Some(top) = hits.first() else {
        return Decision::Fallback;
    };
    if !kb.options().calibrate {
        return for_entry(kb, top.entry);
    }
    let fits = |hit: &Hit| kb.calibration().fits(hit);
    if !fits(top) {
        return Decision::Fallback;
    }
    // A reply to a clarify question ("the renewal one") settles it.
    if offered.contains(&top.entry) {
        return for_entry(kb, top.entry);
    }
    let close: Vec<usize> = hits
        .iter()
        .skip(1)
        .take(2)
        .filter(|hit| {
            // A runner-up that nothing tells apart from the best needs only
            // its name in the message: what else it explains less are words
            // one question happened to use, which choose nothing.
            (fits(hit) && margin(top, Some(hit)) < CLARIFY_MAX_MARGIN)
                || (kb.calibration().named(hit) && tells_nothing_apart(&query, top, hit, kb))
        })
        .map(|hit| hit.entry)
        .collect();
    if close.is_empty() {
        return for_entry(kb, top.entry);
    }
    let mut candidates = vec![top.entry];
    candidates.extend(close);
    Decision::Clarify { candidates }
}

/// Whether nothing the citizen said tells `top` from `other`: the message
/// holds none of `top`'s questions, keywords or title whole (one that does
/// has named its entry), and every word of it that points at `top`, in any
/// form of its root, points at `other` as written ("I'd like to settle a
/// bill" and two kinds of bill).
/// Only words some entry is named with count: one that only questions use
/// ("why did it go up this month?") is how one citizen happened to ask.
/// Then only the citizen can choose. BM25 still ranks one first, on how
/// long and how many the two entries' questions are, which says nothing
/// about what this citizen means.
fn tells_nothing_apart(query: &Query, top: &Hit, other: &Hit, kb: &KnowledgeBase) -> bool {
    // A form of the word's root is weaker evidence than the word: it may
    // settle the doubt for the entry ranked first, never raise one.
    let by_top = kb.explained(top.entry, query, true);
    let by_other = kb.explained(other.entry, query, false);
    !top.names_whole()
        && by_top.contains(&true)
        && by_top
            .iter()
            .zip(&by_other)
            .all(|(&top, &other)| !top || other)
}

/// Whether retrieval alone may lead to this entry. With the built-in
/// detectors on, whether a message reports an emergency is theirs to say
/// (and the editors' rules'): a question that merely shares words with an
/// urgent entry ("what do I do if there is a fire?", "the site is not
/// working") must not hand the citizen over as urgent. An entry that hands
/// over to staff is a topic like any other, but only when the message holds
/// one of its questions, keywords or its title whole: half of "live chat" is
/// not a request for a person.
fn reachable_by_retrieval(hit: &Hit, kb: &KnowledgeBase) -> bool {
    match kb.entry(hit.entry).escalate {
        _ if !kb.options().alarms => true,
        None => true,
        Some(Escalation::Urgent) => false,
        Some(Escalation::Agent) => hit.names_whole(),
    }
}

/// How many urgent entries an emergency is weighed against.
const URGENT_CANDIDATES: usize = 5;

/// An emergency goes to the urgent entry about it that fits the message
/// best; with none, it still reaches a person at once, with life first.
fn emergency(alarm: Alarm, text: &str, kb: &KnowledgeBase) -> Decision {
    let topic = alarm.topic_words().join(" ");
    // Urgent entries whose questions, keywords or title name the hazard or
    // the service (not merely their answer text).
    let about_it: Vec<usize> = kb
        .search_escalating(
            &kb.read_as_written(&topic),
            Escalation::Urgent,
            URGENT_CANDIDATES,
        )
        .into_iter()
        .filter(Hit::named_at_all)
        .map(|hit| hit.entry)
        .collect();
    let message = kb.read(&format!("{text} {topic}"));
    let entry = kb
        .search_escalating(&message, Escalation::Urgent, URGENT_CANDIDATES)
        .into_iter()
        .map(|hit| hit.entry)
        .find(|entry| about_it.contains(entry))
        .or_else(|| about_it.first().copied());
    match entry {
        Some(entry) => Decision::Escalate {
            entry: Some(entry),
            reason: EscalationReason::Urgent,
            priority: Priority::Urgent,
        },
        None => Decision::Escalate {
            entry: None,
            reason: if alarm.is_danger_to_life() {
                EscalationReason::DangerToLife
            } else {
                EscalationReason::Urgent
            },
            priority: Priority::Urgent,
        },
    }
}

/// A request for a person: the base's entry for it when it has one (its
/// answer says what happens next), a person in any case.
fn person_requested(query: &Query, kb: &KnowledgeBase) -> Decision {
    let entry = kb
        .search_escalating(query, Escalation::Agent, 1)
        .into_iter()
        .find(Hit::named_at_all)
        .map(|hit| hit.entry);
    match entry {
        Some(entry) => for_entry(kb, entry),
        None => Decision::Escalate {
            entry: None,
            reason: EscalationReason::CitizenAsked,
            priority: Priority::Normal,
        },
    }
}

/// The decision for one message in `conversation`; `frustrated` is the
/// built-in reading of the message (`language::sentiment`).
pub fn decide(
    text: &str,
    button: Option<&ButtonAction>,
    frustrated: bool,
    conversation: &Conversation,
    kb: &KnowledgeBase,
) -> Decision {
    // The acknowledgement belongs to the wait: once a person has the
    // conversation, the bot says nothing of its own.
    match conversation.handoff {
        Handoff::Waiting { acknowledged, .. } => {
            return Decision::RelayToAgent {
                first: !acknowledged,
            };
        }
        Handoff::WithAgent { .. } => return Decision::RelayToAgent { first: false },
        Handoff::Bot => {}
    }
    if conversation.rating_request.is_some()
        && let Some(score) = rating(text, button)
    {
        return Decision::Rated { score };
    }
    if conversation.awaiting_comment && button.is_none() && !text.trim().is_empty() {
        return Decision::Commented;
    }
    if let Some(decision) = button.and_then(|button| decide_button(button, kb)) {
        return decision;
    }
    if super::returning::asks_to_forget(text) {
        return Decision::Forget;
    }
    if super::switch::requested(text).is_some() {
        return super::switch::resend(conversation, kb);
    }
    let offered: Vec<usize> = conversation
        .offered
        .iter()
        .filter_map(|id| kb.ordinal(id.as_str()))
        .collect();
    if let Some(entry) = super::choice::picked(text, &offered, kb) {
        return for_entry(kb, entry);
    }
    if offered.is_empty()
        && let Some(decision) = super::choice::picked_button(text, &conversation.thread.buttons, kb)
            .and_then(|button| decide_button(&button, kb))
    {
        return decision;
    }
    if super::choice::names_a_position(text) {
        return Decision::Fallback;
    }
    let to_person = |reason| Decision::Escalate {
        entry: None,
        reason,
        priority: Priority::Normal,
    };
    let decision = match super::correction::decide(text, conversation, kb) {
        Some(correction) => correction,
        None => super::context::read(text, &offered, conversation, kb),
    };
    match decision {
        // An outage stays urgent however the citizen words it.
        urgent @ Decision::Escalate {
            priority: Priority::Urgent,
            ..
        } => urgent,
        // Fed up: in words every agency's citizens use, or in its editors'.
        _ if (frustrated && kb.options().alarms) || kb.frustrated(text) => {
            to_person(EscalationReason::Frustration)
        }
        Decision::Answer { .. }
        | Decision::FollowUp { .. }
        | Decision::Clarify { .. }
        | Decision::Fallback
            if asked_before(text, conversation, 2) =>
        {
            to_person(EscalationReason::RepeatedQuestion)
        }
        // A second miss in a row: a person serves the citizen better than
        // a third "I could not find it".
        Decision::Fallback if conversation.consecutive_fallbacks >= 1 => {
            to_person(EscalationReason::RepeatedFallback)
        }
        decision => super::returning::welcome(
            super::closing::read(decision, text, conversation),
            conversation,
        ),
    }
}

/// Whether the citizen's last `times` messages were this same question.
fn asked_before(text: &str, conversation: &Conversation, times: usize) -> bool {
    let same = |other: &str| {
        let normalize =
            |text: &str| crate::language::text::normalize_arabic(&text.trim().to_lowercase());
        normalize(other) == normalize(text)
    };
    let earlier: Vec<&str> = conversation
        .turns
        .iter()
        .rev()
        .filter(|turn| turn.speaker == Speaker::Citizen)
        .take(times)
        .map(|turn| turn.text.as_str())
        .collect();
    earlier.len() == times && earlier.into_iter().all(same)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_read_from_buttons_and_digits_in_range() {
        assert_eq!(rating("", Some(&ButtonAction::Rate(3))), Some(3));
        assert_eq!(rating(" ٤ ", None), Some(4));
        assert_eq!(rating("5", None), Some(5));
        assert_eq!(rating("9", None), None);
        assert_eq!(rating("thanks", None), None);
    }

    #[test]
    fn salam_is_told_apart_from_other_greetings() {
        assert!(said_salam("السلام عليكم"));
        assert!(said_salam("salam 3alaikum"));
        assert!(!said_salam("مرحبا"));
        assert!(!said_salam("hello there"));
    }
}
