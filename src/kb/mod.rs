//! The knowledge base: entries loaded from editors' files, validated, and
//! indexed for retrieval. Nothing outside this module knows about tantivy.

pub mod analysis;
pub mod arabizi;
mod areas;
mod calibration;
mod categories;
mod diagnostics;
mod entry;
mod evidence;
mod hit;
mod impacts;
mod index;
pub mod last_good;
mod lexicon;
mod links;
mod load;
mod query;
mod replies;
mod report;
mod status;
mod vocabulary;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;

pub use analysis::{Analyzer, RetrievalOptions};
pub use areas::{Area, AreaSource, GeoPoint};
pub use calibration::{Calibration, Confusable};
pub use categories::CategoryName;
pub use diagnostics::{Problem, shape_problem};
pub use entry::{Entry, EntryId, Escalation, LocalizedEntry};
pub use hit::Hit;
pub use load::{KbIssue, LoadFailed, Loaded, Severity, load_dir};
pub use replies::{Filling, PLACEHOLDERS, Reply, ReplyIndex, ReplySide};
pub use status::{Degraded, DegradedReason, KbStatus};
pub mod watch;
pub use watch::watch;

pub use lexicon::LexiconSource;
pub use query::{Query, QueryWord};

use crate::i18n::Lang;
use areas::Areas;
use index::SearchIndex;
use lexicon::Lexicon;
use query::QueryContext;
use status::Health;

#[derive(Debug, thiserror::Error)]
pub enum KbError {
    #[error(transparent)]
    Invalid(#[from] LoadFailed),
    #[error("building the search index failed: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// A loaded, validated and indexed knowledge base. Immutable: a reload builds
/// a new one and swaps it in whole.
pub struct KnowledgeBase {
    entries: Vec<Entry>,
    by_id: HashMap<EntryId, usize>,
    /// Categories in folder order, each with its entries' ordinals.
    categories: Vec<(String, Vec<usize>)>,
    /// What citizens call them, as editors wrote it.
    category_names: HashMap<String, CategoryName>,
    index: SearchIndex,
    lexicon: Lexicon,
    areas: Areas,
    replies: ReplyIndex,
    options: RetrievalOptions,
    calibration: Calibration,
    /// Each entry's analysed terms by part, computed when first asked for.
    entry_terms: Vec<OnceLock<EntryTerms>>,
    warnings: Vec<KbIssue>,
    build_time: Duration,
}

impl KnowledgeBase {
    pub fn load(dir: &Path, options: RetrievalOptions) -> Result<Self, KbError> {
        let Loaded {
            entries,
            lexicon,
            areas,
            category_names,
            replies,
            warnings,
        } = load_dir(dir)?;
        Ok(Self::from_entries(entries, &lexicon, warnings, options)?
            .with_areas(areas)
            .with_category_names(category_names)
            .with_replies(replies))
    }

    pub fn from_entries(
        entries: Vec<Entry>,
        lexicon: &LexiconSource,
        warnings: Vec<KbIssue>,
        options: RetrievalOptions,
    ) -> tantivy::Result<Self> {
        let started = Instant::now();
        let mut analyzer = Analyzer::new(options);
        let index = SearchIndex::build(&entries, &analyzer)?;
        // A switched-off step of the ablation reads as if its data were empty.
        let editors = LexiconSource::default();
        let lexicon = Lexicon::compile(
            if options.lexicon { lexicon } else { &editors },
            &mut analyzer,
            options.dialect,
        );
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(ordinal, entry)| (entry.id.clone(), ordinal))
            .collect();
        let mut categories: Vec<(String, Vec<usize>)> = Vec::new();
        for (ordinal, entry) in entries.iter().enumerate() {
            match categories
                .iter_mut()
                .find(|(name, _)| *name == entry.category)
            {
                Some((_, members)) => members.push(ordinal),
                None => categories.push((entry.category.clone(), vec![ordinal])),
            }
        }
        let entry_terms = entries.iter().map(|_| OnceLock::new()).collect();
        let replies = ReplyIndex::build(Vec::new(), index.analyzer());
        let mut kb = Self {
            entries,
            by_id,
            categories,
            category_names: HashMap::new(),
            index,
            lexicon,
            areas: Areas::default(),
            replies,
            options,
            calibration: Calibration::default(),
            entry_terms,
            warnings,
            build_time: Duration::ZERO,
        };
        if options.calibrate {
            kb.calibration = Calibration::derive(&kb);
        }
        kb.build_time = started.elapsed();
        Ok(kb)
    }

    /// The editors' districts (`areas.toml`), for grouping outage reports.
    pub fn with_areas(mut self, areas: Vec<AreaSource>) -> Self {
        self.areas = Areas::compile(areas, self.index.analyzer());
        self
    }

    /// What citizens call each category (`categories.toml`).
    pub fn with_category_names(mut self, names: HashMap<String, CategoryName>) -> Self {
        self.category_names = names;
        self
    }

    /// The agents' ready replies (`replies/`), searched with this base's
    /// analysis of words.
    pub fn with_replies(mut self, replies: Vec<Reply>) -> Self {
        self.replies = ReplyIndex::build(replies, self.index.analyzer());
        self
    }

    pub fn replies(&self) -> &ReplyIndex {
        &self.replies
    }

    /// The district a message names, if any. Greetings and fillers go
    /// first: "السلام عليكم" must not name a district called "السلام".
    pub fn area_named_in(&self, text: &str) -> Option<&Area> {
        let words: Vec<String> = self
            .lexicon
            .read_for_names(self.index.analyzer(), text)
            .words
            .into_iter()
            .map(|(word, _)| word)
            .collect();
        self.areas.named_in(&words)
    }

    /// The area of a shared location.
    pub fn area_at(&self, point: GeoPoint) -> Area {
        self.areas.at(point)
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry(&self, ordinal: usize) -> &Entry {
        &self.entries[ordinal]
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.ordinal(id).map(|ordinal| &self.entries[ordinal])
    }

    pub fn ordinal(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn categories(&self) -> impl Iterator<Item = (&str, &[usize])> {
        self.categories
            .iter()
            .map(|(name, members)| (name.as_str(), members.as_slice()))
    }

    /// What citizens see for a category: the editors' name in `lang`, or
    /// the folder's name in words when they gave none.
    pub fn category_title(&self, category: &str, lang: Lang) -> String {
        self.category_names
            .get(category)
            .map(|name| name.get(lang).to_owned())
            .unwrap_or_else(|| category.replace('-', " "))
    }

    pub fn category(&self, name: &str) -> Option<&[usize]> {
        self.categories
            .iter()
            .find(|(category, _)| category == name)
            .map(|(_, members)| members.as_slice())
    }

    pub fn warnings(&self) -> &[KbIssue] {
        &self.warnings
    }

    /// Time spent analysing, indexing and calibrating the entries.
    pub fn build_time(&self) -> Duration {
        self.build_time
    }

    pub fn options(&self) -> RetrievalOptions {
        self.options
    }

    /// The analysed terms of an entry's title, keywords, questions and
    /// answers, for reading a conversation's follow-ups against its topic.
    pub fn entry_terms(&self, entry: usize) -> &EntryTerms {
        self.entry_terms[entry].get_or_init(|| {
            let mut analyzer = self.index.analyzer().clone();
            let mut terms = EntryTerms::default();
            for (_, side) in self.entries[entry].sides() {
                let title = analyzer.terms(&side.title);
                terms.named.extend(title.iter().cloned());
                terms.titles.push(title);
                for keyword in &side.keywords {
                    terms.named.extend(analyzer.terms(keyword));
                }
                for question in &side.questions {
                    terms.asked.extend(analyzer.terms(question));
                }
            }
            // Analysed once, when the index was built.
            terms.answered = self.index.answer_terms(entry).clone();
            terms
        })
    }

    /// The answer cut-offs learnt from this base (see `calibration.rs`).
    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// Reads a message for retrieval: noise out, synonyms, corrections and
    /// Arabizi readings in.
    pub fn read(&self, text: &str) -> Query {
        self.read_with(text, self.options)
    }

    /// Reads words that are surely spelt right (the built-in names of a
    /// hazard): what guessing would add to them (a typo's neighbour, a
    /// root's other words) is noise.
    pub fn read_as_written(&self, text: &str) -> Query {
        let options = RetrievalOptions {
            fuzzy: false,
            ..self.options
        };
        self.read_with(text, options)
    }

    fn read_with(&self, text: &str, options: RetrievalOptions) -> Query {
        let is_known = |term: &str| self.index.knows(term);
        let is_spelt_right = |term: &str| self.index.answers_use(term);
        QueryContext {
            options,
            analyzer: self.index.analyzer(),
            lexicon: &self.lexicon,
            vocabulary: self.index.vocabulary(),
            is_known: &is_known,
            is_spelt_right: &is_spelt_right,
        }
        .read(text)
    }

    pub fn search(&self, query: &Query, limit: usize) -> Vec<Hit> {
        self.index.search(query, limit)
    }

    /// The best entries for a query among those that hand over to people as
    /// `escalation` says (the urgent ones for an emergency).
    pub fn search_escalating(
        &self,
        query: &Query,
        escalation: Escalation,
        limit: usize,
    ) -> Vec<Hit> {
        self.index.search_escalating(query, escalation, limit)
    }

    /// Whether the message has one of the editors' phrases of frustration.
    pub fn frustrated(&self, text: &str) -> bool {
        self.options.lexicon && self.lexicon.frustrated(self.index.analyzer(), text)
    }

    /// What the editors' escalation rules make of the message.
    pub fn escalation(&self, query: &Query) -> RuleVerdict {
        if !self.options.lexicon {
            return RuleVerdict::default();
        }
        let outcome = self.lexicon.escalation(&query.positions());
        RuleVerdict {
            escalate: outcome.escalate.and_then(|id| self.ordinal(id.as_str())),
            vetoed: outcome
                .vetoed
                .iter()
                .filter_map(|id| self.ordinal(id.as_str()))
                .collect(),
        }
    }

    /// Which of the query's naming words the entry names or is asked
    /// with, `by_root` also in another form of their root (see
    /// [`evidence::Evidence::explained`]).
    pub fn explained(&self, entry: usize, query: &Query, by_root: bool) -> Vec<bool> {
        self.index.evidence().explained(entry, query, by_root)
    }

    /// [`KnowledgeBase::search`] among `entries` only (a conversation's
    /// current topic and its related entries, the options just offered, an
    /// answer's entry), best first; an entry the query does not touch is
    /// left out. Only those entries are scored, however large the base.
    pub fn search_among(&self, query: &Query, entries: &[usize]) -> Vec<Hit> {
        self.index.search_among(query, entries)
    }

    /// How sure one can be that `entry` is what the query asks: its
    /// coverage and fit as a search would give them, without a search. Its
    /// `score` is 0: BM25 ranks entries against each other, and one entry
    /// alone has no rank.
    pub fn judge(&self, query: &Query, entry: usize) -> Hit {
        let evidence = self.index.evidence();
        let (coverage, fit) = evidence.confidence(entry, &evidence.query_terms(query), None);
        Hit {
            entry,
            score: 0.0,
            coverage,
            fit,
        }
    }
}

/// The analysed terms of one entry, by the part of it they come from.
#[derive(Debug, Default)]
pub struct EntryTerms {
    /// Of its titles and keywords: what it is about.
    pub named: HashSet<String>,
    /// Of its questions: how citizens ask for it.
    pub asked: HashSet<String>,
    /// Of its answers: what the citizen read about it.
    pub answered: HashSet<String>,
    /// Each title's terms.
    pub titles: Vec<Vec<String>>,
}

/// The escalation rules' verdict on a message, by entry ordinal.
#[derive(Debug, Default, PartialEq)]
pub struct RuleVerdict {
    /// Escalate to this entry.
    pub escalate: Option<usize>,
    /// Never escalate to these: an `unless` word said the message is routine.
    pub vetoed: Vec<usize>,
}

/// The knowledge base in service. Readers take a cheap snapshot per message;
/// a reload replaces it atomically, so a message is never answered from half
/// of one version and half of another. It also knows whether that version
/// is the one in the files ([`KbStatus`]).
#[derive(Clone)]
pub struct KbHandle {
    current: Arc<ArcSwap<KnowledgeBase>>,
    generation: Arc<AtomicU64>,
    health: Arc<Mutex<Health>>,
}

impl std::fmt::Debug for KbHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KbHandle")
            .field("generation", &self.generation())
            .finish_non_exhaustive()
    }
}

impl KbHandle {
    pub fn new(kb: KnowledgeBase) -> Self {
        Self {
            current: Arc::new(ArcSwap::from_pointee(kb)),
            generation: Arc::new(AtomicU64::new(1)),
            health: Arc::default(),
        }
    }

    /// A knowledge base that is not the one in the files (the last good
    /// copy, at start-up): reported degraded until a reload succeeds.
    pub fn degraded(kb: KnowledgeBase, degraded: Degraded) -> Self {
        let handle = Self::new(kb);
        handle.health().degraded = Some(degraded);
        handle
    }

    pub fn current(&self) -> Arc<KnowledgeBase> {
        self.current.load_full()
    }

    /// Puts a knowledge base freshly loaded from the files in service.
    pub fn replace(&self, kb: KnowledgeBase) {
        self.current.store(Arc::new(kb));
        self.generation.fetch_add(1, Ordering::Relaxed);
        self.health().degraded = None;
    }

    /// The files were changed and do not load: the version in service
    /// stays, reported degraded until a reload succeeds.
    pub fn reload_failed(&self, errors: &[impl ToString]) {
        let mut health = self.health();
        health.reload_failures += 1;
        health.degraded = Some(Degraded::new(DegradedReason::ReloadFailed, errors));
    }

    /// How many knowledge bases have been in service: 1 at start, one more
    /// per successful reload.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    pub fn status(&self) -> KbStatus {
        let health = self.health();
        KbStatus {
            generation: self.generation(),
            entries: self.current.load().entries().len(),
            reload_failures: health.reload_failures,
            degraded: health.degraded.clone(),
        }
    }

    fn health(&self) -> std::sync::MutexGuard<'_, Health> {
        self.health
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
