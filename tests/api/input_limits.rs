//! What a message or an id may hold: invisible text is no text, invisible
//! characters make no id, an over-long platform message is queued whole in
//! parts, incident ids are checked before they reach a store, and errors
//! never repeat what was sent.

use serde_json::{Value, json};

use khidma::conversation::Speaker;

use crate::channel_helpers::{TG_SEND_PATH, fixture, spawn_channel_app};
use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::{spawn_app, user};
use crate::redis_helpers::Namespace;

async fn error_of(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("errors are JSON");
    assert!(body["error"]["code"].is_string(), "{body}");
    body
}

#[tokio::test]
async fn web_chat_text_of_only_zero_width_characters_is_empty() {
    let app = spawn_app().await;
    for text in [
        "\u{200B}",
        "\u{200B}\u{200C}",
        " \u{FEFF}\u{2060} ",
        "\u{202E}\u{200F}",
    ] {
        let response = app
            .post_json(&json!({"user_id": user("zero-width"), "text": text}))
            .await;
        let body = error_of(response, 400).await;
        assert_eq!(body["error"]["code"], "empty_text", "{text:?}");
    }
}

#[tokio::test]
async fn a_user_id_with_direction_or_zero_width_characters_is_refused() {
    let app = spawn_app().await;
    for id in ["abc\u{202E}fed", "\u{200B}abc", "a\u{2066}b", "a\u{FEFF}"] {
        let response = app
            .post_json(&json!({"user_id": id, "text": "hello"}))
            .await;
        let body = error_of(response, 400).await;
        assert_eq!(body["error"]["code"], "invalid_user_id", "{id:?}");
    }
}

#[tokio::test]
async fn errors_do_not_repeat_the_values_sent() {
    let app = spawn_app().await;
    let secret = "0501234567";
    let bodies = [
        json!({"user_id": "a", "text": "hi", "language": secret}),
        json!({"user_id": "a", "text": "", "location": {"latitude": secret, "longitude": 1.0}}),
        json!({"user_id": "a", "text": {"nested": secret}}),
    ];
    for body in bodies {
        let response = app.post_json(&body).await;
        let error = error_of(response, 400).await;
        assert!(!error.to_string().contains(secret), "{body} -> {error}");
    }
    for path in [
        format!("/api/v1/conversations/{secret}/messages"),
        format!("/api/v1/conversations/web:a/messages?after={secret}x"),
        format!("/no/such/{secret}"),
        format!("/webhooks/{secret}"),
        format!("/agent/{secret}.js"),
        format!("/agent/strings/{secret}"),
    ] {
        let response = app.get(&path).await;
        let status = response.status().as_u16();
        let error = error_of(response, status).await;
        assert!(!error.to_string().contains(secret), "{path} -> {error}");
    }
}

#[tokio::test]
async fn an_incident_id_that_is_not_inc_and_a_number_names_no_incident() {
    // On Redis, where `inc-1:members` once read another key of incident 1
    // and answered 503 as if the store were down.
    let namespace = Namespace::new();
    let mut settings = namespace.settings();
    with_agents(&mut settings);
    let app = crate::helpers::start(settings, None);
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    let reply = app
        .say(
            &user("inc-id"),
            "There is no water in Al Nuzha since this morning",
        )
        .await;
    assert_eq!(reply["action"], "escalate", "{reply}");
    let incidents: Value = sara.get("incidents").await.json().await.unwrap();
    let opened = incidents["incidents"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(sara.get(&format!("incidents/{opened}")).await.status(), 200);
    for id in [
        format!("{opened}:members"),
        format!("{opened}:updates"),
        format!("{opened}}}"),
        "x".to_owned(),
    ] {
        let error = error_of(sara.get(&format!("incidents/{id}")).await, 404).await;
        assert_eq!(error["error"]["code"], "not_found", "{id}");
        let error = error_of(
            sara.post(&format!("incidents/{id}/resolve"), None).await,
            404,
        )
        .await;
        assert_eq!(error["error"]["code"], "not_found", "{id}");
    }
    let error = error_of(sara.get("incidents/inc-999").await, 404).await;
    assert_eq!(error["error"]["code"], "not_found");
}

fn telegram_text(update_id: u64, text: &str) -> Vec<u8> {
    let mut update: Value = serde_json::from_slice(&fixture("telegram_text_ar.json")).unwrap();
    update["update_id"] = json!(update_id);
    update["message"]["message_id"] = json!(update_id);
    update["message"]["text"] = json!(text);
    serde_json::to_vec(&update).unwrap()
}

#[tokio::test]
async fn a_platform_message_of_only_zero_width_characters_is_not_a_fallback() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;
    for (n, text) in [(1, "\u{200B}"), (2, "\u{200B}\u{200D}")] {
        assert_eq!(channel.telegram(telegram_text(n, text)).await.status(), 200);
    }
    assert_eq!(
        channel
            .telegram(telegram_text(3, "ما هي ساعات العمل؟"))
            .await
            .status(),
        200
    );
    channel.sent(TG_SEND_PATH, 1).await;
    let conversation = channel.settled("telegram", "700000001").await;
    let said: Vec<_> = conversation
        .turns
        .iter()
        .filter(|turn| turn.speaker == Speaker::Citizen)
        .map(|turn| turn.text.as_str())
        .collect();
    assert_eq!(said, ["ما هي ساعات العمل؟"]);
    assert_eq!(conversation.consecutive_fallbacks, 0);
    assert!(!conversation.handoff.is_with_humans());
}

#[tokio::test]
async fn an_over_long_platform_message_is_queued_whole_in_parts() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;
    let long: String = (0..1500).map(|n| format!("كلمة{n} ")).collect();
    assert!(long.chars().count() > 2 * 4096);
    assert_eq!(
        channel.telegram(telegram_text(9, &long)).await.status(),
        200
    );
    let conversation = channel.settled("telegram", "700000001").await;
    let parts: Vec<_> = conversation
        .turns
        .iter()
        .filter(|turn| turn.speaker == Speaker::Citizen)
        .map(|turn| turn.text.as_str())
        .collect();
    assert!(parts.len() >= 3, "{}", parts.len());
    assert!(parts.iter().all(|part| part.chars().count() <= 4096));
    assert_eq!(parts.concat(), long, "nothing the citizen wrote is lost");
}

#[tokio::test]
async fn an_oversized_agent_body_is_a_413_as_on_web_chat_and_webhooks() {
    let (app, _) = crate::helpers::spawn_app_with(with_agents);
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    let text = "ا".repeat(40_000);
    let response = sara
        .post("conversations/web:a/messages", Some(json!({"text": text})))
        .await;
    let error = error_of(response, 413).await;
    assert_eq!(error["error"]["code"], "payload_too_large");
}
