//! Cue reading shared by the built-in detectors (urgency, requests for a
//! person): finds listed words and phrases in a message however a citizen
//! spells them, and tells whether a cue stands under negation, a condition or
//! a question about plans, clause by clause.
//!
//! Spelling is absorbed here, once: Arabic clitics and pronoun suffixes, the
//! ما...ش circumfix, English inflections (Snowball stems) and one-letter typos,
//! Arabizi by its consonant skeleton. A detector only says which cue lists
//! it has (`Builder::add`) and reads the resulting [`Reading`].

mod spelling;

use std::collections::HashMap;

use serde::Deserialize;

use crate::language::text::{is_arabic_letter, normalize_arabic, words};
use spelling::Words;

/// What a detector calls one of its cue lists; grammar keeps its own.
pub type Tag = u16;

type WordId = u32;

/// Grammar a token can carry, as bits of [`Reading::flags`].
pub mod flag {
    pub const NEG: u16 = 1;
    pub const ABSENCE: u16 = 1 << 1;
    pub const HAVE: u16 = 1 << 2;
    pub const NO_PROBLEM: u16 = 1 << 3;
    pub const STOP: u16 = 1 << 4;
    pub const COND: u16 = 1 << 5;
    pub const POLITE: u16 = 1 << 6;
    pub const INFO: u16 = 1 << 7;
    pub const CONJ: u16 = 1 << 8;
    pub const BREAK: u16 = 1 << 9;
    pub const DET: u16 = 1 << 10;
    pub const OBJECT: u16 = 1 << 11;
    /// An Arabic word joined to the one before by و or ف ("والكهربا"):
    /// negation and absence do not reach across it.
    pub const JOINED: u16 = 1 << 12;
    pub const PAST: u16 = 1 << 13;
    pub const SINCE: u16 = 1 << 14;
    /// An Arabic word that carries a preposition (بالشارع, للبيت): it names
    /// a place or a goal, not what something happens to.
    pub const GOVERNED: u16 = 1 << 15;
}

/// Tags below this are grammar; a detector's tags start here.
pub const FIRST_TAG: Tag = 16;

/// How far back a negator reaches: "nobody is really stuck".
const NEGATION_REACH: usize = 4;
/// How far forward a conditional reaches within its clause.
const CONDITION_REACH: usize = 8;
/// How near a planning or advice word must stand: "planned cut tomorrow".
const INFO_REACH: usize = 4;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Grammar {
    arabic_conjunctions: Vec<String>,
    arabic_prefixes: Vec<String>,
    arabic_verb_prefixes: Vec<String>,
    arabic_suffixes: Vec<String>,
    arabizi_prefixes: Vec<String>,
    negators: Vec<String>,
    absence: Vec<String>,
    have: Vec<String>,
    no_problem: Vec<String>,
    stop: Vec<String>,
    conditionals: Vec<String>,
    polite: Vec<String>,
    informational: Vec<String>,
    conjunctions: Vec<String>,
    clause_breaks: Vec<String>,
    objects: Vec<String>,
    object_sensitive: Vec<String>,
    past: Vec<String>,
    since: Vec<String>,
}

fn grammar() -> Grammar {
    toml::from_str(include_str!("data/grammar.toml")).expect("language/data/grammar.toml parses")
}

/// Collects cue lists, then compiles them into [`Cues`].
pub struct Builder {
    words: Words,
    phrases: Vec<(Vec<WordId>, Tag)>,
    /// A detector's cues, compiled once all are known (see `Words::listed`).
    pending: Vec<(String, Tag)>,
}

impl Builder {
    /// A builder that already knows the shared grammar.
    pub fn new() -> Self {
        let grammar = grammar();
        let mut builder = Self {
            words: Words::new(&grammar),
            phrases: Vec::new(),
            pending: Vec::new(),
        };
        let lists: [(&[String], u16); 14] = [
            (&grammar.negators, flag::NEG),
            (&grammar.absence, flag::ABSENCE),
            (&grammar.have, flag::HAVE),
            (&grammar.no_problem, flag::NO_PROBLEM),
            (&grammar.stop, flag::STOP),
            (&grammar.conditionals, flag::COND),
            (&grammar.polite, flag::POLITE),
            (&grammar.informational, flag::INFO),
            (&grammar.conjunctions, flag::CONJ),
            (&grammar.clause_breaks, flag::BREAK),
            (&grammar.objects, flag::DET),
            (&grammar.object_sensitive, flag::OBJECT),
            (&grammar.past, flag::PAST),
            (&grammar.since, flag::SINCE),
        ];
        builder
            .words
            .note_exact(lists.iter().flat_map(|(list, _)| list.iter()));
        for (list, bit) in lists {
            for cue in list {
                builder.compile(cue, bit.trailing_zeros() as Tag);
            }
        }
        builder.words.function_words = builder.words.next;
        builder
    }

    /// Adds one cue (a word or a phrase of words in a row) under `tag`.
    pub fn add(&mut self, cue: &str, tag: Tag) {
        self.pending.push((cue.to_owned(), tag));
    }

    fn compile(&mut self, cue: &str, tag: Tag) {
        let ids: Vec<WordId> = cue
            .split_whitespace()
            .map(|w| self.words.intern(w))
            .collect();
        assert!(!ids.is_empty(), "empty cue under tag {tag}");
        self.phrases.push((ids, tag));
    }

    pub fn build(mut self) -> Cues {
        let pending = std::mem::take(&mut self.pending);
        self.words.listed = pending
            .iter()
            .flat_map(|(cue, _)| cue.split_whitespace())
            .filter(|w| w.chars().any(is_arabic_letter))
            .map(normalize_arabic)
            .collect();
        self.words.note_exact(pending.iter().map(|(cue, _)| cue));
        for (cue, tag) in &pending {
            self.compile(cue, *tag);
        }
        let mut starting: HashMap<WordId, Vec<(Vec<WordId>, Tag)>> = HashMap::new();
        for (ids, tag) in self.phrases {
            let list = starting.entry(ids[0]).or_default();
            if !list.contains(&(ids.clone(), tag)) {
                list.push((ids, tag));
            }
        }
        let negator = self
            .words
            .exact
            .get("ما")
            .copied()
            .expect("grammar lists the negator ما");
        let copula = self.words.exact.get("is").copied();
        Cues {
            words: self.words,
            starting,
            negator,
            copula,
        }
    }
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

/// Compiled cue lists; [`Cues::read`] applies them to a message.
pub struct Cues {
    words: Words,
    starting: HashMap<WordId, Vec<(Vec<WordId>, Tag)>>,
    negator: WordId,
    /// "is", when some cue uses it.
    copula: Option<WordId>,
}

/// One cue found in a message: tokens `start..end` under `tag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub tag: Tag,
}

impl Hit {
    /// Words strictly between two hits (0 when they touch or overlap).
    pub fn gap(&self, other: &Hit) -> usize {
        if other.start >= self.end {
            other.start - self.end
        } else {
            self.start.saturating_sub(other.end)
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Token {
    word: Option<WordId>,
    clause: usize,
    flags: u16,
    definite: bool,
}

/// A message as the detectors see it: its tokens' grammar and its cues.
pub struct Reading {
    tokens: Vec<Token>,
    hits: Vec<Hit>,
}

impl Cues {
    pub fn read(&self, text: &str) -> Reading {
        let text = text.replace(['\u{2019}', '\u{2018}', '`'], "'");
        let mut tokens = Vec::new();
        let mut punctuation_breaks = Vec::new();
        let mut previous_end = 0;
        let mut previous_the = false;
        for word in words(&text) {
            let start = word.as_ptr() as usize - text.as_ptr() as usize;
            let broken = breaks_clause(&text[previous_end..start]);
            previous_end = start + word.len();
            let resolved = self.words.resolve(&unstretched(word), previous_the);
            previous_the = word.eq_ignore_ascii_case("the");
            let mut joined = if resolved.joined { flag::JOINED } else { 0 };
            if resolved.negated {
                // "ومايشتغل": the conjunction joins the negator, which then
                // denies the word.
                tokens.push(Token::new(Some(self.negator), joined));
                punctuation_breaks.push(broken);
                joined = 0;
            }
            let governed = if resolved.governed { flag::GOVERNED } else { 0 };
            tokens.push(Token {
                definite: resolved.definite,
                ..Token::new(resolved.word, joined | governed)
            });
            punctuation_breaks.push(broken && !resolved.negated);
            // "The power's out" says "is": a state, as "the lights are out".
            let lower = word.to_ascii_lowercase();
            if lower.ends_with("'s") || lower.ends_with("'re") {
                tokens.push(Token::new(self.copula, 0));
                punctuation_breaks.push(false);
            }
        }
        let mut hits = Vec::new();
        let mut break_word = vec![false; tokens.len()];
        for start in 0..tokens.len() {
            let Some(first) = tokens[start].word else {
                continue;
            };
            for (ids, tag) in self.starting.get(&first).into_iter().flatten() {
                let end = start + ids.len();
                let matches = end <= tokens.len()
                    && ids
                        .iter()
                        .zip(&tokens[start..end])
                        .all(|(id, t)| t.word == Some(*id));
                if !matches {
                    continue;
                }
                if *tag < FIRST_TAG {
                    let bit = 1u16 << tag;
                    if bit == flag::BREAK {
                        break_word[start] = true;
                    }
                    for t in &mut tokens[start..end] {
                        t.flags |= bit;
                    }
                } else {
                    hits.push(Hit {
                        start,
                        end,
                        tag: *tag,
                    });
                }
            }
        }
        let mut clause = 0;
        for (index, t) in tokens.iter_mut().enumerate() {
            if index > 0 && (punctuation_breaks[index] || break_word[index]) {
                clause += 1;
            }
            t.clause = clause;
            if t.flags & flag::POLITE != 0 {
                t.flags &= !flag::COND;
            }
        }
        Reading { tokens, hits }
    }
}

impl Token {
    fn new(word: Option<WordId>, flags: u16) -> Self {
        Self {
            word,
            clause: 0,
            flags,
            definite: false,
        }
    }
}

/// A word without the letters stretched for emphasis: "حريييق", "heeelp".
fn unstretched(word: &str) -> std::borrow::Cow<'_, str> {
    let chars: Vec<char> = word.chars().collect();
    let stretched = chars.windows(3).any(|w| w[0] == w[1] && w[1] == w[2]);
    if !stretched {
        return word.into();
    }
    let mut out = String::with_capacity(word.len());
    let mut index = 0;
    while index < chars.len() {
        let run = chars[index..]
            .iter()
            .take_while(|&&c| c == chars[index])
            .count();
        let keep = if run >= 3 { 1 } else { run };
        out.extend(std::iter::repeat_n(chars[index], keep));
        index += run;
    }
    out.into()
}

/// Whether the text between two words ends a clause: sentence or clause
/// punctuation, or a dash standing apart ("not that - this").
fn breaks_clause(between: &str) -> bool {
    between.chars().any(|c| ".,!?;:،؛…()\n—–".contains(c))
        || (between.contains('-') && between.starts_with(char::is_whitespace))
}

impl Reading {
    pub fn hits(&self) -> &[Hit] {
        &self.hits
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    pub fn clause(&self, at: usize) -> usize {
        self.tokens[at].clause
    }

    pub fn has(&self, at: usize, bits: u16) -> bool {
        self.tokens.get(at).is_some_and(|t| t.flags & bits != 0)
    }

    pub fn definite(&self, at: usize) -> bool {
        self.tokens[at].definite
    }

    /// Whether a negator in the same clause stands just before `at`, not
    /// across a conjunction, and not one that only denies a stopping ("won't
    /// stop bleeding" still reports bleeding).
    pub fn negated(&self, at: usize) -> bool {
        if self.has(at, flag::JOINED) {
            return false;
        }
        let clause = self.clause(at);
        for j in (at.saturating_sub(NEGATION_REACH)..at).rev() {
            if self.clause(j) != clause {
                return false;
            }
            if self.has(j, flag::NEG) && !(j + 1 < at && self.has(j + 1, flag::STOP)) {
                return true;
            }
            if self.has(j, flag::CONJ | flag::JOINED) {
                return false;
            }
        }
        false
    }

    /// Whether a conditional ("if", "لو") earlier in the clause makes `at`
    /// hypothetical.
    pub fn conditional(&self, at: usize) -> bool {
        let clause = self.clause(at);
        (at.saturating_sub(CONDITION_REACH)..at)
            .any(|j| self.clause(j) == clause && self.has(j, flag::COND))
    }

    /// Whether a planning or advice word near `at` in its clause makes it a
    /// question rather than a report ("prevention tips", "بكرة", "last
    /// week's floods"), unless a duration runs from it ("since last week").
    pub fn informational(&self, at: usize) -> bool {
        let clause = self.clause(at);
        let last = (at + INFO_REACH).min(self.len() - 1);
        let starts = |j: usize, bit: u16| self.has(j, bit) && !(j > 0 && self.has(j - 1, bit));
        (at.saturating_sub(INFO_REACH)..=last).any(|j| {
            self.clause(j) == clause
                && (self.has(j, flag::INFO)
                    || (starts(j, flag::PAST) && !(j > 0 && self.has(j - 1, flag::SINCE))))
        })
    }

    /// Whether `hit` is reported, not supposed or asked about.
    pub fn reported(&self, hit: &Hit) -> bool {
        !self.conditional(hit.start) && !self.informational(hit.start)
    }

    /// Whether the thing named by `hit` is said to be missing: "no water",
    /// "ما عندنا كهربا", "الماي ما فيه", but not "no problem with the water".
    pub fn absent(&self, hit: &Hit) -> bool {
        let clause = self.clause(hit.start);
        let marks = |j: usize| {
            self.clause(j) == clause
                && !self.has(j + 1, flag::NO_PROBLEM)
                && (self.has(j, flag::ABSENCE) || (self.has(j, flag::HAVE) && self.negated(j)))
        };
        let barrier = |j: usize| self.has(j, flag::CONJ | flag::JOINED);
        if !self.has(hit.start, flag::JOINED) {
            for j in (hit.start.saturating_sub(3)..hit.start).rev() {
                if marks(j) {
                    return true;
                }
                if barrier(j) {
                    break;
                }
            }
        }
        for j in hit.end..(hit.end + 2).min(self.len()) {
            if barrier(j) {
                break;
            }
            if marks(j) {
                return true;
            }
        }
        false
    }

    /// Whether `hit` is a verb like "lost" followed by its object ("lost his
    /// card"), which then reports no lost person.
    pub fn takes_object(&self, hit: &Hit) -> bool {
        self.has(hit.start, flag::OBJECT) && self.has(hit.end, flag::DET)
    }
}

#[cfg(test)]
#[path = "cues_tests.rs"]
mod tests;
