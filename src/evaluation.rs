//! `khidma eval`: scores the bot on a file of citizen messages with known
//! answers, in process, with the same rules as the HTTP evaluation harness.
//! Editors use it to see what a change to the knowledge base does, in
//! their language; the quality report reads its `--json` once per
//! retrieval feature.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::conversation::{Action, Conversation, ConversationId};
use crate::dialogue;
use crate::i18n::{Arg, Lang, Localizer, editor_text};
use crate::kb::KnowledgeBase;
use crate::message::{Incoming, Reply};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    #[error("{path}:{line}: {}", plain(.source))]
    Parse {
        path: String,
        line: usize,
        source: serde_json::Error,
    },
}

/// A case that is valid JSON but not a case, said as `check` says it
/// ("`answr` is not one of the allowed values ... Did you mean `answer`?").
fn plain(err: &serde_json::Error) -> String {
    let message = err.to_string();
    crate::kb::shape_problem(&message).map_or(message, |problem| problem.text(Lang::En))
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
    /// The language the bot replied in.
    pub replied_in: Lang,
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
        replied_in: reply.language,
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
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

/// What the bot did, in the editor's words: "answered with water-bill",
/// "asked which one was meant: a, b", and the language when it is not the
/// one expected.
pub fn describe(
    lang: Lang,
    action: Action,
    entry: Option<&str>,
    candidates: &[String],
    wrong_language: Option<Lang>,
) -> String {
    let say = |id: &str, args: &[(&str, Arg)]| editor_text(lang, id, args);
    let mut text = match (action, entry) {
        (Action::Answer, Some(entry)) => say("eval-got-answer", &[("entry", entry.into())]),
        (Action::Answer, None) => say("eval-got-answer-none", &[]),
        (Action::Clarify, _) => {
            let candidates = if candidates.is_empty() {
                say("eval-nothing", &[])
            } else {
                candidates.join(", ")
            };
            say("eval-got-clarify", &[("candidates", candidates.into())])
        }
        (Action::Escalate, Some(entry)) => say("eval-got-escalate", &[("entry", entry.into())]),
        (Action::Escalate, None) => say("eval-got-escalate-none", &[]),
        (Action::Fallback, _) => say("eval-got-fallback", &[]),
        (Action::Agent, _) => say("eval-got-agent", &[]),
    };
    if let Some(replied_in) = wrong_language {
        text.push_str(&say(
            "eval-got-language",
            &[("lang", replied_in.code().into())],
        ));
    }
    text
}

/// The figures' lines, each with what it means.
fn figures(out: &mut String, lang: Lang, score: &Score) {
    let _ = writeln!(out, "{}", editor_text(lang, "eval-figures-heading", &[]));
    for (id, value) in [
        ("eval-strict", score.strict),
        ("eval-resolved", score.resolved),
        ("eval-urgent-recall", score.urgent_recall),
        ("eval-false-escalation", score.false_escalation),
        ("eval-language", score.language),
    ] {
        let value = Arg::from(format!("{value:.3}"));
        let _ = writeln!(out, "  {}", editor_text(lang, id, &[("value", value)]));
    }
}

/// The misses, grouped by what was expected.
fn misses(out: &mut String, lang: Lang, cases: &[Case], outcomes: &[Outcome]) {
    for (kind, heading) in [
        (Kind::Answer, "eval-miss-answer"),
        (Kind::Urgent, "eval-miss-urgent"),
        (Kind::Handoff, "eval-miss-handoff"),
        (Kind::Oos, "eval-miss-oos"),
    ] {
        let missed: Vec<_> = cases
            .iter()
            .zip(outcomes)
            .filter(|(case, outcome)| case.kind == kind && !outcome.strict)
            .collect();
        if missed.is_empty() {
            continue;
        }
        let count = [("count", Arg::Count(missed.len()))];
        let _ = writeln!(out, "\n{}", editor_text(lang, heading, &count));
        for (case, outcome) in missed {
            let got = describe(
                lang,
                outcome.action,
                outcome.entry.as_deref(),
                &outcome.candidates,
                (!outcome.language_ok).then_some(outcome.replied_in),
            );
            let mut args = vec![
                ("text", Arg::from(case.text.as_str())),
                ("lang", Arg::from(case.lang.code())),
                ("got", Arg::from(got)),
            ];
            let id = match &case.entry {
                Some(entry) => {
                    args.push(("expected", Arg::from(entry.as_str())));
                    "eval-miss"
                }
                None => "eval-miss-plain",
            };
            let _ = writeln!(out, "  {}", editor_text(lang, id, &args));
        }
    }
}

/// The report `khidma eval` prints, in the editor's language: what was
/// played, each figure with what it means, the figures per segment, the
/// misses grouped by what was expected (when asked), and last the score
/// line in the harness's format, the same in every language.
pub fn report(
    cases: &[Case],
    outcomes: &[Outcome],
    file: &str,
    lang: Lang,
    show_failures: bool,
) -> String {
    let mut out = String::new();
    let score = score(cases, outcomes);
    let intro = [("cases", Arg::Count(cases.len())), ("file", file.into())];
    let _ = writeln!(out, "{}\n", editor_text(lang, "eval-intro", &intro));
    figures(&mut out, lang, &score);
    let _ = writeln!(out, "\n{}", editor_text(lang, "eval-segments-heading", &[]));
    let _ = writeln!(
        out,
        "  {:<14} {:>5} {:>8} {:>9}",
        editor_text(lang, "eval-segment-header", &[]),
        "n",
        "strict",
        "resolved"
    );
    let table = segments(cases, outcomes);
    let order =
        std::iter::once("all").chain(table.keys().map(String::as_str).filter(|k| *k != "all"));
    for name in order {
        let (n, strict, resolved) = table[name];
        let _ = writeln!(out, "  {name:<14} {n:>5} {strict:>8.3} {resolved:>9.3}");
    }
    let missed = outcomes.iter().filter(|outcome| !outcome.strict).count();
    let count = [("count", Arg::Count(missed))];
    let _ = writeln!(
        out,
        "\n{}",
        editor_text(lang, "eval-misses-heading", &count)
    );
    if show_failures {
        misses(&mut out, lang, cases, outcomes);
    } else if missed > 0 {
        let _ = writeln!(out, "{}", editor_text(lang, "eval-misses-hint", &[]));
    }
    let _ = writeln!(
        out,
        "\nscore: strict={:.3} resolved={:.3} urgent_recall={:.3} false_escalation={:.3} language={:.3} n={}",
        score.strict,
        score.resolved,
        score.urgent_recall,
        score.false_escalation,
        score.language,
        cases.len()
    );
    out
}

/// One segment's figures in `--json`.
#[derive(Debug, Serialize)]
pub struct SegmentJson {
    pub n: usize,
    pub strict: f64,
    pub resolved: f64,
}

/// A message that was not strictly right, in `--json`.
#[derive(Debug, Serialize)]
pub struct MissJson<'a> {
    pub text: &'a str,
    pub lang: Lang,
    pub kind: Kind,
    pub expected: Option<&'a str>,
    pub action: Action,
    pub entry: Option<&'a str>,
    pub candidates: &'a [String],
    pub replied_in: Lang,
}

/// `khidma eval --json`: the shape documented in the README, for tools.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    pub n: usize,
    pub score: Score,
    pub segments: BTreeMap<String, SegmentJson>,
    pub misses: Vec<MissJson<'a>>,
}

pub fn json_report<'a>(cases: &'a [Case], outcomes: &'a [Outcome]) -> JsonReport<'a> {
    JsonReport {
        n: cases.len(),
        score: score(cases, outcomes),
        segments: segments(cases, outcomes)
            .into_iter()
            .map(|(name, (n, strict, resolved))| {
                (
                    name,
                    SegmentJson {
                        n,
                        strict,
                        resolved,
                    },
                )
            })
            .collect(),
        misses: cases
            .iter()
            .zip(outcomes)
            .filter(|(_, outcome)| !outcome.strict)
            .map(|(case, outcome)| MissJson {
                text: &case.text,
                lang: case.lang,
                kind: case.kind,
                expected: case.entry.as_deref(),
                action: outcome.action,
                entry: outcome.entry.as_deref(),
                candidates: &outcome.candidates,
                replied_in: outcome.replied_in,
            })
            .collect(),
    }
}
