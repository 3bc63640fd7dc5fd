//! Conversations that remember, through the HTTP app: the district said
//! before an outage goes with the case, the bot is silent once an agent
//! claims a case, a returning citizen is welcomed back with their last case
//! (which agents see too), and "forget me" forgets; and the Redis store
//! keeps the memory past the conversation.

use std::time::Duration;

use serde_json::Value;

use khidma::conversation::ConversationId;
use khidma::i18n::Lang;
use khidma::state::{ConversationStore, RedisOptions};

use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::{spawn_app_with, user};
use crate::redis_helpers::Namespace;

fn web(label: &str) -> ConversationId {
    ConversationId::new("web", &user(label)).unwrap()
}

fn first_text(reply: &Value) -> &str {
    reply["messages"][0]["text"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_district_said_before_the_outage_goes_with_the_case() {
    let (app, _) = spawn_app_with(with_agents);
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    let citizen = user("district-first");
    let noted = app
        .say(&citizen, "السلام عليكم، انا ساكن في حي النزهة")
        .await;
    assert_eq!(noted["action"], "answer");
    assert_eq!(noted["entry_id"], Value::Null);
    assert!(first_text(&noted).contains("النزهة"), "{noted}");

    let outage = app.say(&citizen, "والماي مقطوع عندنا من الصبح").await;
    assert_eq!(outage["action"], "escalate");
    assert_eq!(outage["entry_id"], "water-outage");
    let queued = sara
        .queue()
        .await
        .into_iter()
        .find(|item| item["conversation_id"] == format!("web:{citizen}").as_str())
        .expect("the case is queued");
    assert_eq!(queued["area"]["id"], "al-nuzha");
}

#[tokio::test]
async fn a_returning_citizen_is_welcomed_back_with_their_last_case_until_forgotten() {
    let (app, _) = spawn_app_with(|settings| {
        with_agents(settings);
        settings.state.idle_ttl_secs = 1;
    });
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    let citizen = user("returning");
    let id = format!("web:{citizen}");
    let outage = app.say(&citizen, "الماي مقطوع عندنا في حي النزهة").await;
    assert_eq!(outage["action"], "escalate");
    let waiting = app.say(&citizen, "متى يرجع الماي؟").await;
    assert_eq!(waiting["action"], "agent");
    assert!(
        !first_text(&waiting).is_empty(),
        "acknowledged while waiting"
    );
    assert_eq!(
        sara.post(&format!("conversations/{id}/claim"), None)
            .await
            .status(),
        200
    );
    let claimed = app.say(&citizen, "شكرا").await;
    assert_eq!(claimed["action"], "agent");
    assert_eq!(
        claimed["messages"].as_array().map(Vec::len),
        Some(0),
        "silent once a person has the conversation: {claimed}"
    );
    assert_eq!(
        sara.post(&format!("conversations/{id}/resolve"), None)
            .await
            .status(),
        200
    );

    // The conversation is forgotten after a second of silence; the citizen
    // is not.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let hello = app.say(&citizen, "السلام عليكم").await;
    assert_eq!(hello["language"], "ar");
    assert_eq!(hello["entry_id"], Value::Null);
    let text = first_text(&hello);
    assert!(text.contains("بعودتك") && text.contains("انقطاع"), "{text}");
    assert_eq!(
        hello["messages"][0]["buttons"][0]["id"], "entry:water-outage",
        "{hello}"
    );
    let view: Value = sara
        .get(&format!("conversations/{id}"))
        .await
        .json()
        .await
        .unwrap();
    let earlier = &view["earlier_cases"][0];
    assert_eq!(earlier["entry_id"], "water-outage", "{view}");
    assert_eq!(earlier["outcome"], "resolved");
    assert_eq!(earlier["agent"], "sara");
    assert_eq!(earlier["urgent"], true);

    let forgotten = app.say(&citizen, "امسح بياناتي لو سمحت").await;
    assert_eq!(forgotten["language"], "ar");
    assert_eq!(forgotten["action"], "answer");
    assert!(first_text(&forgotten).starts_with("تم"), "{forgotten}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let stranger = app.say(&citizen, "hello").await;
    assert_eq!(stranger["language"], "en", "the language was forgotten too");
    assert!(
        !first_text(&stranger).contains("Welcome back"),
        "{stranger}"
    );
}

#[tokio::test]
async fn a_citizen_is_remembered_after_the_conversation_expires_until_forgotten() {
    let namespace = Namespace::new();
    let store = namespace.store_with(RedisOptions {
        idle_ttl: Duration::from_millis(100),
        ..namespace.options()
    });
    let mut lease = store.acquire(&web("back")).await.unwrap();
    lease.conversation.memory.language = Some(Lang::En);
    store.commit(lease).await.unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;

    let lease = store.acquire(&web("back")).await.unwrap();
    assert!(!lease.existed, "the conversation expired");
    assert_eq!(lease.conversation.memory.language, Some(Lang::En));
    store.commit(lease).await.unwrap();
    let snapshot = store.get(&web("back")).await.unwrap().unwrap();
    assert_eq!(
        snapshot.memory.language,
        Some(Lang::En),
        "agents read it too"
    );

    let mut lease = store.acquire(&web("back")).await.unwrap();
    lease.conversation.memory = Default::default();
    store.commit(lease).await.unwrap();
    let lease = store.acquire(&web("back")).await.unwrap();
    assert!(
        lease.conversation.memory.is_empty(),
        "an empty memory is erased"
    );
    store.commit(lease).await.unwrap();

    let forgetful = namespace.store_with(RedisOptions {
        memory_retention: Duration::ZERO,
        ..namespace.options()
    });
    let mut lease = forgetful.acquire(&web("never")).await.unwrap();
    lease.conversation.memory.language = Some(Lang::Ar);
    forgetful.commit(lease).await.unwrap();
    let lease = forgetful.acquire(&web("never")).await.unwrap();
    assert!(lease.conversation.memory.is_empty());
}
