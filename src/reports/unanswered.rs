//! The editors' report: questions the bot could not answer (a fallback, or
//! an answer of low confidence), grouped by similarity so that each group
//! is one missing or weak entry, with the knowledge base's closest entry.
//!
//! Similarity is the Jaccard index of the two texts' term sets, terms as
//! the knowledge base's own analysis makes them (normalised, stop words
//! out, stemmed), so that spellings the bot reads alike group alike. A
//! text joins the first group whose seed shares at least half its terms
//! with it: a round, a-priori threshold, not fitted to any set.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::utc;
use crate::cx::EventRow;
use crate::i18n::Lang;
use crate::kb::{Analyzer, KnowledgeBase};

/// The least share of terms two questions have in common to be one group.
const SIMILAR: f64 = 0.5;
/// Examples shown per group.
const EXAMPLES: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Unanswered {
    /// The largest groups first.
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Group {
    pub count: i64,
    pub first_seen: String,
    pub last_seen: String,
    /// Up to three masked texts, the most typical first.
    pub examples: Vec<String>,
    /// The entry the knowledge base finds closest to the most typical
    /// text, even below the answer cut-off; null when nothing is close.
    pub closest_entry: Option<ClosestEntry>,
    pub language: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ClosestEntry {
    pub id: String,
    pub title: String,
}

struct Question<'a> {
    row: &'a EventRow,
    text: &'a str,
    terms: HashSet<String>,
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// Groups the period's unanswered questions, read against `kb`.
pub fn unanswered(rows: &[EventRow], kb: &KnowledgeBase) -> Unanswered {
    let mut analyzer = Analyzer::new(kb.options());
    // By language first: a question and its translation are two gaps.
    let mut by_language: BTreeMap<&str, Vec<Vec<Question>>> = BTreeMap::new();
    for row in rows.iter().filter(|row| {
        row.kind == "turn"
            && (row.action.as_deref() == Some("fallback")
                || row.confidence.as_deref() == Some("low"))
    }) {
        let Some(text) = row.text.as_deref() else {
            continue;
        };
        let question = Question {
            row,
            text,
            terms: analyzer.terms(text).into_iter().collect(),
        };
        let groups = by_language
            .entry(row.language.as_deref().unwrap_or("ar"))
            .or_default();
        match groups
            .iter_mut()
            .find(|group| jaccard(&group[0].terms, &question.terms) >= SIMILAR)
        {
            Some(group) => group.push(question),
            None => groups.push(vec![question]),
        }
    }
    let mut groups: Vec<Group> = by_language
        .into_iter()
        .flat_map(|(language, groups)| {
            groups
                .into_iter()
                .map(move |questions| describe(language, questions, kb))
        })
        .collect();
    groups.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| b.last_seen.cmp(&a.last_seen))
    });
    Unanswered { groups }
}

fn describe(language: &str, questions: Vec<Question>, kb: &KnowledgeBase) -> Group {
    // The most typical text: the one closest, on average, to the others.
    let typicality = |question: &Question| -> f64 {
        questions
            .iter()
            .map(|other| jaccard(&question.terms, &other.terms))
            .sum()
    };
    let mut ranked: Vec<&Question> = questions.iter().collect();
    ranked.sort_by(|a, b| typicality(b).total_cmp(&typicality(a)));
    let mut examples: Vec<String> = Vec::new();
    for question in &ranked {
        if examples.len() < EXAMPLES && !examples.iter().any(|seen| seen == question.text) {
            examples.push(question.text.to_owned());
        }
    }
    let lang: Lang = language.parse().unwrap_or_default();
    let closest_entry = kb.search(&kb.read(ranked[0].text), 1).first().map(|hit| {
        let entry = kb.entry(hit.entry);
        ClosestEntry {
            id: entry.id.as_str().to_owned(),
            title: entry.localized_or_other(lang).0.title.clone(),
        }
    });
    let first = questions.iter().map(|q| q.row.at_ms).min().unwrap_or(0);
    let last = questions.iter().map(|q| q.row.at_ms).max().unwrap_or(0);
    Group {
        count: questions.len() as i64,
        first_seen: utc(first),
        last_seen: utc(last),
        examples,
        closest_entry,
        language: language.to_owned(),
    }
}

/// The report as editors read it in a terminal (`khidma report
/// unanswered`), worded in `lang` from `locales/<lang>/report.ftl`.
pub fn render(report: &Unanswered, period: &super::Period, lang: Lang) -> String {
    use std::fmt::Write as _;

    use crate::i18n::{Arg, editor_text};

    let mut out = String::new();
    let dates = [
        ("from", Arg::from(period.from.to_string())),
        ("to", Arg::from(period.to.to_string())),
    ];
    let _ = writeln!(
        out,
        "{}",
        editor_text(lang, "report-unanswered-intro", &dates)
    );
    if report.groups.is_empty() {
        let _ = writeln!(out, "{}", editor_text(lang, "report-unanswered-none", &[]));
        return out;
    }
    for group in &report.groups {
        let args = [
            (
                "count",
                Arg::Count(usize::try_from(group.count).unwrap_or(0)),
            ),
            ("language", Arg::from(group.language.as_str())),
            ("first", Arg::from(group.first_seen.as_str())),
            ("last", Arg::from(group.last_seen.as_str())),
        ];
        let _ = writeln!(
            out,
            "\n{}",
            editor_text(lang, "report-unanswered-group", &args)
        );
        for example in &group.examples {
            let args = [("text", Arg::from(example.as_str()))];
            let _ = writeln!(
                out,
                "{}",
                editor_text(lang, "report-unanswered-example", &args)
            );
        }
        let closest = match &group.closest_entry {
            Some(entry) => editor_text(
                lang,
                "report-unanswered-closest",
                &[
                    ("entry", Arg::from(entry.id.as_str())),
                    ("title", Arg::from(entry.title.as_str())),
                ],
            ),
            None => editor_text(lang, "report-unanswered-no-closest", &[]),
        };
        let _ = writeln!(out, "  {closest}");
    }
    out
}
