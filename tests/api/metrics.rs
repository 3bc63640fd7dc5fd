//! `GET /metrics`: what operators chart and alert on, under bounded labels.

use crate::channel_helpers::spawn_channel_app;
use crate::helpers::{repo_path, spawn_app, user};
use crate::redis_helpers::Namespace;

/// The value of the series `series` (name and labels), 0 when absent.
pub fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn turns_requests_and_the_queue_are_measured_without_ids_in_labels() {
    let app = spawn_app().await;
    let citizen = user("metrics-citizen");
    app.say(&citizen, "how do I renew my passport").await;
    app.say(&user("metrics-escalated"), "I want to talk to a person")
        .await;
    let probe = app
        .get(&format!("/api/v1/agent/conversations/web:{citizen}"))
        .await;
    assert_eq!(probe.status(), 401);

    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"),
    );
    let text = response.text().await.unwrap();
    for (series, expected) in [
        (
            "khidma_replies_total{channel=\"web\",action=\"answer\"}",
            1.0,
        ),
        (
            "khidma_replies_total{channel=\"web\",action=\"escalate\"}",
            1.0,
        ),
        ("khidma_escalations_total{reason=\"agent_entry\"}", 1.0),
        ("khidma_turn_duration_seconds_count{channel=\"web\"}", 2.0),
        (
            "khidma_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/messages\",status=\"200\"}",
            2.0,
        ),
        (
            "khidma_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/agent/conversations/{id}\",status=\"401\"}",
            1.0,
        ),
        ("khidma_queue_depth{team=\"general\"}", 1.0),
        ("khidma_incidents_open{team=\"general\"}", 0.0),
        ("khidma_kb_generation", 1.0),
        ("khidma_kb_entries", 44.0),
        ("khidma_kb_degraded", 0.0),
        ("khidma_kb_reload_failures_total", 0.0),
    ] {
        assert_eq!(value(&text, series), expected, "{series} in\n{text}");
    }
    assert!(
        text.contains("khidma_queue_oldest_wait_seconds{team=\"general\"}"),
        "{text}"
    );
    assert!(!text.contains(&citizen), "{text}");
}

#[tokio::test]
async fn redis_round_trips_are_timed() {
    let namespace = Namespace::new();
    let app = namespace.spawn_app();
    app.say(&user("metrics-redis"), "how do I renew my passport")
        .await;
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(
        value(&text, "khidma_redis_call_duration_seconds_count") >= 2.0,
        "{text}"
    );
    assert_eq!(value(&text, "khidma_redis_errors_total"), 0.0, "{text}");
}

#[tokio::test]
async fn every_metric_the_grafana_dashboard_charts_exists() {
    let channels = spawn_channel_app().await;
    let app = &channels.app;
    // Series with labels appear with their first event.
    app.say(&user("metrics-dashboard"), "I want to talk to a person")
        .await;
    let text = app.get("/metrics").await.text().await.unwrap();
    let dashboard = std::fs::read_to_string(repo_path("deploy/grafana/khidma.json")).unwrap();
    let mut charted = 0;
    for (start, _) in dashboard.match_indices("khidma_") {
        let name: String = dashboard[start..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        let family = ["_total", "_bucket", "_count", "_sum"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
            .unwrap_or(&name);
        assert!(
            text.contains(&format!("# TYPE {family} ")),
            "the dashboard charts {name}, which /metrics lacks"
        );
        charted += 1;
    }
    assert!(charted > 20, "{charted}");
}
