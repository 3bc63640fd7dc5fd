//! The agents' desk, part 1 (service levels), in a real browser
//! (`tests/browser/desk-sla.mjs`) against the app on real Redis with the
//! WhatsApp stand-in: an urgent outage reported on WhatsApp shows its time
//! left on the utilities console, then overdue; it rises to the escalation
//! team, whose agent sees it with the missed target and the move in its
//! transcript; and an alert arrives on the supervisors' stream. Prints the
//! time from the case's due time to the alert's arrival.
//!
//! Screenshots: `target/browser/desk-sla-*.png`. Run it with its output:
//! `scripts/test --test api desk_sla_browser -- --nocapture`.

use std::time::Duration;

use serde_json::Value;

use khidma::configuration::{Settings, SlaSettings, SupervisorTokens, TeamSettings};
use khidma::conversation::now_ms;

use crate::alerts::Alerts;
use crate::browser_helpers::{BROWSER, check_prerequisites, run_script};
use crate::channel_helpers::{WA_APP_SECRET, spawn_channel_app_with};
use crate::handoff_helpers::with_agents;
use crate::redis_helpers::Namespace;

/// Seconds utilities has to answer an urgent case: long enough for the
/// console to show the time left first, short enough for a quick test.
const URGENT_FIRST_REPLY_SECS: u64 = 2;

/// Utilities (sara) moves an urgent case up to `supervisors` (omar) when
/// it misses its first-reply target; the supervisors' team keeps the same
/// target, so the risen case shows overdue there too. The watch looks
/// every 100 ms, the alert rules every 100 ms.
fn with_escalating_targets(settings: &mut Settings) {
    with_agents(settings);
    settings.access.supervisor_tokens = SupervisorTokens::parse("lina:tok-lina").unwrap();
    settings.cx.alerts.every_ms = 100;
    // Only the service-level rule is under test.
    settings.cx.alerts.unclaimed_urgent_secs = 3_600;
    settings.handoff.sla_watch_ms = 100;
    settings.handoff.teams[0].sla = Some(SlaSettings {
        first_reply_secs: Some(600),
        urgent_first_reply_secs: Some(URGENT_FIRST_REPLY_SECS),
        escalate_to: Some("supervisors".to_owned()),
        ..Default::default()
    });
    settings.handoff.teams.push(TeamSettings {
        name: "supervisors".to_owned(),
        agents: vec!["omar".to_owned()],
        sla: Some(SlaSettings {
            urgent_first_reply_secs: Some(URGENT_FIRST_REPLY_SECS),
            ..Default::default()
        }),
        ..Default::default()
    });
}

/// The script's `field` as the agent reads it (without Fluent's
/// direction isolates).
fn shown(result: &Value, field: &str) -> String {
    result[field]
        .as_str()
        .unwrap_or_default()
        .replace(['\u{2068}', '\u{2069}'], "")
}

#[tokio::test]
async fn an_urgent_case_shows_overdue_rises_to_the_escalation_team_and_alerts_supervisors() {
    check_prerequisites();
    let _one_browser = BROWSER.lock().await;
    let namespace = Namespace::new();
    let app = spawn_channel_app_with(None, |settings| {
        namespace.apply(settings);
        with_escalating_targets(settings);
    })
    .await;
    app.accept_sends().await;

    // The supervisors' stream is live before the citizen writes, and read
    // while the browser runs: the alert's arrival time is when it came.
    let mut stream = Alerts::open(&app.app).await;
    let script_env = [
        ("KHIDMA_URL", app.app.address.clone()),
        ("AGENT_TOKEN", "tok-sara".to_owned()),
        ("ESCALATION_TOKEN", "tok-omar".to_owned()),
        ("SUPERVISOR_TOKEN", "tok-lina".to_owned()),
        ("WA_APP_SECRET", WA_APP_SECRET.to_owned()),
    ];
    let script = run_script("desk-sla.mjs", "desk-sla", &script_env);
    let alert = async {
        let alert = stream.next(Duration::from_secs(60)).await;
        alert.map(|alert| (alert, now_ms()))
    };
    let (result, alert) = tokio::join!(script, alert);
    println!(
        "screenshots: {} {} {} {}",
        result["badge_before_png"],
        result["overdue_png"],
        result["escalated_png"],
        result["supervisor_png"]
    );

    assert_eq!(
        shown(&result, "badge_before"),
        "First reply due in under a minute",
        "{result}"
    );
    assert_eq!(
        shown(&result, "badge_overdue"),
        "First reply overdue by under a minute",
        "{result}"
    );
    let due_ms = result["due_ms"].as_i64().expect("the badge's due time");
    assert!(
        result["overdue_seen_ms"].as_i64().unwrap() >= due_ms,
        "{result}"
    );

    assert_eq!(result["escalated_priority"], "urgent", "{result}");
    assert_eq!(result["escalated_badge"], "true", "{result}");
    assert!(
        shown(&result, "breached_line").starts_with(
            "First reply target missed in utilities: the case moved up to supervisors"
        ),
        "{result}"
    );
    assert!(
        shown(&result, "transferred_line")
            .starts_with("Moved up automatically from utilities to supervisors"),
        "{result}"
    );

    assert!(
        shown(&result, "supervisor_alert").contains("utilities"),
        "the supervisor's page shows the alert: {result}"
    );
    assert_eq!(
        shown(&result, "supervisor_late_team"),
        "supervisors",
        "{result}"
    );

    let (alert, alerted_ms) = alert.expect("an alert on the supervisors' stream");
    assert_eq!(alert["rule"], "sla_breach", "{alert}");
    let key = alert["key"].as_str().unwrap();
    assert!(
        key.starts_with("case:utilities:") && key.ends_with(":first_reply"),
        "{key}"
    );
    assert!(
        !key.contains("966500000941"),
        "no citizen id in alerts: {key}"
    );
    assert!(alerted_ms >= due_ms, "{alerted_ms} {due_ms}");
    println!(
        "breach (due time) to alert on the supervisors' stream: {} ms",
        alerted_ms - due_ms
    );
}
