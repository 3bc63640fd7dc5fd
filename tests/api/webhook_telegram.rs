use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::channel_helpers::{TG_ANSWER_CALLBACK_PATH, TG_SEND_PATH, fixture, spawn_channel_app};

#[tokio::test]
async fn a_message_with_our_secret_token_is_answered_in_html() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;

    let response = channel.telegram(fixture("telegram_text_ar.json")).await;

    assert_eq!(response.status(), 200);
    let sent = channel.sent(TG_SEND_PATH, 1).await;
    assert_eq!(sent[0]["chat_id"], "700000001");
    assert_eq!(sent[0]["parse_mode"], "HTML");
    let text = sent[0]["text"].as_str().unwrap();
    assert!(
        text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "{text}"
    );
}

#[tokio::test]
async fn a_wrong_or_missing_secret_token_is_refused() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;
    let body = fixture("telegram_text_ar.json");

    let wrong = channel
        .post_webhook(
            "telegram",
            body.clone(),
            Some(("X-Telegram-Bot-Api-Secret-Token", "guess".to_owned())),
        )
        .await;
    let missing = channel.post_webhook("telegram", body, None).await;

    assert_eq!(wrong.status(), 403);
    assert_eq!(missing.status(), 401);
    let error: Value = missing.json().await.unwrap();
    assert_eq!(error["error"]["code"], "unauthorized");
    assert!(
        channel
            .platform
            .received_requests()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_button_press_is_confirmed_and_reaches_the_dialogue() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;

    let response = channel.telegram(fixture("telegram_callback.json")).await;

    assert_eq!(response.status(), 200);
    let confirmed = channel.sent(TG_ANSWER_CALLBACK_PATH, 1).await;
    assert_eq!(confirmed[0]["callback_query_id"], "4382000000000000001");
    let sent = channel.sent(TG_SEND_PATH, 1).await;
    assert_eq!(sent[0]["chat_id"], "700000002");
    let conversation = channel.settled("telegram", "700000002").await;
    assert_eq!(
        conversation.last_entry.as_ref().map(|id| id.as_str()),
        Some("portal-password-reset"),
        "the button's entry was answered"
    );
    assert_eq!(
        conversation.language.map(|lang| lang.code()),
        Some("ar"),
        "language_code hints"
    );
    if let Some(keyboard) = sent[0]["reply_markup"]["inline_keyboard"].as_array() {
        for row in keyboard {
            let data = row[0]["callback_data"].as_str().unwrap();
            assert!(data.is_ascii() && data.len() <= 64, "{data}");
        }
    }
}

#[tokio::test]
async fn retry_after_is_honoured_before_sending_again() {
    let channel = spawn_channel_app().await;
    Mock::given(method("POST"))
        .and(path(TG_SEND_PATH))
        .respond_with(ResponseTemplate::new(429).set_body_json(serde_json::json!({
            "ok": false, "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1}
        })))
        .up_to_n_times(1)
        .mount(&channel.platform)
        .await;
    channel.accept_sends().await;
    let started = Instant::now();

    channel.telegram(fixture("telegram_text_ar.json")).await;

    channel.sent(TG_SEND_PATH, 2).await;
    assert!(started.elapsed() >= Duration::from_secs(1));
    let conversation = channel.settled("telegram", "700000001").await;
    assert!(conversation.failed_deliveries.is_empty());
}
