//! A question read in its conversation rather than on its own: the words
//! that say where the citizen lives are set aside (`location`), entries the
//! citizen just rejected stay out (`correction`), a follow-up is read
//! against the current topic (`topic`), and "I already told you" looks back
//! at what the citizen wrote before.

use super::decide::{Decision, decide_question, said_salam};
use super::{correction, location, topic};
use crate::conversation::{Conversation, Priority, Speaker};
use crate::kb::KnowledgeBase;
use crate::language::conversation::{Message, WORDS};

/// "I already told you" looks back this many messages.
const RECALLED_MESSAGES: usize = 3;

fn is_urgent(decision: &Decision) -> bool {
    matches!(
        decision,
        Decision::Escalate {
            priority: Priority::Urgent,
            ..
        }
    )
}

/// The decision for a question, in the light of the conversation so far.
pub(super) fn read(
    text: &str,
    offered: &[usize],
    conversation: &Conversation,
    kb: &KnowledgeBase,
) -> Decision {
    let (question, base) = match location::read(text, kb) {
        Some(located) => {
            let whole = decide_question(text, offered, kb);
            if is_urgent(&whole) {
                (text.to_owned(), whole)
            } else {
                match decide_question(&located.rest, offered, kb) {
                    Decision::Fallback | Decision::Greeting { .. } => {
                        return Decision::AreaNoted {
                            area: located.area,
                            salam: said_salam(text),
                        };
                    }
                    other => (located.rest, other),
                }
            }
        }
        None => (text.to_owned(), decide_question(text, offered, kb)),
    };
    let rejected = correction::rejected(conversation, kb);
    let base = correction::without_rejected(base, &question, &rejected, kb);
    let base = topic::in_context(&question, base, conversation, kb, &rejected);
    recall(&question, base, conversation, kb)
}

/// After "I already told you" (قلت لك) that the bot could not place on its
/// own, the citizen's last messages read together.
fn recall(text: &str, base: Decision, conversation: &Conversation, kb: &KnowledgeBase) -> Decision {
    if !matches!(base, Decision::Fallback) {
        return base;
    }
    let words = Message::read(text).words();
    let recall = &WORDS.recall.phrases;
    if !recall.contains(&words) {
        return base;
    }
    let mut earlier: Vec<&str> = conversation
        .turns
        .iter()
        .rev()
        .filter(|turn| turn.speaker == Speaker::Citizen)
        .take(RECALLED_MESSAGES)
        .map(|turn| turn.text.as_str())
        .collect();
    if earlier.is_empty() {
        return base;
    }
    earlier.reverse();
    let now = recall.remove(&words).join(" ");
    let together = format!("{} {now}", earlier.join(" "));
    match decide_question(&together, &[], kb) {
        decision @ (Decision::Answer { .. }
        | Decision::Clarify { .. }
        | Decision::Escalate { .. }) => decision,
        _ => base,
    }
}
