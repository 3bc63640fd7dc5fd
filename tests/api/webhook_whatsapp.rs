use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use khidma::conversation::DeliveryFailure;

use crate::channel_helpers::{
    WA_APP_SECRET, WA_SEND_PATH, WA_VERIFY_TOKEN, fixture, sign, spawn_channel_app,
    spawn_channel_app_on,
};
use crate::helpers::{copy_kb, repo_path, spawn_app};

fn body_text(sent: &Value) -> String {
    sent["text"]["body"]
        .as_str()
        .or(sent["interactive"]["body"]["text"].as_str())
        .unwrap_or_default()
        .to_owned()
}

fn is_arabic(text: &str) -> bool {
    text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

#[tokio::test]
async fn the_handshake_echoes_the_challenge_only_for_our_verify_token() {
    let channel = spawn_channel_app().await;
    let url = |token: &str| {
        format!(
            "/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={token}"
        )
    };

    let ours = channel.app.get(&url(WA_VERIFY_TOKEN)).await;
    assert_eq!(ours.status(), 200);
    assert_eq!(ours.text().await.unwrap(), "1158201444");

    let theirs = channel.app.get(&url("guess")).await;
    assert_eq!(theirs.status(), 403);
    let error: Value = theirs.json().await.unwrap();
    assert_eq!(error["error"]["code"], "forbidden");
}

#[tokio::test]
async fn a_signed_arabic_message_is_answered_in_arabic_through_the_send_api() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;

    let response = channel.whatsapp(fixture("whatsapp_text_ar.json")).await;

    assert_eq!(response.status(), 200);
    let sent = channel.sent(WA_SEND_PATH, 1).await;
    assert_eq!(sent[0]["messaging_product"], "whatsapp");
    assert_eq!(sent[0]["to"], "+966500000001");
    assert!(is_arabic(&body_text(&sent[0])), "{}", sent[0]);
}

#[tokio::test]
async fn a_u_escaped_arabic_body_verifies_against_its_exact_bytes() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;
    let body = fixture("whatsapp_text_ar_escaped.json");
    assert!(body.is_ascii(), "the fixture keeps Meta's \\u escapes");

    let response = channel.whatsapp(body).await;

    assert_eq!(response.status(), 200);
    let sent = channel.sent(WA_SEND_PATH, 1).await;
    assert_eq!(sent[0]["to"], "+966500000003");
    assert!(is_arabic(&body_text(&sent[0])), "{}", sent[0]);
}

#[tokio::test]
async fn an_english_message_is_answered_in_english() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;

    let response = channel.whatsapp(fixture("whatsapp_text_en.json")).await;

    assert_eq!(response.status(), 200);
    let sent = channel.sent(WA_SEND_PATH, 1).await;
    assert_eq!(sent[0]["to"], "+966500000004");
    let text = body_text(&sent[0]);
    assert!(!text.is_empty() && !is_arabic(&text), "{}", sent[0]);
}

#[tokio::test]
async fn the_webhook_is_acknowledged_once_stored_without_waiting_for_the_reply() {
    let channel = spawn_channel_app().await;
    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(1)))
        .mount(&channel.platform)
        .await;
    let started = Instant::now();

    let response = channel.whatsapp(fixture("whatsapp_text_en.json")).await;

    assert_eq!(response.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    channel.sent(WA_SEND_PATH, 1).await;
    let conversation = channel.settled("whatsapp", "966500000004").await;
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the reply was awaited"
    );
    assert!(conversation.failed_deliveries.is_empty());
}

#[tokio::test]
async fn a_bad_or_missing_signature_is_refused_and_changes_nothing() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;
    let body = fixture("whatsapp_text_ar.json");

    let wrong_key = sign(&body, "not-the-app-secret");
    let forged = channel
        .post_webhook(
            "whatsapp",
            body.clone(),
            Some(("X-Hub-Signature-256", wrong_key)),
        )
        .await;
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    let tampered = channel
        .post_webhook(
            "whatsapp",
            tampered,
            Some(("X-Hub-Signature-256", sign(&body, WA_APP_SECRET))),
        )
        .await;
    let unsigned = channel.post_webhook("whatsapp", body.clone(), None).await;

    assert_eq!(forged.status(), 403);
    assert_eq!(tampered.status(), 403);
    assert_eq!(unsigned.status(), 401);
    assert_eq!(
        channel
            .metric("khidma_webhook_rejected_total{channel=\"whatsapp\"}")
            .await,
        3
    );
    // Nothing was recorded as seen: the genuine delivery is still new.
    assert_eq!(channel.whatsapp(body).await.status(), 200);
    assert_eq!(channel.sent(WA_SEND_PATH, 1).await.len(), 1);
}

#[tokio::test]
async fn a_replayed_message_id_gets_one_reply() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;

    for _ in 0..3 {
        let response = channel.whatsapp(fixture("whatsapp_text_ar.json")).await;
        assert_eq!(response.status(), 200, "re-deliveries are acknowledged too");
    }

    channel.settled("whatsapp", "966500000001").await;
    assert_eq!(channel.sent_now(WA_SEND_PATH).await.len(), 1);
    assert_eq!(
        channel
            .metric("khidma_webhook_duplicates_total{channel=\"whatsapp\"}")
            .await,
        2
    );
}

#[tokio::test]
async fn every_event_of_a_batched_delivery_is_handled() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;

    let response = channel.whatsapp(fixture("whatsapp_batch.json")).await;

    assert_eq!(response.status(), 200);
    let sent = channel.sent(WA_SEND_PATH, 3).await;
    let mut recipients: Vec<&str> = sent
        .iter()
        .map(|body| body["to"].as_str().unwrap())
        .collect();
    recipients.sort();
    assert_eq!(
        recipients,
        ["+966500000006", "+966500000007", "+966500000008"]
    );
    assert_eq!(
        channel
            .metric("khidma_failed_statuses_total{channel=\"whatsapp\"}")
            .await,
        1
    );
    assert_eq!(
        channel
            .metric("khidma_webhook_events_total{channel=\"whatsapp\"}")
            .await,
        4
    );
}

#[tokio::test]
async fn a_list_choice_round_trips_to_the_dialogue() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;
    let greeting =
        std::fs::read_to_string(repo_path("tests/fixtures/webhooks/whatsapp_text_ar.json"))
            .unwrap()
            .replace("مرحبا، أريد تجديد جواز السفر", "مرحبا");

    channel.whatsapp(greeting.clone().into_bytes()).await;
    let sent = channel.sent(WA_SEND_PATH, 1).await;
    let interactive = &sent[0]["interactive"];
    assert_eq!(interactive["type"], "list", "{}", sent[0]);
    let rows = interactive["action"]["sections"][0]["rows"]
        .as_array()
        .unwrap();
    assert!(rows.len() > 3 && rows.len() <= 10);
    assert!(
        rows.iter()
            .all(|row| row["title"].as_str().unwrap().chars().count() <= 24)
    );
    let chosen = rows[0]["id"].as_str().unwrap();
    assert!(chosen.starts_with("topic:"), "{chosen}");

    let choice = greeting
        .replace("wamid.TEST0001", "wamid.TEST0003")
        .replace(
            r#""type":"text","text":{"body":"مرحبا"}"#,
            &format!(
                r#""type":"interactive","interactive":{{"type":"list_reply","list_reply":{{"id":"{chosen}","title":"x"}}}}"#
            ),
        );
    assert_eq!(channel.whatsapp(choice.into_bytes()).await.status(), 200);

    let sent = channel.sent(WA_SEND_PATH, 2).await;
    let offered = serde_json::to_string(&sent[1]["interactive"]["action"]).unwrap();
    assert!(
        offered.contains("entry:"),
        "the topic's entries are offered: {}",
        sent[1]
    );
}

#[tokio::test]
async fn reply_buttons_carry_titles_of_at_most_20_characters() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;

    channel.whatsapp(fixture("whatsapp_image.json")).await;

    let sent = channel.sent(WA_SEND_PATH, 1).await;
    let interactive = &sent[0]["interactive"];
    assert_eq!(interactive["type"], "button", "{}", sent[0]);
    let buttons = interactive["action"]["buttons"].as_array().unwrap();
    assert!(!buttons.is_empty() && buttons.len() <= 3);
    for button in buttons {
        assert!(button["reply"]["title"].as_str().unwrap().chars().count() <= 20);
    }
}

#[tokio::test]
async fn an_image_gets_a_kind_reply_and_is_recorded() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;

    channel.whatsapp(fixture("whatsapp_image.json")).await;

    let sent = channel.sent(WA_SEND_PATH, 1).await;
    let conversation = channel.settled("whatsapp", "966500000005").await;
    assert_eq!(conversation.turns[0].text, "[image]");
    assert_eq!(body_text(&sent[0]), conversation.turns[1].text);
    assert!(is_arabic(&body_text(&sent[0])), "Arabic is the default");
}

#[tokio::test]
async fn a_long_answer_is_split_on_sentences_under_the_limit() {
    let kb = copy_kb(&repo_path("knowledge_base"));
    let entry = kb.path().join("account/portal-password-reset.toml");
    let source = std::fs::read_to_string(&entry).unwrap();
    let sentence = "Keep your registered mobile number up to date at the service centre. ";
    let long = sentence.repeat(4096 * 2 / sentence.len());
    let source = source.replacen(
        "No worries, resetting your password is easy:",
        &format!("No worries. {long}"),
        1,
    );
    std::fs::write(&entry, source).unwrap();
    let channel = spawn_channel_app_on(Some(kb)).await;
    channel.accept_sends().await;

    channel
        .whatsapp(fixture("whatsapp_button_reply.json"))
        .await;

    let sent = channel.sent(WA_SEND_PATH, 3).await;
    for body in &sent {
        let text = body_text(body);
        assert!(
            text.chars().count() <= 4096,
            "{} characters",
            text.chars().count()
        );
    }
    let first = body_text(&sent[0]);
    assert!(
        first.ends_with('.'),
        "split at a sentence end: …{}",
        &first[first.len() - 40..]
    );
}

#[tokio::test]
async fn a_rate_limited_send_is_retried_and_then_delivered() {
    let channel = spawn_channel_app().await;
    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .respond_with(ResponseTemplate::new(429).set_body_json(serde_json::json!({
            "error": {"message": "(#130429) Rate limit hit", "type": "OAuthException",
                      "code": 130429, "fbtrace_id": "x"}
        })))
        .up_to_n_times(1)
        .mount(&channel.platform)
        .await;
    channel.accept_sends().await;

    channel.whatsapp(fixture("whatsapp_text_en.json")).await;

    let sent = channel.sent(WA_SEND_PATH, 2).await;
    assert_eq!(sent[0], sent[1], "the same message is sent again");
    let conversation = channel.settled("whatsapp", "966500000004").await;
    assert!(conversation.failed_deliveries.is_empty());
    assert_eq!(
        channel
            .metric("khidma_send_retries_total{channel=\"whatsapp\"}")
            .await,
        1
    );
}

#[tokio::test]
async fn a_send_failing_five_times_is_recorded_on_the_conversation() {
    let channel = spawn_channel_app().await;
    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .respond_with(ResponseTemplate::new(500))
        .mount(&channel.platform)
        .await;

    channel.whatsapp(fixture("whatsapp_text_en.json")).await;

    let conversation = channel.settled("whatsapp", "966500000004").await;
    assert_eq!(channel.sent_now(WA_SEND_PATH).await.len(), 5);
    assert_eq!(conversation.failed_deliveries.len(), 1);
    let failed = &conversation.failed_deliveries[0];
    assert_eq!(failed.failure, DeliveryFailure::Unreachable);
    assert!(failed.detail.contains("5 attempts"), "{}", failed.detail);
    assert_eq!(
        channel
            .metric("khidma_send_failures_total{channel=\"whatsapp\"}")
            .await,
        1
    );
}

#[tokio::test]
async fn a_reply_outside_the_24_hour_window_is_recorded_as_needing_a_template() {
    let channel = spawn_channel_app().await;
    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": {"message": "(#131047) Re-engagement message", "code": 131047}
        })))
        .mount(&channel.platform)
        .await;

    channel.whatsapp(fixture("whatsapp_text_en.json")).await;

    let conversation = channel.settled("whatsapp", "966500000004").await;
    assert_eq!(channel.sent_now(WA_SEND_PATH).await.len(), 1, "no retry");
    let failed = &conversation.failed_deliveries[0];
    assert_eq!(failed.failure, DeliveryFailure::OutsideWindow);
    assert!(failed.detail.contains("template"), "{}", failed.detail);
}

#[tokio::test]
async fn malformed_json_gets_a_400_and_an_oversized_body_a_413() {
    let channel = spawn_channel_app().await;

    for body in [
        &b"{not json"[..],
        br#"{"object":"page","entry":[]}"#,
        br#"[1,2]"#,
    ] {
        let response = channel.whatsapp(body.to_vec()).await;
        assert_eq!(response.status(), 400);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "invalid_webhook");
    }

    let huge = vec![b' '; 5 * 1024 * 1024];
    let response = channel.whatsapp(huge).await;
    assert_eq!(response.status(), 413);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn a_channel_without_settings_is_off() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(format!("{}/webhooks/whatsapp", app.address))
        .body("{}")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 404);
    let error: Value = response.json().await.unwrap();
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not configured")
    );
}
