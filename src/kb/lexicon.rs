//! The editors' lexicon (`knowledge_base/lexicon.toml`): how citizens write,
//! mapped to how the knowledge base writes, plus the words that are only
//! courtesy and the rules that escalate a message (an outage, a request for
//! a person) whatever the retrieval says. The format is documented in
//! `knowledge_base/README.md`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::analysis::{Analyzer, is_latin, words};
use super::diagnostics::Problem;
use super::entry::EntryId;
use super::report::{FileReport, KbIssue, read_optional};
use crate::language::dictionary;

pub const FILE_NAME: &str = "lexicon.toml";

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    #[serde(default)]
    synonyms: HashMap<String, Spanned<String>>,
    #[serde(default)]
    noise: RawNoise,
    #[serde(default)]
    escalate: Vec<Spanned<RawRule>>,
    #[serde(default)]
    frustration: RawFrustration,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFrustration {
    #[serde(default)]
    phrases: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNoise {
    #[serde(default)]
    greetings: Vec<Spanned<String>>,
    #[serde(default)]
    filler: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    entry: Spanned<String>,
    when: Spanned<Vec<String>>,
    with: Spanned<Vec<String>>,
    #[serde(default)]
    unless: Vec<String>,
}

/// One escalation rule as written: the message has a word of `when` (the
/// service: "water") with a word of `with` near it (the problem: "dry"),
/// and none of `unless` (what makes it a routine question: "bill").
#[derive(Debug, Clone, PartialEq)]
pub struct EscalationRule {
    pub entry: EntryId,
    pub when: Vec<String>,
    pub with: Vec<String>,
    pub unless: Vec<String>,
}

/// How close (in words) the two halves of a rule must be: "the power is
/// fine but the fibre is down" is an internet outage, not a power cut.
const NEAR_WORDS: usize = 5;

/// The lexicon as editors wrote it, checked for shape.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LexiconSource {
    /// (variant, replacement), both free text.
    pub synonyms: Vec<(String, String)>,
    pub greetings: Vec<String>,
    pub filler: Vec<String>,
    pub escalate: Vec<EscalationRule>,
    /// Line of each rule, for errors found later.
    pub escalate_lines: Vec<usize>,
    /// Phrases of an angry or fed-up citizen (insults, "this is useless"):
    /// a person takes over.
    pub frustration: Vec<String>,
}

/// Reads `dir/lexicon.toml`; a knowledge base without one has an empty
/// lexicon.
pub fn read(dir: &Path, issues: &mut Vec<KbIssue>) -> LexiconSource {
    let Some(source) = read_optional(dir, FILE_NAME, issues) else {
        return LexiconSource::default();
    };
    let mut report = FileReport::new(Path::new(FILE_NAME), &source);
    let Some(raw) = report.parse::<RawLexicon>() else {
        issues.append(&mut report.issues);
        return LexiconSource::default();
    };

    let mut synonyms: Vec<(String, String)> = Vec::new();
    let mut raw_synonyms: Vec<_> = raw.synonyms.into_iter().collect();
    raw_synonyms.sort_by_key(|(_, target)| target.span().start);
    for (variant, target) in raw_synonyms {
        let key = format!("synonyms.{variant}");
        if variant.trim().is_empty() {
            report.error(
                target.span(),
                "synonyms",
                Problem::new("check-synonym-empty-variant"),
            );
        } else if target.get_ref().trim().is_empty() {
            report.error(
                target.span(),
                &key,
                Problem::new("check-synonym-to-nothing"),
            );
        } else if variant.trim() == target.get_ref().trim() {
            report.error(target.span(), &key, Problem::new("check-synonym-to-itself"));
        } else {
            synonyms.push((
                variant.trim().to_owned(),
                target.get_ref().trim().to_owned(),
            ));
        }
    }

    let phrases = |list: Vec<Spanned<String>>, key: &str, report: &mut FileReport<'_>| {
        list.into_iter()
            .filter_map(|phrase| {
                let text = phrase.get_ref().trim().to_owned();
                if text.is_empty() {
                    report.error(phrase.span(), key, Problem::new("check-phrase-empty"));
                    None
                } else {
                    Some(text)
                }
            })
            .collect::<Vec<_>>()
    };
    let greetings = phrases(raw.noise.greetings, "noise.greetings", &mut report);
    let filler = phrases(raw.noise.filler, "noise.filler", &mut report);
    let frustration = phrases(raw.frustration.phrases, "frustration.phrases", &mut report);

    let mut escalate = Vec::new();
    let mut escalate_lines = Vec::new();
    for rule in raw.escalate {
        let span = rule.span();
        let rule = rule.into_inner();
        let entry = match EntryId::parse(rule.entry.get_ref()) {
            Ok(entry) => entry,
            Err(_) => {
                report.error(
                    rule.entry.span(),
                    "escalate.entry",
                    Problem::new("check-rule-entry-invalid")
                        .with("name", rule.entry.get_ref().as_str()),
                );
                continue;
            }
        };
        for (list, key) in [(&rule.when, "escalate.when"), (&rule.with, "escalate.with")] {
            if list.get_ref().iter().all(|word| word.trim().is_empty()) {
                report.error(list.span(), key, Problem::new("check-rule-no-words"));
            }
        }
        escalate_lines.push(super::report::line_of(&source, span.start));
        escalate.push(EscalationRule {
            entry,
            when: rule.when.into_inner(),
            with: rule.with.into_inner(),
            unless: rule.unless,
        });
    }
    issues.append(&mut report.issues);
    LexiconSource {
        synonyms,
        greetings,
        filler,
        escalate,
        escalate_lines,
        frustration,
    }
}

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
        // written is not "timings", nor "apart" "apartment".
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
                        String::new()
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
