//! The end of a conversation the bot served alone: a citizen who thanks it
//! or says goodbye is answered warmly, and, when the bot has just answered
//! their question, asked once to rate its help, as a citizen whose case an
//! agent resolved is.

use super::decide::Decision;
use crate::conversation::{Action, Conversation, Speaker};
use crate::language::courtesy;

/// A thanks or goodbye becomes a closing; every other decision stays.
pub(super) fn read(decision: Decision, text: &str, conversation: &Conversation) -> Decision {
    match decision {
        Decision::Greeting { salam: false } => match courtesy::closing(text) {
            Some(farewell) => Decision::Closing {
                farewell,
                ask_rating: rating_due(conversation),
            },
            None => decision,
        },
        decision => decision,
    }
}

/// Whether the bot should ask for a rating: it alone served the citizen (no
/// turn of the conversation ever reached the agents), nobody has rated or
/// been asked to rate it yet, and its last reply answered from the
/// knowledge base.
fn rating_due(conversation: &Conversation) -> bool {
    let answered = conversation
        .turns
        .iter()
        .rev()
        .find(|turn| turn.speaker == Speaker::Bot)
        .is_some_and(|turn| turn.action == Some(Action::Answer) && turn.entry_id.is_some());
    answered
        && conversation.turns_in_history == 0
        && conversation.ratings.is_empty()
        && conversation.rating_request.is_none()
        && !conversation.bot_rating_asked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{ConversationId, Turn};
    use crate::kb::EntryId;

    fn answered() -> Conversation {
        let mut conversation = Conversation::new(ConversationId::new("web", "c").unwrap());
        conversation.record(Turn {
            at_ms: 1,
            speaker: Speaker::Citizen,
            text: "passport".to_owned(),
            action: None,
            entry_id: None,
        });
        conversation.record(Turn {
            at_ms: 1,
            speaker: Speaker::Bot,
            text: "answer".to_owned(),
            action: Some(Action::Answer),
            entry_id: Some(EntryId::parse("passport-renewal").unwrap()),
        });
        conversation
    }

    fn closing(conversation: &Conversation, text: &str) -> Decision {
        read(Decision::Greeting { salam: false }, text, conversation)
    }

    #[test]
    fn thanks_after_an_answer_asks_for_a_rating_once() {
        let mut conversation = answered();
        let asks = Decision::Closing {
            farewell: false,
            ask_rating: true,
        };
        assert_eq!(closing(&conversation, "شكرا جزيلا"), asks);
        conversation.bot_rating_asked = true;
        assert_eq!(
            closing(&conversation, "thanks"),
            Decision::Closing {
                farewell: false,
                ask_rating: false
            }
        );
    }

    #[test]
    fn no_rating_without_an_answer_or_after_humans_were_involved() {
        let fresh = Conversation::new(ConversationId::new("web", "c").unwrap());
        assert!(!rating_due(&fresh));
        let mut escalated = answered();
        escalated.mark_in_history();
        assert!(!rating_due(&escalated));
        let mut rated = answered();
        rated.ratings.push_back(crate::conversation::Rating {
            agent: Some("sara".to_owned()),
            team: Some("general".to_owned()),
            score: 5,
            at_ms: 1,
            comment: None,
        });
        assert!(!rating_due(&rated));
    }

    #[test]
    fn a_greeting_stays_a_greeting() {
        let conversation = answered();
        assert_eq!(
            closing(&conversation, "مرحبا"),
            Decision::Greeting { salam: false }
        );
        assert_eq!(
            closing(&conversation, "bye"),
            Decision::Closing {
                farewell: true,
                ask_rating: true
            }
        );
    }
}
