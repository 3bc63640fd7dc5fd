//! A citizen's message, read for retrieval: noise and the rejected side of
//! a contrast dropped, each remaining word with the index terms it may stand
//! for (itself, the lexicon's and the thesaurus's synonyms, its dialect
//! word's standard reading, the base's words from the same root, a typo's
//! correction, an Arabizi word's Arabic spellings).

use std::borrow::Cow;

use super::analysis::{Analyzer, RetrievalOptions, is_latin};
use super::arabizi;
use super::lexicon::{DIALECT_WEIGHT, Lexicon, Synonym};
use super::vocabulary::Vocabulary;
use crate::language::{dialect, dictionary, negation};

/// How much a guessed term counts against one the citizen wrote. A typo
/// correction or an Arabizi reading may be wrong, so it weighs less (the
/// lexicon weighs its own synonyms).
pub(super) const CLITIC_WEIGHT: f32 = 0.9;
const FUZZY_WEIGHT: f32 = 0.7;
const ARABIZI_WEIGHT: f32 = 0.8;

/// Prepositions, conjunctions and the dialects' verb markers that attach to
/// the front of a word (بتجديد، لابني، وجوازي، بيجدد، حيجدد), and pronouns
/// that attach to its end (اجددها، جوازاتهم). light10 leaves most of them
/// alone because stripping them blindly breaks words (بطاقة is not ب+طاقة);
/// here a stripped form is only used when the knowledge base knows it.
const PROCLITICS: &[&str] = &[
    "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "بي", "بت", "بن", "ح", "ه", "ي", "ت", "ن", "ا",
];
const ENCLITICS: &[&str] = &[
    "ها", "هم", "هن", "كم", "كن", "نا", "ني", "ه", "ك", "و", "وا", "ي",
];

/// A word is corrected as a typo only when what carries its meaning (its
/// stem, without article or endings) has this many letters: one letter of a
/// two-letter stem changed (الحج، الحل، الحي) is another word, not a typo.
const MIN_TYPO_STEM: usize = 3;

/// One word of the message.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryWord {
    /// Index terms with their weights; the first is the word's own.
    pub terms: Vec<(String, f32)>,
    /// A function word: no topic of its own, but part of phrases such as
    /// "ما فيه" that the urgency rules read.
    pub stop: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub words: Vec<QueryWord>,
    /// The message held a greeting or thanks.
    pub greeted: bool,
}

impl Query {
    /// The words that can point at a topic.
    pub fn content(&self) -> impl Iterator<Item = &QueryWord> {
        self.words.iter().filter(|word| !word.stop)
    }

    pub fn is_empty(&self) -> bool {
        self.content().next().is_none()
    }

    /// Every word's terms, stop words included, position by position.
    pub fn positions(&self) -> Vec<Vec<String>> {
        self.words
            .iter()
            .map(|word| word.terms.iter().map(|(term, _)| term.clone()).collect())
            .collect()
    }
}

pub struct QueryContext<'a> {
    pub options: RetrievalOptions,
    pub analyzer: &'a Analyzer,
    pub lexicon: &'a Lexicon,
    pub vocabulary: &'a Vocabulary,
    pub is_known: &'a dyn Fn(&str) -> bool,
    /// Whether the editors wrote the term in an answer. Such a word is
    /// spelt right ("send", "keep"), so it is never taken for a typo of
    /// another word one letter away ("sand", "deep"): like any spell
    /// checker, only a word outside the vocabulary is corrected.
    pub is_spelt_right: &'a dyn Fn(&str) -> bool,
}

impl QueryContext<'_> {
    pub fn read(&self, text: &str) -> Query {
        let mut analyzer = self.analyzer.clone();
        let arabizi = self.options.arabizi && arabizi::is_arabizi(text);
        // "not lost, I want to renew": the rejected side does not vote.
        let text = if self.options.negation {
            negation::without_rejected(text)
        } else {
            Cow::Borrowed(text)
        };
        let reading = self.lexicon.read(&analyzer, &text);
        let words = reading
            .words
            .into_iter()
            .map(|(word, synonyms)| self.read_word(&mut analyzer, &word, &synonyms, arabizi))
            .collect();
        Query {
            words,
            greeted: reading.greeted,
        }
    }

    fn read_word(
        &self,
        analyzer: &mut Analyzer,
        word: &str,
        synonyms: &[Synonym],
        arabizi: bool,
    ) -> QueryWord {
        let latin = is_latin(word);
        let dialect = self.options.dialect;
        let stop = synonyms.is_empty()
            && (analyzer.is_stop_word(word)
                || (dialect && dialect::is_function_word(word))
                || (arabizi && latin && arabizi::is_function_word(word)));
        let mut terms = vec![(analyzer.stem(word), 1.0)];
        let readings = if dialect && !stop {
            dialect::standard_readings(word)
        } else {
            &[]
        };
        let synonyms = synonyms
            .iter()
            .map(|(synonym, weight)| (synonym.as_str(), *weight))
            .chain(
                readings
                    .iter()
                    .map(|reading| (reading.as_str(), DIALECT_WEIGHT)),
            );
        for (synonym, weight) in synonyms {
            // A reading may itself be a function word (عايز reads أريد).
            let function_word = dialect && dialect::is_function_word(synonym);
            if !analyzer.is_stop_word(synonym) && !function_word {
                terms.push((analyzer.stem(synonym), weight));
            }
        }
        let mut known = terms.iter().any(|(term, _)| (self.is_known)(term));
        if !stop && known && !latin && self.options.stem {
            // A pronoun on a plural (مخالفاتي، سياراتنا) hides the plural
            // from the stemmer, which takes one suffix off: the word also
            // stands for its form without the pronoun.
            for term in self.known_without_pronoun(analyzer, word) {
                if !terms.iter().any(|(known, _)| *known == term) {
                    terms.push((term, CLITIC_WEIGHT));
                }
            }
        }
        if !stop && !known && !latin && self.options.stem {
            let mut stripped = self.known_without_clitics(analyzer, word);
            if dialect && stripped.is_empty() {
                stripped = self.known_dialect_cores(analyzer, word);
            }
            known = !stripped.is_empty();
            terms.extend(stripped.into_iter().map(|term| (term, CLITIC_WEIGHT)));
        }
        // ستغلق where the base says مغلق and إغلاق: another form of the
        // same root, before guessing at typos.
        if !stop && !known && !latin && self.options.stem && self.options.fuzzy {
            let derived = self.vocabulary.root_matches(&terms[0].0);
            known = !derived.is_empty();
            terms.extend(derived.into_iter().map(|term| (term, FUZZY_WEIGHT)));
        }
        if !stop && !known {
            if arabizi && latin {
                terms.extend(self.arabizi_readings(word));
            } else if self.options.fuzzy
                && terms[0].0.chars().count() >= MIN_TYPO_STEM
                && !(self.is_spelt_right)(&terms[0].0)
                && !(latin && dictionary::is_english_word(word))
            {
                let corrections = self.vocabulary.corrections(word);
                terms.extend(corrections.into_iter().map(|term| (term, FUZZY_WEIGHT)));
            }
        }
        terms.dedup_by(|a, b| a.0 == b.0);
        QueryWord { terms, stop }
    }

    /// Index terms an Arabizi word may stand for: the Arabic words it may
    /// spell, and, because it is an Arabic word in Latin letters, the other
    /// forms of their roots as an Arabic word would (fate7 reads فتح, and
    /// the base asks تفتح), trusted as far as both guesses together.
    fn arabizi_readings(&self, latin_word: &str) -> Vec<(String, f32)> {
        let readings = self.vocabulary.arabizi_matches(latin_word);
        let mut relatives: Vec<String> = if self.options.stem && self.options.fuzzy {
            readings
                .iter()
                .flat_map(|reading| self.vocabulary.root_matches(reading))
                .filter(|term| !readings.contains(term))
                .collect()
        } else {
            Vec::new()
        };
        relatives.sort();
        relatives.dedup();
        let relative_weight = ARABIZI_WEIGHT * FUZZY_WEIGHT;
        readings
            .into_iter()
            .map(|term| (term, ARABIZI_WEIGHT))
            .chain(relatives.into_iter().map(|term| (term, relative_weight)))
            .collect()
    }

    /// Index terms the knowledge base knows that a dialect-inflected word
    /// (بيجددوا، ماعرفتش، كيدوزو) stands for: its core, or the core's
    /// standard reading, from the first core that gives any.
    fn known_dialect_cores(&self, analyzer: &mut Analyzer, word: &str) -> Vec<String> {
        for core in dialect::cores(word) {
            let mut found = Vec::new();
            let readings = dialect::standard_readings(&core);
            for candidate in std::iter::once(&core).chain(readings) {
                let term = analyzer.stem(candidate);
                if (self.is_known)(&term) && !found.contains(&term) {
                    found.push(term);
                }
            }
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    }

    /// Index terms the knowledge base knows that `word` becomes once an
    /// attached pronoun is taken off its end.
    fn known_without_pronoun(&self, analyzer: &mut Analyzer, word: &str) -> Vec<String> {
        ENCLITICS
            .iter()
            .filter_map(|end| word.strip_suffix(end))
            .filter(|core| core.chars().count() >= 3)
            .map(|core| analyzer.stem(core))
            .filter(|term| (self.is_known)(term))
            .collect()
    }

    /// Index terms the knowledge base knows that `word` becomes once one
    /// attached particle is taken off its front, its end, or both.
    fn known_without_clitics(&self, analyzer: &mut Analyzer, word: &str) -> Vec<String> {
        let fronts = std::iter::once("").chain(PROCLITICS.iter().copied());
        let mut found = Vec::new();
        for front in fronts {
            let Some(rest) = word.strip_prefix(front) else {
                continue;
            };
            let ends = std::iter::once("").chain(ENCLITICS.iter().copied());
            for end in ends {
                let Some(core) = rest.strip_suffix(end) else {
                    continue;
                };
                if (front.is_empty() && end.is_empty()) || core.chars().count() < 3 {
                    continue;
                }
                let term = analyzer.stem(core);
                if (self.is_known)(&term) && !found.contains(&term) {
                    found.push(term);
                }
            }
        }
        found
    }
}
