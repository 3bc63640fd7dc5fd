//! Requests for the other language: "can you answer in English?", "ممكن
//! بالعربي", "english please", "I don't understand Arabic". The bot says
//! its last reply again in the asked language and keeps that language.

use super::decide::Decision;
use crate::conversation::{Action, Conversation, Speaker};
use crate::i18n::Lang;
use crate::kb::KnowledgeBase;
use crate::language::conversation::{Message, WORDS};

/// How far before the language word a "don't" still negates it ("I don't
/// really understand Arabic"), and how far after it "not good" does ("my
/// Arabic is not good").
const NEGATION_REACH: usize = 3;

/// The language a message asks for, when asking for it is all the message
/// does. A question that merely mentions a language ("do you attest
/// English certificates?") asks for nothing.
pub fn requested(text: &str) -> Option<Lang> {
    let words = Message::read(text).words();
    let switch = &WORDS.switch;
    let mut asked: Option<Lang> = None;
    let mut rest = Vec::new();
    let mut at = 0;
    // Where the words that may negate the next language word begin.
    let mut since = 0;
    while at < words.len() {
        let named = [(Lang::En, &switch.english), (Lang::Ar, &switch.arabic)]
            .into_iter()
            .find_map(|(lang, phrases)| phrases.at(&words, at).map(|len| (lang, len)));
        match named {
            Some((lang, len)) => {
                let after = &words[at + len..(at + len + NEGATION_REACH).min(words.len())];
                let weak_end = (0..after.len())
                    .find_map(|offset| switch.weak.at(after, offset).map(|n| offset + n));
                let denied = switch
                    .cannot
                    .contains(&words[at.saturating_sub(NEGATION_REACH).max(since)..at])
                    || weak_end.is_some();
                let lang = if denied { lang.other() } else { lang };
                if asked.is_some_and(|seen| seen != lang) {
                    return None;
                }
                asked = Some(lang);
                at += len;
                since = at + weak_end.unwrap_or(0);
            }
            None => {
                rest.push(words[at].clone());
                at += 1;
            }
        }
    }
    let rest = switch.weak.remove(&switch.cannot.remove(&rest));
    asked.filter(|_| switch.requests.covers(&rest))
}

/// The last reply again, to be worded in the new language: the options of
/// a clarify, the entry of an answer, or a word that the bot switched.
pub(super) fn resend(conversation: &Conversation, kb: &KnowledgeBase) -> Decision {
    let last = conversation
        .turns
        .iter()
        .rev()
        .find(|turn| turn.speaker == Speaker::Bot);
    let offered: Vec<usize> = conversation
        .offered
        .iter()
        .filter_map(|id| kb.ordinal(id.as_str()))
        .collect();
    match last {
        Some(turn) if turn.action == Some(Action::Clarify) && !offered.is_empty() => {
            Decision::Clarify {
                candidates: offered,
            }
        }
        Some(turn) if turn.action == Some(Action::Answer) => turn
            .entry_id
            .as_ref()
            .and_then(|id| kb.ordinal(id.as_str()))
            .filter(|&entry| kb.entry(entry).escalate.is_none())
            .map_or(Decision::LanguageSwitched, |entry| Decision::Answer {
                entry,
            }),
        _ => Decision::LanguageSwitched,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_for_a_language_are_read_in_both_languages() {
        for (text, lang) in [
            ("can you answer in English please?", Lang::En),
            ("english please", Lang::En),
            ("ممكن بالعربي؟", Lang::Ar),
            ("ممكن ترد علي بالعربي", Lang::Ar),
            ("Arabic", Lang::Ar),
            ("sorry, I don't understand Arabic", Lang::En),
            ("ما افهم انجليزي", Lang::Ar),
            ("momken bil engelizi", Lang::En),
            ("sorry I don't understand English, Arabic please", Lang::Ar),
            ("my arabic is not good, english only", Lang::En),
            ("English is easier for me", Lang::En),
        ] {
            assert_eq!(requested(text), Some(lang), "{text:?}");
        }
    }

    #[test]
    fn questions_that_mention_a_language_are_not_requests() {
        for text in [
            "do you attest English certificates?",
            "ابي ترجمة شهادة الميلاد بالانجليزي",
            "how do I renew my passport",
            "english and arabic",
        ] {
            assert_eq!(requested(text), None, "{text:?}");
        }
    }
}
