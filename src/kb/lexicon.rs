//! The editors' lexicon (`knowledge_base/lexicon.toml`): how citizens write,
//! mapped to how the knowledge base writes, plus the words that are only
//! courtesy and the rules that escalate a message (an outage, a request for
//! a person) whatever the retrieval says. The format is documented in
//! `knowledge_base/README.md`.

use std::collections::{HashMap, HashSet};

use super::analysis::{Analyzer, is_latin, words};
use super::entry::EntryId;
use crate::language::dictionary;

mod source;

pub use source::{FILE_NAME, LexiconSource, read};

/// How close (in words) the two halves of a rule must be: "the power is
/// fine but the fibre is down" is an internet outage, not a power cut.
const NEAR_WORDS: usize = 5;

/// A phrase as a sequence of word forms.
type Phrase = Vec<String>;

/// How much the standard reading of a dialect word or phrase counts: the
/// dialects' words are known, but a word may have another sense.
pub const DIALECT_WEIGHT: f32 = 0.9;
/// How much a word from the built-in thesaurus counts against the
/// citizen's own: "reserve" is nearly, not exactly, "book", as uncertain as
/// a typo's correction. The editors' synonyms count in full: they wrote
/// them for this base.
const THESAURUS_WEIGHT: f32 = 0.7;
const EDITORS_WEIGHT: f32 = 1.0;

/// A word a phrase stands for, with how much it counts.
pub type Synonym = (String, f32);

/// The lexicon compiled for matching: every word normalised (and, for the
/// urgency rules, stemmed) exactly as messages are.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Whether the built-in dialect phrases are read too.
    builtin: bool,
    synonyms: HashMap<Phrase, Vec<Synonym>>,
    /// The English phrases of `synonyms` by their stems, for the words a
    /// citizen inflects otherwise ("advertising" for "advertisement",
    /// "approves" for "approve"): looked up only when the words as written
    /// have no synonyms.
    inflected: HashMap<Phrase, Vec<Synonym>>,
    noise: HashSet<Phrase>,
    greetings: HashSet<Phrase>,
    longest_phrase: usize,
    escalate: Vec<CompiledRule>,
    frustration: Vec<Phrase>,
}

#[derive(Debug)]
struct CompiledRule {
    entry: EntryId,
    when: Vec<Phrase>,
    with: Vec<Phrase>,
    unless: Vec<Phrase>,
}

/// What the lexicon makes of a message's words.
#[derive(Debug, Default, PartialEq)]
pub struct Reading {
    /// The message's words with noise removed and synonyms added next to
    /// the words they explain, each as (normalised word, synonyms).
    pub words: Vec<(String, Vec<Synonym>)>,
    pub greeted: bool,
}

fn normalized_phrase(analyzer: &Analyzer, text: &str) -> Phrase {
    words(text)
        .into_iter()
        .map(|word| analyzer.normalize(word))
        .collect()
}

fn stemmed_phrase(analyzer: &mut Analyzer, text: &str) -> Phrase {
    normalized_phrase(analyzer, text)
        .iter()
        .map(|word| analyzer.stem(word))
        .collect()
}

/// Whether `phrase` occurs at `at` in `sequence`, whose positions each hold
/// the terms a word may stand for.
fn occurs_at(sequence: &[Vec<String>], at: usize, phrase: &[String]) -> bool {
    !phrase.is_empty()
        && phrase.iter().enumerate().all(|(offset, word)| {
            sequence
                .get(at + offset)
                .is_some_and(|terms| terms.contains(word))
        })
}

/// Where any of `phrases` starts in `sequence`.
fn positions_of(sequence: &[Vec<String>], phrases: &[Phrase]) -> Vec<usize> {
    (0..sequence.len())
        .filter(|&at| phrases.iter().any(|phrase| occurs_at(sequence, at, phrase)))
        .collect()
}

impl Lexicon {
    /// The editors' lexicon, with the built-in knowledge of how citizens
    /// write when `builtin` is set: the thesaurus's groups of synonyms,
    /// courtesy phrases in every dialect, and dialect phrases with a
    /// standard reading ("ما في" reads "لا يوجد").
    pub fn compile(source: &LexiconSource, analyzer: &mut Analyzer, builtin: bool) -> Self {
        let mut lexicon = Lexicon {
            builtin,
            ..Lexicon::default()
        };
        for (variant, target) in &source.synonyms {
            let variant = normalized_phrase(analyzer, variant);
            let target = normalized_phrase(analyzer, target);
            lexicon
                .synonyms
                .entry(variant)
                .or_default()
                .extend(target.into_iter().map(|word| (word, EDITORS_WEIGHT)));
        }
        let groups = if builtin {
            crate::language::thesaurus::groups()
        } else {
            &[]
        };
        for group in groups {
            let phrases: Vec<Phrase> = group
                .iter()
                .map(|member| normalized_phrase(analyzer, member))
                .collect();
            for (at, phrase) in phrases.iter().enumerate() {
                let others = phrases
                    .iter()
                    .enumerate()
                    .filter(|(other, _)| *other != at)
                    .flat_map(|(_, words)| words.iter().cloned())
                    .map(|word| (word, THESAURUS_WEIGHT));
                let synonyms = lexicon.synonyms.entry(phrase.clone()).or_default();
                for synonym in others {
                    if !synonyms.iter().any(|(word, _)| *word == synonym.0) {
                        synonyms.push(synonym);
                    }
                }
            }
        }
        for (phrase, targets) in &lexicon.synonyms {
            if !phrase.iter().all(|word| is_latin(word)) {
                continue;
            }
            let stems: Phrase = phrase.iter().map(|word| analyzer.stem(word)).collect();
            let inflected = lexicon.inflected.entry(stems).or_default();
            for target in targets {
                if !inflected.iter().any(|(word, _)| *word == target.0) {
                    inflected.push(target.clone());
                }
            }
        }
        for phrase in &source.filler {
            lexicon.noise.insert(normalized_phrase(analyzer, phrase));
        }
        let courtesy = if builtin {
            crate::language::courtesy::courtesy_phrases()
        } else {
            &[]
        };
        for (kind, words) in courtesy {
            let phrase = normalized_phrase(analyzer, &words.join(" "));
            if kind.is_greeting() {
                lexicon.greetings.insert(phrase.clone());
            }
            lexicon.noise.insert(phrase);
        }
        for phrase in &source.greetings {
            let phrase = normalized_phrase(analyzer, phrase);
            lexicon.noise.insert(phrase.clone());
            lexicon.greetings.insert(phrase);
        }
        lexicon.longest_phrase = lexicon
            .synonyms
            .keys()
            .chain(&lexicon.noise)
            .map(Vec::len)
            .max()
            .unwrap_or(1);
        lexicon.frustration = source
            .frustration
            .iter()
            .map(|phrase| normalized_phrase(analyzer, phrase))
            .filter(|phrase| !phrase.is_empty())
            .collect();
        for rule in &source.escalate {
            let mut stem_all = |list: &[String]| -> Vec<Phrase> {
                list.iter()
                    .map(|text| stemmed_phrase(analyzer, text))
                    .filter(|phrase| !phrase.is_empty())
                    .collect()
            };
            lexicon.escalate.push(CompiledRule {
                entry: rule.entry.clone(),
                when: stem_all(&rule.when),
                with: stem_all(&rule.with),
                unless: stem_all(&rule.unless),
            });
        }
        lexicon
    }

    /// Drops noise phrases and attaches synonyms, longest phrase first.
    pub fn read(&self, analyzer: &Analyzer, text: &str) -> Reading {
        self.read_dropping(analyzer, text, 1)
    }

    /// The words of a message with only courtesy of two words or more
    /// dropped ("السلام عليكم"), for names: a district may be called
    /// "السلام" even though the word alone is a greeting.
    pub fn read_for_names(&self, analyzer: &Analyzer, text: &str) -> Reading {
        self.read_dropping(analyzer, text, 2)
    }

    fn read_dropping(&self, analyzer: &Analyzer, text: &str, noise_words: usize) -> Reading {
        // "signup" is "sign up", as the thesaurus and the questions write it.
        let normalized: Phrase = normalized_phrase(analyzer, text)
            .into_iter()
            .flat_map(|word| match dictionary::phrasal_parts(&word) {
                Some((verb, particle)) => vec![verb.to_owned(), particle.to_owned()],
                None => vec![word],
            })
            .collect();
        // Only a word the citizen inflected looks for its stem: "time" as
        // written is not "timings", nor "apart" "apartment". A word in
        // Arabic letters stands as written (`inflected` is English only).
        let stems: Phrase = if self.inflected.is_empty() {
            Vec::new()
        } else {
            let mut stemmer = analyzer.clone();
            normalized
                .iter()
                .map(|word| {
                    if is_latin(word) {
                        stemmer.stem(word)
                    } else {
                        word.clone()
                    }
                })
                .collect()
        };
        let inflected_at = |at: usize, length: usize| -> Option<&Vec<Synonym>> {
            let stems = stems.get(at..at + length)?;
            let inflected = stems
                .iter()
                .zip(&normalized[at..at + length])
                .any(|(stem, word)| stem != word);
            inflected.then(|| self.inflected.get(stems)).flatten()
        };
        let mut reading = Reading::default();
        let mut at = 0;
        'words: while at < normalized.len() {
            for length in (1..=self.longest_phrase.min(normalized.len() - at)).rev() {
                let phrase = &normalized[at..at + length];
                if length >= noise_words && self.noise.contains(phrase) {
                    reading.greeted |= self.greetings.contains(phrase);
                    at += length;
                    continue 'words;
                }
                let target = self
                    .synonyms
                    .get(phrase)
                    .or_else(|| inflected_at(at, length));
                if let Some(target) = target {
                    // The phrase's own words stay: the knowledge base may
                    // use them too.
                    for (offset, word) in phrase.iter().enumerate() {
                        let synonyms = if offset == 0 {
                            target.clone()
                        } else {
                            Vec::new()
                        };
                        reading.words.push((word.clone(), synonyms));
                    }
                    at += length;
                    continue 'words;
                }
            }
            if self.builtin
                && let Some((length, readings)) =
                    crate::language::dialect::phrase_at(&normalized, at)
            {
                let synonyms: Vec<Synonym> = readings
                    .iter()
                    .flat_map(|reading| normalized_phrase(analyzer, reading))
                    .map(|word| (word, DIALECT_WEIGHT))
                    .collect();
                for (offset, word) in normalized[at..at + length].iter().enumerate() {
                    let attached = if offset == 0 {
                        synonyms.clone()
                    } else {
                        Vec::new()
                    };
                    reading.words.push((word.clone(), attached));
                }
                at += length;
                continue;
            }
            reading.words.push((normalized[at].clone(), Vec::new()));
            at += 1;
        }
        reading
    }

    /// Whether the message has a phrase of frustration, word for word
    /// (normalised, not stemmed: "useless" is not "use").
    pub fn frustrated(&self, analyzer: &Analyzer, text: &str) -> bool {
        let sequence: Vec<Vec<String>> = normalized_phrase(analyzer, text)
            .into_iter()
            .map(|word| vec![word])
            .collect();
        !positions_of(&sequence, &self.frustration).is_empty()
    }

    /// What the escalation rules make of a message. `stems` holds, word by
    /// word, the terms each word may stand for, stop words included ("ما
    /// فيه مويه").
    pub fn escalation(&self, stems: &[Vec<String>]) -> RuleOutcome<'_> {
        let mut outcome = RuleOutcome::default();
        for rule in &self.escalate {
            let when = positions_of(stems, &rule.when);
            if when.is_empty() {
                continue;
            }
            // "the internet bill", "a new gas cylinder": the service with a
            // routine word is never urgent, with or without a problem word.
            if !positions_of(stems, &rule.unless).is_empty() {
                outcome.vetoed.push(&rule.entry);
                continue;
            }
            let with = positions_of(stems, &rule.with);
            let near = when
                .iter()
                .any(|a| with.iter().any(|b| a != b && a.abs_diff(*b) <= NEAR_WORDS));
            if near {
                outcome.escalate.get_or_insert(&rule.entry);
            }
        }
        outcome
    }
}

/// The escalation rules' verdict on one message.
#[derive(Debug, Default, PartialEq)]
pub struct RuleOutcome<'a> {
    /// The entry of the first rule met in full.
    pub escalate: Option<&'a EntryId>,
    /// Entries whose service the message names together with an `unless`
    /// word: it is explicitly about something routine ("the bill", "the
    /// street lights"), so retrieval must not escalate to them either.
    pub vetoed: Vec<&'a EntryId>,
}
