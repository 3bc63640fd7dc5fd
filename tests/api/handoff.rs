//! Human handoff through web chat, with state in memory: escalation, the
//! agent API, the web-chat outbox, resolve and rating.

use serde_json::{Value, json};

use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::{TestApp, spawn_app_with, user};

async fn outbox(app: &TestApp, conversation: &str, after: u64) -> Value {
    let response = app.outbox(conversation, after).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_agent_api_refuses_requests_without_a_valid_token() {
    let (app, _) = spawn_app_with(with_agents);
    let bare = app.get("/api/v1/agent/queue").await;
    assert_eq!(bare.status(), 401);
    let body: Value = bare.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");

    let guess = AgentClient {
        app: &app,
        token: "tok-sar",
    };
    assert_eq!(guess.get("queue").await.status(), 401);
    assert_eq!(guess.get("events").await.status(), 401);
}

#[tokio::test]
async fn a_web_chat_citizen_reaches_an_agent_and_rates_them_after_resolve() {
    let (app, _) = spawn_app_with(with_agents);
    let citizen = user("handoff-web");
    let id = format!("web:{citizen}");
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };

    let asked = app
        .say_with(json!({"user_id": citizen, "text": "I want to speak to a human please", "language": "en"}))
        .await;
    assert_eq!(asked["action"], "escalate");
    let said = asked["messages"].to_string();
    assert!(said.contains("number 1 in line"), "{said}");

    let queue = omar.queue().await;
    let queued = queue
        .iter()
        .find(|item| item["conversation_id"] == id.as_str());
    assert_eq!(queued.unwrap()["reason"], "agent_entry", "{queue:?}");
    assert!(
        sara.queue()
            .await
            .iter()
            .all(|item| item["conversation_id"] != id.as_str())
    );
    let refused = sara.post(&format!("conversations/{id}/claim"), None).await;
    assert_eq!(refused.status(), 403, "another team's agent");
    assert_eq!(sara.get(&format!("conversations/{id}")).await.status(), 403);

    assert_eq!(
        omar.post(&format!("conversations/{id}/claim"), None)
            .await
            .status(),
        200
    );
    assert_eq!(
        omar.post(&format!("conversations/{id}/claim"), None)
            .await
            .status(),
        200,
        "claiming one's own again is harmless"
    );
    assert!(
        omar.queue()
            .await
            .iter()
            .all(|item| item["conversation_id"] != id.as_str())
    );

    let sent = omar
        .post(
            &format!("conversations/{id}/messages"),
            Some(json!({"text": "Hello, this is Omar. How can I help?"})),
        )
        .await;
    assert_eq!(sent.status(), 200);
    let delivery: Value = sent.json().await.unwrap();
    assert_eq!(delivery["delivered"], true);
    let first = outbox(&app, &id, 0).await;
    assert_eq!(
        first["messages"][0]["text"],
        "Hello, this is Omar. How can I help?"
    );
    assert_eq!(first["cursor"], 1);

    let relayed = app.say(&citizen, "my meter number is 4411").await;
    assert_eq!(relayed["action"], "agent", "the bot stays silent");
    let again = app.say(&citizen, "are you there?").await;
    assert_eq!(again["action"], "agent");
    assert_eq!(again["messages"], json!([]), "acknowledged once only");

    let view: Value = omar
        .get(&format!("conversations/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let history = view["history"].to_string();
    for expected in [
        "I want to speak to a human please",
        "\"escalated\"",
        "\"claimed\"",
        "Hello, this is Omar",
        "my meter number is 4411",
    ] {
        assert!(history.contains(expected), "{expected} in {history}");
    }
    assert_eq!(view["conversation"]["handoff"]["state"], "with_agent");

    assert_eq!(
        omar.post(&format!("conversations/{id}/resolve"), None)
            .await
            .status(),
        200
    );
    let after = outbox(&app, &id, 1).await;
    let buttons = after["messages"][0]["buttons"].to_string();
    for score in 1..=5 {
        assert!(buttons.contains(&format!("rate:{score}")), "{buttons}");
    }
    let rated = app
        .say_with(json!({"user_id": citizen, "text": "5 ★", "button": "rate:5"}))
        .await;
    assert_eq!(rated["action"], "answer");
    let ratings: Value = omar.get("ratings").await.json().await.unwrap();
    let rating = ratings["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rating| rating["conversation_id"] == id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(rating["score"], 5);
    assert_eq!(rating["agent"], "omar");
    assert_eq!(rating["team"], "general");
    assert!(
        rated["messages"].to_string().contains("\"comment\""),
        "{rated}"
    );

    let asked = app
        .say_with(json!({"user_id": citizen, "text": "Add a comment", "button": "comment"}))
        .await;
    assert_eq!(asked["action"], "answer");
    app.say(&citizen, "Omar was quick and kind").await;
    let ratings: Value = omar.get("ratings").await.json().await.unwrap();
    let mine: Vec<&Value> = ratings["ratings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|rating| rating["conversation_id"] == id.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0]["comment"], "Omar was quick and kind");

    let fresh = app.say(&citizen, "how do I renew my passport").await;
    assert_ne!(
        fresh["action"], "agent",
        "after resolve the bot answers again"
    );
}

#[tokio::test]
async fn two_misses_in_a_row_bring_in_a_person() {
    let (app, _) = spawn_app_with(with_agents);
    let citizen = user("handoff-fallbacks");
    let first = app
        .say_with(json!({"user_id": citizen, "text": "qwzx plorf", "language": "en"}))
        .await;
    assert_eq!(first["action"], "fallback");
    let second = app.say(&citizen, "vrumble snorkt").await;
    assert_eq!(second["action"], "escalate");
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let queue = omar.queue().await;
    let queued = queue
        .iter()
        .find(|item| item["conversation_id"] == format!("web:{citizen}").as_str());
    assert_eq!(queued.unwrap()["reason"], "repeated_fallback");
}

#[tokio::test]
async fn frustration_and_a_thrice_asked_question_bring_in_a_person() {
    let (app, _) = spawn_app_with(with_agents);
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let reason_of = |queue: Vec<Value>, id: String| {
        queue
            .into_iter()
            .find(|item| item["conversation_id"] == id.as_str())
            .map(|item| item["reason"].clone())
    };

    let angry = user("handoff-angry");
    let reply = app.say(&angry, "this bot is useless").await;
    assert_eq!(reply["action"], "escalate");
    assert_eq!(
        reason_of(omar.queue().await, format!("web:{angry}")),
        Some(json!("frustration"))
    );

    let patient = user("handoff-repeat");
    for _ in 0..2 {
        let reply = app.say(&patient, "how do I renew my passport").await;
        assert_ne!(reply["action"], "escalate");
    }
    let third = app.say(&patient, "How do I renew my passport").await;
    assert_eq!(third["action"], "escalate");
    assert_eq!(
        reason_of(omar.queue().await, format!("web:{patient}")),
        Some(json!("repeated_question"))
    );
}

#[tokio::test]
async fn after_hours_urgent_cases_go_on_call_and_others_hear_when_agents_are_back() {
    let (app, _) = spawn_app_with(|settings| {
        crate::handoff_helpers::with_agents_after_hours(settings);
        settings.handoff.unclaimed_update_secs = 1;
    });
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let salem = AgentClient {
        app: &app,
        token: "tok-salem",
    };

    let urgent = user("after-hours-urgent");
    let reply = app
        .say(
            &urgent,
            "the electricity has been cut in my house since morning",
        )
        .await;
    assert_eq!(reply["action"], "escalate");
    assert!(reply["messages"].to_string().contains("number 1 in line"));
    let on_call = omar.queue().await;
    let queued = on_call
        .iter()
        .find(|item| item["conversation_id"] == format!("web:{urgent}").as_str());
    assert_eq!(queued.unwrap()["team"], "on-call", "{on_call:?}");

    let routine = user("after-hours-routine");
    let reply = app
        .say_with(json!({"user_id": routine, "text": "my internet bill is wrong, I want to talk to someone", "language": "en"}))
        .await;
    assert_eq!(reply["action"], "escalate", "{reply}");
    let said = reply["messages"].to_string();
    assert!(
        said.contains("back on") && said.contains("is saved"),
        "{said}"
    );
    assert!(
        salem
            .queue()
            .await
            .iter()
            .any(|item| item["conversation_id"] == format!("web:{routine}").as_str()),
        "kept in the team's queue for when it opens"
    );

    // Waiting updates go to the on-call case, not to the one that was told
    // when its team is back.
    tokio::time::sleep(std::time::Duration::from_millis(1800)).await;
    let urgent_updates = outbox(&app, &format!("web:{urgent}"), 0).await;
    assert!(!urgent_updates["messages"].as_array().unwrap().is_empty());
    let routine_updates = outbox(&app, &format!("web:{routine}"), 0).await;
    assert_eq!(routine_updates["messages"], json!([]));
}

#[tokio::test]
async fn a_conversation_no_longer_waiting_leaves_the_queue_and_its_place() {
    let (app, store) = spawn_app_with(with_agents);
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let (first, second) = (user("stale-first"), user("stale-second"));
    for citizen in [&first, &second] {
        let asked = app
            .say_with(json!({"user_id": citizen, "text": "I want to speak to a human please", "language": "en"}))
            .await;
        assert_eq!(asked["action"], "escalate");
    }
    let position_of = |queue: &[Value], citizen: &str| {
        queue
            .iter()
            .find(|item| item["conversation_id"] == format!("web:{citizen}").as_str())
            .map(|item| item["position"].as_u64().unwrap())
    };
    let queue = omar.queue().await;
    assert_eq!(position_of(&queue, &second), Some(2), "{queue:?}");

    // The first conversation leaves the waiting state behind the queue's back
    // (as when a claim's queue update was lost to a store blip).
    let id = khidma::conversation::ConversationId::new("web", &first).unwrap();
    let mut lease = store.acquire(&id).await.unwrap();
    lease.conversation.handoff = khidma::conversation::Handoff::Bot;
    store.commit(lease).await.unwrap();

    let queue = omar.queue().await;
    assert_eq!(position_of(&queue, &first), None, "{queue:?}");
    assert_eq!(position_of(&queue, &second), Some(1), "{queue:?}");
}
