//! Citizen-experience events: a conversation through the bot and an agent
//! produces exactly the expected events, read back from the app's own
//! store (a SQLite file, or a fresh PostgreSQL database); they survive a
//! restart; a store that is down neither fails nor slows a turn.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::Row;

use khidma::configuration::{DatabaseUrl, Settings};

use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::{TestApp, repo_path, settings, start};

/// A citizen whose web user id is a phone number: it must appear in no row.
const PHONE: &str = "966500000123";

/// One stored event, as a BI tool reads it.
#[derive(Debug, Clone)]
pub struct Stored {
    kind: String,
    pub conversation: Option<String>,
    channel: Option<String>,
    language: Option<String>,
    action: Option<String>,
    entry: Option<String>,
    category: Option<String>,
    confidence: Option<String>,
    reason: Option<String>,
    priority: Option<String>,
    team: Option<String>,
    agent: Option<String>,
    wait_ms: Option<i64>,
    outcome: Option<String>,
    rating: Option<i64>,
    pub text: Option<String>,
}

const SELECT: &str = "SELECT kind, conversation, channel, language, action, entry, category, \
    confidence, reason, priority, team, agent, wait_ms, outcome, rating, text \
    FROM cx_events ORDER BY at_ms, id";

fn stored(row: &sqlx::any::AnyRow) -> Stored {
    Stored {
        kind: row.get("kind"),
        conversation: row.get("conversation"),
        channel: row.get("channel"),
        language: row.get("language"),
        action: row.get("action"),
        entry: row.get("entry"),
        category: row.get("category"),
        confidence: row.get("confidence"),
        reason: row.get("reason"),
        priority: row.get("priority"),
        team: row.get("team"),
        agent: row.get("agent"),
        wait_ms: row.get("wait_ms"),
        outcome: row.get("outcome"),
        rating: row.get("rating"),
        text: row.get("text"),
    }
}

/// The events in the store of `settings`, once there are `count` of them
/// (they are written in the background).
pub async fn events(settings: &Settings, count: usize) -> Vec<Stored> {
    sqlx::any::install_default_drivers();
    let url = match &settings.cx.database_url {
        Some(url) => url.expose().to_owned(),
        None => format!("sqlite://{}", settings.cx.sqlite_path.display()),
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(pool) = sqlx::AnyPool::connect(&url).await
            && let Ok(rows) = sqlx::query(SELECT).fetch_all(&pool).await
        {
            pool.close().await;
            if rows.len() >= count || Instant::now() > deadline {
                return rows.iter().map(stored).collect();
            }
        }
        assert!(
            Instant::now() < deadline,
            "the event store was never readable"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn with_agents_on(mut settings: Settings) -> Settings {
    with_agents(&mut settings);
    settings
}

/// Answer, fallback, a request for a person, claim, reply, resolve, rating.
async fn converse(app: &TestApp) -> Duration {
    let citizen = PHONE;
    let id = format!("web:{citizen}");
    let omar = AgentClient {
        app,
        token: "tok-omar",
    };
    let answered = app
        .say_with(
            json!({"user_id": citizen, "text": "how do I renew my passport", "language": "en"}),
        )
        .await;
    assert_eq!(answered["action"], "answer", "{answered}");
    let fell_back = app
        .say(citizen, "what is the capital of France 0501234567")
        .await;
    assert_eq!(fell_back["action"], "fallback", "{fell_back}");
    let asked = app.say(citizen, "I want to speak to a human please").await;
    assert_eq!(asked["action"], "escalate", "{asked}");
    tokio::time::sleep(Duration::from_millis(30)).await;
    let claim = omar.post(&format!("conversations/{id}/claim"), None).await;
    assert_eq!(claim.status(), 200);
    tokio::time::sleep(Duration::from_millis(30)).await;
    for text in ["Hello, this is Omar.", "Let me check."] {
        let sent = omar
            .post(
                &format!("conversations/{id}/messages"),
                Some(json!({ "text": text })),
            )
            .await;
        assert_eq!(sent.status(), 200);
    }
    let resolve = omar
        .post(&format!("conversations/{id}/resolve"), None)
        .await;
    assert_eq!(resolve.status(), 200);
    let started = Instant::now();
    let rated = app
        .say_with(json!({"user_id": citizen, "text": "5 ★", "button": "rate:5"}))
        .await;
    assert_eq!(rated["action"], "answer", "{rated}");
    started.elapsed()
}

/// The events of [`converse`], field by field.
fn check(events: &[Stored]) {
    let kinds: Vec<&str> = events.iter().map(|event| event.kind.as_str()).collect();
    let mut sorted = kinds.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "claimed",
            "escalated",
            "first_reply",
            "rated",
            "resolved",
            "turn",
            "turn",
            "turn",
            "turn"
        ],
        "{kinds:?}"
    );
    let conversation = events[0].conversation.clone().unwrap();
    assert_eq!(conversation.len(), 32);
    for event in events {
        assert_eq!(
            event.conversation.as_ref(),
            Some(&conversation),
            "one pseudonym"
        );
        assert_eq!(event.channel.as_deref(), Some("web"));
        let row = format!("{event:?}");
        assert!(!row.contains(PHONE) && !row.contains("0501234567"), "{row}");
    }
    let turns: Vec<&Stored> = events.iter().filter(|event| event.kind == "turn").collect();
    let answer = turns[0];
    assert_eq!(answer.action.as_deref(), Some("answer"));
    assert_eq!(answer.language.as_deref(), Some("en"));
    assert_eq!(answer.entry.as_deref(), Some("passport-renewal"));
    assert!(answer.category.is_some());
    assert!(answer.team.is_some(), "the team its category routes to");
    assert!(
        matches!(answer.confidence.as_deref(), Some("high" | "medium")),
        "{answer:?}"
    );
    assert_eq!(answer.text, None, "an answered question is not kept");
    let fallback = turns[1];
    assert_eq!(fallback.action.as_deref(), Some("fallback"));
    assert_eq!(fallback.confidence, None);
    let text = fallback.text.as_deref().unwrap();
    assert!(
        text.contains("capital of France") && text.contains('#'),
        "{text}"
    );
    let escalate = turns[2];
    assert_eq!(escalate.action.as_deref(), Some("escalate"));
    assert_eq!(escalate.team.as_deref(), Some("general"));
    let rating_turn = turns[3];
    assert_eq!(rating_turn.confidence, None);

    let one = |kind: &str| events.iter().find(|event| event.kind == kind).unwrap();
    let escalated = one("escalated");
    assert_eq!(escalated.team.as_deref(), Some("general"));
    assert_eq!(escalated.priority.as_deref(), Some("normal"));
    assert!(escalated.reason.is_some());
    let claimed = one("claimed");
    assert_eq!(claimed.agent.as_deref(), Some("omar"));
    assert_eq!(claimed.team.as_deref(), Some("general"));
    let first_reply = one("first_reply");
    let resolved = one("resolved");
    assert_eq!(resolved.outcome.as_deref(), Some("solved"));
    let (claim, reply, resolve) = (
        claimed.wait_ms.unwrap(),
        first_reply.wait_ms.unwrap(),
        resolved.wait_ms.unwrap(),
    );
    assert!(claim >= 30, "{claim}");
    assert!(
        claim + 30 <= reply && reply <= resolve,
        "{claim} {reply} {resolve}"
    );
    assert!(resolve < 10_000, "{resolve}");
    let rated = one("rated");
    assert_eq!(rated.rating, Some(5));
    assert_eq!(rated.agent.as_deref(), Some("omar"));
    assert_eq!(rated.team.as_deref(), Some("general"));
    for kind in ["escalated", "claimed", "first_reply", "resolved", "rated"] {
        assert_eq!(one(kind).text, None, "{kind}");
    }
}

#[tokio::test]
async fn a_conversation_with_an_agent_is_recorded_as_events_that_survive_a_restart() {
    let settings = with_agents_on(settings(&repo_path("knowledge_base"), false));
    let app = start(settings.clone(), None);
    converse(&app).await;
    let recorded = events(&settings, 9).await;
    check(&recorded);

    let again = start(settings.clone(), None);
    again.say("someone-else", "hello").await;
    let after = events(&settings, 10).await;
    assert_eq!(after.len(), 10, "the first app's events are still there");
}

#[tokio::test]
async fn postgres_records_the_same_events() {
    let mut settings = with_agents_on(settings(&repo_path("knowledge_base"), false));
    settings.cx.database_url = Some(fresh_postgres().await);
    let app = start(settings.clone(), None);
    converse(&app).await;
    check(&events(&settings, 9).await);
}

#[tokio::test]
async fn a_store_that_is_down_neither_fails_nor_slows_turns_and_is_counted() {
    let mut settings = with_agents_on(settings(&repo_path("knowledge_base"), false));
    settings.cx.database_url =
        Some(DatabaseUrl::parse("postgres://postgres@127.0.0.1:1/closed".to_owned()).unwrap());
    settings.cx.buffer = std::num::NonZeroUsize::new(4).unwrap();
    let app = start(settings, None);
    let took = converse(&app).await;
    assert!(took < Duration::from_secs(1), "{took:?}");

    let value = |metrics: &str, name: &str| -> f64 {
        metrics
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name} ")))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} in {metrics}"))
    };
    // Connecting gives up after a few seconds; then the outage is counted.
    let deadline = Instant::now() + Duration::from_secs(15);
    let metrics = loop {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        if value(&metrics, "khidma_cx_write_failures_total") >= 1.0 {
            break metrics;
        }
        assert!(Instant::now() < deadline, "{metrics}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let value = |name: &str| value(&metrics, name);
    let ready: Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["status"], "degraded", "{ready}");
    assert_eq!(ready["cx"], "unavailable", "{ready}");

    // Nine events into a buffer of four: the rest were dropped and counted.
    assert!(value("khidma_cx_events_dropped_total") >= 5.0, "{metrics}");
    assert_eq!(value("khidma_cx_events_written_total"), 0.0);
}

/// A new database on the test PostgreSQL server (`KHIDMA_TEST_POSTGRES`).
async fn fresh_postgres() -> DatabaseUrl {
    let server = std::env::var("KHIDMA_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
    let name = format!(
        "khidma_test_{}",
        crate::helpers::user("cx").replace('-', "_")
    );
    let admin = sqlx::PgPool::connect(&format!("{server}/postgres"))
        .await
        .expect("the test PostgreSQL server (see scripts/test)");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    DatabaseUrl::parse(format!("{server}/{name}")).unwrap()
}
