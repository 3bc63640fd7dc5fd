//! The agents' console in a real browser: Debian's chromium, driven by
//! `tests/browser/console.mjs` (playwright-core), against the app on real
//! Redis with the WhatsApp stand-in. Citizens write through signed
//! webhooks; the test checks what the console shows and what the stand-in
//! received. `scripts/test` installs chromium and the script's packages.
//!
//! Screenshots go to `target/browser/`. Run one with its output:
//! `scripts/test --test api console_browser -- --nocapture`.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::browser_helpers::{BROWSER, check_prerequisites, run_script};
use crate::channel_helpers::{
    ChannelApp, WA_ACCESS_TOKEN, WA_APP_SECRET, WA_SEND_PATH, spawn_channel_app_with,
};
use crate::handoff_helpers::with_agents;
use crate::redis_helpers::Namespace;

/// The text the stand-in refuses as WhatsApp does outside the 24-hour window.
const REFUSED_MARKER: &str = "(window test)";

/// The app on real Redis under a namespace of its own, with agents and the
/// WhatsApp stand-in, which refuses texts holding [`REFUSED_MARKER`] with
/// WhatsApp's 131047 and accepts the rest.
async fn spawn_console_app(namespace: &Namespace) -> ChannelApp {
    let channel = spawn_channel_app_with(None, |settings| {
        namespace.apply(settings);
        with_agents(settings);
    })
    .await;
    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .and(header("authorization", format!("Bearer {WA_ACCESS_TOKEN}")))
        .and(body_string_contains(REFUSED_MARKER))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": {
                "message": "(#131047) Re-engagement message",
                "type": "OAuthException",
                "code": 131047,
                "error_data": {"messaging_product": "whatsapp", "details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
                "fbtrace_id": "Browser-Test"
            }
        })))
        .with_priority(1)
        .mount(&channel.platform)
        .await;
    channel.accept_sends().await;
    channel
}

/// Runs `console.mjs` for `scenario` and returns the JSON of its last line.
async fn run_browser(app: &ChannelApp, scenario: &str, token: &str) -> Value {
    run_script(
        "console.mjs",
        scenario,
        &[
            ("KHIDMA_URL", app.app.address.clone()),
            ("AGENT_TOKEN", token.to_owned()),
            ("WA_APP_SECRET", WA_APP_SECRET.to_owned()),
            ("SCENARIO", scenario.to_owned()),
        ],
    )
    .await
}

/// Every WhatsApp text the stand-in received, as (to, body).
async fn whatsapp_texts(app: &ChannelApp) -> Vec<(String, String)> {
    app.sent_now(WA_SEND_PATH)
        .await
        .iter()
        .map(|sent| {
            assert_eq!(sent["messaging_product"], "whatsapp", "{sent}");
            (
                sent["to"].as_str().unwrap_or_default().to_owned(),
                sent.to_string(),
            )
        })
        .collect()
}

async fn eventually_sent(app: &ChannelApp, what: impl Fn(&[(String, String)]) -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if what(&whatsapp_texts(app).await) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_agent_sees_an_urgent_whatsapp_case_live_claims_answers_and_resolves_it() {
    check_prerequisites();
    let _one_browser = BROWSER.lock().await;
    let namespace = Namespace::new();
    let app = spawn_console_app(&namespace).await;

    let result = run_browser(&app, "urgent", "tok-sara").await;

    let latency = result["urgent_to_console_ms"].as_i64().unwrap();
    println!("urgent WhatsApp message to the agents' console: {latency} ms");
    println!(
        "screenshots: {} {}",
        result["queue_png"], result["conversation_png"]
    );
    assert!(latency >= 0, "{result}");
    assert!(latency < 10_000, "{latency} ms from webhook to console");
    assert!(
        result["announced"]
            .as_str()
            .is_some_and(|said| !said.is_empty()),
        "a new urgent case is announced: {result}"
    );
    for shot in ["queue_png", "conversation_png"] {
        assert!(
            Path::new(result[shot].as_str().unwrap()).exists(),
            "{result}"
        );
    }
    assert!(
        result["failure_warning"]
            .as_str()
            .is_some_and(|warning| warning.contains("24")),
        "the refused reply is explained: {result}"
    );

    let citizen = "+966500000901";
    let reply = result["reply_text"].as_str().unwrap().to_owned();
    let reply_json = serde_json::to_string(&reply).unwrap();
    let reply_json = reply_json.trim_matches('"').to_owned();
    assert!(
        eventually_sent(&app, |texts| texts
            .iter()
            .any(|(to, body)| to == citizen && body.contains(&reply_json)))
        .await,
        "the agent's reply reached the citizen's WhatsApp: {:?}",
        whatsapp_texts(&app).await
    );
    assert!(
        eventually_sent(&app, |texts| texts
            .iter()
            .any(|(to, body)| to == citizen && body.contains("rate:5")))
        .await,
        "the rating request reached the citizen's WhatsApp: {:?}",
        whatsapp_texts(&app).await
    );
}

#[tokio::test]
async fn three_outage_reports_are_one_incident_and_one_update_reaches_all_three() {
    check_prerequisites();
    let _one_browser = BROWSER.lock().await;
    let namespace = Namespace::new();
    let app = spawn_console_app(&namespace).await;

    let result = run_browser(&app, "incident", "tok-sara").await;
    println!(
        "screenshots: {} {}",
        result["incident_png"], result["incident_update_png"]
    );
    assert_eq!(result["sent"], 3, "{result}");
    assert_eq!(result["failed"], 0, "{result}");
    assert!(
        result["refused_warning"].as_str().is_some_and(
            |warning| warning.contains("24") && warning.contains("whatsapp:966500000911")
        ),
        "the refused update is explained per citizen: {result}"
    );

    let update = result["update_ar"].as_str().unwrap().to_owned();
    let citizens: Vec<String> = result["citizens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|wa_id| format!("+{}", wa_id.as_str().unwrap()))
        .collect();
    assert!(
        eventually_sent(&app, |texts| citizens.iter().all(|citizen| texts
            .iter()
            .any(|(to, body)| to == citizen && body.contains(&update))))
        .await,
        "the update reached all three: {:?}",
        whatsapp_texts(&app).await
    );
}
