//! Figures of the citizen experience for supervisors, editors and the
//! public, made from the events of a range of days (`cx::EventStore`):
//! counts, rates, nearest-rank percentiles, ratings and the satisfaction
//! read from how citizens wrote. Plain typed structs, serialised as the
//! reports API and the public feed return them.

mod breakdown;
pub mod csv;
mod figures;
pub mod observatory;
mod public;
mod series;
mod unanswered;

#[cfg(test)]
mod script;

use std::sync::Arc;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;
use tokio::sync::OnceCell;
use utoipa::ToSchema;

pub use breakdown::{
    AlertList, AlertRow, CategoryTopic, District, Districts, Team, Teams, Topic, Topics, alerts,
    districts, teams, topics,
};
pub use figures::{CsatFigures, Escalations, Filters, Satisfaction, Summary, WaitFigures, summary};
pub use public::{PUBLIC_DAYS, PublicCx, PublicPeriod, public_cx};
pub use series::{Bucket, By, Hour, Hours, Metric, Point, Series, Timeseries, hours, timeseries};
pub use unanswered::{ClosestEntry, Group, Unanswered, render as render_unanswered, unanswered};

use crate::configuration::CxSettings;
use crate::cx::{CxError, EventRow, EventStore, Recorder, RowFilter};

/// The longest range a report covers: a year, leap day included.
pub const MAX_DAYS: i64 = 366;

/// A range of local days, both ends included, `from <= to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

/// Why a period was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("`from` and `to` are dates written YYYY-MM-DD")]
    NotADate,
    #[error("`from` comes after `to`")]
    Reversed,
    #[error("a report covers at most 366 days")]
    TooLong,
}

impl Period {
    /// `from` and `to` as sent, each defaulting to the last 7 days that
    /// end `today`.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: Date) -> Result<Self, PeriodError> {
        let date = |raw: &str| -> Result<Date, PeriodError> {
            // jiff reads other forms too; a report's dates are exactly this one.
            let well_formed = raw.len() == 10
                && raw.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            well_formed
                .then(|| raw.parse::<Date>().ok())
                .flatten()
                .ok_or(PeriodError::NotADate)
        };
        let to = to.map(date).transpose()?.unwrap_or(today);
        let from = match from {
            Some(raw) => date(raw)?,
            None => to.saturating_sub(jiff::Span::new().days(6)),
        };
        if from > to {
            return Err(PeriodError::Reversed);
        }
        let period = Self { from, to };
        if period.days() > MAX_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(period)
    }

    /// The `days` days that end `today`.
    pub fn last_days(today: Date, days: i64) -> Self {
        Self {
            from: today.saturating_sub(jiff::Span::new().days(days - 1)),
            to: today,
        }
    }

    pub fn days(&self) -> i64 {
        i64::from((self.to - self.from).get_days()) + 1
    }

    /// The same number of days just before this period (for trends).
    pub fn previous(&self) -> Self {
        let to = self.from.saturating_sub(jiff::Span::new().days(1));
        Self {
            from: to.saturating_sub(jiff::Span::new().days(self.days() - 1)),
            to,
        }
    }

    /// Every day of the period, in order.
    pub fn each_day(&self) -> impl Iterator<Item = Date> + '_ {
        self.from
            .series(jiff::Span::new().days(1))
            .take_while(|day| *day <= self.to)
    }
}

/// What the reports read: the event store, opened on first use (a server
/// whose store is down still starts, and its reports answer 503 until the
/// store is back), and the agency's time zone, whose days reports count.
#[derive(Clone)]
pub struct ReportSource {
    settings: Arc<CxSettings>,
    time_zone: TimeZone,
    store: Arc<OnceCell<EventStore>>,
    /// A server's reports read the store its recorder opened (one pool, and
    /// one run of the migrations, per process); a command opens its own.
    recorder: Option<Recorder>,
}

impl ReportSource {
    pub fn new(settings: CxSettings, time_zone: TimeZone) -> Self {
        Self {
            settings: Arc::new(settings),
            time_zone,
            store: Arc::new(OnceCell::new()),
            recorder: None,
        }
    }

    /// Over the store the server's recorder opens (and reopens).
    pub fn recorded(settings: CxSettings, time_zone: TimeZone, recorder: Recorder) -> Self {
        Self {
            recorder: Some(recorder),
            ..Self::new(settings, time_zone)
        }
    }

    pub fn settings(&self) -> &CxSettings {
        &self.settings
    }

    /// The agency's today.
    pub fn today(&self) -> Date {
        jiff::Timestamp::now()
            .to_zoned(self.time_zone.clone())
            .date()
    }

    pub async fn store(&self) -> Result<EventStore, CxError> {
        if let Some(recorder) = &self.recorder {
            // A server that has just started may still be opening it.
            return recorder
                .ready(std::time::Duration::from_secs(3))
                .await
                .ok_or(CxError::NotOpen);
        }
        self.store
            .get_or_try_init(|| EventStore::open(&self.settings, self.time_zone.clone()))
            .await
            .cloned()
    }

    /// The events of `period` that pass `filter`.
    pub async fn events(
        &self,
        period: Period,
        filter: &RowFilter,
    ) -> Result<Vec<EventRow>, CxError> {
        self.store()
            .await?
            .events_between(&period.from.to_string(), &period.to.to_string(), filter)
            .await
    }
}

/// A time as the reports write it: UTC, to the second, `Z`.
pub(crate) fn utc(at_ms: i64) -> String {
    jiff::Timestamp::from_millisecond(at_ms)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Nearest-rank percentile `p` (0..=100) of `values`; `None` when empty.
pub(crate) fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

/// A figure that is a count or a ratio: counts stay integers in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Value {
    Count(i64),
    Ratio(f64),
}

#[cfg(test)]
mod tests;
