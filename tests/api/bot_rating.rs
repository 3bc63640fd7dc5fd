//! A rating asked of a citizen the bot served alone: after an answer, when
//! they thank it, once a conversation; an escalated conversation keeps the
//! agents' rating.

use serde_json::{Value, json};

use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::{spawn_app_with, user};

fn rating_buttons(reply: &Value) -> usize {
    reply["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|message| message["buttons"].as_array().unwrap())
        .filter(|button| button["id"].as_str().unwrap().starts_with("rate:"))
        .count()
}

async fn ratings_of(agent: &AgentClient<'_>, citizen: &str) -> Vec<Value> {
    let ratings: Value = agent.get("ratings").await.json().await.unwrap();
    ratings["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|rating| rating["conversation_id"] == format!("web:{citizen}").as_str())
        .cloned()
        .collect()
}

#[tokio::test]
async fn thanks_after_an_answer_asks_once_for_a_rating_stored_without_an_agent() {
    let (app, _) = spawn_app_with(with_agents);
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let citizen = user("bot-rating");
    let answer = app.say(&citizen, "how do I pay my water bill?").await;
    assert_eq!(answer["action"], "answer", "{answer}");
    assert_eq!(rating_buttons(&answer), 0);

    let thanks = app.say(&citizen, "thank you so much!").await;
    assert_eq!(thanks["action"], "answer");
    assert_eq!(thanks["entry_id"], Value::Null);
    assert_eq!(rating_buttons(&thanks), 5, "{thanks}");

    let rated = app
        .say_with(json!({"user_id": citizen, "text": "4 ★", "button": "rate:4"}))
        .await;
    assert_eq!(rated["action"], "answer");
    assert!(rated["messages"].to_string().contains("\"comment\""));
    let stored = ratings_of(&sara, &citizen).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0]["score"], 4);
    assert_eq!(stored[0]["agent"], Value::Null);
    assert_eq!(stored[0]["team"], "utilities", "the topic's team");
    assert!(
        ratings_of(&omar, &citizen).await.is_empty(),
        "another team's"
    );

    let again = app.say(&citizen, "thanks again").await;
    assert_eq!(again["action"], "answer");
    assert_eq!(rating_buttons(&again), 0, "asked once: {again}");
    let later = app.say(&citizen, "how do I pay my electricity bill?").await;
    assert_eq!(later["action"], "answer");
    let bye = app.say(&citizen, "شكرا، مع السلامة").await;
    assert_eq!(rating_buttons(&bye), 0, "once a conversation: {bye}");
    assert_eq!(ratings_of(&sara, &citizen).await.len(), 1);
}

#[tokio::test]
async fn thanks_without_an_answer_is_answered_warmly_without_a_rating() {
    let (app, _) = spawn_app_with(with_agents);
    let citizen = user("bot-rating-none");
    let thanks = app.say(&citizen, "شكرا").await;
    assert_eq!(thanks["action"], "answer");
    assert_eq!(rating_buttons(&thanks), 0);
    let missed = app.say(&citizen, "qwzx plorf").await;
    assert_eq!(missed["action"], "fallback");
    let after_miss = app.say(&citizen, "thanks").await;
    assert_eq!(rating_buttons(&after_miss), 0, "{after_miss}");
}

#[tokio::test]
async fn an_escalated_conversation_keeps_the_agents_rating() {
    let (app, _) = spawn_app_with(with_agents);
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let citizen = user("bot-rating-escalated");
    let id = format!("web:{citizen}");
    let answer = app.say(&citizen, "how do I renew my passport?").await;
    assert_eq!(answer["action"], "answer", "{answer}");
    let escalated = app.say(&citizen, "I want to speak to a human please").await;
    assert_eq!(escalated["action"], "escalate");
    let waiting = app.say(&citizen, "thanks").await;
    assert_eq!(waiting["action"], "agent", "relayed while waiting");
    assert_eq!(rating_buttons(&waiting), 0);
    for step in ["claim", "resolve"] {
        let response = omar.post(&format!("conversations/{id}/{step}"), None).await;
        assert_eq!(response.status(), 200, "{step}");
    }
    app.say_with(json!({"user_id": citizen, "text": "5 ★", "button": "rate:5"}))
        .await;
    let stored = ratings_of(&omar, &citizen).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0]["agent"], "omar");
    let answer = app.say(&citizen, "how do I renew my passport?").await;
    assert_eq!(answer["action"], "answer");
    let thanks = app.say(&citizen, "thank you").await;
    assert_eq!(rating_buttons(&thanks), 0, "rated already: {thanks}");
    assert_eq!(ratings_of(&omar, &citizen).await.len(), 1);
}
