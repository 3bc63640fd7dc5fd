//! A citizen whose WhatsApp window closed, in a real browser
//! (`tests/browser/desk-whatsapp.mjs`): the stand-in refuses the agent's
//! text with 131047, the console offers the `agent_reply` template, the
//! stand-in receives it as Meta's Cloud API expects, and the message's
//! ticks turn to `read` on WhatsApp's status webhook. Screenshots go to
//! `target/browser/desk-whatsapp-*.png`.

use std::path::Path;

use serde_json::json;
use wiremock::matchers::{body_partial_json, body_string_contains, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::browser_helpers::{BROWSER, check_prerequisites, run_script};
use crate::channel_helpers::{WA_APP_SECRET, WA_SEND_PATH, spawn_channel_app_with};
use crate::whatsapp_window::with_templates;

#[tokio::test]
async fn an_agent_reaches_a_citizen_whose_window_closed_through_the_template_and_sees_it_read() {
    check_prerequisites();
    let _one_browser = BROWSER.lock().await;
    let channel = spawn_channel_app_with(None, with_templates).await;
    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .and(body_partial_json(json!({"type": "template"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp", "messages": [{"id": "wamid.TEMPLATE"}]
        })))
        .with_priority(1)
        .mount(&channel.platform)
        .await;
    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .and(body_string_contains("(window test)"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {"message": "(#131047) Re-engagement message", "code": 131047}
        })))
        .with_priority(2)
        .mount(&channel.platform)
        .await;
    channel.accept_sends().await;

    let result = run_script(
        "desk-whatsapp.mjs",
        "desk-whatsapp",
        &[
            ("KHIDMA_URL", channel.app.address.clone()),
            ("AGENT_TOKEN", "tok-omar".to_owned()),
            ("WA_APP_SECRET", WA_APP_SECRET.to_owned()),
        ],
    )
    .await;
    println!(
        "screenshots: {} {}",
        result["offer_png"], result["ticks_png"]
    );
    for shot in ["offer_png", "ticks_png"] {
        assert!(
            Path::new(result[shot].as_str().unwrap()).exists(),
            "{result}"
        );
    }
    assert_eq!(result["problems"], json!([]), "{result}");
    assert_eq!(result["tick_before"], "sent", "{result}");
    assert_eq!(result["tick_after"], "read", "{result}");
    let templates: Vec<_> = channel
        .sent_now(WA_SEND_PATH)
        .await
        .into_iter()
        .filter(|body| body["type"] == "template")
        .collect();
    assert_eq!(templates.len(), 1, "{templates:?}");
    assert_eq!(templates[0]["to"], "+966500000931");
    assert_eq!(templates[0]["template"]["name"], "agent_replied");
    assert_eq!(
        templates[0]["template"]["components"][0]["parameters"][1]["text"],
        "Your meter was replaced today. (window test)"
    );
}
