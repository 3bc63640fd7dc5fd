//! The tantivy index over the entries, built in memory. tantivy ranks; the
//! confidence that the dialogue needs is computed here too, from the same
//! analysed terms, because raw BM25 scores do not mean the same thing for a
//! three-word and a thirty-word message.

use std::collections::{HashMap, HashSet};

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, Query as TantivyQuery,
    TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::analysis::{Analyzer, KhidmaTokenizer, words};
use super::entry::{Entry, Escalation};
use super::hit::Hit;
use super::query::Query;
use super::vocabulary::Vocabulary;

const TOKENIZER_NAME: &str = "khidma";
const ORDINAL_FIELD: &str = "ordinal";
/// Large enough that a knowledge base of tens of thousands of entries is
/// written as one segment (search then visits one set of posting lists);
/// the arena is freed once the index is committed.
const WRITER_MEMORY_BYTES: usize = 200_000_000;

/// How much a match in each field counts. Citizens' questions and the
/// editors' keywords describe what an entry is for; titles are short labels;
/// answer text mentions many neighbouring topics ("if your power is out...")
/// and so counts least, but it is searched like the rest, as a stock search
/// engine would: a citizen who paraphrases with none of the questions' words
/// often uses the answer's (a cemetery, a permit, a hospital).
const QUESTION_BOOST: f32 = 2.0;
const KEYWORD_BOOST: f32 = 2.0;
const TITLE_BOOST: f32 = 1.5;
const ANSWER_BOOST: f32 = 0.8;
/// A term found in several fields of one entry counts in full for its best
/// field and for this share in each of the others (Lucene's `dis_max`
/// tie-breaker; 0.3 is the value Elasticsearch's `best_fields` documents).
/// Summed in full, an entry that repeats a common word ("street", "road")
/// in its title, keywords, questions and answer outranked the entry the
/// message names with its rarer words. Tie-breakers from 0.1 to 0.3 scored
/// alike on both sample bases; 0.0 and 0.5 did worse.
const FIELD_TIE_BREAKER: f32 = 0.3;
/// How much a word the entry's answer uses, but none of its questions,
/// keywords or title, explains of a message: half a descriptor's word. A
/// citizen describes their case in the words the answer speaks of ("the
/// receipt", "the office"), while a message about another agency's service
/// holds its own topic word, which no answer here uses ("a savings account").
const ANSWER_EXPLAINS: f32 = 0.5;

#[derive(Clone, Copy)]
struct Fields {
    ordinal: Field,
    title: Field,
    questions: Field,
    keywords: Field,
    answer: Field,
    /// "urgent" or "agent" for entries that hand over to people.
    escalation: Field,
}

fn escalation_term(escalation: Escalation) -> &'static str {
    match escalation {
        Escalation::Urgent => "urgent",
        Escalation::Agent => "agent",
    }
}

impl Fields {
    fn weighted(&self) -> [(Field, f32); 4] {
        [
            (self.questions, QUESTION_BOOST),
            (self.keywords, KEYWORD_BOOST),
            (self.title, TITLE_BOOST),
            (self.answer, ANSWER_BOOST),
        ]
    }
}

pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    analyzer: Analyzer,
    /// Terms of each entry's title, questions and keywords, by ordinal.
    entry_terms: Vec<HashSet<String>>,
    /// The same, one list per question, keyword and title.
    descriptors: Vec<Vec<Vec<String>>>,
    /// Terms of each entry's answer, by ordinal.
    answer_terms: Vec<HashSet<String>>,
    /// Terms of every entry's titles and keywords: the words editors name
    /// topics with, as opposed to the incidental words of one way of asking
    /// ("this month", "strange").
    naming_terms: HashSet<String>,
    document_frequency: HashMap<String, usize>,
    vocabulary: Vocabulary,
}

impl SearchIndex {
    pub fn build(entries: &[Entry], analyzer: &Analyzer) -> tantivy::Result<Self> {
        let mut schema_builder = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER_NAME)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            ordinal: schema_builder.add_u64_field(ORDINAL_FIELD, INDEXED | FAST),
            title: schema_builder.add_text_field("title", text.clone()),
            questions: schema_builder.add_text_field("questions", text.clone()),
            keywords: schema_builder.add_text_field("keywords", text.clone()),
            answer: schema_builder.add_text_field("answer", text),
            escalation: schema_builder.add_text_field("escalation", STRING),
        };
        let index = Index::create_in_ram(schema_builder.build());
        index
            .tokenizers()
            .register(TOKENIZER_NAME, KhidmaTokenizer::new(analyzer.clone()));

        let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY_BYTES)?;
        let mut analyzer = analyzer.clone();
        let mut entry_terms = Vec::with_capacity(entries.len());
        let mut document_frequency: HashMap<String, usize> = HashMap::new();
        let mut vocabulary = Vocabulary::default();
        let mut descriptors = Vec::with_capacity(entries.len());
        let mut naming_terms = HashSet::new();
        let mut answer_terms = Vec::with_capacity(entries.len());
        for (ordinal, entry) in entries.iter().enumerate() {
            let mut document = TantivyDocument::default();
            document.add_u64(fields.ordinal, ordinal as u64);
            if let Some(escalation) = entry.escalate {
                document.add_text(fields.escalation, escalation_term(escalation));
            }
            let mut terms = HashSet::new();
            let mut entry_descriptors = Vec::new();
            let mut answer = HashSet::new();
            for (_, side) in entry.sides() {
                answer.extend(analyzer.terms(&side.answer));
                document.add_text(fields.title, &side.title);
                document.add_text(fields.answer, &side.answer);
                for question in &side.questions {
                    document.add_text(fields.questions, question);
                }
                for keyword in &side.keywords {
                    document.add_text(fields.keywords, keyword);
                }
                let naming = std::iter::once(&side.title).chain(&side.keywords);
                for text in naming {
                    naming_terms.extend(analyzer.terms(text));
                }
                let described = std::iter::once(&side.title)
                    .chain(&side.questions)
                    .chain(&side.keywords);
                for text in described {
                    let mut descriptor = Vec::new();
                    for word in words(text) {
                        let normalized = analyzer.normalize(word);
                        if analyzer.is_stop_word(&normalized) {
                            continue;
                        }
                        let stem = analyzer.stem(&normalized);
                        vocabulary.add(&normalized, &stem);
                        if !descriptor.contains(&stem) {
                            descriptor.push(stem.clone());
                        }
                        terms.insert(stem);
                    }
                    if !descriptor.is_empty() {
                        entry_descriptors.push(descriptor);
                    }
                }
            }
            for term in &terms {
                *document_frequency.entry(term.clone()).or_default() += 1;
            }
            entry_terms.push(terms);
            answer_terms.push(answer);
            descriptors.push(entry_descriptors);
            writer.add_document(document)?;
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            reader,
            fields,
            analyzer,
            entry_terms,
            answer_terms,
            descriptors,
            naming_terms,
            document_frequency,
            vocabulary,
        })
    }

    /// Lucene's BM25 idf; a term no entry uses gets the highest weight, so an
    /// out-of-scope word lowers the coverage of every entry.
    fn idf(&self, term: &str) -> f32 {
        let entries = self.entry_terms.len() as f32;
        let frequency = self.document_frequency.get(term).copied().unwrap_or(0) as f32;
        (1.0 + (entries - frequency + 0.5) / (frequency + 0.5)).ln()
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
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

    /// The analysed form of one descriptor as the index keeps it.
    pub fn descriptor_of(&self, text: &str) -> Vec<String> {
        let mut analyzer = self.analyzer.clone();
        let mut descriptor = Vec::new();
        for term in analyzer.terms(text) {
            if !descriptor.contains(&term) {
                descriptor.push(term);
            }
        }
        descriptor
    }

    /// How sure one can be that `entry` is what the query asks, as
    /// `(coverage, fit)` (see [`Hit`]). `left_out` is a descriptor to ignore,
    /// as if the editors had not written it: calibration asks how a question
    /// the knowledge base does not hold word for word would fare.
    pub fn confidence(
        &self,
        entry: usize,
        terms: &QueryTerms<'_>,
        left_out: Option<&[String]>,
    ) -> (f32, f32) {
        let kept = || {
            self.descriptors[entry]
                .iter()
                .filter(move |descriptor| Some(descriptor.as_slice()) != left_out)
        };
        let fit = kept()
            .map(|descriptor| {
                let total: f32 = descriptor.iter().map(|term| self.idf(term)).sum();
                let matched: f32 = descriptor
                    .iter()
                    .filter_map(|term| terms.weights.get(term.as_str()).map(|w| w * self.idf(term)))
                    .sum();
                if total > 0.0 { matched / total } else { 0.0 }
            })
            .fold(0.0, f32::max);
        let left_out_set: HashSet<&str>;
        let described: &dyn Fn(&str) -> bool = match left_out {
            None => &|term| self.entry_terms[entry].contains(term),
            Some(_) => {
                left_out_set = kept().flatten().map(String::as_str).collect();
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
                    .map(|(term, weight)| explains(term) * weight * self.idf(term))
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
    /// hold in one of the word's readings. A word only questions use ("this
    /// month") is how one citizen happened to ask, not what a topic is
    /// about, so it is left out.
    pub fn explained(&self, entry: usize, query: &Query) -> Vec<bool> {
        let holds = |terms: &[(String, f32)], set: &HashSet<String>| {
            terms.iter().any(|(term, _)| set.contains(term))
        };
        query
            .content()
            .filter(|word| holds(&word.terms, &self.naming_terms))
            .map(|word| holds(&word.terms, &self.entry_terms[entry]))
            .collect()
    }

    /// The query's terms as confidence reads them.
    pub fn query_terms<'q>(&self, query: &'q Query) -> QueryTerms<'q> {
        let mut weights: HashMap<&str, f32> = HashMap::new();
        for word in query.content() {
            for (term, weight) in &word.terms {
                let best = weights.entry(term.as_str()).or_default();
                *best = best.max(*weight);
            }
        }
        // Each content word counts once, with the weight of its most
        // specific known term (an unknown word counts as fully specific: it
        // is exactly what the knowledge base cannot explain). A guess for an
        // unknown word (a typo's correction, a root's relative) is trusted
        // only as far as its weight: the rest of the word stays unknown, or
        // a wrong guess would make the message look explained.
        let total_weight = query
            .content()
            .map(|word| {
                let own_known = word.terms.first().is_some_and(|(term, _)| self.knows(term));
                word.terms
                    .iter()
                    .filter(|(term, _)| self.knows(term))
                    .map(|(term, weight)| {
                        if own_known {
                            self.idf(term)
                        } else {
                            weight * self.idf(term) + (1.0 - weight) * self.idf("")
                        }
                    })
                    .fold(None, |best: Option<f32>, idf| {
                        Some(best.map_or(idf, |b| b.max(idf)))
                    })
                    .unwrap_or_else(|| self.idf(""))
            })
            .sum();
        QueryTerms {
            weights,
            words: query
                .content()
                .map(|word| {
                    word.terms
                        .iter()
                        .map(|(term, weight)| (term.as_str(), *weight))
                        .collect()
                })
                .collect(),
            total_weight,
        }
    }

    /// The best `limit` entries for a query, best first.
    pub fn search(&self, query: &Query, limit: usize) -> Vec<Hit> {
        self.ranked(query, Scope::All, limit)
    }

    /// The best `limit` entries that hand over to people as `escalation`
    /// says, best first.
    pub fn search_escalating(
        &self,
        query: &Query,
        escalation: Escalation,
        limit: usize,
    ) -> Vec<Hit> {
        self.ranked(query, Scope::Escalating(escalation), limit)
    }

    /// The entries among `entries` that the query touches, best first.
    /// Only those entries are scored, however large the base.
    pub fn search_among(&self, query: &Query, entries: &[usize]) -> Vec<Hit> {
        self.ranked(query, Scope::Among(entries), entries.len())
    }

    fn ranked(&self, query: &Query, scope: Scope<'_>, limit: usize) -> Vec<Hit> {
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let terms = self.query_terms(query);
        let clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = terms
            .weights
            .iter()
            .map(|(term, weight)| {
                let by_field: Vec<Box<dyn TantivyQuery>> = self
                    .fields
                    .weighted()
                    .into_iter()
                    .map(|(field, boost)| {
                        let query = TermQuery::new(
                            Term::from_field_text(field, term),
                            IndexRecordOption::WithFreqs,
                        );
                        Box::new(BoostQuery::new(Box::new(query), boost * weight))
                            as Box<dyn TantivyQuery>
                    })
                    .collect();
                let best_field = DisjunctionMaxQuery::with_tie_breaker(by_field, FIELD_TIE_BREAKER);
                (Occur::Should, Box::new(best_field) as Box<dyn TantivyQuery>)
            })
            .collect();
        let mut matched: Box<dyn TantivyQuery> = Box::new(BooleanQuery::new(clauses));
        let within: Option<Box<dyn TantivyQuery>> = match scope {
            Scope::All => None,
            Scope::Escalating(escalation) => Some(Box::new(TermQuery::new(
                Term::from_field_text(self.fields.escalation, escalation_term(escalation)),
                IndexRecordOption::Basic,
            ))),
            // Scored zero, so that a hit's score is what it would be in a
            // search of the whole base (to the last bit or so: the
            // intersection adds the fields' scores in another order).
            Scope::Among(entries) => Some(Box::new(ConstScoreQuery::new(
                Box::new(BooleanQuery::new(
                    entries
                        .iter()
                        .map(|&entry| {
                            let ordinal = Term::from_field_u64(self.fields.ordinal, entry as u64);
                            let query = TermQuery::new(ordinal, IndexRecordOption::Basic);
                            (Occur::Should, Box::new(query) as Box<dyn TantivyQuery>)
                        })
                        .collect(),
                )),
                0.0,
            ))),
        };
        if let Some(within) = within {
            matched = Box::new(BooleanQuery::new(vec![
                (Occur::Must, matched),
                (Occur::Must, within),
            ]));
        }
        let searcher = self.reader.searcher();
        let top = match searcher.search(&matched, &TopDocs::with_limit(limit).order_by_score()) {
            Ok(top) => top,
            Err(err) => {
                tracing::error!(error = %err, "search failed on the in-memory index");
                return Vec::new();
            }
        };
        top.into_iter()
            .filter_map(|(score, address)| {
                let entry = searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .u64(ORDINAL_FIELD)
                    .ok()?
                    .first(address.doc_id)? as usize;
                let (coverage, fit) = self.confidence(entry, &terms, None);
                Some(Hit {
                    entry,
                    score,
                    coverage,
                    fit,
                })
            })
            .collect()
    }
}

/// Which entries a search ranks.
#[derive(Clone, Copy)]
enum Scope<'a> {
    All,
    /// Those that hand over to people this way.
    Escalating(Escalation),
    /// These, by ordinal.
    Among(&'a [usize]),
}

/// A query's terms, weighted, as [`SearchIndex::confidence`] reads them.
pub struct QueryTerms<'q> {
    /// Each term with the weight of its best reading.
    weights: HashMap<&'q str, f32>,
    /// Each content word's readings.
    words: Vec<Vec<(&'q str, f32)>>,
    /// The idf mass of the whole message.
    total_weight: f32,
}
