//! How a cue word may be spelt: Arabic clitics and pronoun suffixes,
//! English stems and one-letter typos, Arabizi skeletons. Every spelling of
//! a listed word maps to one id, which is all the cue matcher compares.

use std::collections::{HashMap, HashSet};

use frostem::{Algorithm, Stemmer};

use super::{Grammar, WordId};
use crate::language::text::{is_arabic_letter, normalize_arabic};

/// A word without the letters stretched for emphasis: "حريييق", "heeelp".
pub(super) fn unstretched(word: &str) -> std::borrow::Cow<'_, str> {
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

/// An Arabic word found under its clitics.
pub(super) struct Found {
    pub(super) id: WordId,
    /// It took stripping a conjunction (و, ف) to find it.
    pub(super) joined: bool,
    /// It carried a preposition (ب, ل, بال, لل, ك, عال).
    pub(super) governed: bool,
}

/// Every spelling a cue word may take, mapped to the word.
pub(super) struct Words {
    conjunctions: Vec<String>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    arabizi_prefixes: Vec<String>,
    stemmer: Stemmer,
    /// Normalised Arabic, lower-case Latin.
    pub(super) exact: HashMap<Box<str>, WordId>,
    stems: HashMap<Box<str>, WordId>,
    arabizi: HashMap<Box<str>, WordId>,
    /// `None` where two words share a key: such a key decides nothing.
    skeletons: HashMap<Box<str>, Option<WordId>>,
    forms: HashMap<Box<str>, Option<WordId>>,
    deletions: HashMap<Box<str>, Option<WordId>>,
    pub(super) next: WordId,
    /// Ids up to this one are the grammar's.
    pub(super) function_words: WordId,
    /// Every Arabic word a detector lists, normalised: clitic forms of one
    /// of them share its id.
    pub(super) listed: HashSet<String>,
    exact_only: HashSet<String>,
}

impl Words {
    pub(super) fn new(grammar: &Grammar) -> Self {
        let normalized = |list: &[String]| list.iter().map(|w| normalize_arabic(w)).collect();
        Self {
            conjunctions: normalized(&grammar.arabic_conjunctions),
            prefixes: normalized(&grammar.arabic_prefixes),
            suffixes: normalized(&grammar.arabic_suffixes),
            arabizi_prefixes: grammar.arabizi_prefixes.clone(),
            stemmer: Stemmer::new(Algorithm::English),
            exact: HashMap::new(),
            stems: HashMap::new(),
            arabizi: HashMap::new(),
            skeletons: HashMap::new(),
            forms: HashMap::new(),
            deletions: HashMap::new(),
            next: 0,
            function_words: 0,
            listed: HashSet::new(),
            exact_only: HashSet::new(),
        }
    }

    fn fresh(&mut self) -> WordId {
        self.next += 1;
        self.next
    }

    /// Latin words written "=word" anywhere match only exactly everywhere:
    /// "caught fire" must not make "fired" a fire.
    pub(super) fn note_exact<'a>(&mut self, cues: impl Iterator<Item = &'a String>) {
        for word in cues.flat_map(|cue| cue.split_whitespace()) {
            if let Some(exact) = word.strip_prefix('=') {
                self.exact_only.insert(exact.to_lowercase());
            }
        }
    }

    /// The id of a cue word, registering its spellings. A word already known
    /// by the same spelling keeps its id.
    pub(super) fn intern(&mut self, written: &str) -> WordId {
        let (exact_only, forced_arabizi, word) =
            match (written.strip_prefix('='), written.strip_prefix('~')) {
                (Some(word), _) => (true, false, word),
                (_, Some(word)) => (false, true, word),
                _ => (false, false, written),
            };
        if word.chars().any(is_arabic_letter) {
            return self.intern_arabic(&normalize_arabic(word));
        }
        let lower = word.to_lowercase();
        if forced_arabizi || lower.chars().any(|c| c.is_ascii_digit()) {
            // Spellings with one skeleton are one word: "7ari2", "7ar2".
            let known = self.exact.get(lower.as_str()).copied().or_else(|| {
                skeleton(&lower).and_then(|k| self.skeletons.get(k.as_str()).copied().flatten())
            });
            let id = known.unwrap_or_else(|| self.fresh());
            self.exact.insert(lower.as_str().into(), id);
            self.arabizi.insert(lower.as_str().into(), id);
            if let Some(key) = skeleton(&lower) {
                unique(&mut self.skeletons, key, id);
            }
            return id;
        }
        if exact_only || self.exact_only.contains(&lower) {
            let id = self
                .exact
                .get(lower.as_str())
                .copied()
                .unwrap_or_else(|| self.fresh());
            self.exact.insert(lower.into(), id);
            return id;
        }
        let stem = self.stemmer.stem(&lower).into_owned();
        let id = match (
            self.exact.get(lower.as_str()),
            self.stems.get(stem.as_str()),
        ) {
            (Some(&id), _) | (None, Some(&id)) => id,
            (None, None) => self.fresh(),
        };
        self.exact.insert(lower.as_str().into(), id);
        self.stems.entry(stem.into()).or_insert(id);
        if lower.chars().count() >= 5 && lower.chars().all(|c| c.is_ascii_alphabetic()) {
            for form in inflections(&lower) {
                for deletion in deletions(&form) {
                    unique(&mut self.deletions, deletion, id);
                }
                unique(&mut self.forms, form, id);
            }
        }
        id
    }

    /// One id for the spellings of a listed Arabic word: "بتسرب" is "تسرب",
    /// "الكهربا" is "كهربا" when both are listed. A word listed only with its
    /// article is also reached without it (البر → للبر).
    fn intern_arabic(&mut self, key: &str) -> WordId {
        if let Some(&id) = self.exact.get(key) {
            return id;
        }
        let id = match self.base_of(key) {
            Some(base) => self.intern_arabic(&base),
            None => {
                let id = self.fresh();
                if let Some(bare) = key.strip_prefix("ال").filter(|b| b.chars().count() >= 2) {
                    self.exact.entry(bare.into()).or_insert(id);
                }
                id
            }
        };
        self.exact.insert(key.into(), id);
        id
    }

    /// The listed content word `key` is a clitic form of, if any: without
    /// a conjunction, article or preposition, or a pronoun suffix, leaving
    /// at least three letters (two after a bare article). Function words
    /// are never a base: الما (water) is not ما (not).
    fn base_of(&self, key: &str) -> Option<String> {
        let content = |base: &str| {
            self.listed.contains(base)
                && self
                    .exact
                    .get(base)
                    .is_none_or(|&id| id > self.function_words)
        };
        let mut bases = Vec::new();
        for conjunction in std::iter::once("").chain(self.conjunctions.iter().map(String::as_str)) {
            let Some(rest) = key.strip_prefix(conjunction) else {
                continue;
            };
            for prefix in std::iter::once("").chain(self.prefixes.iter().map(String::as_str)) {
                let Some(base) = rest.strip_prefix(prefix) else {
                    continue;
                };
                let shortest = if prefix == "ال" { 2 } else { 3 };
                if base != key && base.chars().count() >= shortest && content(base) {
                    return Some(base.to_owned());
                }
                bases.push(base);
            }
        }
        bases.into_iter().find_map(|base| {
            self.suffixes.iter().find_map(|suffix| {
                let stem = base
                    .strip_suffix(suffix.as_str())
                    .filter(|s| s.chars().count() >= 3)?;
                content(stem).then(|| stem.to_owned())
            })
        })
    }

    pub(super) fn strip_conjunction<'a>(&self, word: &'a str) -> &'a str {
        self.conjunctions
            .iter()
            .find_map(|c| {
                word.strip_prefix(c.as_str())
                    .filter(|rest| rest.chars().count() >= 2)
            })
            .unwrap_or(word)
    }

    /// An Arabic word by its least-stripped spelling that is a cue: as
    /// written, without its clitics, then without a pronoun suffix.
    pub(super) fn arabic(&self, word: &str) -> Option<Found> {
        let mut bases: Vec<(&str, bool, bool)> = Vec::with_capacity(24);
        for conjunction in std::iter::once("").chain(self.conjunctions.iter().map(String::as_str)) {
            let Some(rest) = word.strip_prefix(conjunction) else {
                continue;
            };
            for prefix in std::iter::once("").chain(self.prefixes.iter().map(String::as_str)) {
                if let Some(base) = rest.strip_prefix(prefix).filter(|b| b.chars().count() >= 2) {
                    let joined = !conjunction.is_empty();
                    let governed = !prefix.is_empty() && prefix != "ال";
                    if let Some(&id) = self.exact.get(base) {
                        return Some(Found {
                            id,
                            joined,
                            governed,
                        });
                    }
                    bases.push((base, joined, governed));
                }
            }
        }
        bases.iter().find_map(|&(base, joined, governed)| {
            self.suffixes.iter().find_map(|suffix| {
                let stem = base
                    .strip_suffix(suffix.as_str())
                    .filter(|s| s.chars().count() >= 3)?;
                let id = *self.exact.get(stem)?;
                Some(Found {
                    id,
                    joined,
                    governed,
                })
            })
        })
    }

    /// A Latin word: as written, by its English stem, as Arabizi without a
    /// clitic or by its skeleton, then as an English word one letter off.
    pub(super) fn latin(&self, raw: &str) -> Option<WordId> {
        let lower = raw.to_lowercase();
        let word = ["'s", "'re"]
            .iter()
            .find_map(|s| lower.strip_suffix(s))
            .unwrap_or(&lower);
        if let Some(&id) = self.exact.get(word) {
            return Some(id);
        }
        if let Some(&id) = self.stems.get(self.stemmer.stem(word).as_ref()) {
            return Some(id);
        }
        let arabizi = |w: &str| {
            self.arabizi.get(w).copied().or_else(|| {
                skeleton(w).and_then(|k| self.skeletons.get(k.as_str()).copied().flatten())
            })
        };
        if let Some(id) = arabizi(word) {
            return Some(id);
        }
        for prefix in &self.arabizi_prefixes {
            if let Some(id) = word
                .strip_prefix(prefix.as_str())
                .filter(|r| r.len() >= 3)
                .and_then(arabizi)
            {
                return Some(id);
            }
        }
        self.misspelt(word)
    }

    /// An English cue word with one letter too many or too few, or (in long
    /// words, where it cannot turn into another common word) one letter
    /// wrong. The first letter must be right.
    fn misspelt(&self, word: &str) -> Option<WordId> {
        let length = word.chars().count();
        if length < 5 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let found =
            |map: &HashMap<Box<str>, Option<WordId>>, key: &str| map.get(key).copied().flatten();
        let own_deletions = deletions(word);
        own_deletions
            .iter()
            .find_map(|d| found(&self.forms, d))
            .or_else(|| found(&self.deletions, word))
            .or_else(|| {
                (length >= 9)
                    .then(|| own_deletions.iter().find_map(|d| found(&self.deletions, d)))
                    .flatten()
            })
    }
}

fn unique(map: &mut HashMap<Box<str>, Option<WordId>>, key: String, id: WordId) {
    map.entry(key.into())
        .and_modify(|known| {
            if *known != Some(id) {
                *known = None;
            }
        })
        .or_insert(Some(id));
}

/// The regular forms of an English word, for typo matching.
fn inflections(word: &str) -> Vec<String> {
    let mut forms = vec![
        word.to_owned(),
        format!("{word}s"),
        format!("{word}ed"),
        format!("{word}ing"),
    ];
    if let Some(root) = word.strip_suffix('e') {
        forms.push(format!("{root}ing"));
        forms.push(format!("{word}d"));
    }
    forms
}

/// The word with one letter dropped, each way but the first letter.
fn deletions(word: &str) -> Vec<String> {
    (1..word.len())
        .map(|i| format!("{}{}", &word[..i], &word[i + 1..]))
        .collect()
}

/// An Arabizi word's consonants: digits kept (they are letters there), vowels
/// dropped, doubled letters single, so "ma2tou3a" and "ma2to3a" meet.
fn skeleton(word: &str) -> Option<String> {
    let word = word
        .replace("kh", "5")
        .replace("gh", "8")
        .replace("sh", "$")
        .replace("ch", "$")
        .replace('q', "2")
        .replace('\'', "");
    let mut out = String::with_capacity(word.len());
    for c in word.chars().filter(|c| !"aeiou".contains(*c)) {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    (out.chars().count() >= 3).then_some(out)
}
