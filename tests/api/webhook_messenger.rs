use serde_json::Value;

use crate::channel_helpers::{MS_SEND_PATH, MS_VERIFY_TOKEN, fixture, sign, spawn_channel_app};

#[tokio::test]
async fn the_handshake_and_the_signature_are_checked_as_for_whatsapp() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;

    let handshake = channel
        .app
        .get(&format!(
            "/webhooks/messenger?hub.mode=subscribe&hub.challenge=42&hub.verify_token={MS_VERIFY_TOKEN}"
        ))
        .await;
    let body = fixture("messenger_text_ar.json");
    let forged = channel
        .post_webhook(
            "messenger",
            body.clone(),
            Some(("X-Hub-Signature-256", sign(&body, "wrong"))),
        )
        .await;
    let genuine = channel.messenger(body).await;

    assert_eq!(handshake.text().await.unwrap(), "42");
    assert_eq!(forged.status(), 403);
    assert_eq!(genuine.status(), 200);
    let sent = channel.sent(MS_SEND_PATH, 1).await;
    assert_eq!(sent[0]["recipient"]["id"], "6100000000000001");
    assert_eq!(sent[0]["messaging_type"], "RESPONSE");
}

#[tokio::test]
async fn a_quick_reply_and_a_postback_in_one_delivery_are_handled_in_order() {
    let channel = spawn_channel_app().await;
    channel.accept_sends().await;

    let response = channel.messenger(fixture("messenger_batch.json")).await;

    assert_eq!(response.status(), 200);
    let sent = channel.sent(MS_SEND_PATH, 2).await;
    let quick_replies = sent[0]["message"]["quick_replies"].as_array().unwrap();
    assert!(
        quick_replies.len() > 3 && quick_replies.len() <= 13,
        "the main topics"
    );
    for quick_reply in quick_replies {
        assert!(quick_reply["title"].as_str().unwrap().chars().count() <= 20);
    }
    let conversation = channel.settled("messenger", "6100000000000002").await;
    assert!(
        conversation.handoff.is_with_humans(),
        "the postback asked for a person"
    );
    let texts: Vec<&Value> = sent.iter().map(|body| &body["message"]["text"]).collect();
    assert!(
        texts
            .iter()
            .all(|text| !text.as_str().unwrap().contains("**")),
        "plain text"
    );
}
