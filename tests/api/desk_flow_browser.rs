//! The desk's transfer in a real browser (`tests/browser/desk-flow.mjs`),
//! against the app on real Redis with the WhatsApp stand-in: an agent
//! transfers two cases with a reason; the other team's agent sees them in
//! their original order, with the transcript and the reason. Screenshots
//! go to `target/browser/desk-flow-*.png`. Run it with its output:
//! `scripts/test --test api desk_flow_browser -- --nocapture`.

use std::path::Path;

use crate::browser_helpers::{BROWSER, check_prerequisites, run_script};
use crate::channel_helpers::{WA_APP_SECRET, spawn_channel_app_with};
use crate::handoff_helpers::with_agents;
use crate::redis_helpers::Namespace;

#[tokio::test]
async fn an_agent_transfers_cases_that_keep_their_place_and_transcript() {
    check_prerequisites();
    let _one_browser = BROWSER.lock().await;
    let namespace = Namespace::new();
    let channel = spawn_channel_app_with(None, |settings| {
        namespace.apply(settings);
        with_agents(settings);
    })
    .await;
    channel.accept_sends().await;

    let result = run_script(
        "desk-flow.mjs",
        "desk-flow",
        &[
            ("KHIDMA_URL", channel.app.address.clone()),
            ("WA_APP_SECRET", WA_APP_SECRET.to_owned()),
        ],
    )
    .await;
    println!(
        "screenshots: {} {} {}",
        result["dialog_png"], result["queue_png"], result["conversation_png"]
    );
    assert_eq!(result["problems"], serde_json::json!([]), "{result}");
    let queue: Vec<&str> = result["sara_queue"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|id| id.as_str())
        .collect();
    assert_eq!(
        queue,
        ["whatsapp:966500000931", "whatsapp:966500000932"],
        "the earlier case keeps its place though it moved last: {result}"
    );
    let moved = result["transferred_text"].as_str().unwrap();
    assert!(
        moved.contains(result["reason"].as_str().unwrap()) && moved.contains("omar"),
        "{result}"
    );
    assert!(
        result["citizen_lines"].as_u64().unwrap() >= 1,
        "the transcript came along: {result}"
    );
    for shot in ["dialog_png", "queue_png", "conversation_png"] {
        assert!(
            Path::new(result[shot].as_str().unwrap()).exists(),
            "{result}"
        );
    }
}
