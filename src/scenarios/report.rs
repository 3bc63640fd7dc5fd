//! How a conversation file's results read: for editors, in their language
//! (`khidma eval`), and for tools (`--json`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Expect, Played, Scenario, action_name, ratio, score};
use crate::evaluation::describe;
use crate::i18n::{Arg, Lang, editor_text};

/// The expectations of a turn as the file writes them: `action=answer
/// entry=water-bill`.
fn expectations(expect: &Expect) -> String {
    let mut parts = Vec::new();
    let mut add = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            parts.push(format!("{key}={value}"));
        }
    };
    add("action", expect.action.as_deref());
    add("not_action", expect.not_action.as_deref());
    add(
        "entry",
        expect
            .entry
            .as_ref()
            .map(|entry| entry.as_deref().unwrap_or("null")),
    );
    add("not_entry", expect.not_entry.as_deref());
    add("lang", expect.lang.map(Lang::code));
    add("priority", expect.priority.as_deref());
    parts.join(" ")
}

fn played_reply(lang: Lang, played: &Played) -> String {
    played.reply.as_ref().map_or_else(
        || editor_text(lang, "eval-turn-not-sent", &[]),
        |reply| {
            let candidates: Vec<String> =
                reply.candidates.iter().map(ToString::to_string).collect();
            let entry = reply.entry_id.as_ref().map(ToString::to_string);
            let mut text = describe(lang, reply.action, entry.as_deref(), &candidates, None);
            text.push_str(&editor_text(
                lang,
                "eval-got-language",
                &[("lang", reply.language.code().into())],
            ));
            text
        },
    )
}

/// A failed conversation, turn by turn.
fn failure(out: &mut String, lang: Lang, scenario: &Scenario, turns: &[Played]) {
    let tags = if scenario.tags.is_empty() {
        "none".to_owned()
    } else {
        scenario.tags.join(" ")
    };
    let heading = [
        ("id", Arg::from(scenario.id.as_str())),
        ("tags", Arg::from(tags)),
    ];
    let _ = writeln!(
        out,
        "\n{}",
        editor_text(lang, "eval-conversation-failed", &heading)
    );
    for (number, (turn, played)) in scenario.turns.iter().zip(turns).enumerate() {
        let mut args = vec![
            ("turn", Arg::Count(number + 1)),
            (
                "sent",
                Arg::from(played.sent.as_deref().unwrap_or_default()),
            ),
            ("got", Arg::from(played_reply(lang, played))),
        ];
        let id = if played.failed.is_empty() {
            "eval-turn-ok"
        } else {
            args.push(("expected", Arg::from(expectations(&turn.expect))));
            args.push(("failed", Arg::from(played.failed.join(", "))));
            "eval-turn-missed"
        };
        let _ = writeln!(out, "  {}", editor_text(lang, id, &args));
    }
}

/// Conversations and turns per segment (all, the starting language, each
/// tag), turns per expected action, each as (total, right).
type Tallies = (
    BTreeMap<(u8, String), [usize; 4]>,
    BTreeMap<String, [usize; 2]>,
);

fn tallies(scenarios: &[Scenario], results: &[Vec<Played>]) -> Tallies {
    let mut segments: BTreeMap<(u8, String), [usize; 4]> = BTreeMap::new();
    let mut actions: BTreeMap<String, [usize; 2]> = BTreeMap::new();
    for (scenario, turns) in scenarios.iter().zip(results) {
        let ok = turns.iter().filter(|turn| turn.failed.is_empty()).count();
        let lang = scenario.lang.to_string();
        let mut names = vec![(0, "all".to_owned()), (1, lang.clone())];
        for tag in &scenario.tags {
            if !names.iter().any(|(_, seen)| seen == tag) {
                names.push((2, tag.clone()));
            }
        }
        for name in names {
            let tally = segments.entry(name).or_default();
            tally[0] += 1;
            tally[1] += usize::from(ok == turns.len());
            tally[2] += turns.len();
            tally[3] += ok;
        }
        for (turn, played) in scenario.turns.iter().zip(turns) {
            let action = turn.expect.action.clone().unwrap_or_default();
            let tally = actions.entry(action).or_default();
            tally[0] += 1;
            tally[1] += usize::from(played.failed.is_empty());
        }
    }
    (segments, actions)
}

/// The report of a conversation file, in the editor's language: what was
/// played, what the two figures mean, conversations and turns per segment,
/// turns per expected action, the failed conversations turn by turn when
/// asked, and last the score line in the harness's format.
pub fn report(
    scenarios: &[Scenario],
    results: &[Vec<Played>],
    file: &str,
    lang: Lang,
    show_failures: bool,
) -> String {
    let (segments, actions) = tallies(scenarios, results);
    let score = score(results);
    let mut out = String::new();
    let intro = [
        ("conversations", Arg::Count(scenarios.len())),
        ("file", Arg::from(file)),
    ];
    let _ = writeln!(
        out,
        "{}\n",
        editor_text(lang, "eval-conversations-intro", &intro)
    );
    let figures = [
        (
            "conversations",
            Arg::from(format!("{:.3}", score.conversations)),
        ),
        ("turns", Arg::from(format!("{:.3}", score.turns))),
    ];
    let _ = writeln!(
        out,
        "{}\n",
        editor_text(lang, "eval-conversations-figures", &figures)
    );
    let _ = writeln!(
        out,
        "  {:<18} {:>6} {:>8} {:>6} {:>8}",
        editor_text(lang, "eval-segment-header", &[]),
        "convs",
        "conv_ok",
        "turns",
        "turn_ok"
    );
    for ((_, name), [convs, convs_ok, turns, turns_ok]) in &segments {
        let _ = writeln!(
            out,
            "  {name:<18} {convs:>6} {:>8.3} {turns:>6} {:>8.3}",
            ratio(*convs_ok, *convs),
            ratio(*turns_ok, *turns)
        );
    }
    let _ = writeln!(
        out,
        "\n{}",
        editor_text(lang, "eval-conversations-actions-heading", &[])
    );
    for (action, [turns, ok]) in &actions {
        let action = if action.is_empty() {
            editor_text(lang, "eval-conversations-not-checked", &[])
        } else {
            action.clone()
        };
        let _ = writeln!(out, "  {action:<30} {turns:>6} {:>8.3}", ratio(*ok, *turns));
    }
    if show_failures {
        for (scenario, turns) in scenarios.iter().zip(results) {
            if turns.iter().any(|turn| !turn.failed.is_empty()) {
                failure(&mut out, lang, scenario, turns);
            }
        }
    }
    let _ = writeln!(
        out,
        "\nscore: conversations={:.3} turns={:.3} n={}",
        score.conversations,
        score.turns,
        scenarios.len()
    );
    out
}

/// `khidma eval --json` on a conversation file: the shape documented in
/// the README, for tools.
pub fn json_report(scenarios: &[Scenario], results: &[Vec<Played>]) -> serde_json::Value {
    let (segments, actions) = tallies(scenarios, results);
    let segments: serde_json::Map<String, serde_json::Value> = segments
        .into_iter()
        .map(
            |((_, name), [conversations, conversations_ok, turns, turns_ok])| {
                let figures = serde_json::json!({
                    "conversations": conversations,
                    "conversations_ok": ratio(conversations_ok, conversations),
                    "turns": turns,
                    "turns_ok": ratio(turns_ok, turns),
                });
                (name, figures)
            },
        )
        .collect();
    let actions: serde_json::Map<String, serde_json::Value> = actions
        .into_iter()
        .map(|(action, [turns, ok])| {
            let figures = serde_json::json!({"turns": turns, "turns_ok": ratio(ok, turns)});
            (action, figures)
        })
        .collect();
    let failures: Vec<serde_json::Value> = scenarios
        .iter()
        .zip(results)
        .filter(|(_, turns)| turns.iter().any(|turn| !turn.failed.is_empty()))
        .map(|(scenario, turns)| {
            let turns: Vec<serde_json::Value> = turns
                .iter()
                .enumerate()
                .map(|(number, played)| {
                    serde_json::json!({
                        "turn": number + 1,
                        "sent": played.sent,
                        "action": played.reply.as_ref().map(action_name),
                        "entry": played.reply.as_ref().and_then(|reply| reply.entry_id.as_ref()),
                        "lang": played.reply.as_ref().map(|reply| reply.language),
                        "failed": played.failed,
                    })
                })
                .collect();
            serde_json::json!({"id": scenario.id, "tags": scenario.tags, "turns": turns})
        })
        .collect();
    serde_json::json!({
        "n": scenarios.len(),
        "score": score(results),
        "segments": segments,
        "actions": actions,
        "failures": failures,
    })
}
