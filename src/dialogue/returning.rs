//! Citizens the bot remembers (`crate::memory`): a greeting from one is
//! answered with "welcome back" and, when it helps, their last case; and
//! any citizen can ask to be forgotten ("forget me", "امسح بياناتي").

use super::decide::Decision;
use crate::conversation::Conversation;
use crate::language::conversation::{Message, WORDS};

/// "Please delete all my personal data from your system" is about as long
/// as the request gets; a longer message is about something else.
const FORGET_MAX_WORDS: usize = 10;

/// Whether the message asks the bot to forget the citizen.
pub fn asks_to_forget(text: &str) -> bool {
    let words = Message::read(text).words();
    let forget = &WORDS.forget;
    words.len() <= FORGET_MAX_WORDS
        && forget.verbs.contains(&words)
        && forget.objects.contains(&words)
}

/// A greeting that opens a conversation with a citizen the bot remembers
/// becomes a welcome back; every other decision stays as it is.
pub(super) fn welcome(decision: Decision, conversation: &Conversation) -> Decision {
    match decision {
        Decision::Greeting { salam }
            if conversation.turns.is_empty() && !conversation.memory.is_empty() =>
        {
            Decision::WelcomeBack {
                salam,
                case: conversation
                    .memory
                    .last_case()
                    .filter(|case| case.entry_id.is_some())
                    .cloned(),
            }
        }
        decision => decision,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_to_be_forgotten_are_read_in_both_languages() {
        for text in [
            "forget me",
            "Please delete my data",
            "امسح بياناتي",
            "احذفوا كل معلوماتي لو سمحت",
        ] {
            assert!(asks_to_forget(text), "{text:?}");
        }
        for text in [
            "forget it, how do I renew my passport?",
            "how do I delete my account?",
            "امسح المخالفة",
            "I want to remove my son from the family record",
        ] {
            assert!(!asks_to_forget(text), "{text:?}");
        }
    }
}
