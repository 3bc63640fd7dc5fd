//! The reports' reads: the events of a range of local days, with the
//! columns figures are made of. Figures themselves (percentiles, rates,
//! satisfaction) are computed in `crate::reports`, the same way whichever
//! database the rows came from.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{CxError, EventStore};

/// One event as the reports read it (the conversation is its pseudonym).
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub at_ms: i64,
    pub day: String,
    pub hour: i64,
    pub kind: String,
    pub conversation: Option<String>,
    pub channel: Option<String>,
    pub language: Option<String>,
    pub action: Option<String>,
    pub entry: Option<String>,
    pub category: Option<String>,
    pub confidence: Option<String>,
    pub reason: Option<String>,
    pub priority: Option<String>,
    pub team: Option<String>,
    pub district: Option<String>,
    pub incident: Option<String>,
    pub wait_ms: Option<i64>,
    pub rating: Option<i64>,
    pub sentiment: Option<f64>,
    pub text: Option<String>,
    pub detail: Option<String>,
}

/// Which events a report counts: all, or one team's, channel's, language's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFilter {
    pub team: Option<String>,
    pub channel: Option<String>,
    pub language: Option<String>,
}

const SELECT: &str = "SELECT at_ms, day, hour, kind, conversation, channel, language, action, \
    entry, category, confidence, reason, priority, team, district, incident, wait_ms, rating, \
    sentiment, text, detail FROM cx_events";

impl EventStore {
    /// The events of the local days `from..=to` (`YYYY-MM-DD`) that pass
    /// `filter`, oldest first. Alerts only when no filter is set: they
    /// belong to no team, channel or language.
    pub async fn events_between(
        &self,
        from: &str,
        to: &str,
        filter: &RowFilter,
    ) -> Result<Vec<EventRow>, CxError> {
        // A NULL parameter leaves its column free; both databases read
        // `$n IS NULL` for a text parameter alike.
        let sql = format!(
            "{SELECT} WHERE day >= $1 AND day <= $2 \
             AND (CAST($3 AS TEXT) IS NULL OR team = $3) \
             AND (CAST($4 AS TEXT) IS NULL OR channel = $4) \
             AND (CAST($5 AS TEXT) IS NULL OR language = $5) \
             ORDER BY at_ms, id"
        );
        let rows = sqlx::query(&sql)
            .bind(from)
            .bind(to)
            .bind(filter.team.clone())
            .bind(filter.channel.clone())
            .bind(filter.language.clone())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(event_row).collect()
    }
}

fn event_row(row: &AnyRow) -> Result<EventRow, CxError> {
    Ok(EventRow {
        at_ms: row.try_get("at_ms")?,
        day: row.try_get("day")?,
        hour: row.try_get("hour")?,
        kind: row.try_get("kind")?,
        conversation: row.try_get("conversation")?,
        channel: row.try_get("channel")?,
        language: row.try_get("language")?,
        action: row.try_get("action")?,
        entry: row.try_get("entry")?,
        category: row.try_get("category")?,
        confidence: row.try_get("confidence")?,
        reason: row.try_get("reason")?,
        priority: row.try_get("priority")?,
        team: row.try_get("team")?,
        district: row.try_get("district")?,
        incident: row.try_get("incident")?,
        wait_ms: row.try_get("wait_ms")?,
        rating: row.try_get("rating")?,
        sentiment: row.try_get("sentiment")?,
        text: row.try_get("text")?,
        detail: row.try_get("detail")?,
    })
}
