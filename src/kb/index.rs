//! The tantivy index over the entries, built in memory. tantivy analyses
//! the entries and keeps their terms' BM25 statistics; every term's score in
//! every entry is read out of it once (`impacts`), and a message is ranked
//! by those. The confidence of each hit comes from the same analysed terms
//! (`evidence`).

use std::collections::HashSet;

use tantivy::postings::Postings;
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight};
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{
    DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, TERMINATED, TantivyDocument, Term,
};

use super::analysis::{Analysed, Analyzer, KhidmaTokenizer, words};
use super::entry::{Entry, Escalation};
use super::evidence::{EntryTermSets, Evidence};
use super::hit::Hit;
use super::impacts::{Impacts, ImpactsBuilder};
use super::query::Query;
use super::vocabulary::Vocabulary;

const TOKENIZER_NAME: &str = "khidma";
const ORDINAL_FIELD: &str = "ordinal";
/// Large enough that a knowledge base of tens of thousands of entries is
/// written as one segment, with nothing to merge (a smaller arena saved no
/// resident memory at 10,000 entries); it is freed once the index is
/// committed.
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

#[derive(Clone, Copy)]
struct Fields {
    ordinal: Field,
    title: Field,
    questions: Field,
    keywords: Field,
    answer: Field,
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
    impacts: Impacts,
    /// How each entry hands over to people, by ordinal.
    escalations: Vec<Option<Escalation>>,
    analyzer: Analyzer,
    evidence: Evidence,
}

impl SearchIndex {
    pub fn build(entries: &[Entry], analyzer: &Analyzer) -> tantivy::Result<Self> {
        let (index, fields) = create_index(analyzer);
        let mut writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY_BYTES)?;
        let mut reading = analyzer.remembering();
        let mut vocabulary = Vocabulary::default();
        let mut term_sets = Vec::with_capacity(entries.len());
        let mut naming_terms = HashSet::new();
        for (ordinal, entry) in entries.iter().enumerate() {
            let mut document = TantivyDocument::default();
            document.add_u64(fields.ordinal, ordinal as u64);
            let mut sets = EntryTermSets::default();
            for (_, side) in entry.sides() {
                sets.answer.extend(reading.terms(&side.answer));
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
                    naming_terms.extend(reading.terms(text));
                }
                let described = std::iter::once(&side.title)
                    .chain(&side.questions)
                    .chain(&side.keywords);
                for text in described {
                    let mut descriptor = Vec::new();
                    for word in words(text) {
                        let Some(Analysed { normalized, term }) = reading.analyse(word) else {
                            continue;
                        };
                        vocabulary.add(&normalized, &term);
                        if !descriptor.contains(&term) {
                            descriptor.push(term.clone());
                        }
                        sets.described.insert(term);
                    }
                    if !descriptor.is_empty() {
                        sets.descriptors.push(descriptor);
                    }
                }
            }
            term_sets.push(sets);
            writer.add_document(document)?;
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            impacts: impacts(&reader, &fields, entries.len())?,
            escalations: entries.iter().map(|entry| entry.escalate).collect(),
            analyzer: analyzer.clone(),
            evidence: Evidence::new(term_sets, naming_terms, vocabulary),
        })
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The analysed terms of the entry's answers, in both languages.
    pub fn answer_terms(&self, entry: usize) -> &HashSet<String> {
        self.evidence.answer_terms(entry)
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        self.evidence.vocabulary()
    }

    /// Whether any entry's title, questions or keywords hold the term.
    pub fn knows(&self, term: &str) -> bool {
        self.evidence.knows(term)
    }

    /// Whether any entry's answer uses the term.
    pub fn answers_use(&self, term: &str) -> bool {
        self.evidence.answers_use(term)
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

    /// What the analysed terms say of a message (coverage and fit).
    pub fn evidence(&self) -> &Evidence {
        &self.evidence
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
        let terms = self.evidence.query_terms(query);
        let admits = |entry: usize| match scope {
            Scope::All => true,
            Scope::Escalating(escalation) => self.escalations[entry] == Some(escalation),
            Scope::Among(entries) => entries.contains(&entry),
        };
        let weights = terms.weights.iter().map(|(term, weight)| (*term, *weight));
        self.impacts
            .top(weights, admits, limit)
            .into_iter()
            .map(|(entry, score)| {
                let (coverage, fit) = self.evidence.confidence(entry, &terms, None);
                Hit {
                    entry,
                    score,
                    coverage,
                    fit,
                }
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

/// An empty in-memory index of entries, analysed as `analyzer` does.
fn create_index(analyzer: &Analyzer) -> (Index, Fields) {
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
        keywords: schema_builder.add_text_field("keywords", text.clone()),
        answer: schema_builder.add_text_field("answer", text),
    };
    let index = Index::create_in_ram(schema_builder.build());
    index
        .tokenizers()
        .register(TOKENIZER_NAME, KhidmaTokenizer::new(analyzer.remembering()));
    (index, fields)
}

/// Every indexed term's score in every entry that holds it, as tantivy's
/// BM25 gives it in each weighted field (with the field's boost), folded
/// over the fields with the tie-breaker. The statistics are the whole
/// index's, as a tantivy search would use.
fn impacts(reader: &IndexReader, fields: &Fields, entries: usize) -> tantivy::Result<Impacts> {
    let searcher = reader.searcher();
    let total_docs = searcher.total_num_docs()?;
    let mut builder = ImpactsBuilder::new(entries, FIELD_TIE_BREAKER);
    for (at, (field, boost)) in fields.weighted().into_iter().enumerate() {
        let average_length = searcher.total_num_tokens(field)? as f32 / total_docs as f32;
        for segment in searcher.segment_readers() {
            let ordinals = segment.fast_fields().u64(ORDINAL_FIELD)?;
            let lengths = segment.get_fieldnorms_reader(field)?;
            let inverted = segment.inverted_index(field)?;
            let mut terms = inverted.terms().stream()?;
            while terms.advance() {
                let Ok(term) = std::str::from_utf8(terms.key()) else {
                    continue;
                };
                let doc_freq = searcher.doc_freq(&Term::from_field_text(field, term))?;
                let bm25 =
                    Bm25Weight::for_one_term_without_explain(doc_freq, total_docs, average_length)
                        .boost_by(boost);
                let mut postings = inverted
                    .read_postings_from_terminfo(terms.value(), IndexRecordOption::WithFreqs)?;
                let mut scores = Vec::new();
                while postings.doc() != TERMINATED {
                    let doc = postings.doc();
                    let ordinal = ordinals.first(doc).ok_or_else(|| {
                        tantivy::TantivyError::InternalError(format!(
                            "document {doc} has no ordinal"
                        ))
                    })?;
                    let score = bm25.score(lengths.fieldnorm_id(doc), postings.term_freq());
                    scores.push((ordinal as usize, score));
                    postings.advance();
                }
                builder.add(term, at as u8, scores);
            }
        }
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use tantivy::DocAddress;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BoostQuery, DisjunctionMaxQuery, Query, TermQuery};

    use super::*;
    use crate::kb::RetrievalOptions;

    #[test]
    fn an_impact_is_what_tantivy_s_dis_max_of_the_boosted_fields_scores() {
        let analyzer = Analyzer::new(RetrievalOptions::default());
        let (index, fields) = create_index(&analyzer);
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let entries = [
            [
                "Water bill",
                "why is my water bill high",
                "bills",
                "Pay it online.",
            ],
            [
                "Power cut",
                "no power since noon",
                "outage",
                "Report a water leak too.",
            ],
            [
                "",
                "water water everywhere",
                "water",
                "The water board answers.",
            ],
            [
                "Permits",
                "how do I get a permit",
                "permit",
                "Bring your ID.",
            ],
            ["Water", "", "", ""],
        ];
        // Two segments: the statistics must be the whole index's.
        for (ordinal, texts) in entries.iter().enumerate() {
            let mut document = TantivyDocument::default();
            document.add_u64(fields.ordinal, ordinal as u64);
            for ((field, _), text) in fields.weighted().into_iter().zip(texts) {
                document.add_text(field, text);
            }
            writer.add_document(document).unwrap();
            if ordinal == 2 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let reader = index.reader().unwrap();
        assert_eq!(reader.searcher().segment_readers().len(), 2);
        let impacts = impacts(&reader, &fields, entries.len()).unwrap();

        let term = analyzer.clone().terms("water").remove(0);
        let weight = 0.7;
        let ours = impacts.top([(term.as_str(), weight)], |_| true, 10);

        let by_field: Vec<Box<dyn Query>> = fields
            .weighted()
            .into_iter()
            .map(|(field, boost)| {
                let query = TermQuery::new(
                    Term::from_field_text(field, &term),
                    IndexRecordOption::WithFreqs,
                );
                Box::new(BoostQuery::new(Box::new(query), boost * weight)) as Box<dyn Query>
            })
            .collect();
        let query = DisjunctionMaxQuery::with_tie_breaker(by_field, FIELD_TIE_BREAKER);
        let searcher = reader.searcher();
        let ordinal = |address: DocAddress| {
            let segment = searcher.segment_reader(address.segment_ord);
            let column = segment.fast_fields().u64(ORDINAL_FIELD).unwrap();
            column.first(address.doc_id).unwrap() as usize
        };
        let tantivy_s: Vec<(usize, f32)> = searcher
            .search(&query, &TopDocs::with_limit(10).order_by_score())
            .unwrap()
            .into_iter()
            .map(|(score, address)| (ordinal(address), score))
            .collect();

        assert_eq!(ours.len(), 4, "{ours:?}");
        assert_eq!(ours.len(), tantivy_s.len());
        for ((entry, score), (expected_entry, expected)) in ours.iter().zip(&tantivy_s) {
            assert_eq!(entry, expected_entry, "{ours:?} {tantivy_s:?}");
            assert!(
                (score - expected).abs() <= expected * 1e-6,
                "{ours:?} {tantivy_s:?}"
            );
        }
    }
}
