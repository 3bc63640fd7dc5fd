//! `khidma eval` on conversation scenarios: files in the multi-turn
//! harness's format (one conversation a line: `id`, `lang`, `tags`,
//! `turns` of `text` / `button` / `language` / `expect`), played in
//! process through the dialogue and judged with the harness's rules, so
//! editors and tests see what a change does to whole conversations.
//!
//! Played without the agents' desk: a reply's decision is the one the
//! server makes, without the place-in-line sentence the desk adds.

mod report;

use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize};

use crate::conversation::{Conversation, ConversationId};
use crate::dialogue;
use crate::evaluation::EvalError;
use crate::i18n::{Lang, Localizer};

use crate::kb::KnowledgeBase;
use crate::message::{Incoming, Reply};
pub use report::{json_report, report};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub lang: Lang,
    #[serde(default)]
    pub tags: Vec<String>,
    pub turns: Vec<ScenarioTurn>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioTurn {
    pub text: Option<String>,
    /// A button id, or `#N`: the Nth button of the previous reply.
    pub button: Option<String>,
    pub language: Option<Lang>,
    pub expect: Expect,
}

/// Each key given is one check; see the harness's docstring.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub action: Option<String>,
    pub not_action: Option<String>,
    /// `Some(None)`: the reply has no entry; `None`: not checked.
    #[serde(default, deserialize_with = "present")]
    pub entry: Option<Option<String>>,
    pub not_entry: Option<String>,
    pub lang: Option<Lang>,
    pub priority: Option<String>,
}

/// A key that is present, even as `null`, is `Some`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// Whether the file holds conversations (its first line has `turns`)
/// rather than single messages.
pub fn is_scenario_file(path: &Path) -> Result<bool, EvalError> {
    let text = read(path)?;
    Ok(text
        .lines()
        .find(|line| !line.trim().is_empty())
        .and_then(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .is_some_and(|first| first.get("turns").is_some()))
}

fn read(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: path.display().to_string(),
        source,
    })
}

pub fn read_scenarios(path: &Path) -> Result<Vec<Scenario>, EvalError> {
    crate::evaluation::read_lines(path)
}

/// One turn as played: what was sent, what came back, which checks failed.
#[derive(Debug, Clone)]
pub struct Played {
    pub sent: Option<String>,
    pub reply: Option<Reply>,
    pub failed: Vec<String>,
}

const ANY_OF: &str = "any-of:";

fn options(spec: &str) -> Vec<&str> {
    match spec.strip_prefix(ANY_OF) {
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect(),
        None => vec![spec],
    }
}

/// `#N` (1-based) into an index.
fn reference(spec: &str) -> Option<usize> {
    spec.strip_prefix('#')?
        .parse::<usize>()
        .ok()
        .filter(|&n| n >= 1)
        .map(|n| n - 1)
}

pub(crate) fn action_name(reply: &Reply) -> String {
    serde_json::to_value(reply.action)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// An entry id, or `#N`: the previous reply's Nth candidate.
fn resolve(spec: &str, previous: Option<&Reply>) -> Option<String> {
    match reference(spec) {
        Some(index) => previous
            .and_then(|reply| reply.candidates.get(index))
            .map(ToString::to_string),
        None => Some(spec.to_owned()),
    }
}

fn judge(expect: &Expect, reply: &Reply, previous: Option<&Reply>) -> Vec<String> {
    let mut failed = Vec::new();
    let action = action_name(reply);
    let entry = reply.entry_id.as_ref().map(ToString::to_string);
    if let Some(spec) = &expect.action
        && !options(spec).contains(&action.as_str())
    {
        failed.push("action".to_owned());
    }
    if let Some(spec) = &expect.not_action
        && options(spec).contains(&action.as_str())
    {
        failed.push("not_action".to_owned());
    }
    match &expect.entry {
        None => {}
        Some(None) if entry.is_some() => failed.push("entry".to_owned()),
        Some(None) => {}
        Some(Some(spec)) => match resolve(spec, previous) {
            None => failed.push(format!("entry (no candidate {spec} in the previous reply)")),
            Some(want) => {
                let offered =
                    action == "clarify" && reply.candidates.iter().any(|c| c.as_str() == want);
                if entry.as_deref() != Some(want.as_str()) && !offered {
                    failed.push("entry".to_owned());
                }
            }
        },
    }
    if let Some(spec) = &expect.not_entry {
        match resolve(spec, previous) {
            None => failed.push(format!(
                "not_entry (no candidate {spec} in the previous reply)"
            )),
            Some(avoid) if entry.as_deref() == Some(avoid.as_str()) => {
                failed.push("not_entry".to_owned());
            }
            Some(_) => {}
        }
    }
    if expect.lang.is_some_and(|lang| lang != reply.language) {
        failed.push("lang".to_owned());
    }
    // Replies carry no priority yet, as the harness's contract says.
    if expect.priority.is_some() {
        failed.push("priority".to_owned());
    }
    failed
}

/// The buttons of a reply, in order, as (id, title).
fn buttons(reply: &Reply) -> Vec<(String, String)> {
    reply
        .messages
        .iter()
        .flat_map(|message| &message.buttons)
        .map(|button| (button.id.clone(), button.title.clone()))
        .collect()
}

/// Plays one conversation from a fresh state.
pub fn play(
    scenario: &Scenario,
    index: usize,
    kb: &KnowledgeBase,
    localizer: &Localizer,
) -> Vec<Played> {
    let id = ConversationId::new("eval", &index.to_string()).expect("a digit id is valid");
    let mut conversation = Conversation::new(id);
    let mut previous: Option<Reply> = None;
    let mut played = Vec::new();
    for turn in &scenario.turns {
        let mut text = turn.text.clone();
        let mut button = None;
        if let Some(spec) = &turn.button {
            let offered = previous.as_ref().map(buttons).unwrap_or_default();
            let found = match reference(spec) {
                Some(index) => offered.get(index).cloned(),
                None => Some(
                    offered
                        .iter()
                        .find(|(id, _)| id == spec)
                        .cloned()
                        .unwrap_or_else(|| (spec.clone(), spec.clone())),
                ),
            };
            let Some((id, title)) = found else {
                played.push(Played {
                    sent: None,
                    reply: None,
                    failed: vec![format!("no button {spec} in the previous reply")],
                });
                previous = None;
                continue;
            };
            text = text.or(Some(title));
            button = Some(id);
        }
        let incoming = Incoming {
            text: text.clone().unwrap_or_default(),
            button,
            forced_language: turn.language,
            ..Incoming::default()
        };
        let reply = dialogue::respond(&incoming, &mut conversation, kb, localizer);
        let failed = judge(&turn.expect, &reply, previous.as_ref());
        previous = Some(reply.clone());
        played.push(Played {
            sent: text,
            reply: Some(reply),
            failed,
        });
    }
    played
}

pub fn run(scenarios: &[Scenario], kb: &KnowledgeBase, localizer: &Localizer) -> Vec<Vec<Played>> {
    scenarios
        .iter()
        .enumerate()
        .map(|(index, scenario)| play(scenario, index, kb, localizer))
        .collect()
}

/// Shares of conversations and turns that passed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConversationScore {
    pub conversations: f64,
    pub turns: f64,
}

pub(crate) fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

pub fn score(results: &[Vec<Played>]) -> ConversationScore {
    let passed = |turns: &Vec<Played>| turns.iter().all(|turn| turn.failed.is_empty());
    let turns: usize = results.iter().map(Vec::len).sum();
    let turns_ok = results
        .iter()
        .flatten()
        .filter(|turn| turn.failed.is_empty())
        .count();
    ConversationScore {
        conversations: ratio(results.iter().filter(|r| passed(r)).count(), results.len()),
        turns: ratio(turns_ok, turns),
    }
}
