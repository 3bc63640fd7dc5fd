//! The summary's figures, each a function of a set of events so that the
//! time series, teams and topics compute them the same way.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use utoipa::ToSchema;

use super::{Period, percentile};
use crate::cx::{EventRow, RowFilter};

/// The filters a report was made with, as sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Filters {
    pub team: Option<String>,
    pub channel: Option<String>,
    pub language: Option<String>,
}

impl From<&RowFilter> for Filters {
    fn from(filter: &RowFilter) -> Self {
        Self {
            team: filter.team.clone(),
            channel: filter.channel.clone(),
            language: filter.language.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Summary {
    pub from: String,
    pub to: String,
    pub filters: Filters,
    /// Citizens' messages handled.
    pub messages: i64,
    /// Conversations with a message in the period.
    pub conversations: i64,
    pub answered: i64,
    pub clarified: i64,
    pub fallbacks: i64,
    pub escalations: Escalations,
    /// Conversations that were not handed to a person / conversations.
    pub self_service_rate: Option<f64>,
    /// From a case's opening to the first message a person wrote.
    pub first_reply_seconds: WaitFigures,
    /// Cases and how many stayed within their service-level targets.
    pub service_levels: ServiceLevelFigures,
    pub resolved: i64,
    pub csat: CsatFigures,
    pub inferred_satisfaction: Satisfaction,
    /// Messages by language and by channel.
    pub languages: BTreeMap<String, i64>,
    pub channels: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Escalations {
    pub total: i64,
    /// For an urgent matter or a danger to life.
    pub urgent: i64,
    /// Because the citizen asked for a person.
    pub person: i64,
    pub other: i64,
    pub by_reason: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WaitFigures {
    pub count: i64,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
}

/// Cases handed to people in the period (escalated, or missing a target,
/// in it), and those of them that missed a target (`sla_breached`). A
/// team with no targets never misses one, so its cases count as within.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ServiceLevelFigures {
    pub cases: i64,
    pub breached: i64,
    /// Cases within every target / cases; `None` with no case.
    pub within_target_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CsatFigures {
    pub count: i64,
    pub average: Option<f64>,
    /// Ratings 1 to 5, each with how many gave it.
    pub distribution: BTreeMap<String, i64>,
}

/// Satisfaction on the 1-5 scale of ratings.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Satisfaction {
    pub count: i64,
    pub average: Option<f64>,
}

pub fn summary(period: Period, filter: &RowFilter, rows: &[EventRow]) -> Summary {
    let rows: Vec<&EventRow> = rows.iter().collect();
    let turns = of_kind(&rows, "turn");
    let with_action = |action: &str| {
        turns
            .iter()
            .filter(|row| row.action.as_deref() == Some(action))
            .count() as i64
    };
    Summary {
        from: period.from.to_string(),
        to: period.to.to_string(),
        filters: filter.into(),
        messages: turns.len() as i64,
        conversations: conversations(&rows),
        answered: with_action("answer"),
        clarified: with_action("clarify"),
        fallbacks: with_action("fallback"),
        escalations: escalations(&rows),
        self_service_rate: self_service_rate(&rows),
        first_reply_seconds: first_reply(&rows),
        service_levels: service_levels(&rows),
        resolved: of_kind(&rows, "resolved").len() as i64,
        csat: csat(&rows),
        inferred_satisfaction: inferred_satisfaction(&rows),
        languages: count_by(&turns, |row| row.language.as_deref()),
        channels: count_by(&turns, |row| row.channel.as_deref()),
    }
}

pub(crate) fn of_kind<'a>(rows: &[&'a EventRow], kind: &str) -> Vec<&'a EventRow> {
    rows.iter()
        .copied()
        .filter(|row| row.kind == kind)
        .collect()
}

pub(crate) fn count_by(
    rows: &[&EventRow],
    key: impl Fn(&EventRow) -> Option<&str>,
) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for row in rows {
        if let Some(key) = key(row) {
            *counts.entry(key.to_owned()).or_insert(0) += 1;
        }
    }
    counts
}

/// Conversations with a turn among `rows`.
pub(crate) fn conversations(rows: &[&EventRow]) -> i64 {
    conversation_set(&of_kind(rows, "turn")).len() as i64
}

fn conversation_set<'a>(rows: &[&'a EventRow]) -> BTreeSet<&'a str> {
    rows.iter()
        .filter_map(|row| row.conversation.as_deref())
        .collect()
}

pub(crate) fn is_urgent_reason(reason: Option<&str>) -> bool {
    matches!(reason, Some("urgent" | "danger_to_life"))
}

pub(crate) fn escalations(rows: &[&EventRow]) -> Escalations {
    let cases = of_kind(rows, "escalated");
    let urgent = cases
        .iter()
        .filter(|row| is_urgent_reason(row.reason.as_deref()))
        .count() as i64;
    let person = cases
        .iter()
        .filter(|row| row.reason.as_deref() == Some("citizen_asked"))
        .count() as i64;
    let total = cases.len() as i64;
    Escalations {
        total,
        urgent,
        person,
        other: total - urgent - person,
        by_reason: count_by(&cases, |row| row.reason.as_deref()),
    }
}

/// Conversations with a turn and no case opened, over conversations with
/// a turn; `None` when there were none.
pub(crate) fn self_service_rate(rows: &[&EventRow]) -> Option<f64> {
    let talked = conversation_set(&of_kind(rows, "turn"));
    if talked.is_empty() {
        return None;
    }
    let escalated = conversation_set(&of_kind(rows, "escalated"));
    let served = talked.iter().filter(|id| !escalated.contains(*id)).count();
    Some(served as f64 / talked.len() as f64)
}

pub(crate) fn waits(rows: &[&EventRow]) -> WaitFigures {
    let seconds: Vec<f64> = rows
        .iter()
        .filter_map(|row| row.wait_ms)
        .map(|ms| ms as f64 / 1000.0)
        .collect();
    WaitFigures {
        count: seconds.len() as i64,
        p50: percentile(&seconds, 50.0),
        p90: percentile(&seconds, 90.0),
    }
}

pub(crate) fn first_reply(rows: &[&EventRow]) -> WaitFigures {
    waits(&of_kind(rows, "first_reply"))
}

pub(crate) fn service_levels(rows: &[&EventRow]) -> ServiceLevelFigures {
    let breached = conversation_set(&of_kind(rows, "sla_breached"));
    let mut cases = conversation_set(&of_kind(rows, "escalated"));
    cases.extend(breached.iter().copied());
    let (total, missed) = (cases.len() as i64, breached.len() as i64);
    ServiceLevelFigures {
        cases: total,
        breached: missed,
        within_target_rate: (total > 0).then(|| (total - missed) as f64 / total as f64),
    }
}

pub(crate) fn csat(rows: &[&EventRow]) -> CsatFigures {
    let ratings: Vec<i64> = of_kind(rows, "rated")
        .iter()
        .filter_map(|row| row.rating)
        .collect();
    let distribution = (1..=5)
        .map(|score| {
            let given = ratings.iter().filter(|rating| **rating == score).count() as i64;
            (score.to_string(), given)
        })
        .collect();
    CsatFigures {
        count: ratings.len() as i64,
        average: mean(ratings.iter().map(|rating| *rating as f64)),
        distribution,
    }
}

/// For conversations that gave no rating but whose messages were read for
/// sentiment: `clamp(3 + 2 × mean sentiment, 1, 5)` each; their count and
/// average.
pub(crate) fn inferred_satisfaction(rows: &[&EventRow]) -> Satisfaction {
    let rated = conversation_set(&of_kind(rows, "rated"));
    let mut readings: HashMap<&str, Vec<f64>> = HashMap::new();
    for row in of_kind(rows, "turn") {
        if let (Some(id), Some(sentiment)) = (row.conversation.as_deref(), row.sentiment)
            && !rated.contains(id)
        {
            readings.entry(id).or_default().push(sentiment);
        }
    }
    let scores: Vec<f64> = readings
        .values()
        .filter_map(|values| mean(values.iter().copied()))
        .map(|sentiment| (3.0 + 2.0 * sentiment).clamp(1.0, 5.0))
        .collect();
    Satisfaction {
        count: scores.len() as i64,
        average: mean(scores.iter().copied()),
    }
}

pub(crate) fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values.fold((0.0, 0usize), |(sum, count), value| {
        (sum + value, count + 1)
    });
    (count > 0).then(|| sum / count as f64)
}
