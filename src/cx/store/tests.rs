//! The store on both databases it supports: a SQLite file in a temporary
//! folder, and a fresh database on the PostgreSQL that `scripts/test`
//! makes sure runs (`KHIDMA_TEST_POSTGRES`, by default the local server).

use jiff::tz::TimeZone;
use sqlx::Row;

use super::{Backend, EventStore};
use crate::configuration::{CxSettings, DatabaseUrl, Settings};
use crate::conversation::{Action, ConversationId};
use crate::cx::{CxEvent, EventKind};

/// The server test databases are made on.
pub(crate) fn postgres_server() -> String {
    std::env::var("KHIDMA_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// Settings whose events go to a new, empty PostgreSQL database.
pub(crate) async fn fresh_postgres() -> CxSettings {
    let server = postgres_server();
    let name = format!(
        "khidma_test_{}",
        &crate::configuration::Secret::random().expose()[..12]
    );
    let admin = sqlx::PgPool::connect(&format!("{server}/postgres"))
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let mut settings = Settings::load(None, &Default::default()).unwrap().cx;
    settings.database_url = Some(DatabaseUrl::parse(format!("{server}/{name}")).unwrap());
    settings
}

fn sqlite_in(folder: &tempfile::TempDir) -> CxSettings {
    let mut settings = Settings::load(None, &Default::default()).unwrap().cx;
    settings.sqlite_path = folder.path().join("nested").join("cx.sqlite3");
    settings
}

fn riyadh() -> TimeZone {
    TimeZone::get("Asia/Riyadh").unwrap()
}

/// 2026-12-01 21:30 UTC, which is 2026-12-02 00:30 in Riyadh.
const LATE_EVENING_MS: i64 = 1_796_160_600_000;

async fn events_are_written_masked_with_local_days_and_pseudonyms(store: EventStore) {
    let id = ConversationId::new("whatsapp", "966500000001").unwrap();
    let mut fallback = CxEvent::new(EventKind::Turn, LATE_EVENING_MS, &id, "whatsapp");
    fallback.action = Some(Action::Fallback);
    fallback.text = Some("my id is 1023456789, what now?".to_owned());
    fallback.sentiment = Some(-0.6);
    let alert = CxEvent::alert(LATE_EVENING_MS, serde_json::json!({"rule": "surge"}));
    store.insert(&[fallback, alert]).await.unwrap();

    let rows = sqlx::query(
        "SELECT kind, day, hour, conversation, action, text, sentiment, detail FROM cx_events ORDER BY kind DESC",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    let turn = &rows[0];
    assert_eq!(turn.get::<String, _>("kind"), "turn");
    assert_eq!(turn.get::<String, _>("day"), "2026-12-02");
    assert_eq!(turn.get::<i64, _>("hour"), 0);
    let pseudonym = turn.get::<String, _>("conversation");
    assert_eq!(pseudonym, store.pseudonym(&id));
    assert_eq!(pseudonym.len(), 32);
    assert!(!pseudonym.contains("9665"));
    assert_eq!(turn.get::<String, _>("action"), "fallback");
    assert_eq!(turn.get::<String, _>("text"), "my id is #, what now?");
    assert_eq!(
        turn.get::<f64, _>("sentiment"),
        -0.6,
        "stored to three decimals, not as a widened f32"
    );
    let alert = &rows[1];
    assert_eq!(alert.get::<Option<String>, _>("conversation"), None);
    assert_eq!(alert.get::<String, _>("detail"), r#"{"rule":"surge"}"#);

    // Erasure unlinks the citizen and their text, but keeps the figures.
    assert_eq!(store.forget(&id).await.unwrap(), 1);
    let row = sqlx::query("SELECT conversation, text FROM cx_events WHERE kind = 'turn'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_ne!(row.get::<String, _>("conversation"), pseudonym);
    assert_eq!(row.get::<Option<String>, _>("text"), None);

    // Retention: texts first, then whole events.
    store
        .sweep(LATE_EVENING_MS + 1, LATE_EVENING_MS)
        .await
        .unwrap();
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM cx_events")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get("n");
    assert_eq!(count, 2);
    store
        .sweep(LATE_EVENING_MS + 1, LATE_EVENING_MS + 1)
        .await
        .unwrap();
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM cx_events")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get("n");
    assert_eq!(count, 0);
}

#[tokio::test]
async fn sqlite_keeps_events_in_a_file_it_creates() {
    let folder = tempfile::tempdir().unwrap();
    let settings = sqlite_in(&folder);
    let store = EventStore::open(&settings, riyadh()).await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    assert!(settings.sqlite_path.exists());
    events_are_written_masked_with_local_days_and_pseudonyms(store).await;
}

#[tokio::test]
async fn postgres_keeps_events_with_the_same_code_and_migrations() {
    let settings = fresh_postgres().await;
    let store = EventStore::open(&settings, riyadh()).await.unwrap();
    assert_eq!(store.backend(), Backend::Postgres);
    events_are_written_masked_with_local_days_and_pseudonyms(store).await;
}

#[tokio::test]
async fn a_restart_and_a_second_instance_name_conversations_alike() {
    let folder = tempfile::tempdir().unwrap();
    let settings = sqlite_in(&folder);
    let id = ConversationId::new("web", "abc").unwrap();
    let first = EventStore::open(&settings, riyadh()).await.unwrap();
    let second = EventStore::open(&settings, riyadh()).await.unwrap();
    assert_eq!(first.pseudonym(&id), second.pseudonym(&id));
    let elsewhere = EventStore::open(&sqlite_in(&tempfile::tempdir().unwrap()), riyadh())
        .await
        .unwrap();
    assert_ne!(first.pseudonym(&id), elsewhere.pseudonym(&id));
}
