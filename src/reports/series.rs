//! A figure over time, by day or by hour, overall or split by channel,
//! team, language or escalation reason; and the volume by hour of day.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::figures::{
    conversations, csat, escalations, first_reply, inferred_satisfaction, of_kind,
    self_service_rate,
};
use super::{Period, Value};
use crate::cx::EventRow;

macro_rules! named {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$variant,)*];

            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }

        }
    };
}

named!(
    /// What a time series shows.
    Metric {
        Messages => "messages",
        Conversations => "conversations",
        Answered => "answered",
        Fallbacks => "fallbacks",
        Escalations => "escalations",
        Urgent => "urgent",
        SelfServiceRate => "self_service_rate",
        FirstReplySeconds => "first_reply_seconds",
        Csat => "csat",
        InferredSatisfaction => "inferred_satisfaction",
    }
);

named!(
    Bucket {
        Day => "day",
        Hour => "hour",
    }
);

named!(
    /// What a time series is split by.
    By {
        Channel => "channel",
        Team => "team",
        Language => "language",
        Reason => "reason",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Timeseries {
    pub metric: String,
    pub bucket: String,
    pub by: Option<String>,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Series {
    /// `all`, or the channel, team, language or reason.
    pub key: String,
    pub points: Vec<Point>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Point {
    /// The day (`2026-12-01`) or hour (`2026-12-01T13`).
    pub t: String,
    /// A count, a ratio, seconds (the median) or an average rating; null
    /// when there is nothing to measure.
    pub value: Option<Value>,
}

/// The key of an event under a split; events without one are `none`.
fn key_of(row: &EventRow, by: Option<By>) -> String {
    let value = match by {
        None => return "all".to_owned(),
        Some(By::Channel) => &row.channel,
        Some(By::Team) => &row.team,
        Some(By::Language) => &row.language,
        Some(By::Reason) => &row.reason,
    };
    value.clone().unwrap_or_else(|| "none".to_owned())
}

fn bucket_of(row: &EventRow, bucket: Bucket) -> String {
    match bucket {
        Bucket::Day => row.day.clone(),
        Bucket::Hour => format!("{}T{:02}", row.day, row.hour),
    }
}

/// The metric over a set of events.
pub(crate) fn measure(metric: Metric, rows: &[&EventRow]) -> Option<Value> {
    let count = |kind: &str, action: Option<&str>| {
        of_kind(rows, kind)
            .iter()
            .filter(|row| action.is_none() || row.action.as_deref() == action)
            .count() as i64
    };
    match metric {
        Metric::Messages => Some(Value::Count(count("turn", None))),
        Metric::Conversations => Some(Value::Count(conversations(rows))),
        Metric::Answered => Some(Value::Count(count("turn", Some("answer")))),
        Metric::Fallbacks => Some(Value::Count(count("turn", Some("fallback")))),
        Metric::Escalations => Some(Value::Count(escalations(rows).total)),
        Metric::Urgent => Some(Value::Count(escalations(rows).urgent)),
        Metric::SelfServiceRate => self_service_rate(rows).map(Value::Ratio),
        Metric::FirstReplySeconds => first_reply(rows).p50.map(Value::Ratio),
        Metric::Csat => csat(rows).average.map(Value::Ratio),
        Metric::InferredSatisfaction => inferred_satisfaction(rows).average.map(Value::Ratio),
    }
}

pub fn timeseries(
    period: Period,
    metric: Metric,
    bucket: Bucket,
    by: Option<By>,
    rows: &[EventRow],
) -> Timeseries {
    let buckets: Vec<String> = period
        .each_day()
        .flat_map(|day| match bucket {
            Bucket::Day => vec![day.to_string()],
            Bucket::Hour => (0..24).map(|hour| format!("{day}T{hour:02}")).collect(),
        })
        .collect();
    let mut grouped: BTreeMap<String, BTreeMap<String, Vec<&EventRow>>> = BTreeMap::new();
    let mut keys = BTreeSet::new();
    for row in rows.iter().filter(|row| row.kind != "alert") {
        let key = key_of(row, by);
        keys.insert(key.clone());
        grouped
            .entry(key)
            .or_default()
            .entry(bucket_of(row, bucket))
            .or_default()
            .push(row);
    }
    if by.is_none() {
        keys.insert("all".to_owned());
    }
    let series = keys
        .into_iter()
        .map(|key| {
            let in_key = grouped.get(&key);
            let points = buckets
                .iter()
                .map(|t| {
                    let rows = in_key.and_then(|buckets| buckets.get(t));
                    Point {
                        t: t.clone(),
                        value: measure(metric, rows.map(Vec::as_slice).unwrap_or(&[])),
                    }
                })
                .collect();
            Series { key, points }
        })
        .collect();
    Timeseries {
        metric: metric.name().to_owned(),
        bucket: bucket.name().to_owned(),
        by: by.map(|by| by.name().to_owned()),
        series,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Hours {
    /// All 24 hours of the day, in order.
    pub hours: Vec<Hour>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Hour {
    pub hour: i64,
    pub messages: i64,
}

/// Citizens' messages by local hour of day over the period.
pub fn hours(rows: &[EventRow]) -> Hours {
    let mut counts = [0i64; 24];
    for row in rows.iter().filter(|row| row.kind == "turn") {
        if let Some(count) = usize::try_from(row.hour)
            .ok()
            .and_then(|hour| counts.get_mut(hour))
        {
            *count += 1;
        }
    }
    Hours {
        hours: (0..24)
            .map(|hour| Hour {
                hour: hour as i64,
                messages: counts[hour],
            })
            .collect(),
    }
}
