//! Figures split by topic (entry and category), district and team, and
//! the alerts raised in a period.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::figures::{
    CsatFigures, Satisfaction, WaitFigures, csat, first_reply, inferred_satisfaction, of_kind,
};
use super::utc;
use crate::cx::EventRow;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Topics {
    pub topics: Vec<Topic>,
    pub categories: Vec<CategoryTopic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Topic {
    pub entry: String,
    pub category: Option<String>,
    /// Messages answered from the entry in the period.
    pub messages: i64,
    /// In the same number of days just before.
    pub previous: i64,
    /// `(messages - previous) / max(previous, 1)`.
    pub change: f64,
    pub escalations: i64,
    pub fallbacks: i64,
    pub csat: Option<f64>,
    pub inferred_satisfaction: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CategoryTopic {
    pub category: String,
    pub messages: i64,
    pub previous: i64,
    pub change: f64,
}

/// `subset` with its conversations' ratings, wherever those were recorded
/// (a rating carries no entry, and maybe another team): a topic's or a
/// team's satisfaction is that of the conversations it had a part in.
fn with_their_ratings<'a>(subset: Vec<&'a EventRow>, all: &'a [EventRow]) -> Vec<&'a EventRow> {
    let conversations: BTreeSet<&str> = subset
        .iter()
        .filter_map(|row| row.conversation.as_deref())
        .collect();
    subset
        .into_iter()
        .filter(|row| row.kind != "rated")
        .chain(all.iter().filter(|row| {
            row.kind == "rated"
                && row
                    .conversation
                    .as_deref()
                    .is_some_and(|id| conversations.contains(id))
        }))
        .collect()
}

fn change(messages: i64, previous: i64) -> f64 {
    (messages - previous) as f64 / previous.max(1) as f64
}

/// Turns by a key (entry or category).
fn turns_by(rows: &[EventRow], key: impl Fn(&EventRow) -> Option<&str>) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for row in rows.iter().filter(|row| row.kind == "turn") {
        if let Some(key) = key(row) {
            *counts.entry(key.to_owned()).or_insert(0) += 1;
        }
    }
    counts
}

/// `rows` are the period's events, `before` those of the period before.
pub fn topics(rows: &[EventRow], before: &[EventRow]) -> Topics {
    let now = turns_by(rows, |row| row.entry.as_deref());
    let then = turns_by(before, |row| row.entry.as_deref());
    let mut topics: Vec<Topic> = now
        .iter()
        .map(|(entry, messages)| {
            let about = with_their_ratings(
                rows.iter()
                    .filter(|row| row.entry.as_deref() == Some(entry))
                    .collect(),
                rows,
            );
            let previous = then.get(entry).copied().unwrap_or(0);
            Topic {
                entry: entry.clone(),
                category: about.iter().find_map(|row| row.category.clone()),
                messages: *messages,
                previous,
                change: change(*messages, previous),
                escalations: of_kind(&about, "escalated").len() as i64,
                fallbacks: of_kind(&about, "turn")
                    .iter()
                    .filter(|row| row.action.as_deref() == Some("fallback"))
                    .count() as i64,
                csat: csat(&about).average,
                inferred_satisfaction: inferred_satisfaction(&about).average,
            }
        })
        .collect();
    topics.sort_by(|a, b| {
        b.messages
            .cmp(&a.messages)
            .then_with(|| a.entry.cmp(&b.entry))
    });
    let now = turns_by(rows, |row| row.category.as_deref());
    let then = turns_by(before, |row| row.category.as_deref());
    let mut categories: Vec<CategoryTopic> = now
        .into_iter()
        .map(|(category, messages)| {
            let previous = then.get(&category).copied().unwrap_or(0);
            CategoryTopic {
                category,
                messages,
                previous,
                change: change(messages, previous),
            }
        })
        .collect();
    categories.sort_by(|a, b| {
        b.messages
            .cmp(&a.messages)
            .then_with(|| a.category.cmp(&b.category))
    });
    Topics { topics, categories }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Districts {
    pub districts: Vec<District>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct District {
    pub district: String,
    /// Urgent cases opened about the district.
    pub urgent: i64,
    /// Distinct incidents (outages) citizens of the district were told of.
    pub incidents: i64,
    /// The latest event about the district (UTC).
    pub last_seen: String,
}

/// Districts with urgent cases or incidents, the most urgent first.
pub fn districts(rows: &[EventRow]) -> Districts {
    let mut by: BTreeMap<&str, (i64, BTreeSet<&str>, i64)> = BTreeMap::new();
    for row in rows {
        let Some(district) = row.district.as_deref() else {
            continue;
        };
        let seen = by.entry(district).or_insert((0, BTreeSet::new(), 0));
        if row.kind == "escalated" && row.priority.as_deref() == Some("urgent") {
            seen.0 += 1;
        }
        if let Some(incident) = row.incident.as_deref() {
            seen.1.insert(incident);
        }
        seen.2 = seen.2.max(row.at_ms);
    }
    let mut districts: Vec<District> = by
        .into_iter()
        .filter(|(_, (urgent, incidents, _))| *urgent > 0 || !incidents.is_empty())
        .map(|(district, (urgent, incidents, last))| District {
            district: district.to_owned(),
            urgent,
            incidents: incidents.len() as i64,
            last_seen: utc(last),
        })
        .collect();
    districts.sort_by(|a, b| {
        (b.urgent, b.incidents)
            .cmp(&(a.urgent, a.incidents))
            .then_with(|| a.district.cmp(&b.district))
    });
    Districts { districts }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Teams {
    pub teams: Vec<Team>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Team {
    pub team: String,
    pub escalations: i64,
    pub resolved: i64,
    pub first_reply_seconds: WaitFigures,
    pub csat: CsatFigures,
    pub inferred_satisfaction: Satisfaction,
}

/// Each team's cases, replies and satisfaction, by team name.
pub fn teams(rows: &[EventRow]) -> Teams {
    let mut by: BTreeMap<&str, Vec<&EventRow>> = BTreeMap::new();
    for row in rows {
        if let Some(team) = row.team.as_deref() {
            by.entry(team).or_default().push(row);
        }
    }
    Teams {
        teams: by
            .into_iter()
            .map(|(team, of_team)| (team, with_their_ratings(of_team, rows)))
            .map(|(team, rows)| Team {
                team: team.to_owned(),
                escalations: of_kind(&rows, "escalated").len() as i64,
                resolved: of_kind(&rows, "resolved").len() as i64,
                first_reply_seconds: first_reply(&rows),
                csat: csat(&rows),
                inferred_satisfaction: inferred_satisfaction(&rows),
            })
            .collect(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AlertList {
    pub alerts: Vec<AlertRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AlertRow {
    pub at: String,
    pub rule: Option<String>,
    pub key: Option<String>,
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
    #[schema(value_type = Object)]
    pub baseline: serde_json::Value,
}

/// The alerts of the period, the latest first.
pub fn alerts(rows: &[EventRow]) -> AlertList {
    let mut alerts: Vec<AlertRow> = rows
        .iter()
        .filter(|row| row.kind == "alert")
        .map(|row| {
            let detail: serde_json::Value = row
                .detail
                .as_deref()
                .and_then(|detail| serde_json::from_str(detail).ok())
                .unwrap_or_default();
            let text = |name: &str| detail.get(name).and_then(|v| v.as_str()).map(str::to_owned);
            AlertRow {
                at: utc(row.at_ms),
                rule: text("rule"),
                key: text("key"),
                value: detail.get("value").cloned().unwrap_or_default(),
                baseline: detail.get("baseline").cloned().unwrap_or_default(),
            }
        })
        .collect();
    alerts.reverse();
    alerts.sort_by(|a, b| b.at.cmp(&a.at));
    AlertList { alerts }
}
