//! The public figures (`GET /api/v1/public/cx`, `docs/public-cx.md`): a
//! stable shape (version 1) that citizens' pages and other agencies'
//! observatories read. A figure that fewer than [`K_ANONYMITY`]
//! conversations make is null, so that no one can be singled out.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Period;
use super::figures::{csat, first_reply, inferred_satisfaction, of_kind, self_service_rate};
use crate::cx::EventRow;

/// The fewest conversations a public figure is made of.
pub const K_ANONYMITY: i64 = 5;
/// The public figures cover the last 30 days.
pub const PUBLIC_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicCx {
    /// 1; a change that breaks readers gets a new version.
    pub version: u32,
    pub agency: Agency,
    pub period: PublicPeriod,
    pub conversations: Option<i64>,
    pub self_service_rate: Option<f64>,
    pub first_reply_seconds: Percentiles,
    pub urgent_first_reply_seconds: Percentiles,
    pub csat: PublicAverage,
    pub inferred_satisfaction: PublicAverage,
    pub resolved: Option<i64>,
    /// Conversations by language and by channel.
    pub languages: BTreeMap<String, Option<i64>>,
    pub channels: BTreeMap<String, Option<i64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub ar: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicPeriod {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Percentiles {
    pub p50: Option<f64>,
    pub p90: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicAverage {
    pub count: Option<i64>,
    pub average: Option<f64>,
}

/// How many conversations a set of events touches.
fn touched(rows: &[&EventRow]) -> i64 {
    rows.iter()
        .filter_map(|row| row.conversation.as_deref())
        .collect::<BTreeSet<_>>()
        .len() as i64
}

fn shown<T>(conversations: i64, figure: Option<T>) -> Option<T> {
    figure.filter(|_| conversations >= K_ANONYMITY)
}

/// The public figures of `period` for the agency named `ar` / `en`.
pub fn public_cx(period: Period, ar: &str, en: &str, rows: &[EventRow]) -> PublicCx {
    let rows: Vec<&EventRow> = rows.iter().collect();
    let turns = of_kind(&rows, "turn");
    let conversations = touched(&turns);
    let replies = of_kind(&rows, "first_reply");
    let urgent: Vec<&EventRow> = replies
        .iter()
        .copied()
        .filter(|row| row.priority.as_deref() == Some("urgent"))
        .collect();
    let percentiles = |rows: &[&EventRow]| {
        let waits = first_reply(rows);
        let n = touched(rows);
        Percentiles {
            p50: shown(n, waits.p50),
            p90: shown(n, waits.p90),
        }
    };
    let ratings = of_kind(&rows, "rated");
    let rated = touched(&ratings);
    let csat = csat(&rows);
    let inferred = inferred_satisfaction(&rows);
    let resolved = of_kind(&rows, "resolved");
    let split = |key: fn(&EventRow) -> Option<&str>| {
        let mut by: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
        for row in &turns {
            if let (Some(key), Some(id)) = (key(row), row.conversation.as_deref()) {
                by.entry(key.to_owned()).or_default().insert(id);
            }
        }
        by.into_iter()
            .map(|(key, ids)| (key, shown(ids.len() as i64, Some(ids.len() as i64))))
            .collect()
    };
    PublicCx {
        version: 1,
        agency: Agency {
            ar: ar.to_owned(),
            en: en.to_owned(),
        },
        period: PublicPeriod {
            from: period.from.to_string(),
            to: period.to.to_string(),
        },
        conversations: shown(conversations, Some(conversations)),
        self_service_rate: shown(conversations, self_service_rate(&rows)),
        first_reply_seconds: percentiles(&replies),
        urgent_first_reply_seconds: percentiles(&urgent),
        csat: PublicAverage {
            count: shown(rated, Some(csat.count)),
            average: shown(rated, csat.average),
        },
        inferred_satisfaction: PublicAverage {
            count: shown(inferred.count, Some(inferred.count)),
            average: shown(inferred.count, inferred.average),
        },
        resolved: shown(touched(&resolved), Some(resolved.len() as i64)),
        languages: split(|row| row.language.as_deref()),
        channels: split(|row| row.channel.as_deref()),
    }
}
