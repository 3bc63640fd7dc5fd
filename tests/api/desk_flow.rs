//! The desk's flow of cases: an agent transfers a case to another team or
//! agent with a reason, agents say whether they take cases, and a case
//! whose agent fell silent goes back to its queue.

use serde_json::{Value, json};

use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::{TestApp, spawn_app_with, user};

/// A citizen who asked for a person, waiting in the general team's queue
/// (`omar`'s); their conversation id.
async fn waiting_citizen(app: &TestApp, label: &str) -> String {
    let citizen = user(label);
    let asked = app
        .say_with(json!({"user_id": citizen, "text": "I want to speak to a human please", "language": "en"}))
        .await;
    assert_eq!(asked["action"], "escalate", "{asked}");
    format!("web:{citizen}")
}

fn position(queue: &[Value], id: &str) -> Option<u64> {
    queue
        .iter()
        .find(|item| item["conversation_id"] == id)
        .map(|item| item["position"].as_u64().unwrap())
}

async fn transfer(agent: &AgentClient<'_>, id: &str, body: Value) -> (u16, Value) {
    let response = agent
        .post(&format!("conversations/{id}/transfer"), Some(body))
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn a_transferred_case_keeps_its_place_and_shows_the_reason_in_the_transcript() {
    let (app, _) = spawn_app_with(with_agents);
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    let earlier = waiting_citizen(&app, "transfer-earlier").await;
    let later = waiting_citizen(&app, "transfer-later").await;

    // The later case moves first; the earlier one still goes before it.
    for id in [&later, &earlier] {
        let (status, body) = transfer(
            &omar,
            id,
            json!({"team": "utilities", "reason": "A water bill: utilities handle it"}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["handoff"]["state"], "waiting", "{body}");
    }
    let queue = sara.queue().await;
    assert_eq!(position(&queue, &earlier), Some(1), "{queue:?}");
    assert_eq!(position(&queue, &later), Some(2), "{queue:?}");
    assert_eq!(position(&omar.queue().await, &later), None);

    let history = sara.history(&later).await;
    let moved = history
        .iter()
        .find(|item| item["type"] == "transferred")
        .unwrap_or_else(|| panic!("{history:?}"));
    assert_eq!(moved["team"], "utilities");
    assert_eq!(moved["from_team"], "general");
    assert_eq!(moved["by"], "omar");
    assert_eq!(moved["reason"], "A water bill: utilities handle it");
    assert!(
        history.iter().any(|item| item["type"] == "escalated"),
        "the transcript goes with the case: {history:?}"
    );
    assert_eq!(
        omar.get(&format!("conversations/{later}")).await.status(),
        403,
        "the general team no longer has it"
    );
}

#[tokio::test]
async fn a_case_transferred_to_an_agent_is_theirs_at_once() {
    let (app, _) = spawn_app_with(with_agents);
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    let id = waiting_citizen(&app, "transfer-agent").await;
    let claimed = omar.post(&format!("conversations/{id}/claim"), None).await;
    assert_eq!(claimed.status(), 200);

    let (status, body) = transfer(
        &omar,
        &id,
        json!({"agent": "sara", "reason": "Sara followed this citizen last week"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["handoff"]["agent"], "sara", "{body}");
    assert_eq!(body["handoff"]["team"], "utilities", "{body}");
    let sent = sara
        .post(
            &format!("conversations/{id}/messages"),
            Some(json!({"text": "Hello, I am Sara; I will take it from here."})),
        )
        .await;
    assert_eq!(sent.status(), 200, "sara has the case");
    let history = sara.history(&id).await;
    let moved = history
        .iter()
        .find(|item| item["type"] == "transferred")
        .unwrap_or_else(|| panic!("{history:?}"));
    assert_eq!(moved["from_agent"], "omar");
    assert_eq!(moved["to_agent"], "sara");
}

#[tokio::test]
async fn a_transfer_that_does_not_fit_is_refused_and_changes_nothing() {
    let (app, _) = spawn_app_with(with_agents);
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    let id = waiting_citizen(&app, "transfer-refused").await;
    let too_long = "x".repeat(501);
    let refusals = [
        (
            json!({"team": "utilities", "reason": "  "}),
            400,
            "empty_text",
        ),
        (
            json!({"team": "utilities", "reason": too_long}),
            400,
            "text_too_long",
        ),
        (json!({"team": "utilities"}), 400, "invalid_request"),
        (
            json!({"team": "utilities", "agent": "sara", "reason": "both"}),
            400,
            "invalid_request",
        ),
        (json!({"reason": "neither"}), 400, "invalid_request"),
        (
            json!({"team": "water", "reason": "no such team"}),
            400,
            "unknown_team",
        ),
        (
            json!({"agent": "nobody", "reason": "no such agent"}),
            400,
            "unknown_agent",
        ),
        (
            json!({"team": "general", "reason": "where it is"}),
            409,
            "already_there",
        ),
    ];
    for (body, status, code) in refusals {
        let (answered, error) = transfer(&omar, &id, body.clone()).await;
        assert_eq!(answered, status, "{body}: {error}");
        assert_eq!(error["error"]["code"], code, "{body}: {error}");
    }
    let (answered, error) = transfer(
        &sara,
        &id,
        json!({"team": "utilities", "reason": "not my team's case"}),
    )
    .await;
    assert_eq!(
        (answered, &error["error"]["code"]),
        (403, &json!("forbidden"))
    );

    assert_eq!(position(&omar.queue().await, &id), Some(1));
    let history = omar.history(&id).await;
    assert!(
        history.iter().all(|item| item["type"] != "transferred"),
        "{history:?}"
    );
}

#[tokio::test]
async fn agents_are_away_until_they_say_they_are_available() {
    let (app, _) = spawn_app_with(with_agents);
    let salem = AgentClient {
        app: &app,
        token: "tok-salem",
    };
    let presence: Value = salem.get("presence").await.json().await.unwrap();
    assert_eq!(presence["availability"], "away", "{presence}");

    let put = |availability: Value| {
        app.client
            .put(format!("{}/api/v1/agent/presence", app.address))
            .bearer_auth("tok-salem")
            .json(&json!({ "availability": availability }))
            .send()
    };
    let set = put(json!("available")).await.unwrap();
    assert_eq!(set.status(), 200);
    let presence: Value = salem.get("presence").await.json().await.unwrap();
    assert_eq!(presence["availability"], "available", "{presence}");
    assert_eq!(presence["agent"], "salem");
    assert!(presence["since_ms"].as_i64().unwrap() > 0);

    let refused = put(json!("busy")).await.unwrap();
    assert_eq!(refused.status(), 400);
    let presence: Value = salem.get("presence").await.json().await.unwrap();
    assert_eq!(presence["availability"], "available", "unchanged");
}

#[tokio::test]
async fn a_silent_agents_case_returns_to_the_queue_and_they_are_told() {
    let (app, _) = spawn_app_with(|settings| {
        with_agents(settings);
        settings.handoff.idle_return_secs = 1;
    });
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let id = waiting_citizen(&app, "idle-return").await;
    let mut events = omar.events().await;
    let claimed = omar.post(&format!("conversations/{id}/claim"), None).await;
    assert_eq!(claimed.status(), 200);
    assert_eq!(position(&omar.queue().await, &id), None);

    let returned = events.next_of("returned", &id).await;
    assert_eq!(returned["agent"], "omar", "{returned}");
    assert_eq!(returned["team"], "general", "{returned}");
    assert_eq!(position(&omar.queue().await, &id), Some(1));
    let view: Value = omar
        .get(&format!("conversations/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        view["conversation"]["handoff"]["state"], "waiting",
        "{view}"
    );
}
