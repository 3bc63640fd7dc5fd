//! Where events are kept: SQLite in a local file by default, PostgreSQL
//! when `DATABASE_URL` names one (several instances then share it). The
//! same SQL and the same migrations (`migrations/`) serve both, through
//! sqlx's `Any` driver, so what is tested on one holds on the other: write
//! `$1, $2, ...` placeholders, which both read, and `CAST` aggregates to
//! `BIGINT` or `DOUBLE PRECISION` (PostgreSQL's `SUM` is `NUMERIC`, which
//! `Any` does not carry). Only this module and its children know sqlx.

use std::path::Path;

use hmac::{KeyInit, Mac};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};

use super::event::CxEvent;
use super::mask::mask;
use crate::configuration::{CxSettings, Secret};
use crate::conversation::ConversationId;

/// The store could not be reached or refused a statement.
#[derive(Debug, thiserror::Error)]
pub enum CxError {
    #[error("the event store failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the event store's tables could not be migrated: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The server's store has not opened yet, or is down at start-up.
    #[error("the event store is not open yet")]
    NotOpen,
    #[error("the event store's folder {path} could not be created: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
}

/// Columns of `cx_events` in insert order.
const COLUMNS: [&str; 24] = [
    "id",
    "at_ms",
    "day",
    "hour",
    "kind",
    "conversation",
    "channel",
    "language",
    "action",
    "entry",
    "category",
    "confidence",
    "reason",
    "priority",
    "team",
    "agent",
    "district",
    "incident",
    "wait_ms",
    "outcome",
    "rating",
    "sentiment",
    "text",
    "detail",
];

/// The event store; cheap to clone (a connection pool).
#[derive(Clone)]
pub struct EventStore {
    pool: AnyPool,
    /// The agency's time zone: events carry their local day and hour, so
    /// that reports group by them in either database.
    time_zone: TimeZone,
    /// The key of conversation pseudonyms, kept in the store itself so that
    /// every instance, and every restart, names a conversation alike.
    pseudonym_key: Secret,
    backend: Backend,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl EventStore {
    /// Connects and brings the tables up to date.
    pub async fn open(settings: &CxSettings, time_zone: TimeZone) -> Result<Self, CxError> {
        install_default_drivers();
        let url = match &settings.database_url {
            Some(url) => url.expose().to_owned(),
            None => sqlite_url(&settings.sqlite_path)?,
        };
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let pool = AnyPoolOptions::new()
            // SQLite writes one at a time anyway; readers are reports.
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            // A store that does not answer is an outage the recorder rides
            // out and retries; waiting sqlx's 30 s only delays saying so.
            .acquire_timeout(std::time::Duration::from_secs(3))
            .connect(&url)
            .await?;
        prepare(&pool, backend).await?;
        let pseudonym_key = load_key(&pool).await?;
        Ok(Self {
            pool,
            time_zone,
            pseudonym_key,
            backend,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Writes the events in one statement: all of them or none.
    pub async fn insert(&self, events: &[CxEvent]) -> Result<(), CxError> {
        // Each statement stays well under SQLite's 32,766 parameters.
        for chunk in events.chunks(1000) {
            let mut sql = format!("INSERT INTO cx_events ({}) VALUES ", COLUMNS.join(", "));
            for (row, _) in chunk.iter().enumerate() {
                if row > 0 {
                    sql.push_str(", ");
                }
                let first = row * COLUMNS.len() + 1;
                let placeholders: Vec<String> = (first..first + COLUMNS.len())
                    .map(|n| format!("${n}"))
                    .collect();
                sql.push('(');
                sql.push_str(&placeholders.join(", "));
                sql.push(')');
            }
            let mut query = sqlx::query(&sql);
            for event in chunk {
                let (day, hour) = self.local_day_and_hour(event.at_ms);
                query = query
                    .bind(random_id())
                    .bind(event.at_ms)
                    .bind(day)
                    .bind(hour)
                    .bind(event.kind.name())
                    .bind(event.conversation.as_ref().map(|id| self.pseudonym(id)))
                    .bind(event.channel.clone())
                    .bind(event.language.map(|lang| lang.code()))
                    .bind(event.action.map(|action| action.name()))
                    .bind(event.entry.clone())
                    .bind(event.category.clone())
                    .bind(event.confidence.map(|band| band.name()))
                    .bind(event.reason.map(|reason| reason.name()))
                    .bind(event.priority.map(|priority| priority.name()))
                    .bind(event.team.clone())
                    .bind(event.agent.clone())
                    .bind(event.district.clone())
                    .bind(event.incident.clone())
                    .bind(event.wait_ms)
                    .bind(event.outcome.clone())
                    .bind(event.rating.map(i64::from))
                    .bind(event.sentiment.map(thousandths))
                    .bind(event.text.as_deref().map(mask))
                    .bind(event.detail.as_ref().map(|detail| detail.to_string()));
            }
            query.execute(&self.pool).await?;
        }
        Ok(())
    }

    /// How a conversation is named in events: the first 128 bits of
    /// HMAC-SHA-256 of its id under the store's key, in hex.
    pub fn pseudonym(&self, id: &ConversationId) -> String {
        let mut mac =
            hmac::Hmac::<sha2::Sha256>::new_from_slice(self.pseudonym_key.expose().as_bytes())
                .expect("HMAC takes a key of any length");
        mac.update(id.as_str().as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// Erasure: the citizen's events stay in the figures, but no longer
    /// point to them (a fresh random name, the same for all their events,
    /// so a conversation still counts once) and lose any text. How many
    /// events that touched.
    pub async fn forget(&self, id: &ConversationId) -> Result<u64, CxError> {
        let done = sqlx::query(
            "UPDATE cx_events SET conversation = $1, text = NULL WHERE conversation = $2",
        )
        .bind(random_id())
        .bind(self.pseudonym(id))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Retention: blanks texts older than `text_before_ms` and deletes
    /// events older than `events_before_ms`.
    pub async fn sweep(&self, text_before_ms: i64, events_before_ms: i64) -> Result<(), CxError> {
        sqlx::query("UPDATE cx_events SET text = NULL WHERE text IS NOT NULL AND at_ms < $1")
            .bind(text_before_ms)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM cx_events WHERE at_ms < $1")
            .bind(events_before_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether the store answers, for `/readyz`.
    pub async fn ping(&self) -> Result<(), CxError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// The local day (`YYYY-MM-DD`) and hour of a time.
    pub fn local_day_and_hour(&self, at_ms: i64) -> (String, i64) {
        let at = Timestamp::from_millisecond(at_ms)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned(self.time_zone.clone());
        (at.date().to_string(), i64::from(at.hour()))
    }

    /// For the queries in this module's children.
    fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// A reading to three decimals: an `f32` widened as it is (0.6 becomes
/// 0.6000000238) would carry noise into every average a BI tool shows.
fn thousandths(value: f32) -> f64 {
    (f64::from(value) * 1000.0).round() / 1000.0
}

/// 128 random bits in hex: an event's id, or an erased citizen's new name.
fn random_id() -> String {
    Secret::random().expose()[..32].to_owned()
}

/// `sqlite://<path>?mode=rwc`, creating the file's folder.
fn sqlite_url(path: &Path) -> Result<String, CxError> {
    if let Some(folder) = path
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder).map_err(|source| CxError::Folder {
            path: folder.display().to_string(),
            source,
        })?;
    }
    Ok(format!("sqlite://{}?mode=rwc", path.display()))
}

/// Brings the tables up to date, in SQLite's write-ahead mode (readers,
/// such as reports, then never block the writer, nor it them).
/// PostgreSQL serialises instances that start together (sqlx takes an
/// advisory lock); SQLite has none, and its journal mode changes only while
/// no other connection writes, so an instance that starts beside another
/// on the same file ("database is locked", or a migration the other was
/// applying) tries again, and then finds the work done.
async fn prepare(pool: &AnyPool, backend: Backend) -> Result<(), CxError> {
    let migrator = sqlx::migrate!("./migrations");
    let mut attempts = 0;
    loop {
        let done = async {
            if backend == Backend::Sqlite {
                sqlx::query("PRAGMA journal_mode = WAL")
                    .execute(pool)
                    .await?;
            }
            migrator.run(pool).await.map_err(CxError::from)
        };
        match done.await {
            Ok(()) => return Ok(()),
            Err(err) if attempts < 40 => {
                attempts += 1;
                tracing::debug!(error = %err, "the event store is being prepared by another instance");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(err) => return Err(err),
        }
    }
}

/// The pseudonym key: drawn once, at the first start on a new store; every
/// instance sharing the store then reads the same. It is read before it is
/// written: a command-line report opening the store beside a busy service
/// then takes no write lock, so it cannot wait on the service's writes
/// ("database is locked" on SQLite).
async fn load_key(pool: &AnyPool) -> Result<Secret, CxError> {
    if let Some(key) = stored_key(pool).await? {
        return Ok(key);
    }
    sqlx::query("INSERT INTO cx_meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
        .bind("pseudonym_key")
        .bind(Secret::random().expose().to_owned())
        .execute(pool)
        .await?;
    // Another instance may have drawn its key first: the stored one counts.
    stored_key(pool)
        .await?
        .ok_or_else(|| CxError::from(sqlx::Error::RowNotFound))
}

async fn stored_key(pool: &AnyPool) -> Result<Option<Secret>, CxError> {
    let row = sqlx::query("SELECT value FROM cx_meta WHERE name = $1")
        .bind("pseudonym_key")
        .fetch_optional(pool)
        .await?;
    row.map(|row| Ok(Secret::new(row.try_get::<String, _>("value")?)))
        .transpose()
}

mod alerts;
mod reports;
pub use reports::{EventRow, RowFilter};

#[cfg(test)]
pub(crate) mod tests;

pub use alerts::{RatingStats, SurgeDimension};
