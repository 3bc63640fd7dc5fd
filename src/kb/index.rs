//! The tantivy index over the entries, built in memory. tantivy ranks; the
//! confidence that the dialogue needs is computed here too, from the same
//! analysed terms, because raw BM25 scores do not mean the same thing for a
//! three-word and a thirty-word message.

use std::collections::{HashMap, HashSet};

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::analysis::{Analyzer, KhidmaTokenizer, words};
use super::entry::Entry;
use super::query::Query;
use super::vocabulary::Vocabulary;

const TOKENIZER_NAME: &str = "khidma";
const ORDINAL_FIELD: &str = "ordinal";
/// Large enough that a knowledge base of tens of thousands of entries is
/// written as one segment (search then visits one set of posting lists);
/// the arena is freed once the index is committed.
const WRITER_MEMORY_BYTES: usize = 200_000_000;

/// How much a match in each field counts. Citizens' questions and the
/// editors' keywords describe what an entry is for; answer text mentions
/// many neighbouring topics ("if your power is out...") and so counts least.
/// Chosen on the dev set: questions and keywords alike, titles a little less,
/// answers far less (more weight there pulled confusable entries ahead).
const QUESTION_BOOST: f32 = 2.0;
const KEYWORD_BOOST: f32 = 2.0;
const TITLE_BOOST: f32 = 1.5;
const ANSWER_BOOST: f32 = 0.4;
/// Entries ranked by tantivy on questions, keywords and titles before the
/// answer text re-ranks them. Answer text is long and mentions neighbouring
/// topics, so it only reorders entries that already match; keeping it out of
/// tantivy's disjunction halves search time on a large knowledge base.
const CANDIDATE_POOL: usize = 10;

#[derive(Clone, Copy)]
struct Fields {
    ordinal: Field,
    title: Field,
    questions: Field,
    keywords: Field,
}

impl Fields {
    fn weighted(&self) -> [(Field, f32); 3] {
        [
            (self.questions, QUESTION_BOOST),
            (self.keywords, KEYWORD_BOOST),
            (self.title, TITLE_BOOST),
        ]
    }
}

/// One ranked entry for a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Position of the entry in [`super::KnowledgeBase::entries`].
    pub entry: usize,
    /// tantivy's BM25 score with field boosts, plus the answer text's share;
    /// comparable only within one query.
    pub score: f32,
    /// Share of the query's meaning (its terms, weighted by how specific each
    /// is) that the entry's questions, keywords and title contain: 0..=1,
    /// comparable across queries of any length.
    pub coverage: f32,
    /// Share of the meaning of the entry's best-matching question, keyword
    /// or title that the query contains: 0..=1. A message that touches one
    /// generic word of a long question is not asking it.
    pub fit: f32,
}

pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    analyzer: Analyzer,
    /// Terms of each entry's title, questions and keywords, by ordinal.
    entry_terms: Vec<HashSet<String>>,
    /// The same, one set per question, keyword and title.
    descriptors: Vec<Vec<Vec<String>>>,
    /// Terms of each entry's answers, by ordinal, and in how many answers
    /// each term occurs.
    answer_terms: Vec<HashSet<String>>,
    answer_frequency: HashMap<String, usize>,
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
            ordinal: schema_builder.add_u64_field(ORDINAL_FIELD, FAST),
            title: schema_builder.add_text_field("title", text.clone()),
            questions: schema_builder.add_text_field("questions", text.clone()),
            keywords: schema_builder.add_text_field("keywords", text),
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
        let mut answer_terms = Vec::with_capacity(entries.len());
        let mut answer_frequency: HashMap<String, usize> = HashMap::new();
        for (ordinal, entry) in entries.iter().enumerate() {
            let mut document = TantivyDocument::default();
            document.add_u64(fields.ordinal, ordinal as u64);
            let mut terms = HashSet::new();
            let mut entry_descriptors = Vec::new();
            let mut answer = HashSet::new();
            for (_, side) in entry.sides() {
                document.add_text(fields.title, &side.title);
                answer.extend(analyzer.terms(&side.answer));
                for question in &side.questions {
                    document.add_text(fields.questions, question);
                }
                for keyword in &side.keywords {
                    document.add_text(fields.keywords, keyword);
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
            descriptors.push(entry_descriptors);
            for term in &answer {
                *answer_frequency.entry(term.clone()).or_default() += 1;
            }
            answer_terms.push(answer);
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
            descriptors,
            answer_terms,
            answer_frequency,
            document_frequency,
            vocabulary,
        })
    }

    /// Lucene's BM25 idf; a term no entry uses gets the highest weight, so an
    /// out-of-scope word lowers the coverage of every entry.
    fn idf(&self, term: &str) -> f32 {
        self.idf_in(&self.document_frequency, term)
    }

    fn idf_in(&self, frequencies: &HashMap<String, usize>, term: &str) -> f32 {
        let entries = self.entry_terms.len() as f32;
        let frequency = frequencies.get(term).copied().unwrap_or(0) as f32;
        (1.0 + (entries - frequency + 0.5) / (frequency + 0.5)).ln()
    }

    /// What an entry's answer text adds to its score for the query.
    fn answer_score(&self, entry: usize, query_terms: &HashMap<&str, f32>) -> f32 {
        let answer = &self.answer_terms[entry];
        ANSWER_BOOST
            * query_terms
                .iter()
                .filter(|(term, _)| answer.contains(**term))
                .map(|(term, weight)| weight * self.idf_in(&self.answer_frequency, term))
                .sum::<f32>()
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// Whether any entry's title, questions or keywords hold the term.
    pub fn knows(&self, term: &str) -> bool {
        self.document_frequency.contains_key(term)
    }

    /// How much of the entry's best-matching descriptor the query covers.
    fn fit(&self, entry: usize, query_terms: &HashMap<&str, f32>) -> f32 {
        self.descriptors[entry]
            .iter()
            .map(|descriptor| {
                let total: f32 = descriptor.iter().map(|term| self.idf(term)).sum();
                let matched: f32 = descriptor
                    .iter()
                    .filter_map(|term| query_terms.get(term.as_str()).map(|w| w * self.idf(term)))
                    .sum();
                if total > 0.0 { matched / total } else { 0.0 }
            })
            .fold(0.0, f32::max)
    }

    /// The best `limit` entries for a query, best first.
    pub fn search(&self, query: &Query, limit: usize) -> Vec<Hit> {
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut weighted_terms: HashMap<&str, f32> = HashMap::new();
        for word in query.content() {
            for (term, weight) in &word.terms {
                let best = weighted_terms.entry(term.as_str()).or_default();
                *best = best.max(*weight);
            }
        }
        let clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = weighted_terms
            .iter()
            .flat_map(|(term, weight)| {
                self.fields
                    .weighted()
                    .into_iter()
                    .map(move |(field, boost)| {
                        let query = TermQuery::new(
                            Term::from_field_text(field, term),
                            IndexRecordOption::WithFreqs,
                        );
                        (
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(query), boost * weight))
                                as Box<dyn TantivyQuery>,
                        )
                    })
            })
            .collect();
        let searcher = self.reader.searcher();
        let top = match searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit.max(CANDIDATE_POOL)).order_by_score(),
        ) {
            Ok(top) => top,
            Err(err) => {
                tracing::error!(error = %err, "search failed on the in-memory index");
                return Vec::new();
            }
        };
        // Each content word counts once, with the weight of its most
        // specific known term (an unknown word counts as fully specific: it
        // is exactly what the knowledge base cannot explain).
        let word_weights: Vec<f32> = query
            .content()
            .map(|word| {
                word.terms
                    .iter()
                    .filter(|(term, _)| self.knows(term))
                    .map(|(term, _)| self.idf(term))
                    .fold(None, |best: Option<f32>, idf| {
                        Some(best.map_or(idf, |b| b.max(idf)))
                    })
                    .unwrap_or_else(|| self.idf(""))
            })
            .collect();
        let total_weight: f32 = word_weights.iter().sum();
        let mut ranked: Vec<(usize, f32)> = Vec::with_capacity(top.len());
        for (score, address) in top {
            let ordinals = searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64(ORDINAL_FIELD);
            let Some(entry) = ordinals
                .ok()
                .and_then(|column| column.first(address.doc_id))
            else {
                continue;
            };
            let entry = entry as usize;
            ranked.push((entry, score + self.answer_score(entry, &weighted_terms)));
        }
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        ranked.truncate(limit);
        ranked
            .into_iter()
            .map(|(entry, score)| {
                let entry_terms = &self.entry_terms[entry];
                let matched: f32 = query
                    .content()
                    .map(|word| {
                        word.terms
                            .iter()
                            .filter(|(term, _)| entry_terms.contains(term))
                            .map(|(term, weight)| weight * self.idf(term))
                            .fold(0.0, f32::max)
                    })
                    .sum();
                Hit {
                    entry,
                    score,
                    coverage: if total_weight > 0.0 {
                        (matched / total_weight).min(1.0)
                    } else {
                        0.0
                    },
                    fit: self.fit(entry, &weighted_terms),
                }
            })
            .collect()
    }
}
