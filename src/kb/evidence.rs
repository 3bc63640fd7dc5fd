//! What the analysed terms of each entry say about a message: how much of
//! the message an entry explains (coverage) and how much of its best
//! question, keyword or title the message holds (fit). tantivy ranks
//! (`index`); these shares are what the dialogue decides on, because raw
//! BM25 scores do not mean the same thing for a three-word and a
//! thirty-word message.
//!
//! Everything that does not depend on the message (each term's idf, each
//! descriptor's total weight) is computed once, when the base is built:
//! confidence is worked out for every hit of every search.

use std::collections::{HashMap, HashSet};

use super::query::Query;
use super::vocabulary::Vocabulary;

/// How much a word the entry's answer uses, but none of its questions,
/// keywords or title, explains of a message: half a descriptor's word. A
/// citizen describes their case in the words the answer speaks of ("the
/// receipt", "the office"), while a message about another agency's service
/// holds its own topic word, which no answer here uses ("a savings account").
const ANSWER_EXPLAINS: f32 = 0.5;

/// One of an entry's questions, keywords or titles, analysed: its distinct
/// terms with their idf, in order, and the sum of those (all it means).
struct Descriptor {
    terms: Vec<(String, f32)>,
    total: f32,
}

/// The analysed terms of one entry, as the index build collects them.
#[derive(Default)]
pub(super) struct EntryTermSets {
    /// Terms of its titles, questions and keywords.
    pub described: HashSet<String>,
    /// The same, one list per question, keyword and title.
    pub descriptors: Vec<Vec<String>>,
    /// Terms of its answers.
    pub answer: HashSet<String>,
}

pub(super) struct Evidence {
    /// Terms of each entry's title, questions and keywords, by ordinal.
    entry_terms: Vec<HashSet<String>>,
    descriptors: Vec<Vec<Descriptor>>,
    /// Terms of each entry's answer, by ordinal.
    answer_terms: Vec<HashSet<String>>,
    /// Terms of any entry's answer: words the editors spell right.
    answered: HashSet<String>,
    /// Terms of every entry's titles and keywords: the words editors name
    /// topics with, as opposed to the incidental words of one way of asking
    /// ("this month", "strange").
    naming_terms: HashSet<String>,
    document_frequency: HashMap<String, usize>,
    /// The idf of a term no entry describes itself with.
    unknown_idf: f32,
    vocabulary: Vocabulary,
}

impl Evidence {
    pub fn new(
        entries: Vec<EntryTermSets>,
        naming_terms: HashSet<String>,
        vocabulary: Vocabulary,
    ) -> Self {
        let mut document_frequency: HashMap<String, usize> = HashMap::new();
        for entry in &entries {
            for term in &entry.described {
                *document_frequency.entry(term.clone()).or_default() += 1;
            }
        }
        let count = entries.len();
        let idf = |term: &str| bm25_idf(count, document_frequency.get(term).copied());
        let mut entry_terms = Vec::with_capacity(count);
        let mut descriptors = Vec::with_capacity(count);
        let mut answer_terms = Vec::with_capacity(count);
        for entry in entries {
            descriptors.push(
                entry
                    .descriptors
                    .into_iter()
                    .map(|terms| {
                        let terms: Vec<(String, f32)> = terms
                            .into_iter()
                            .map(|term| {
                                let weight = idf(&term);
                                (term, weight)
                            })
                            .collect();
                        let total = terms.iter().map(|(_, idf)| idf).sum();
                        Descriptor { terms, total }
                    })
                    .collect(),
            );
            entry_terms.push(entry.described);
            answer_terms.push(entry.answer);
        }
        // Each term once: cloning every entry's every term first cost a
        // third of building a large base's evidence.
        let mut answered = HashSet::new();
        for term in answer_terms.iter().flatten() {
            if !answered.contains(term) {
                answered.insert(term.clone());
            }
        }
        Self {
            unknown_idf: bm25_idf(count, None),
            answered,
            entry_terms,
            descriptors,
            answer_terms,
            naming_terms,
            document_frequency,
            vocabulary,
        }
    }

    /// Lucene's BM25 idf; a term no entry uses gets the highest weight, so an
    /// out-of-scope word lowers the coverage of every entry.
    fn idf(&self, term: &str) -> f32 {
        match self.document_frequency.get(term) {
            Some(&frequency) => bm25_idf(self.entry_terms.len(), Some(frequency)),
            None => self.unknown_idf,
        }
    }

    /// The analysed terms of the entry's answers, in both languages.
    pub fn answer_terms(&self, entry: usize) -> &HashSet<String> {
        &self.answer_terms[entry]
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Whether any entry's title, questions or keywords hold the term.
    pub fn knows(&self, term: &str) -> bool {
        self.document_frequency.contains_key(term)
    }

    /// Whether any entry's answer uses the term.
    pub fn answers_use(&self, term: &str) -> bool {
        self.answered.contains(term)
    }

    /// How sure one can be that `entry` is what the query asks, as
    /// `(coverage, fit)` (see [`super::Hit`]). `left_out` is a descriptor to
    /// ignore, as if the editors had not written it: calibration asks how a
    /// question the knowledge base does not hold word for word would fare.
    pub fn confidence(
        &self,
        entry: usize,
        terms: &QueryTerms<'_>,
        left_out: Option<&[String]>,
    ) -> (f32, f32) {
        let kept = || {
            self.descriptors[entry].iter().filter(move |descriptor| {
                left_out.is_none_or(|left_out| {
                    !descriptor.terms.iter().map(|(term, _)| term).eq(left_out)
                })
            })
        };
        let fit = kept()
            .map(|descriptor| {
                let matched: f32 = descriptor
                    .terms
                    .iter()
                    .filter_map(|(term, idf)| terms.weights.get(term.as_str()).map(|w| w * idf))
                    .sum();
                if descriptor.total > 0.0 {
                    matched / descriptor.total
                } else {
                    0.0
                }
            })
            .fold(0.0, f32::max);
        let left_out_set: HashSet<&str>;
        let described: &dyn Fn(&str) -> bool = match left_out {
            None => &|term| self.entry_terms[entry].contains(term),
            Some(_) => {
                left_out_set = kept()
                    .flat_map(|descriptor| descriptor.terms.iter().map(|(term, _)| term.as_str()))
                    .collect();
                &|term| left_out_set.contains(term)
            }
        };
        let explains = |term: &str| {
            if described(term) {
                1.0
            } else if self.answer_terms[entry].contains(term) {
                ANSWER_EXPLAINS
            } else {
                0.0
            }
        };
        let matched: f32 = terms
            .words
            .iter()
            .map(|readings| {
                readings
                    .iter()
                    .map(|reading| explains(reading.term) * reading.weight * reading.idf)
                    .fold(0.0, f32::max)
            })
            .sum();
        let coverage = if terms.total_weight > 0.0 {
            (matched / terms.total_weight).min(1.0)
        } else {
            0.0
        };
        (coverage, fit)
    }

    /// Which of the query's naming words (those some entry's title or
    /// keywords use), in order, the entry's title, questions or keywords
    /// hold in one of the word's readings, or also, `by_root`, in another
    /// form of the word's root (the citizen's رخصة, the keyword's ترخيص). A
    /// word only questions use ("this month") is how one citizen happened to
    /// ask, not what a topic is about, so it is left out.
    pub fn explained(&self, entry: usize, query: &Query, by_root: bool) -> Vec<bool> {
        let holds = |terms: &[(String, f32)], set: &HashSet<String>| {
            terms.iter().any(|(term, _)| set.contains(term))
        };
        let related = |terms: &[(String, f32)], set: &HashSet<String>| {
            terms.first().is_some_and(|(own, _)| {
                self.vocabulary
                    .root_matches(own)
                    .iter()
                    .any(|term| set.contains(term))
            })
        };
        let entry_terms = &self.entry_terms[entry];
        query
            .content()
            .filter(|word| holds(&word.terms, &self.naming_terms))
            .map(|word| {
                holds(&word.terms, entry_terms) || (by_root && related(&word.terms, entry_terms))
            })
            .collect()
    }

    /// The query's terms as confidence reads them.
    pub fn query_terms<'q>(&self, query: &'q Query) -> QueryTerms<'q> {
        let mut weights: QueryWeights<'_> = HashMap::default();
        for word in query.content() {
            for (term, weight) in &word.terms {
                let best = weights.entry(term.as_str()).or_default();
                *best = best.max(*weight);
            }
        }
        let words: Vec<Vec<Reading<'q>>> = query
            .content()
            .map(|word| {
                word.terms
                    .iter()
                    .map(|(term, weight)| Reading {
                        term,
                        weight: *weight,
                        idf: self.idf(term),
                        known: self.knows(term),
                    })
                    .collect()
            })
            .collect();
        // Each content word counts once, with the weight of its most
        // specific known term (an unknown word counts as fully specific: it
        // is exactly what the knowledge base cannot explain). A guess for an
        // unknown word (a typo's correction, a root's relative) is trusted
        // only as far as its weight: the rest of the word stays unknown, or
        // a wrong guess would make the message look explained.
        let total_weight = words
            .iter()
            .map(|readings| {
                let own_known = readings.first().is_some_and(|own| own.known);
                readings
                    .iter()
                    .filter(|reading| reading.known)
                    .map(|reading| {
                        if own_known {
                            reading.idf
                        } else {
                            reading.weight * reading.idf + (1.0 - reading.weight) * self.unknown_idf
                        }
                    })
                    .fold(None, |best: Option<f32>, idf| {
                        Some(best.map_or(idf, |b| b.max(idf)))
                    })
                    .unwrap_or(self.unknown_idf)
            })
            .sum();
        QueryTerms {
            weights,
            words,
            total_weight,
        }
    }
}

/// Lucene's BM25 idf of a term `frequency` of `entries` entries use.
fn bm25_idf(entries: usize, frequency: Option<usize>) -> f32 {
    let entries = entries as f32;
    let frequency = frequency.unwrap_or(0) as f32;
    (1.0 + (entries - frequency + 0.5) / (frequency + 0.5)).ln()
}

/// One reading of a content word, with what confidence needs of it.
struct Reading<'q> {
    term: &'q str,
    weight: f32,
    idf: f32,
    /// Some entry's title, questions or keywords use it.
    known: bool,
}

/// Each term of a query with the weight of its best reading. Looked up for
/// every term of every question of every hit: a hasher made for short keys
/// (the query's own terms, not an attacker's), not the standard library's.
type QueryWeights<'q> = HashMap<&'q str, f32, foldhash::fast::RandomState>;

/// A query's terms, weighted, as [`Evidence::confidence`] reads them.
pub struct QueryTerms<'q> {
    /// Each term with the weight of its best reading.
    pub(super) weights: QueryWeights<'q>,
    /// Each content word's readings.
    words: Vec<Vec<Reading<'q>>>,
    /// The idf mass of the whole message.
    total_weight: f32,
}
