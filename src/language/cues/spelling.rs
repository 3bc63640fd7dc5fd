//! How a cue word may be spelt: Arabic clitics and pronoun suffixes,
//! English stems and one-letter typos, Arabizi skeletons. Every spelling of
//! a listed word maps to one id, which is all the cue matcher compares.

mod arabic;

use std::collections::{HashMap, HashSet};

use frostem::{Algorithm, Stemmer};

use super::{Grammar, WordId};
use crate::language::text::{is_arabic_letter, normalize_arabic};

/// An Arabic word found under its clitics.
pub(super) struct Found {
    pub(super) id: WordId,
    /// It took stripping a conjunction (و, ف) to find it.
    pub(super) joined: bool,
    /// It carried a preposition (ب, ل, بال, لل, ك, عال).
    pub(super) governed: bool,
}

impl Found {
    fn of(spelling: &Stripped, id: WordId) -> Self {
        Found {
            id,
            joined: spelling.joined,
            governed: spelling.prefix == Prefix::Preposition,
        }
    }
}

pub(super) struct Resolved {
    pub(super) word: Option<WordId>,
    /// The word carried its own negation (مايشتغل, مكاينش).
    pub(super) negated: bool,
    pub(super) joined: bool,
    pub(super) governed: bool,
    /// الموظف, "the agent".
    pub(super) definite: bool,
}

impl Resolved {
    /// The token is `found`, with what its clitics say.
    fn spelt(mut self, found: Found) -> Self {
        self.word = Some(found.id);
        self.joined |= found.joined;
        self.governed = found.governed;
        self
    }
}

/// Which clitic came off a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    None,
    Article,
    Preposition,
    /// The progressive ب or ك of a dialect verb: بيتنفس, كيتخبط.
    Verb,
}

struct Stripped<'a> {
    base: &'a str,
    /// A conjunction (و, ف) came off.
    joined: bool,
    prefix: Prefix,
}

/// Every spelling a cue word may take, mapped to the word.
pub(super) struct Words {
    conjunctions: Vec<String>,
    prefixes: Vec<String>,
    verb_prefixes: Vec<String>,
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
    /// Listed Arabic words by their one-letter-short spellings.
    arabic_deletions: HashMap<Box<str>, Option<WordId>>,
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
            verb_prefixes: normalized(&grammar.arabic_verb_prefixes),
            suffixes: normalized(&grammar.arabic_suffixes),
            arabizi_prefixes: grammar.arabizi_prefixes.clone(),
            stemmer: Stemmer::new(Algorithm::English),
            exact: HashMap::new(),
            stems: HashMap::new(),
            arabizi: HashMap::new(),
            skeletons: HashMap::new(),
            forms: HashMap::new(),
            deletions: HashMap::new(),
            arabic_deletions: HashMap::new(),
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

    /// The word a token is, with what its spelling says about it.
    pub(super) fn resolve(&self, raw: &str, after_the: bool) -> Resolved {
        let mut resolved = Resolved {
            word: None,
            negated: false,
            joined: false,
            governed: false,
            definite: after_the,
        };
        if !raw.chars().any(is_arabic_letter) {
            resolved.word = self.latin(raw);
            return resolved;
        }
        // The accusative alef written after tanween (دخاناً) is no letter of
        // the word.
        let raw = match raw
            .strip_suffix("\u{064B}")
            .unwrap_or(raw)
            .strip_suffix('ا')
        {
            Some(stem) if raw.contains('\u{064B}') => stem,
            _ => raw,
        };
        let word = normalize_arabic(raw);
        let bare = self.strip_conjunction(&word);
        resolved.definite = bare.starts_with("ال");
        resolved.joined = bare.len() < word.len() && resolved.definite;
        if let Some(found) = self.arabic(&word) {
            return resolved.spelt(found);
        }
        // A negation written into the word: ما/م before it, ش after it.
        for prefix in ["ما", "م"] {
            let Some(rest) = bare.strip_prefix(prefix) else {
                continue;
            };
            let inner = match rest.strip_suffix('ش') {
                Some(inner) => inner,
                None if prefix == "ما" => rest,
                None => continue,
            };
            if inner.chars().count() >= 2
                && let Some(found) = self.arabic(inner)
            {
                resolved.word = Some(found.id);
                resolved.negated = true;
                resolved.joined = bare.len() < word.len();
                return resolved;
            }
        }
        resolved.word = bare
            .strip_suffix('ش')
            .filter(|inner| inner.chars().count() >= 3)
            .and_then(|inner| self.arabic(inner))
            .map(|found| found.id);
        if resolved.word.is_none()
            && let Some(found) = self.arabic_misspelt(&word)
        {
            return resolved.spelt(found);
        }
        resolved
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
        self.note_arabic_deletions(key, id);
        id
    }

    /// The listed content word `key` is another spelling of, if any: without
    /// a conjunction or a verb's progressive prefix (in words of five
    /// letters or more, so بيبي stays a baby), without the article, or
    /// without a pronoun suffix. Never without a preposition (بالشارع, in
    /// the street, is not شارع), and never a function word: الما (water) is
    /// not ما (not).
    fn base_of(&self, key: &str) -> Option<String> {
        let content = |base: &str| {
            self.listed.contains(base)
                && self
                    .exact
                    .get(base)
                    .is_none_or(|&id| id > self.function_words)
        };
        let long = key.chars().count() >= 5;
        let bases: Vec<&str> = self
            .stripped(key)
            .into_iter()
            .filter(|s| match s.prefix {
                Prefix::Preposition => false,
                Prefix::Article => true,
                Prefix::None | Prefix::Verb => long || !s.joined && s.prefix == Prefix::None,
            })
            .map(|s| s.base)
            .collect();
        let whole = bases
            .iter()
            .skip(1)
            .find(|base| base.chars().count() >= 2 && content(base));
        if let Some(base) = whole {
            return Some((*base).to_owned());
        }
        bases.into_iter().find_map(|base| {
            self.without_suffix(base)
                .find(|stem| content(stem))
                .map(|stem| stem.into_owned())
        })
    }

    /// The word without each clitic it may carry, least stripped first.
    fn stripped<'a>(&self, word: &'a str) -> Vec<Stripped<'a>> {
        let mut out = Vec::with_capacity(24);
        for conjunction in std::iter::once("").chain(self.conjunctions.iter().map(String::as_str)) {
            let Some(rest) = word.strip_prefix(conjunction) else {
                continue;
            };
            let joined = !conjunction.is_empty();
            if rest.chars().count() < 2 {
                continue;
            }
            out.push(Stripped {
                base: rest,
                joined,
                prefix: Prefix::None,
            });
            for prefix in &self.verb_prefixes {
                let imperfect = rest.strip_prefix(prefix.as_str()).filter(|base| {
                    base.starts_with(['ي', 'ت', 'ن', 'ا'])
                        && !base.starts_with("ال")
                        && base.chars().count() >= 3
                });
                if let Some(base) = imperfect {
                    out.push(Stripped {
                        base,
                        joined,
                        prefix: Prefix::Verb,
                    });
                }
            }
            for prefix in &self.prefixes {
                if let Some(base) = rest
                    .strip_prefix(prefix.as_str())
                    .filter(|b| b.chars().count() >= 2)
                {
                    let kind = if prefix == "ال" {
                        Prefix::Article
                    } else {
                        Prefix::Preposition
                    };
                    out.push(Stripped {
                        base,
                        joined,
                        prefix: kind,
                    });
                }
            }
        }
        out
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
        let bases = self.stripped(word);
        bases
            .iter()
            .find_map(|s| self.exact.get(s.base).map(|&id| Found::of(s, id)))
            .or_else(|| {
                bases.iter().find_map(|s| {
                    self.without_suffix(s.base)
                        .find_map(|stem| self.exact.get(stem.as_ref()).map(|&id| Found::of(s, id)))
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
    let letters: Vec<char> = word.chars().collect();
    (1..letters.len())
        .map(|skip| arabic::without(&letters, skip))
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
