use serde_json::{Value, json};

use crate::helpers::{spawn_app, user};

async fn assert_rejected(response: reqwest::Response, code: &str) -> Value {
    assert_answered(response, 400, code).await
}

async fn assert_answered(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("errors are JSON");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        !body["error"]["message"].as_str().unwrap().is_empty(),
        "{body}"
    );
    body
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    let response = app
        .post_raw("{\"user_id\": \"a\", \"text\": ", "application/json")
        .await;
    assert_rejected(response, "malformed_json").await;
}

#[tokio::test]
async fn a_missing_field_is_named() {
    let app = spawn_app().await;
    let body = assert_rejected(
        app.post_json(&json!({"user_id": "a"})).await,
        "invalid_request",
    )
    .await;
    assert!(body["error"]["message"].as_str().unwrap().contains("text"));
}

#[tokio::test]
async fn an_unknown_field_is_named() {
    let app = spawn_app().await;
    let response = app
        .post_json(&json!({"user_id": "a", "text": "hi", "lang": "en"}))
        .await;
    let body = assert_rejected(response, "invalid_request").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("lang"));
}

#[tokio::test]
async fn a_wrongly_typed_field_is_a_400() {
    let app = spawn_app().await;
    let response = app.post_json(&json!({"user_id": 42, "text": "hi"})).await;
    assert_rejected(response, "invalid_request").await;
}

#[tokio::test]
async fn empty_text_and_user_id_are_rejected() {
    let app = spawn_app().await;
    let response = app.post_json(&json!({"user_id": "a", "text": "   "})).await;
    assert_rejected(response, "empty_text").await;
    let response = app
        .post_json(&json!({"user_id": "", "text": "hello"}))
        .await;
    assert_rejected(response, "invalid_user_id").await;
    let response = app
        .post_json(&json!({"user_id": "two words", "text": "hello"}))
        .await;
    assert_rejected(response, "invalid_user_id").await;
}

#[tokio::test]
async fn an_unsupported_language_is_rejected() {
    let app = spawn_app().await;
    let response = app
        .post_json(&json!({"user_id": "a", "text": "bonjour", "language": "fr"}))
        .await;
    assert_rejected(response, "invalid_language").await;
}

#[tokio::test]
async fn a_location_out_of_range_or_with_unknown_keys_is_rejected() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            &json!({"user_id": "a", "text": "", "location": {"latitude": 91.0, "longitude": 46.7}}),
        )
        .await;
    assert_rejected(response, "invalid_location").await;
    let response = app
        .post_json(
            &json!({"user_id": "a", "text": "", "location": {"lat": 24.7, "longitude": 46.7}}),
        )
        .await;
    assert_rejected(response, "invalid_request").await;
    let shared = app
        .say_with(json!({"user_id": user("location-only"), "text": "", "location": {"latitude": 24.7, "longitude": 46.7}}))
        .await;
    assert_eq!(
        shared["action"], "fallback",
        "a kind word that only text is read: {shared}"
    );
}

#[tokio::test]
async fn an_oversized_body_is_a_413_in_the_error_shape() {
    let app = spawn_app().await;
    let text = "ا".repeat(40_000);
    let response = app.post_json(&json!({"user_id": "a", "text": text})).await;
    assert_answered(response, 413, "payload_too_large").await;
}

#[tokio::test]
async fn a_bad_query_string_is_a_400_in_the_error_shape() {
    let app = spawn_app().await;
    let response = app
        .get("/api/v1/conversations/web:a/messages?after=soon")
        .await;
    assert_rejected(response, "invalid_request").await;
}

#[tokio::test]
async fn overlong_text_within_the_body_limit_is_rejected() {
    let app = spawn_app().await;
    let text = "a".repeat(5000);
    let response = app.post_json(&json!({"user_id": "a", "text": text})).await;
    assert_rejected(response, "text_too_long").await;
}

#[tokio::test]
async fn a_non_json_content_type_is_rejected() {
    let app = spawn_app().await;
    let response = app
        .post_raw("user_id=a&text=hi", "application/x-www-form-urlencoded")
        .await;
    assert_rejected(response, "unsupported_content_type").await;
}

#[tokio::test]
async fn a_rejected_message_changes_nothing() {
    let app = spawn_app().await;
    let citizen = user("rejected");
    let response = app
        .post_json(
            &json!({"user_id": citizen, "text": "I want to pay my water bill", "language": "xx"}),
        )
        .await;
    assert_eq!(response.status(), 400);
    // Digits alone say nothing about language: a fresh conversation answers
    // in Arabic, one that the rejected message had pinned would not.
    let reply = app.say(&citizen, "123").await;
    assert_eq!(reply["language"], "ar");
}
