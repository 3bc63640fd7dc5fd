//! `khidma eval`: scores the bot on a file of citizen messages with known
//! answers, in process, with the same rules as the HTTP evaluation harness.
//! Editors use it to see what a change to the knowledge base does; the
//! quality report runs it once per retrieval feature.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use crate::conversation::{Action, Conversation, ConversationId};
use crate::dialogue;
use crate::i18n::{Lang, Localizer};
use crate::kb::KnowledgeBase;
use crate::message::{Incoming, Reply};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Right when answered from `entry` (a clarify offering it "resolves").
    Answer,
    /// Right when escalated with `entry`.
    Urgent,
    /// Right when escalated.
    Handoff,
    /// Out of scope: right when the bot falls back.
    Oos,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub text: String,
    pub lang: Lang,
    pub kind: Kind,
    pub entry: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {source}")]
    Parse {
        path: String,
        line: usize,
        source: serde_json::Error,
    },
}

pub fn read_cases(path: &Path) -> Result<Vec<Case>, EvalError> {
    read_lines(path)
}

/// A JSON-lines file, one `T` per non-blank line; an error names the line.
pub fn read_lines<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: path.display().to_string(),
        source,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            serde_json::from_str(line).map_err(|source| EvalError::Parse {
                path: path.display().to_string(),
                line: index + 1,
                source,
            })
        })
        .collect()
}

/// One case's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub strict: bool,
    pub resolved: bool,
    pub escalated: bool,
    pub language_ok: bool,
    pub action: Action,
    pub entry: Option<String>,
    pub candidates: Vec<String>,
}

fn judge(case: &Case, reply: &Reply) -> Outcome {
    let entry = reply.entry_id.as_ref().map(|id| id.to_string());
    let candidates: Vec<String> = reply.candidates.iter().map(|id| id.to_string()).collect();
    let escalated = reply.action == Action::Escalate;
    let (strict, resolved) = match case.kind {
        Kind::Answer => {
            let strict = reply.action == Action::Answer && entry == case.entry;
            let offered = reply.action == Action::Clarify
                && case.entry.as_ref().is_some_and(|e| candidates.contains(e));
            (strict, strict || offered)
        }
        Kind::Urgent => (escalated && entry == case.entry, escalated),
        Kind::Handoff => (escalated, escalated),
        Kind::Oos => {
            let fell_back = reply.action == Action::Fallback;
            (fell_back, fell_back)
        }
    };
    Outcome {
        strict,
        resolved,
        escalated,
        language_ok: reply.language == case.lang,
        action: reply.action,
        entry,
        candidates,
    }
}

/// Each case as the first message of a fresh conversation.
pub fn run(cases: &[Case], kb: &KnowledgeBase, localizer: &Localizer) -> Vec<Outcome> {
    cases
        .iter()
        .enumerate()
        .map(|(index, case)| {
            let id = ConversationId::new("eval", &index.to_string()).expect("a digit id is valid");
            let mut conversation = Conversation::new(id);
            let incoming = Incoming {
                text: case.text.clone(),
                ..Incoming::default()
            };
            let reply = dialogue::respond(&incoming, &mut conversation, kb, localizer);
            judge(case, &reply)
        })
        .collect()
}

/// The evaluation's headline figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub strict: f64,
    pub resolved: f64,
    pub urgent_recall: f64,
    pub false_escalation: f64,
    pub language: f64,
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

pub fn score(cases: &[Case], outcomes: &[Outcome]) -> Score {
    let count = |keep: &dyn Fn(&Case, &Outcome) -> bool| {
        cases
            .iter()
            .zip(outcomes)
            .filter(|(c, o)| keep(c, o))
            .count()
    };
    let urgent = count(&|c, _| c.kind == Kind::Urgent);
    let calm = count(&|c, _| matches!(c.kind, Kind::Answer | Kind::Oos));
    Score {
        strict: ratio(count(&|_, o| o.strict), cases.len()),
        resolved: ratio(count(&|_, o| o.resolved), cases.len()),
        urgent_recall: if urgent == 0 {
            1.0
        } else {
            ratio(count(&|c, o| c.kind == Kind::Urgent && o.escalated), urgent)
        },
        false_escalation: ratio(
            count(&|c, o| matches!(c.kind, Kind::Answer | Kind::Oos) && o.escalated),
            calm,
        ),
        language: ratio(count(&|_, o| o.language_ok), cases.len()),
    }
}

/// Strict and resolved rates per segment: `all`, each kind, each language
/// and each tag.
pub fn segments(cases: &[Case], outcomes: &[Outcome]) -> BTreeMap<String, (usize, f64, f64)> {
    let mut tallies: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (case, outcome) in cases.iter().zip(outcomes) {
        let kind = match case.kind {
            Kind::Answer => "answer",
            Kind::Urgent => "urgent",
            Kind::Handoff => "handoff",
            Kind::Oos => "oos",
        };
        let names = ["all".to_owned(), kind.to_owned(), case.lang.to_string()]
            .into_iter()
            .chain(case.tags.iter().cloned());
        for name in names {
            let tally = tallies.entry(name).or_default();
            tally.0 += 1;
            tally.1 += usize::from(outcome.strict);
            tally.2 += usize::from(outcome.resolved);
        }
    }
    tallies
        .into_iter()
        .map(|(name, (n, strict, resolved))| (name, (n, ratio(strict, n), ratio(resolved, n))))
        .collect()
}

/// The report `khidma eval` prints: segments, failures when asked, and the
/// score line in the harness's format.
pub fn report(cases: &[Case], outcomes: &[Outcome], show_failures: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<14} {:>5} {:>8} {:>9}",
        "segment", "n", "strict", "resolved"
    );
    let table = segments(cases, outcomes);
    let order =
        std::iter::once("all").chain(table.keys().map(String::as_str).filter(|k| *k != "all"));
    for name in order {
        let (n, strict, resolved) = table[name];
        let _ = writeln!(out, "{name:<14} {n:>5} {strict:>8.3} {resolved:>9.3}");
    }
    if show_failures {
        for (case, outcome) in cases.iter().zip(outcomes).filter(|(_, o)| !o.strict) {
            let _ = writeln!(
                out,
                "MISS {:?}/{} {:?} expected {} got {:?} {:?} {:?}",
                case.kind,
                case.entry.as_deref().unwrap_or("-"),
                case.text,
                case.lang,
                outcome.action,
                outcome.entry,
                outcome.candidates
            );
        }
    }
    let score = score(cases, outcomes);
    let _ = writeln!(
        out,
        "score: strict={:.3} resolved={:.3} urgent_recall={:.3} false_escalation={:.3} language={:.3} n={}",
        score.strict,
        score.resolved,
        score.urgent_recall,
        score.false_escalation,
        score.language,
        cases.len()
    );
    out
}
