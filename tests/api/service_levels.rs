//! Service levels: an urgent case that misses its first-reply target shows
//! overdue, is marked once, moves up to the escalation team keeping its
//! place, and raises one alert on the supervisors' stream; with the memory
//! store and with Redis.

use std::time::Duration;

use serde_json::Value;

use khidma::configuration::{Settings, SlaSettings, SupervisorTokens, TeamSettings};
use khidma::conversation::now_ms;

use crate::alerts::Alerts;
use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::{TestApp, spawn_app_with, start, user};
use crate::redis_helpers::Namespace;

const URGENT: &str = "the electricity has been cut in my house since morning";

/// Utilities answers an urgent case within 1 s of business time (always
/// open) or it moves up to `escalations` (omar); a normal case has 10
/// minutes. The watch looks every 50 ms.
fn with_service_levels(settings: &mut Settings) {
    with_agents(settings);
    settings.access.supervisor_tokens = SupervisorTokens::parse("lina:tok-lina").unwrap();
    settings.cx.alerts.every_ms = 100;
    // Only the service-level rule is under test.
    settings.cx.alerts.unclaimed_urgent_secs = 3_600;
    settings.handoff.sla_watch_ms = 50;
    settings.handoff.teams[0].sla = Some(SlaSettings {
        first_reply_secs: Some(600),
        urgent_first_reply_secs: Some(1),
        escalate_to: Some("escalations".to_owned()),
        ..Default::default()
    });
    settings.handoff.teams.push(TeamSettings {
        name: "escalations".to_owned(),
        agents: vec!["omar".to_owned()],
        ..Default::default()
    });
}

fn item<'a>(queue: &'a [Value], id: &str) -> Option<&'a Value> {
    queue.iter().find(|item| item["conversation_id"] == id)
}

async fn an_urgent_case_misses_its_target_and_moves_up(app: &TestApp, label: &str) {
    let sara = AgentClient {
        app,
        token: "tok-sara",
    };
    let omar = AgentClient {
        app,
        token: "tok-omar",
    };
    let mut stream = Alerts::open(app).await;
    let citizen = user(label);
    let id = format!("web:{citizen}");
    let escalated_from = now_ms();
    let reply = app.say(&citizen, URGENT).await;
    assert_eq!(reply["action"], "escalate", "{reply}");
    let escalated_by = now_ms();

    let queue = sara.queue().await;
    let waiting = item(&queue, &id).expect("in utilities' queue");
    assert_eq!(waiting["sla_target"], "first_reply", "{waiting}");
    let due_ms = waiting["due_ms"].as_i64().unwrap();
    assert!(
        (escalated_from + 1000..=escalated_by + 1000).contains(&due_ms),
        "{due_ms}"
    );
    assert_eq!(waiting["overdue"], false, "{waiting}");

    let alert = stream
        .next(Duration::from_secs(10))
        .await
        .expect("an alert");
    let alerted = now_ms();
    assert_eq!(alert["rule"], "sla_breach", "{alert}");
    let key = alert["key"].as_str().unwrap();
    assert!(
        key.starts_with("case:utilities:") && key.ends_with(":first_reply"),
        "{key}"
    );
    assert!(!key.contains(&citizen), "no citizen id in alerts: {key}");
    assert_eq!(alert["baseline"], 1.0);
    let title = alert["title"]["en"].as_str().unwrap();
    assert!(title.contains("utilities"), "{title}");
    eprintln!(
        "breach (due time) to alert on the stream: {} ms",
        alerted - due_ms
    );

    // It rose to the escalation team, overdue, and left utilities' line.
    let mut risen = None;
    for _ in 0..100 {
        risen = item(&omar.queue().await, &id).cloned();
        if risen.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let risen = risen.expect("in the escalation team's queue");
    assert_eq!(risen["team"], "escalations");
    assert_eq!(risen["priority"], "urgent");
    assert_eq!(risen["position"], 1);
    assert!(item(&sara.queue().await, &id).is_none());

    let history = omar.history(&id).await;
    let breached = history
        .iter()
        .find(|item| item["type"] == "breached")
        .expect("a breached line");
    assert_eq!(breached["team"], "utilities");
    assert_eq!(breached["target"], "first_reply");
    assert_eq!(breached["due_ms"], due_ms);
    assert_eq!(breached["escalated_to"], "escalations");
    let moved = history
        .iter()
        .find(|item| item["type"] == "transferred")
        .expect("a transferred line");
    assert_eq!(
        (&moved["from_team"], &moved["team"], &moved["by"]),
        (&"utilities".into(), &"escalations".into(), &"sla".into())
    );
    let view: Value = omar
        .get(&format!("conversations/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        view["conversation"]["handoff"]["breaches"][0],
        "first_reply"
    );

    // Watched many times more: the miss is announced once.
    assert_eq!(stream.next(Duration::from_millis(500)).await, None);
    let breaches = omar
        .history(&id)
        .await
        .into_iter()
        .filter(|item| item["type"] == "breached")
        .count();
    assert_eq!(breaches, 1);
}

#[tokio::test]
async fn an_urgent_case_past_its_target_moves_up_and_alerts_supervisors() {
    let (app, _) = spawn_app_with(with_service_levels);
    an_urgent_case_misses_its_target_and_moves_up(&app, "sla-memory").await;
}

#[tokio::test]
async fn service_levels_hold_with_redis() {
    let namespace = Namespace::new();
    let mut settings = namespace.settings();
    with_service_levels(&mut settings);
    let app = start(settings, None);
    an_urgent_case_misses_its_target_and_moves_up(&app, "sla-redis").await;
}

#[tokio::test]
async fn a_target_that_names_no_team_stops_the_start() {
    let mut settings =
        crate::helpers::settings(&crate::helpers::repo_path("knowledge_base"), false);
    with_service_levels(&mut settings);
    settings.handoff.teams[0].sla.as_mut().unwrap().escalate_to = Some("nobody".to_owned());
    let err = khidma::startup::Application::build(settings)
        .err()
        .expect("refused");
    assert!(format!("{err:#}").contains("nobody"), "{err:#}");
}
