//! The alerts' SQL: counts per topic or district over windows, ratings'
//! averages, and the one insert that decides which instance raises an
//! alert.

use sqlx::Row;

use super::{CxError, EventStore};
use crate::cx::event::CxEvent;

/// What a surge is counted over: topics by entry or category (citizens'
/// messages), districts by urgent cases. The column names are fixed here,
/// never taken from input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SurgeDimension {
    Entry,
    Category,
    District,
}

impl SurgeDimension {
    pub const ALL: [SurgeDimension; 3] = [Self::Entry, Self::Category, Self::District];

    /// The column, and the events counted.
    fn sql(self) -> (&'static str, &'static str) {
        match self {
            Self::Entry => ("entry", "kind = 'turn'"),
            Self::Category => ("category", "kind = 'turn'"),
            Self::District => ("district", "kind = 'escalated' AND priority = 'urgent'"),
        }
    }

    /// The prefix of the alert's key: `entry:water-bill`.
    pub fn name(self) -> &'static str {
        self.sql().0
    }
}

/// Ratings over a window: how many, their mean and their mean square.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RatingStats {
    pub count: u64,
    pub mean: f64,
    pub mean_square: f64,
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

impl EventStore {
    /// When the oldest event happened, if any: how much history the usual
    /// levels can rest on.
    pub async fn first_event_ms(&self) -> Result<Option<i64>, CxError> {
        let row = sqlx::query("SELECT MIN(at_ms) AS first FROM cx_events")
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get::<Option<i64>, _>("first")?)
    }

    /// Events per key in `(from_ms, to_ms]`.
    pub async fn counts(
        &self,
        dimension: SurgeDimension,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<(String, u64)>, CxError> {
        let (column, events) = dimension.sql();
        let sql = format!(
            "SELECT {column} AS k, CAST(COUNT(*) AS BIGINT) AS n FROM cx_events \
             WHERE {events} AND {column} IS NOT NULL AND at_ms > $1 AND at_ms <= $2 \
             GROUP BY {column}"
        );
        self.keyed_counts(sqlx::query(&sql).bind(from_ms).bind(to_ms))
            .await
    }

    /// Events per key in the same hour of each of the `days` days before
    /// `now_ms`: the hours `(now - d days - 1 h, now - d days]`, d = 1..days.
    pub async fn same_hour_counts(
        &self,
        dimension: SurgeDimension,
        now_ms: i64,
        days: u32,
    ) -> Result<Vec<(String, u64)>, CxError> {
        let (column, events) = dimension.sql();
        // The age of an event, (now - at_ms), falls in [d days, d days + 1 h).
        let sql = format!(
            "SELECT {column} AS k, CAST(COUNT(*) AS BIGINT) AS n FROM cx_events \
             WHERE {events} AND {column} IS NOT NULL AND at_ms > $1 AND at_ms <= $2 \
             AND ($3 - at_ms) % $4 < $5 GROUP BY {column}"
        );
        let query = sqlx::query(&sql)
            .bind(now_ms - i64::from(days) * DAY_MS - HOUR_MS)
            .bind(now_ms - DAY_MS)
            .bind(now_ms)
            .bind(DAY_MS)
            .bind(HOUR_MS);
        self.keyed_counts(query).await
    }

    async fn keyed_counts<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<Vec<(String, u64)>, CxError> {
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| {
                let count: i64 = row.try_get("n")?;
                Ok((row.try_get("k")?, count.max(0) as u64))
            })
            .collect()
    }

    /// The ratings given in `(from_ms, to_ms]`.
    pub async fn rating_stats(&self, from_ms: i64, to_ms: i64) -> Result<RatingStats, CxError> {
        let row = sqlx::query(
            "SELECT CAST(COUNT(rating) AS BIGINT) AS n, \
             CAST(AVG(CAST(rating AS DOUBLE PRECISION)) AS DOUBLE PRECISION) AS mean, \
             CAST(AVG(CAST(rating * rating AS DOUBLE PRECISION)) AS DOUBLE PRECISION) AS square \
             FROM cx_events WHERE kind = 'rated' AND at_ms > $1 AND at_ms <= $2",
        )
        .bind(from_ms)
        .bind(to_ms)
        .fetch_one(self.pool())
        .await?;
        let count: i64 = row.try_get("n")?;
        Ok(RatingStats {
            count: count.max(0) as u64,
            mean: row.try_get::<Option<f64>, _>("mean")?.unwrap_or(0.0),
            mean_square: row.try_get::<Option<f64>, _>("square")?.unwrap_or(0.0),
        })
    }

    /// Writes an alert under an id its rule, key and window decide: of
    /// several instances raising the same alert, only the one whose insert
    /// wrote the row gets `true`, and publishes it.
    pub async fn insert_alert(&self, id: &str, alert: &CxEvent) -> Result<bool, CxError> {
        let (day, hour) = self.local_day_and_hour(alert.at_ms);
        let done = sqlx::query(
            "INSERT INTO cx_events (id, at_ms, day, hour, kind, detail) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(alert.at_ms)
        .bind(day)
        .bind(hour)
        .bind(alert.kind.name())
        .bind(alert.detail.as_ref().map(|detail| detail.to_string()))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
