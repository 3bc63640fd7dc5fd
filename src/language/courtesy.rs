//! Greetings, thanks, farewells and polite filler in both languages and the
//! dialects (`data/courtesy.toml`). They name no topic; a message made only
//! of them is answered with courtesy, and a salam with a salam.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use super::dialect::normalized_words;

const COURTESY: &str = include_str!("data/courtesy.toml");

/// What a courtesy phrase does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Courtesy {
    /// السلام عليكم: answered with وعليكم السلام.
    Salam,
    /// Any other opening, including the reply to a salam.
    Greeting,
    Thanks,
    Farewell,
    /// Politeness inside a request ("لو سمحت", "i would like to"): no
    /// greeting, just no topic.
    Filler,
}

impl Courtesy {
    /// Whether a message made of this deserves a courtesy reply (filler
    /// alone does not: "please" is not a conversation).
    pub fn is_greeting(self) -> bool {
        self != Courtesy::Filler
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCourtesy {
    salam: Vec<String>,
    greetings: Vec<String>,
    thanks: Vec<String>,
    farewells: Vec<String>,
    filler: Vec<String>,
}

struct Phrases {
    /// Every phrase as normalised words, longest first.
    all: Vec<(Courtesy, Vec<String>)>,
    /// Phrases keyed by their words joined with a space.
    by_text: HashMap<String, Courtesy>,
    starts: HashSet<String>,
    longest: usize,
}

static PHRASES: LazyLock<Phrases> = LazyLock::new(|| {
    let raw: RawCourtesy = toml::from_str(COURTESY).expect("courtesy.toml is valid");
    let lists = [
        (Courtesy::Salam, raw.salam),
        (Courtesy::Greeting, raw.greetings),
        (Courtesy::Thanks, raw.thanks),
        (Courtesy::Farewell, raw.farewells),
        (Courtesy::Filler, raw.filler),
    ];
    let mut phrases = Phrases {
        all: Vec::new(),
        by_text: HashMap::new(),
        starts: HashSet::new(),
        longest: 1,
    };
    for (kind, list) in lists {
        for phrase in list {
            let words = normalized_words(&phrase);
            let Some(first) = words.first() else {
                continue;
            };
            // A phrase listed twice keeps its first kind.
            if phrases.by_text.contains_key(&words.join(" ")) {
                continue;
            }
            phrases.starts.insert(first.clone());
            phrases.longest = phrases.longest.max(words.len());
            phrases.by_text.insert(words.join(" "), kind);
            phrases.all.push((kind, words));
        }
    }
    phrases
        .all
        .sort_by_key(|(_, words)| std::cmp::Reverse(words.len()));
    phrases
});

/// Every courtesy phrase with its kind, as normalised words, longest first.
pub fn courtesy_phrases() -> &'static [(Courtesy, Vec<String>)] {
    &PHRASES.all
}

/// Courtesy phrases of one word, which count as function words.
pub(crate) fn single_words() -> Vec<&'static str> {
    PHRASES
        .all
        .iter()
        .filter_map(|(_, words)| match words.as_slice() {
            [word] => Some(word.as_str()),
            _ => None,
        })
        .collect()
}

/// The longest courtesy phrase starting at `words[at]` (normalised words):
/// its kind and how many words it spans.
pub fn courtesy_at<S: AsRef<str>>(words: &[S], at: usize) -> Option<(Courtesy, usize)> {
    let phrases = &*PHRASES;
    let first = words.get(at)?.as_ref();
    if !phrases.starts.contains(first) {
        return None;
    }
    let mut key = String::from(first);
    let mut found = phrases.by_text.get(&key).map(|kind| (*kind, 1));
    for (offset, word) in words[at..].iter().enumerate().skip(1) {
        if offset >= phrases.longest {
            break;
        }
        key.push(' ');
        key.push_str(word.as_ref());
        if let Some(kind) = phrases.by_text.get(&key) {
            found = Some((*kind, offset + 1));
        }
    }
    found
}

/// Whether the message holds a salam (not a farewell such as مع السلامة,
/// nor the reply وعليكم السلام).
pub fn said_salam(text: &str) -> bool {
    let words = normalized_words(text);
    let mut at = 0;
    while at < words.len() {
        match courtesy_at(&words, at) {
            Some((Courtesy::Salam, _)) => return true,
            Some((_, length)) => at += length,
            None => at += 1,
        }
    }
    false
}

/// Whether a message with no topic closes the conversation: it thanks or
/// says goodbye, and greets nobody (a greeting opens one). `Some(true)`
/// when it says goodbye.
pub fn closing(text: &str) -> Option<bool> {
    let words = normalized_words(text);
    let (mut thanks, mut farewell) = (false, false);
    let mut at = 0;
    while at < words.len() {
        match courtesy_at(&words, at) {
            Some((Courtesy::Salam | Courtesy::Greeting, _)) => return None,
            Some((kind, length)) => {
                thanks |= kind == Courtesy::Thanks;
                farewell |= kind == Courtesy::Farewell;
                at += length;
            }
            None => at += 1,
        }
    }
    (thanks || farewell).then_some(farewell)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::dialect::is_function_word;

    /// The courtesy a message is made of, when it is made only of courtesy and
    /// function words and holds at least one greeting, thanks or farewell: a
    /// salam if it has one, else the first kind found. `None` for a message
    /// with a topic, or with filler alone.
    fn is_greeting_phrase(text: &str) -> Option<Courtesy> {
        let words = normalized_words(text);
        let mut found: Option<Courtesy> = None;
        let mut at = 0;
        while at < words.len() {
            if let Some((kind, length)) = courtesy_at(&words, at) {
                if kind == Courtesy::Salam || (kind.is_greeting() && found.is_none()) {
                    found = Some(kind);
                }
                at += length;
            } else if is_function_word(&words[at]) || words[at].chars().all(|c| c.is_numeric()) {
                at += 1;
            } else {
                return None;
            }
        }
        found
    }

    #[test]
    fn greetings_in_both_languages_and_the_dialects() {
        for text in [
            "مرحبا",
            "هلا والله",
            "صباح الخير",
            "شلونك",
            "لاباس عليك",
            "hi there!",
            "good morning",
            "ahlan",
        ] {
            assert_eq!(is_greeting_phrase(text), Some(Courtesy::Greeting), "{text}");
        }
    }

    #[test]
    fn thanks_and_farewells() {
        for text in [
            "شكرا جزيلا",
            "يعطيك العافية",
            "تسلم ايدك",
            "thank you so much",
            "shukran",
        ] {
            assert_eq!(is_greeting_phrase(text), Some(Courtesy::Thanks), "{text}");
        }
        assert_eq!(is_greeting_phrase("مع السلامة"), Some(Courtesy::Farewell));
        assert_eq!(is_greeting_phrase("bye!"), Some(Courtesy::Farewell));
    }

    #[test]
    fn salam_is_told_apart() {
        assert_eq!(
            is_greeting_phrase("السلام عليكم ورحمة الله"),
            Some(Courtesy::Salam)
        );
        assert_eq!(
            is_greeting_phrase("مرحبا، السلام عليكم"),
            Some(Courtesy::Salam)
        );
        assert!(said_salam("السلام عليكم، عندي سؤال"));
        assert!(said_salam("salam alaikum"));
        assert!(!said_salam("مع السلامة"));
        assert!(!said_salam("وعليكم السلام"));
    }

    #[test]
    fn a_topic_or_filler_alone_is_not_a_greeting() {
        assert_eq!(is_greeting_phrase("مرحبا، الكهرباء مقطوعة"), None);
        assert_eq!(is_greeting_phrase("hello, my passport expired"), None);
        assert_eq!(is_greeting_phrase("لو سمحت"), None);
        assert_eq!(is_greeting_phrase(""), None);
    }

    #[test]
    fn greetings_wrapped_in_filler_and_function_words_still_count() {
        assert_eq!(
            is_greeting_phrase("مرحبا يا جماعة، الله يعطيكم العافية"),
            Some(Courtesy::Greeting)
        );
    }

    #[test]
    fn thanks_and_goodbyes_close_and_greetings_do_not() {
        assert_eq!(closing("شكرا جزيلا"), Some(false));
        assert_eq!(closing("مشكور ما قصرت"), Some(false));
        assert_eq!(closing("thanks a lot!"), Some(false));
        assert_eq!(closing("thanks, bye"), Some(true));
        assert_eq!(closing("مع السلامة"), Some(true));
        assert_eq!(closing("مرحبا"), None);
        assert_eq!(closing("hi, thanks"), None);
        assert_eq!(closing("السلام عليكم"), None);
        assert_eq!(closing("لو سمحت"), None);
    }

    #[test]
    fn longest_phrase_wins() {
        let words = normalized_words("الله يعطيك العافية يا اخي");
        assert_eq!(courtesy_at(&words, 0), Some((Courtesy::Thanks, 3)));
        assert_eq!(courtesy_at(&words, 3), Some((Courtesy::Filler, 2)));
    }
}
