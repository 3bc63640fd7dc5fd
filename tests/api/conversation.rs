//! What the bot remembers between messages: language, offered choices and
//! handoff.

use serde_json::json;

use crate::helpers::{spawn_app, user};

#[tokio::test]
async fn the_language_is_pinned_and_switches_only_on_a_clear_switch() {
    let app = spawn_app().await;
    let citizen = user("language");
    let reply = app.say(&citizen, "السلام عليكم").await;
    assert_eq!(reply["language"], "ar");
    // A lone Latin word does not switch a conversation.
    let reply = app.say(&citizen, "OTP").await;
    assert_eq!(reply["language"], "ar");
    let reply = app
        .say(&citizen, "How can I pay my water bill please")
        .await;
    assert_eq!(reply["language"], "en");
    assert_eq!(reply["entry_id"], "water-bill");
    assert!(reply["messages"][0]["text"].as_str().unwrap().is_ascii());
}

#[tokio::test]
async fn a_client_can_force_the_language() {
    let app = spawn_app().await;
    let reply = app
        .say_with(json!({"user_id": user("forced"), "text": "How do I renew my passport?", "language": "ar"}))
        .await;
    assert_eq!(reply["language"], "ar");
    assert_eq!(reply["entry_id"], "passport-renewal");
    let text = reply["messages"][0]["text"].as_str().unwrap();
    assert!(text.contains("جواز"), "answered in Arabic: {text}");
}

#[tokio::test]
async fn a_greeting_alone_gets_a_greeting_and_the_main_topics() {
    let app = spawn_app().await;
    let reply = app.say(&user("greeting"), "السلام عليكم ورحمة الله").await;
    assert_eq!(reply["action"], "answer");
    assert_eq!(reply["entry_id"], serde_json::Value::Null);
    let text = reply["messages"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("وعليكم السلام"), "{text}");
    let buttons = reply["messages"][0]["buttons"].as_array().unwrap();
    // Named as the agency's editors name it (categories.toml), in Arabic.
    assert!(
        buttons
            .iter()
            .any(|b| b["id"] == "topic:traffic" && b["title"] == "المرور"),
        "{reply}"
    );
}

#[tokio::test]
async fn a_topic_button_offers_its_entries_and_the_next_button_answers() {
    let app = spawn_app().await;
    let citizen = user("topics");
    let menu = app
        .say_with(json!({"user_id": citizen, "text": "المرور", "button": "topic:traffic"}))
        .await;
    assert_eq!(menu["action"], "clarify");
    let text = menu["messages"][0]["text"].as_str().unwrap();
    assert!(text.contains("«المرور»"), "{text}");
    let candidates = menu["candidates"].as_array().unwrap();
    assert!(
        candidates.contains(&json!("traffic-fines-payment")),
        "{menu}"
    );
    assert_eq!(
        menu["messages"][0]["buttons"].as_array().unwrap().len(),
        candidates.len()
    );

    let answer = app
        .say_with(json!({"user_id": citizen, "text": "سداد المخالفات المرورية", "button": "entry:traffic-fines-payment"}))
        .await;
    assert_eq!(answer["action"], "answer");
    assert_eq!(answer["entry_id"], "traffic-fines-payment");
}

#[tokio::test]
async fn an_offered_choice_can_be_picked_by_its_number_or_its_title() {
    let app = spawn_app().await;
    let citizen = user("pick");
    app.say_with(json!({"user_id": citizen, "text": "utilities", "button": "topic:utilities"}))
        .await;
    let by_title = app.say(&citizen, "Water bill").await;
    assert_eq!(by_title["entry_id"], "water-bill", "{by_title}");

    let menu = app
        .say_with(json!({"user_id": citizen, "text": "traffic", "button": "topic:traffic"}))
        .await;
    let second = menu["candidates"][1].clone();
    let by_number = app.say(&citizen, "2").await;
    assert_eq!(by_number["entry_id"], second, "{by_number}");
}

#[tokio::test]
async fn after_escalation_the_bot_is_silent_and_acknowledges_once() {
    let app = spawn_app().await;
    let citizen = user("handoff");
    let reply = app
        .say_with(json!({"user_id": citizen, "text": "Talk to a person", "button": "agent"}))
        .await;
    assert_eq!(reply["action"], "escalate");
    assert_eq!(reply["entry_id"], serde_json::Value::Null);

    let first = app.say(&citizen, "My account number is 12345").await;
    assert_eq!(first["action"], "agent");
    assert_eq!(first["messages"].as_array().unwrap().len(), 1);
    let second = app.say(&citizen, "Are you there?").await;
    assert_eq!(second["action"], "agent");
    assert!(
        second["messages"].as_array().unwrap().is_empty(),
        "{second}"
    );
}
