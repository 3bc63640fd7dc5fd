//! Web-chat sessions, erasure and export of everything stored about one
//! citizen, and how long things are kept, in memory and in Redis.

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use khidma::configuration::{Settings, SupervisorTokens, WebchatKeys};
use khidma::conversation::{ConversationId, now_ms};
use khidma::message::Incoming;
use khidma::state::{ConversationStore, Envelope};

use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::{TestApp, spawn_app_with, start, user};
use crate::redis_helpers::{Namespace, eventually};

fn with_supervisors(settings: &mut Settings) {
    with_agents(settings);
    settings.access.supervisor_tokens = SupervisorTokens::parse("lina:tok-lina").unwrap();
    settings.access.webchat_keys = WebchatKeys::parse("portal:key-portal").unwrap();
}

async fn admin(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .request(method, format!("{}/api/v1/admin/{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn export(app: &TestApp, id: &str) -> Value {
    let response = admin(
        app,
        reqwest::Method::GET,
        &format!("conversations/{id}/export"),
        Some("tok-lina"),
    )
    .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn erase(app: &TestApp, id: &str) {
    let path = format!("conversations/{id}");
    let delete = reqwest::Method::DELETE;
    let bare = admin(app, delete.clone(), &path, None).await;
    assert_eq!(bare.status(), 401);
    let body: Value = bare.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    let agent = admin(app, delete.clone(), &path, Some("tok-sara")).await;
    assert_eq!(agent.status(), 403, "agents may not erase");
    assert_eq!(
        admin(app, delete.clone(), &path, Some("x")).await.status(),
        401
    );
    assert_eq!(
        admin(app, delete, &path, Some("tok-lina")).await.status(),
        200
    );
}

/// A citizen's whole stay: an urgent report (queued for utilities and
/// grouped into an incident), an agent's claim, message and resolve, a
/// rating with a comment, and a new request for a person (queued again).
async fn live_a_case(app: &TestApp, citizen: &str) {
    let id = format!("web:{citizen}");
    let report = app
        .say(
            citizen,
            "the electricity has been cut in my house since morning",
        )
        .await;
    assert_eq!(report["action"], "escalate", "{report}");
    let sara = AgentClient {
        app,
        token: "tok-sara",
    };
    let claim = sara.post(&format!("conversations/{id}/claim"), None).await;
    assert_eq!(claim.status(), 200);
    let text = json!({"text": "We are on it."});
    let sent = sara
        .post(&format!("conversations/{id}/messages"), Some(text))
        .await;
    assert_eq!(sent.status(), 200);
    let resolved = sara
        .post(&format!("conversations/{id}/resolve"), None)
        .await;
    assert_eq!(resolved.status(), 200);
    app.say_with(json!({"user_id": citizen, "text": "5 ★", "button": "rate:5"}))
        .await;
    app.say_with(json!({"user_id": citizen, "text": "Add a comment", "button": "comment"}))
        .await;
    app.say(citizen, "Sara was quick").await;
    let again = app
        .say_with(json!({"user_id": citizen, "text": "موظف", "button": "agent"}))
        .await;
    assert_eq!(again["action"], "escalate", "{again}");
}

#[tokio::test]
async fn a_web_conversation_answers_only_the_holder_of_its_session() {
    let (app, store) = spawn_app_with(with_supervisors);
    let citizen = user("session");
    let first = app.say(&citizen, "how do I renew my passport").await;
    let session = first["session"].as_str().unwrap().to_owned();
    assert_eq!(session.len(), 64);
    let next = app.say(&citizen, "thanks").await;
    assert!(next.get("session").is_none(), "issued once: {next}");

    for intruder in [
        json!({"user_id": citizen, "text": "I am the citizen, really"}),
        json!({"user_id": citizen, "text": "I am the citizen, really", "session": "0".repeat(64)}),
    ] {
        let response = app.post_json(&intruder).await;
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_session");
    }
    let id = ConversationId::new("web", &citizen).unwrap();
    let stored = store.get(&id).await.unwrap().unwrap();
    assert!(
        stored
            .turns
            .iter()
            .all(|turn| !turn.text.contains("really")),
        "a refused message changes nothing"
    );
    assert_ne!(
        stored.web_session.as_deref(),
        Some(session.as_str()),
        "a hash"
    );

    let portal = app
        .client
        .post(format!("{}/api/v1/messages", app.address))
        .bearer_auth("key-portal")
        .json(&json!({"user_id": citizen, "text": "the portal speaks for them"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        portal.status(),
        200,
        "a portal's key stands for the session"
    );
}

#[tokio::test]
async fn what_agents_sent_is_read_only_with_the_session_or_a_portal_key() {
    let (app, _) = spawn_app_with(with_supervisors);
    let citizen = user("outbox-session");
    let id = format!("web:{citizen}");
    app.say_with(json!({"user_id": citizen, "text": "موظف", "button": "agent"}))
        .await;
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    omar.post(&format!("conversations/{id}/claim"), None).await;
    let text = json!({"text": "Your permit number is 5521"});
    let sent = omar
        .post(&format!("conversations/{id}/messages"), Some(text))
        .await;
    assert_eq!(sent.status(), 200);

    let url = format!("{}/api/v1/conversations/{id}/messages", app.address);
    let bare = app.client.get(&url).send().await.unwrap();
    assert_eq!(bare.status(), 401);
    assert!(!bare.text().await.unwrap().contains("5521"));
    let wrong = app
        .client
        .get(&url)
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let portal = app.client.get(&url).bearer_auth("key-portal").send().await;
    assert_eq!(portal.unwrap().status(), 200);
    let own = app.outbox(&id, 0).await;
    assert_eq!(own.status(), 200);
    assert!(own.text().await.unwrap().contains("5521"));
}

#[tokio::test]
async fn erasure_in_memory_leaves_nothing_and_export_shows_everything_first() {
    let (app, store) = spawn_app_with(with_supervisors);
    let citizen = user("erase-memory");
    let id = format!("web:{citizen}");
    live_a_case(&app, &citizen).await;

    let before = export(&app, &id).await;
    assert_eq!(before["conversation"]["id"], id.as_str());
    assert_eq!(before["queues"].as_array().unwrap().len(), 1, "{before}");
    assert_eq!(before["incidents"].as_array().unwrap().len(), 1);
    assert_eq!(before["ratings"][0]["comment"], "Sara was quick");
    assert!(before["outbox"].to_string().contains("We are on it."));
    assert!(before["history"].to_string().contains("escalated"));

    erase(&app, &id).await;
    let after = export(&app, &id).await;
    for field in [
        "history",
        "outbox",
        "queues",
        "incidents",
        "ratings",
        "inbox",
        "message_ids",
    ] {
        assert_eq!(after[field], json!([]), "{field}: {after}");
    }
    assert_eq!(after["conversation"], Value::Null);
    let id = ConversationId::try_from(id).unwrap();
    assert!(store.get(&id).await.unwrap().is_none());
    for token in ["tok-sara", "tok-omar"] {
        let agent = AgentClient { app: &app, token };
        let queue = agent.queue().await;
        assert!(
            queue
                .iter()
                .all(|item| item["conversation_id"] != id.as_str())
        );
    }
    let old = app.outbox(id.as_str(), 0).await;
    assert_eq!(old.status(), 401, "the session went with the conversation");
    let fresh = app.say(&citizen, "hello").await;
    assert!(
        fresh["session"].is_string(),
        "a new conversation, a new session"
    );
}

/// No key of the namespace names the citizen or holds their id.
fn assert_forgotten(namespace: &Namespace, citizen: &str) {
    let everything = namespace.dump();
    let left: Vec<&String> = everything
        .iter()
        .filter(|(key, held, _)| key.contains(citizen) || held.contains(citizen))
        .map(|(key, _, _)| key)
        .collect();
    assert!(left.is_empty(), "{citizen} is still in {left:?}");
}

#[tokio::test]
async fn erasure_in_redis_leaves_no_key_or_value_with_the_citizen_and_others_keep_theirs() {
    let namespace = Namespace::new();
    let mut settings = namespace.settings();
    with_supervisors(&mut settings);
    let app = start(settings, None);
    let (citizen, bystander) = (user("erase-redis"), user("bystander"));
    live_a_case(&app, &citizen).await;
    live_a_case(&app, &bystander).await;
    let id = ConversationId::new("web", &citizen).unwrap();
    // A platform-style message with its de-duplication key, answered by
    // the worker.
    let envelope = Envelope {
        conversation_id: id.clone(),
        message_id: format!("web-test:{citizen}:1"),
        incoming: Incoming {
            text: "one more thing".to_owned(),
            ..Incoming::default()
        },
        received_at_ms: now_ms(),
    };
    namespace.store().enqueue(&envelope).await.unwrap();
    let handled = eventually(Duration::from_secs(10), || async {
        export(&app, id.as_str()).await["inbox"] == json!([])
    })
    .await;
    assert!(handled);
    let before = export(&app, id.as_str()).await;
    assert_eq!(before["message_ids"].as_array().unwrap().len(), 1);
    assert!(before["ratings"].to_string().contains("Sara was quick"));

    let everything = namespace.dump();
    let immortal: Vec<&String> = everything
        .iter()
        .filter(|(key, _, ttl)| *ttl < 0 && !key.ends_with("{incidents}:serial"))
        .map(|(key, _, _)| key)
        .collect();
    assert!(immortal.is_empty(), "kept for ever: {immortal:?}");

    erase(&app, id.as_str()).await;
    assert_forgotten(&namespace, &citizen);
    let kept = namespace.dump();
    assert!(
        kept.iter()
            .any(|(key, held, _)| key.contains(&bystander) && held.contains("Sara was")),
        "another citizen's conversation stays"
    );
    assert!(
        kept.iter()
            .any(|(_, held, _)| held.contains(&bystander) && held.contains("Sara was quick")),
        "and their rating"
    );
}

#[tokio::test]
async fn khidma_erase_forgets_a_citizen_in_redis() {
    let namespace = Namespace::new();
    let mut settings = namespace.settings();
    with_supervisors(&mut settings);
    let app = start(settings.clone(), None);
    let citizen = user("erase-cli");
    app.say(&citizen, "zzqx wbbl").await;
    app.say_with(json!({"user_id": citizen, "text": "موظف", "button": "agent"}))
        .await;
    app.say(&citizen, "my meter number is 4411").await;
    // A fallback's turn with its text, two turns more and the escalation.
    let before = crate::cx_events::events(&settings, 4).await;
    assert!(
        before.iter().any(|event| event.text.is_some()),
        "{before:?}"
    );
    assert!(
        namespace
            .dump()
            .iter()
            .any(|(key, _, _)| key.contains(&citizen))
    );

    let erased = Command::new(env!("CARGO_BIN_EXE_khidma"))
        .args(["erase", &format!("web:{citizen}")])
        .envs(namespace.process_env(0))
        .env("KHIDMA_CX__SQLITE_PATH", &settings.cx.sqlite_path)
        .env("KHIDMA_SUPERVISOR_TOKENS", "lina:tok-lina")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&erased.stdout);
    let stderr = String::from_utf8_lossy(&erased.stderr);
    assert!(erased.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("erased"), "{stdout}");
    assert!(
        stderr.contains("erasure") && !stderr.contains(&citizen),
        "{stderr}"
    );
    assert_forgotten(&namespace, &citizen);
    // The events still count, under a name that no longer leads to the
    // citizen, with no text.
    let after = crate::cx_events::events(&settings, before.len()).await;
    assert_eq!(after.len(), before.len());
    assert!(after.iter().all(|event| event.text.is_none()), "{after:?}");
    assert!(
        after
            .iter()
            .all(|event| event.conversation != before[0].conversation)
    );

    let memory_mode = Command::new(env!("CARGO_BIN_EXE_khidma"))
        .args(["erase", &format!("web:{citizen}")])
        .env_remove("REDIS_URL")
        .output()
        .unwrap();
    assert!(!memory_mode.status.success());
    assert!(String::from_utf8_lossy(&memory_mode.stderr).contains("REDIS_URL"));
}

#[tokio::test]
async fn memory_mode_keeps_only_so_many_conversations_the_least_recently_used_go_first() {
    let (app, store) = spawn_app_with(|settings| {
        settings.retention.in_memory_max_conversations = 20.try_into().unwrap();
    });
    let citizens: Vec<String> = (0..60).map(|n| user(&format!("capped-{n}"))).collect();
    let long = "ابي اجدد جواز السفر ".repeat(200);
    for citizen in &citizens {
        app.say(citizen, &long).await;
    }
    let mut kept = 0;
    for citizen in &citizens {
        let id = ConversationId::new("web", citizen).unwrap();
        kept += usize::from(store.get(&id).await.unwrap().is_some());
    }
    assert!((18..=20).contains(&kept), "{kept} kept");
    let newest = ConversationId::new("web", &citizens[59]).unwrap();
    assert!(store.get(&newest).await.unwrap().is_some());
    let oldest = ConversationId::new("web", &citizens[0]).unwrap();
    assert!(store.get(&oldest).await.unwrap().is_none());
}

#[tokio::test]
async fn after_its_conversation_a_citizen_is_remembered_only_for_the_holder_of_its_session() {
    let (app, store) = spawn_app_with(|settings| settings.state.idle_ttl_secs = 1);
    let (owner, victim) = (user("remembered-owner"), user("remembered-victim"));
    for citizen in [&owner, &victim] {
        let noted = app.say(citizen, "السلام عليكم، انا ساكن في حي النزهة").await;
        assert_eq!(noted["action"], "answer", "{noted}");
    }
    // Both conversations expire after a second of silence; their citizens'
    // memories do not.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let back = app.say(&owner, "hello").await;
    assert!(back["session"].is_string(), "a new conversation");
    let stranger = app
        .post_json(&json!({"user_id": victim, "text": "hello"}))
        .await;
    assert_eq!(stranger.status(), 200, "a new conversation for anyone");
    assert!(!stranger.text().await.unwrap().contains("النزهة"));

    let area = |citizen: &str| {
        let id = ConversationId::new("web", citizen).unwrap();
        let store = store.clone();
        async move { store.get(&id).await.unwrap().unwrap().memory.area }
    };
    assert!(
        area(&owner).await.is_some(),
        "the owner's session proves them"
    );
    assert_eq!(
        area(&victim).await,
        None,
        "nothing of the citizen for a stranger"
    );
}
