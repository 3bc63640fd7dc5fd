//! `[cx]`: where the citizen-experience events are kept (`cx`), for how
//! long, and what the public figures call the agency. The store's URL,
//! which may hold a password, comes from `DATABASE_URL` only.

use std::num::{NonZeroU32, NonZeroUsize};
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use super::AlertSettings;

pub(super) const DEFAULTS: &str = r#"
[cx]
enabled = true
sqlite_path = "data/khidma-cx.sqlite3"
text_retention_days = 90
event_retention_days = 730
buffer = 10000
batch = 500
flush_ms = 1000
agency_name_ar = "الجهة الحكومية"
agency_name_en = "Government agency"
observatory = []
"#;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CxSettings {
    /// Whether turns and handoff steps are recorded at all.
    pub enabled: bool,
    /// The SQLite file events go to when `DATABASE_URL` is not set; its
    /// folder is created on start.
    pub sqlite_path: PathBuf,
    /// The masked text of questions the bot could not answer, and rating
    /// comments, are blanked this long after they were written (90 days).
    pub text_retention_days: NonZeroU32,
    /// Events are deleted this long after they happened (two years: a
    /// year-on-year comparison needs the year before).
    pub event_retention_days: NonZeroU32,
    /// Events held in memory while the store is slow or down; beyond that,
    /// new ones are dropped and counted rather than slowing citizens.
    pub buffer: NonZeroUsize,
    /// Events written per insert.
    pub batch: NonZeroUsize,
    /// The longest an event waits in memory before it is written.
    pub flush_ms: u64,
    /// The agency's name on the public figures and page.
    pub agency_name_ar: String,
    pub agency_name_en: String,
    /// Other agencies' public feeds, compared on `/observatory`.
    #[serde(default)]
    pub observatory: Vec<ObservatoryFeed>,
    /// `[cx.alerts]`: surges, CSAT drops and unclaimed urgent cases.
    pub alerts: AlertSettings,
    /// `DATABASE_URL`, from the environment only: several instances then
    /// share one PostgreSQL (or another SQLite file).
    #[serde(skip)]
    pub database_url: Option<DatabaseUrl>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ObservatoryFeed {
    pub name: String,
    /// Another khidma's `GET /api/v1/public/cx`.
    pub url: String,
}

impl CxSettings {
    pub fn text_retention(&self) -> Duration {
        days(self.text_retention_days)
    }

    pub fn event_retention(&self) -> Duration {
        days(self.event_retention_days)
    }

    pub fn flush_interval(&self) -> Duration {
        Duration::from_millis(self.flush_ms.max(1))
    }
}

fn days(count: NonZeroU32) -> Duration {
    Duration::from_secs(u64::from(count.get()) * 24 * 3600)
}

/// A database URL; it may carry a password, so `Debug` hides it.
#[derive(Clone, PartialEq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn parse(raw: String) -> Result<Self, String> {
        const SCHEMES: &[&str] = &["postgres://", "postgresql://", "sqlite:"];
        if SCHEMES.iter().any(|scheme| raw.starts_with(scheme)) {
            Ok(Self(raw))
        } else {
            // Not the URL itself: it may hold a password.
            Err(format!(
                "DATABASE_URL must start with one of {}",
                SCHEMES.join(", ")
            ))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseUrl(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use crate::configuration::Settings;
    use crate::configuration::tests::env;

    #[test]
    fn events_go_to_a_local_sqlite_file_unless_database_url_is_set() {
        let defaults = Settings::load(None, &env(&[])).unwrap().cx;
        assert!(defaults.enabled);
        assert_eq!(defaults.database_url, None);
        assert_eq!(defaults.text_retention().as_secs(), 90 * 24 * 3600);

        let shared = Settings::load(
            None,
            &env(&[("DATABASE_URL", "postgres://cx:hunter2@db.internal/cx")]),
        )
        .unwrap();
        let url = shared.cx.database_url.as_ref().unwrap();
        assert_eq!(url.expose(), "postgres://cx:hunter2@db.internal/cx");
        assert!(!format!("{shared:?}").contains("hunter2"));

        let err =
            Settings::load(None, &env(&[("DATABASE_URL", "mysql://u:hunter2@x/db")])).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
