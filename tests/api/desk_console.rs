//! The agents' desk, part 3: private notes, closing outcomes and the
//! supervisors' desk (`/api/v1/supervisor/desk` and reassignment), over
//! web chat with state in memory.

use serde_json::{Value, json};

use khidma::configuration::{Settings, SupervisorTokens};
use khidma::conversation::{ConversationId, Handoff, SlaTarget};

use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::{TestApp, spawn_app_with, user};

fn with_agents_and_supervisors(settings: &mut Settings) {
    with_agents(settings);
    settings.access.supervisor_tokens = SupervisorTokens::parse("lina:tok-lina").unwrap();
}

/// A citizen who asked for a person: waiting in the `general` team's
/// queue (`omar`'s); returns the conversation id.
async fn escalated(app: &TestApp, label: &str) -> (String, String) {
    let citizen = user(label);
    let asked = app
        .say_with(json!({"user_id": citizen, "text": "I want to speak to a human please", "language": "en"}))
        .await;
    assert_eq!(asked["action"], "escalate", "{asked}");
    let id = format!("web:{citizen}");
    (citizen, id)
}

async fn outbox_texts(app: &TestApp, id: &str) -> Vec<Value> {
    let response = app.outbox(id, 0).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["messages"].as_array().unwrap().clone()
}

async fn supervisor_get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .get(format!("{}/api/v1/supervisor/{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn supervisor_transfer(app: &TestApp, id: &str, body: Value) -> reqwest::Response {
    app.client
        .post(format!(
            "{}/api/v1/supervisor/conversations/{id}/transfer",
            app.address
        ))
        .bearer_auth("tok-lina")
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_note_stays_with_the_case_for_its_team_and_never_reaches_the_citizen() {
    let (app, _) = spawn_app_with(with_agents_and_supervisors);
    let (_, id) = escalated(&app, "desk-note").await;
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    let note = "Citizen called twice before; meter 4411 is the old one";
    let mut events = omar.events().await;

    // Any agent of the team may note a waiting case, before anyone claims it.
    let written = omar
        .post(
            &format!("conversations/{id}/notes"),
            Some(json!({"text": note})),
        )
        .await;
    assert_eq!(written.status(), 200);
    let body: Value = written.json().await.unwrap();
    assert_eq!(body["note"]["type"], "note");
    assert_eq!(body["note"]["agent"], "omar");
    assert_eq!(body["note"]["team"], "general");
    let live = events.next_of("note", &id).await;
    assert_eq!(live["text"], note);

    let refused = sara
        .post(
            &format!("conversations/{id}/notes"),
            Some(json!({"text": "not my team"})),
        )
        .await;
    assert_eq!(refused.status(), 403);
    for (body, code) in [
        (json!({"text": "   "}), "empty_text"),
        (json!({"text": "x".repeat(5000)}), "text_too_long"),
        (json!({"note": "wrong field"}), "invalid_request"),
    ] {
        let response = omar
            .post(&format!("conversations/{id}/notes"), Some(body))
            .await;
        assert_eq!(response.status(), 400);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], code);
    }
    let missing = omar
        .post(
            "conversations/web:nobody-here/notes",
            Some(json!({"text": "x"})),
        )
        .await;
    assert_eq!(missing.status(), 404);

    let history = omar.history(&id).await;
    let notes: Vec<&Value> = history
        .iter()
        .filter(|item| item["type"] == "note")
        .collect();
    assert_eq!(notes.len(), 1, "bad input changed nothing: {history:?}");
    assert_eq!(notes[0]["text"], note);

    // Claimed, written to and resolved: the note is in none of what the
    // citizen received.
    omar.post(&format!("conversations/{id}/claim"), None).await;
    omar.post(
        &format!("conversations/{id}/messages"),
        Some(json!({"text": "Hello, Omar here."})),
    )
    .await;
    omar.post(&format!("conversations/{id}/resolve"), None)
        .await;
    let outbox = outbox_texts(&app, &id).await;
    assert_eq!(outbox.len(), 2, "{outbox:?}");
    assert!(!Value::from(outbox).to_string().contains("meter 4411"));

    // Kept with the case: after resolve too, and in the citizen's export.
    let after = omar
        .post(
            &format!("conversations/{id}/notes"),
            Some(json!({"text": "Closed after the call"})),
        )
        .await;
    assert_eq!(after.status(), 200, "a resolved case still takes notes");
    let export: Value = app
        .client
        .get(format!(
            "{}/api/v1/admin/conversations/{id}/export",
            app.address
        ))
        .bearer_auth("tok-lina")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let exported = export.to_string();
    assert!(exported.contains(note), "{exported}");
    assert!(exported.contains("Closed after the call"), "{exported}");
}

/// Claims the case for `omar` and resolves it with `body`; returns the
/// status and what the citizen read last.
async fn resolve_with(app: &TestApp, id: &str, body: Option<Value>) -> (u16, Vec<Value>) {
    let omar = AgentClient {
        app,
        token: "tok-omar",
    };
    assert_eq!(
        omar.post(&format!("conversations/{id}/claim"), None)
            .await
            .status(),
        200
    );
    let status = omar
        .post(&format!("conversations/{id}/resolve"), body)
        .await
        .status()
        .as_u16();
    (status, outbox_texts(app, id).await)
}

#[tokio::test]
async fn the_closing_message_and_rating_request_follow_the_outcome() {
    let (app, _) = spawn_app_with(with_agents_and_supervisors);

    let (_, referred) = escalated(&app, "desk-referred").await;
    let (status, outbox) =
        resolve_with(&app, &referred, Some(json!({"outcome": "referred"}))).await;
    assert_eq!(status, 200);
    let closing = &outbox[outbox.len() - 1];
    let text = closing["text"].as_str().unwrap();
    assert!(text.contains("another government agency"), "{text}");
    assert!(text.contains("they will contact you"), "{text}");
    assert!(
        closing["buttons"].to_string().contains("rate:5"),
        "{closing}"
    );
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let history = omar.history(&referred).await;
    let resolved = history
        .iter()
        .find(|item| item["type"] == "resolved")
        .unwrap();
    assert_eq!(resolved["outcome"], "referred");

    // No answer from the citizen: told how to come back, not asked to rate,
    // and a number they send next is not taken for a score.
    let (citizen, silent) = escalated(&app, "desk-silent").await;
    let (status, outbox) =
        resolve_with(&app, &silent, Some(json!({"outcome": "no_response"}))).await;
    assert_eq!(status, 200);
    let closing = &outbox[outbox.len() - 1];
    assert!(
        closing["text"]
            .as_str()
            .unwrap()
            .contains("just write here"),
        "{closing}"
    );
    assert_eq!(closing["buttons"], json!([]));
    app.say(&citizen, "5").await;
    let ratings: Value = omar.get("ratings").await.json().await.unwrap();
    assert!(
        !ratings.to_string().contains(&silent),
        "no rating without a request: {ratings}"
    );

    let (_, duplicate) = escalated(&app, "desk-duplicate").await;
    let (status, outbox) =
        resolve_with(&app, &duplicate, Some(json!({"outcome": "duplicate"}))).await;
    assert_eq!(status, 200);
    let closing = &outbox[outbox.len() - 1];
    assert!(
        closing["text"].as_str().unwrap().contains("another case"),
        "{closing}"
    );
    assert_eq!(closing["buttons"], json!([]));

    // An unknown outcome is refused and the case stays with its agent.
    let (_, unknown) = escalated(&app, "desk-unknown").await;
    let (status, outbox) = resolve_with(&app, &unknown, Some(json!({"outcome": "fixed"}))).await;
    assert_eq!(status, 400);
    assert!(outbox.is_empty(), "{outbox:?}");
    let view: Value = omar
        .get(&format!("conversations/{unknown}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["conversation"]["handoff"]["state"], "with_agent");
    let solved = omar
        .post(&format!("conversations/{unknown}/resolve"), Some(json!({})))
        .await;
    assert_eq!(solved.status(), 200, "no outcome is solved");
    let outbox = outbox_texts(&app, &unknown).await;
    assert!(
        outbox[0]["text"]
            .as_str()
            .unwrap()
            .contains("How would you rate")
    );
}

#[tokio::test]
async fn the_supervisor_desk_shows_teams_agents_and_late_cases_and_moves_a_case() {
    let (app, store) = spawn_app_with(with_agents_and_supervisors);
    let (_, waiting) = escalated(&app, "desk-waiting").await;
    let (_, late) = escalated(&app, "desk-late").await;
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    omar.post(&format!("conversations/{late}/claim"), None)
        .await;
    // The service-level watch marks missed targets on the conversation.
    let late_id = ConversationId::try_from(late.clone()).unwrap();
    let mut lease = store.acquire(&late_id).await.unwrap();
    if let Handoff::WithAgent { breaches, .. } = &mut lease.conversation.handoff {
        breaches.push(SlaTarget::FirstReply);
    }
    store.commit(lease).await.unwrap();

    assert_eq!(supervisor_get(&app, "tok-omar", "desk").await.status(), 403);
    assert_eq!(supervisor_get(&app, "nope", "desk").await.status(), 401);
    let response = supervisor_get(&app, "tok-lina", "desk").await;
    assert_eq!(response.status(), 200);
    let desk: Value = response.json().await.unwrap();
    let general = team_of(&desk, "general");
    assert_eq!(general["queue_length"], 1);
    assert_eq!(general["held"], 1);
    assert_eq!(general["past_target"], 1);
    assert!(general["oldest_wait_ms"].as_i64().unwrap() >= 0);
    assert_eq!(team_of(&desk, "utilities")["queue_length"], 0);
    let agent = |name: &str| {
        desk["agents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|agent| agent["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(agent("omar")["load"], 1);
    assert_eq!(agent("omar")["availability"], "away");
    assert_eq!(agent("sara")["load"], 0);
    let case = |id: &str, desk: &Value| {
        desk["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|case| case["conversation_id"] == id)
            .cloned()
    };
    assert_eq!(
        case(&late, &desk).unwrap()["breaches"],
        json!(["first_reply"])
    );
    assert_eq!(case(&waiting, &desk).unwrap()["breaches"], json!([]));
    assert_eq!(case(&waiting, &desk).unwrap()["state"], "waiting");

    for (body, code) in [
        (
            json!({"team": "utilities", "agent": "sara", "reason": "x"}),
            "invalid_request",
        ),
        (json!({"reason": "x"}), "invalid_request"),
        (json!({"team": "utilities", "reason": " "}), "empty_text"),
        (
            json!({"team": "utilities", "reason": "x".repeat(501)}),
            "text_too_long",
        ),
        (json!({"team": "nowhere", "reason": "x"}), "unknown_team"),
        (json!({"agent": "nobody", "reason": "x"}), "unknown_agent"),
    ] {
        let response = supervisor_transfer(&app, &waiting, body).await;
        assert_eq!(response.status(), 400);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], code);
    }
    let there =
        supervisor_transfer(&app, &waiting, json!({"team": "general", "reason": "x"})).await;
    assert_eq!(there.status(), 409);

    // Reassigned to sara: she has it, in her team, with the reason in the
    // transcript, and the desk counts it in her load.
    let moved = supervisor_transfer(
        &app,
        &waiting,
        json!({"agent": "sara", "reason": "Water billing is Sara's"}),
    )
    .await;
    assert_eq!(moved.status(), 200);
    let body: Value = moved.json().await.unwrap();
    assert_eq!(body["handoff"]["agent"], "sara");
    assert_eq!(body["handoff"]["team"], "utilities");
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    let history = sara.history(&waiting).await;
    let transferred = history
        .iter()
        .find(|item| item["type"] == "transferred")
        .unwrap();
    assert_eq!(transferred["by"], "lina");
    assert_eq!(transferred["reason"], "Water billing is Sara's");
    let desk: Value = supervisor_get(&app, "tok-lina", "desk")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(team_of(&desk, "general")["queue_length"], 0);
    assert_eq!(team_of(&desk, "utilities")["held"], 1);
    assert_eq!(case(&waiting, &desk).unwrap()["agent"], "sara");
}

fn team_of(desk: &Value, name: &str) -> Value {
    desk["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|team| team["team"] == name)
        .cloned()
        .unwrap()
}
