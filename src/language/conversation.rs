//! Words that steer a conversation rather than name a topic: picking an
//! offered option, following up, correcting, asking for the other language,
//! pointing back, saying where one lives, asking to be forgotten. They are
//! the same for every agency, so they live in the engine
//! (`data/conversation.toml`), never in a knowledge base.

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::Deserialize;

use super::text::{normalize_arabic, words};

/// A message as the conversation readers see it: its clauses (split at
/// commas and sentence ends), each a list of normalised words.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    pub clauses: Vec<Vec<String>>,
}

/// Characters that end a clause: a correction is "not X, Y".
fn ends_clause(c: char) -> bool {
    matches!(
        c,
        ',' | '،' | '؛' | ';' | '.' | '!' | '?' | '؟' | '\n' | ':' | '-' | '–' | '—'
    )
}

/// One word in the form every phrase list uses: lower case, Arabic spelling
/// unified.
pub fn normalize_word(word: &str) -> String {
    normalize_arabic(&word.to_lowercase())
}

impl Message {
    pub fn read(text: &str) -> Self {
        let text = text.replace(['’', '‘', '`'], "'");
        let clauses = text
            .split(ends_clause)
            .map(|clause| words(clause).into_iter().map(normalize_word).collect())
            .filter(|clause: &Vec<String>| !clause.is_empty())
            .collect();
        Self { clauses }
    }

    /// All words, clause boundaries dropped.
    pub fn words(&self) -> Vec<String> {
        self.clauses.iter().flatten().cloned().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }
}

/// A list of phrases, each a sequence of normalised words.
#[derive(Debug, Clone, Default)]
pub struct Phrases {
    /// Longest first, so that "not that one" wins over "not".
    phrases: Vec<Vec<String>>,
    /// The words phrases start with: most words of a message start none,
    /// and one lookup says so.
    starts: HashSet<String>,
}

impl<'de> Deserialize<'de> for Phrases {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Vec::<String>::deserialize(deserializer)?;
        let mut phrases: Vec<Vec<String>> = raw
            .iter()
            .map(|phrase| words(phrase).into_iter().map(normalize_word).collect())
            .filter(|phrase: &Vec<String>| !phrase.is_empty())
            .collect();
        phrases.sort_by_key(|phrase| std::cmp::Reverse(phrase.len()));
        let starts = phrases.iter().map(|phrase| phrase[0].clone()).collect();
        Ok(Self { phrases, starts })
    }
}

/// "And" and "so", which an Arabic word may carry glued to its front
/// ("وقديش").
const GLUED_CONJUNCTIONS: [char; 2] = ['و', 'ف'];

/// A phrase's word as the message wrote it, its first word perhaps with a
/// glued conjunction.
fn same_word(seen: &str, wanted: &str, first: bool) -> bool {
    seen == wanted
        || (first
            && seen
                .strip_prefix(GLUED_CONJUNCTIONS)
                .is_some_and(|rest| rest == wanted)
            && wanted.chars().count() >= 2
            && wanted
                .chars()
                .next()
                .is_some_and(super::text::is_arabic_letter))
}

impl Phrases {
    /// The length of the longest phrase that starts at `at`, if any.
    pub fn at(&self, words: &[String], at: usize) -> Option<usize> {
        let first = words.get(at)?;
        let may_start = |word: &str| self.starts.contains(word);
        if !may_start(first)
            && !first
                .strip_prefix(GLUED_CONJUNCTIONS)
                .is_some_and(may_start)
        {
            return None;
        }
        self.phrases
            .iter()
            .find(|phrase| {
                phrase.iter().enumerate().all(|(offset, wanted)| {
                    words
                        .get(at + offset)
                        .is_some_and(|seen| same_word(seen, wanted, offset == 0))
                })
            })
            .map(Vec::len)
    }

    /// The first phrase found, as (start, length).
    pub fn find(&self, words: &[String]) -> Option<(usize, usize)> {
        (0..words.len()).find_map(|at| self.at(words, at).map(|len| (at, len)))
    }

    pub fn contains(&self, words: &[String]) -> bool {
        self.find(words).is_some()
    }

    /// Whether `words` consist only of these phrases.
    pub fn covers(&self, words: &[String]) -> bool {
        let mut at = 0;
        while at < words.len() {
            match self.at(words, at) {
                Some(len) => at += len,
                None => return false,
            }
        }
        true
    }

    /// `words` with every occurrence of these phrases taken out.
    pub fn remove(&self, words: &[String]) -> Vec<String> {
        let mut kept = Vec::new();
        let mut at = 0;
        while at < words.len() {
            match self.at(words, at) {
                Some(len) => at += len,
                None => {
                    kept.push(words[at].clone());
                    at += 1;
                }
            }
        }
        kept
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub first: Phrases,
    pub second: Phrases,
    pub third: Phrases,
    pub fourth: Phrases,
    pub fifth: Phrases,
    pub last: Phrases,
    pub one: Phrases,
    pub two: Phrases,
    pub three: Phrases,
    pub four: Phrases,
    pub five: Phrases,
    pub filler: Phrases,
}

/// A position among offered options: 1-based, or the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Nth(usize),
    Last,
}

impl Choice {
    fn ordinals(&self) -> [(Position, &Phrases); 6] {
        [
            (Position::Nth(1), &self.first),
            (Position::Nth(2), &self.second),
            (Position::Nth(3), &self.third),
            (Position::Nth(4), &self.fourth),
            (Position::Nth(5), &self.fifth),
            (Position::Last, &self.last),
        ]
    }

    fn counts(&self) -> [(Position, &Phrases); 5] {
        [
            (Position::Nth(1), &self.one),
            (Position::Nth(2), &self.two),
            (Position::Nth(3), &self.three),
            (Position::Nth(4), &self.four),
            (Position::Nth(5), &self.five),
        ]
    }

    /// The position a message names when it is nothing but a pick: a
    /// number, an ordinal or a counting word, among filler words.
    pub fn position(&self, words: &[String]) -> Option<Position> {
        let found = |lists: &[(Position, &Phrases)]| -> Option<(Position, Vec<String>)> {
            let mut hit: Option<(Position, Vec<String>)> = None;
            for (position, phrases) in lists {
                if phrases.contains(words) {
                    if hit.as_ref().is_some_and(|(seen, _)| seen != position) {
                        return None;
                    }
                    hit = Some((*position, phrases.remove(words)));
                }
            }
            hit
        };
        let digits: Vec<usize> = words.iter().filter_map(|w| w.parse().ok()).collect();
        let (position, rest) = match digits.as_slice() {
            [n] => (
                Position::Nth(*n),
                words
                    .iter()
                    .filter(|w| w.parse::<usize>().is_err())
                    .cloned()
                    .collect(),
            ),
            [] => found(&self.ordinals()).or_else(|| found(&self.counts()))?,
            _ => return None,
        };
        self.filler.covers(&rest).then_some(position)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub details: Phrases,
    pub questions: Phrases,
    pub continuations: Phrases,
    pub references: Phrases,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub meant: Phrases,
    pub rejections: Phrases,
    pub refusals: Phrases,
    pub negations: Phrases,
    pub but: Phrases,
    pub softeners: Phrases,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    pub english: Phrases,
    pub arabic: Phrases,
    pub requests: Phrases,
    pub weak: Phrases,
    pub cannot: Phrases,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recall {
    pub phrases: Phrases,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub district_before: Phrases,
    pub district_after: Phrases,
    pub lives_in: Phrases,
    pub residence: Phrases,
    pub address: Phrases,
    pub landmarks: Phrases,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Forget {
    pub verbs: Phrases,
    pub objects: Phrases,
}

/// Everything in `data/conversation.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationWords {
    pub choice: Choice,
    pub follow_up: FollowUp,
    pub correction: Correction,
    pub switch: Switch,
    pub recall: Recall,
    pub location: Location,
    pub forget: Forget,
}

/// The built-in lists, parsed once; the file is part of the binary and a
/// test proves it parses.
pub static WORDS: LazyLock<ConversationWords> = LazyLock::new(|| {
    toml::from_str(include_str!("data/conversation.toml"))
        .expect("src/language/data/conversation.toml is valid (tested)")
});

#[cfg(test)]
mod tests {
    use super::*;

    fn words_of(text: &str) -> Vec<String> {
        Message::read(text).words()
    }

    #[test]
    fn the_built_in_lists_parse() {
        assert!(WORDS.choice.second.contains(&words_of("the second")));
        assert!(!WORDS.forget.objects.phrases.is_empty());
    }

    #[test]
    fn messages_split_into_clauses_of_normalised_words() {
        let message = Message::read("لا مو رخصة القيادة، قصدي رخصة المحل");
        assert_eq!(message.clauses.len(), 2);
        assert_eq!(message.clauses[0], ["لا", "مو", "رخصه", "القياده"]);
        assert_eq!(
            Message::read("That’s NOT it").words(),
            ["that's", "not", "it"]
        );
    }

    #[test]
    fn a_glued_and_does_not_hide_a_phrase() {
        let details = &WORDS.follow_up.details;
        assert!(details.contains(&words_of("وقديش الغرامة")));
        assert!(!details.contains(&words_of("the weather tomorrow")));
    }

    #[test]
    fn positions_are_read_from_numbers_ordinals_and_counting_words() {
        let position = |text: &str| WORDS.choice.position(&words_of(text));
        assert_eq!(position("2"), Some(Position::Nth(2)));
        assert_eq!(position("٣"), Some(Position::Nth(3)));
        assert_eq!(position("the first one please"), Some(Position::Nth(1)));
        assert_eq!(position("التانية"), Some(Position::Nth(2)));
        assert_eq!(position("اللي تحت"), Some(Position::Last));
        assert_eq!(position("option two"), Some(Position::Nth(2)));
        assert_eq!(position("the first time I renewed it"), None);
        assert_eq!(position("2 or 3"), None);
    }
}
