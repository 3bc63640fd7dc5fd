//! The tantivy index over the entries, built in memory. tantivy ranks; the
//! confidence of each hit comes from the same analysed terms (`evidence`).

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
use super::best_field::BestFieldQuery;
use super::entry::{Entry, Escalation};
use super::evidence::{EntryTermSets, Evidence};
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
/// Up to this many postings in all, a term's fields are walked side by
/// side (`best_field`); beyond, through tantivy's buffered union. It
/// changes speed only, never a score. callgrind on the benchmark's
/// 2,000-entry base, instructions per message: 3.2M at 256, 3.1M at 1,024
/// and at 4,096, 4.6M with no union at all (one-time set-up included).
const SIDE_BY_SIDE_POSTINGS: u32 = 1024;

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
    /// How many entries hold each indexed term in each weighted field (in
    /// `Fields::weighted()` order), read from tantivy's own term
    /// dictionaries: a query asks only the fields that can match, a term no
    /// field holds costs nothing, and its postings' length picks how they
    /// are walked.
    postings: HashMap<String, [u32; 4]>,
    /// Each document's entry ordinal, by segment and document id: read from
    /// the ordinal column once, because opening the column for every hit
    /// of every search cost more than scoring the hit.
    ordinals: Vec<Vec<usize>>,
    analyzer: Analyzer,
    evidence: Evidence,
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
        let mut vocabulary = Vocabulary::default();
        let mut term_sets = Vec::with_capacity(entries.len());
        let mut naming_terms = HashSet::new();
        for (ordinal, entry) in entries.iter().enumerate() {
            let mut document = TantivyDocument::default();
            document.add_u64(fields.ordinal, ordinal as u64);
            if let Some(escalation) = entry.escalate {
                document.add_text(fields.escalation, escalation_term(escalation));
            }
            let mut sets = EntryTermSets::default();
            for (_, side) in entry.sides() {
                sets.answer.extend(analyzer.terms(&side.answer));
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
                        sets.described.insert(stem);
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
            postings: postings(&reader, &fields)?,
            ordinals: ordinals(&reader)?,
            reader,
            fields,
            analyzer,
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
        let clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = terms
            .weights
            .iter()
            .filter_map(|(term, weight)| {
                let held = self.postings.get(*term).copied().unwrap_or_default();
                let mut by_field: Vec<Box<dyn TantivyQuery>> = self
                    .fields
                    .weighted()
                    .into_iter()
                    .zip(held)
                    .filter(|(_, entries)| *entries > 0)
                    .map(|((field, boost), _)| {
                        let query = TermQuery::new(
                            Term::from_field_text(field, term),
                            IndexRecordOption::WithFreqs,
                        );
                        Box::new(BoostQuery::new(Box::new(query), boost * weight))
                            as Box<dyn TantivyQuery>
                    })
                    .collect();
                // All three score the same, to the bit. One field alone is a
                // plain term query, which tantivy can skip through
                // (block-max WAND) when every clause is one. Short postings
                // are walked side by side; long ones through tantivy's
                // buffered union, which costs a window's set-up per term but
                // walks thousands of documents faster.
                let best_field: Box<dyn TantivyQuery> = match by_field.len() {
                    0 => return None,
                    1 => by_field.pop()?,
                    _ if held.iter().sum::<u32>() <= SIDE_BY_SIDE_POSTINGS => {
                        Box::new(BestFieldQuery::new(by_field, FIELD_TIE_BREAKER))
                    }
                    _ => Box::new(DisjunctionMaxQuery::with_tie_breaker(
                        by_field,
                        FIELD_TIE_BREAKER,
                    )),
                };
                Some((Occur::Should, best_field))
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
                let entry = *self
                    .ordinals
                    .get(address.segment_ord as usize)?
                    .get(address.doc_id as usize)?;
                let (coverage, fit) = self.evidence.confidence(entry, &terms, None);
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

/// Each segment's documents' entry ordinals, by document id.
fn ordinals(reader: &IndexReader) -> tantivy::Result<Vec<Vec<usize>>> {
    reader
        .searcher()
        .segment_readers()
        .iter()
        .map(|segment| {
            let column = segment.fast_fields().u64(ORDINAL_FIELD)?;
            (0..segment.max_doc())
                .map(|doc| {
                    let ordinal = column.first(doc).ok_or_else(|| {
                        tantivy::TantivyError::InternalError(format!(
                            "document {doc} has no ordinal"
                        ))
                    })?;
                    Ok(ordinal as usize)
                })
                .collect()
        })
        .collect()
}

/// How many entries hold each term in each weighted field, in
/// `Fields::weighted()` order.
fn postings(reader: &IndexReader, fields: &Fields) -> tantivy::Result<HashMap<String, [u32; 4]>> {
    let mut postings: HashMap<String, [u32; 4]> = HashMap::new();
    for segment in reader.searcher().segment_readers() {
        for (at, (field, _)) in fields.weighted().into_iter().enumerate() {
            let inverted = segment.inverted_index(field)?;
            let mut terms = inverted.terms().stream()?;
            while terms.advance() {
                if let Ok(term) = std::str::from_utf8(terms.key()) {
                    postings.entry(term.to_owned()).or_default()[at] += terms.value().doc_freq;
                }
            }
        }
    }
    Ok(postings)
}
