//! Outage incidents: urgent reports of the same entry (and area) that arrive
//! close together are one problem, so agents see one item with its count
//! and post one status update that reaches every citizen who reported it.
//!
//! The grouping rule: a report joins the open incident of its key (team,
//! entry, area) when it arrives within the window of that incident's last
//! activity (its last report or its last status update: an agent posting
//! updates keeps it live); at exactly the window it still joins. Otherwise
//! it opens a new incident. Stores take the time explicitly so that the
//! edges are testable to the millisecond.

use serde::{Deserialize, Serialize};

use crate::conversation::ConversationId;
use crate::i18n::Lang;
use crate::kb::{Area, EntryId};

/// An incident's id, `inc-<serial>`, checked where it enters (a path of
/// the agent API): anything else names no incident, and must not reach a
/// store key (`inc-1:members` would read another key of incident 1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IncidentId(String);

impl IncidentId {
    /// Serials are counters (`u64`), so at most 20 digits.
    const MAX_DIGITS: usize = 20;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IncidentId {
    type Error = &'static str;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        let serial = raw.strip_prefix("inc-").unwrap_or_default();
        if serial.is_empty()
            || serial.len() > Self::MAX_DIGITS
            || !serial.bytes().all(|byte| byte.is_ascii_digit())
        {
            return Err("an incident id is inc-<number>");
        }
        Ok(Self(raw))
    }
}

impl<'de> Deserialize<'de> for IncidentId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::try_from(String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// What groups reports: different entries or areas never merge; reports
/// without an area group by entry alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IncidentKey {
    pub team: String,
    pub entry_id: EntryId,
    pub area: Option<Area>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IncidentStatus {
    Open,
    Resolved,
}

/// A conversation grouped into an incident, and when it joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub conversation_id: ConversationId,
    pub joined_ms: i64,
}

/// A status update an agent posted, in one language or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentUpdate {
    pub at_ms: i64,
    pub agent: String,
    pub ar: Option<String>,
    pub en: Option<String>,
}

impl IncidentUpdate {
    /// The text for a citizen of `lang`: theirs, else the one written.
    pub fn text(&self, lang: Lang) -> &str {
        let (own, other) = match lang {
            Lang::Ar => (&self.ar, &self.en),
            Lang::En => (&self.en, &self.ar),
        };
        own.as_deref().or(other.as_deref()).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: String,
    pub team: String,
    pub entry_id: EntryId,
    pub area: Option<Area>,
    pub status: IncidentStatus,
    pub opened_ms: i64,
    pub last_report_ms: i64,
    /// In order of joining.
    pub members: Vec<Member>,
    /// Oldest first.
    pub updates: Vec<IncidentUpdate>,
    pub resolved_ms: Option<i64>,
    pub resolved_by: Option<String>,
}

impl Incident {
    pub fn opened(id: String, key: &IncidentKey, member: &ConversationId, now_ms: i64) -> Self {
        Self {
            id,
            team: key.team.clone(),
            entry_id: key.entry_id.clone(),
            area: key.area.clone(),
            status: IncidentStatus::Open,
            opened_ms: now_ms,
            last_report_ms: now_ms,
            members: vec![Member {
                conversation_id: member.clone(),
                joined_ms: now_ms,
            }],
            updates: Vec::new(),
            resolved_ms: None,
            resolved_by: None,
        }
    }

    /// The last report or status update, whichever came later.
    pub fn last_activity_ms(&self) -> i64 {
        self.updates.last().map_or(self.last_report_ms, |update| {
            update.at_ms.max(self.last_report_ms)
        })
    }

    /// Whether a report at `now_ms` joins this incident.
    pub fn takes_report_at(&self, now_ms: i64, window_ms: i64) -> bool {
        self.status == IncidentStatus::Open && now_ms - self.last_activity_ms() <= window_ms
    }

    /// Adds a report (once per conversation).
    pub fn join(&mut self, member: &ConversationId, now_ms: i64) {
        self.last_report_ms = self.last_report_ms.max(now_ms);
        if !self.has(member) {
            self.members.push(Member {
                conversation_id: member.clone(),
                joined_ms: now_ms,
            });
        }
    }

    pub fn has(&self, member: &ConversationId) -> bool {
        self.members
            .iter()
            .any(|known| known.conversation_id == *member)
    }

    pub fn is_open(&self) -> bool {
        self.status == IncidentStatus::Open
    }
}

/// What a report did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub incident: Incident,
    /// True when the report opened the incident; false when it joined one
    /// that others had reported.
    pub opened: bool,
}

impl Report {
    pub fn change(&self) -> IncidentChange {
        if self.opened {
            IncidentChange::Opened
        } else {
            IncidentChange::Joined
        }
    }
}

/// What a write to an incident found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentWrite {
    Missing,
    /// Already resolved: nothing was written.
    Resolved(Incident),
    Done(Incident),
}

/// A change agents' consoles hear about as an `incident` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IncidentChange {
    Opened,
    Joined,
    Updated,
    Resolved,
}

/// The `incident` event: enough for a console to know what to reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentEvent {
    pub incident_id: String,
    pub team: String,
    pub change: IncidentChange,
    pub count: usize,
    pub at_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inc_and_a_serial_is_an_incident_id() {
        for good in ["inc-1", "inc-42", "inc-18446744073709551615"] {
            assert!(IncidentId::try_from(good.to_owned()).is_ok(), "{good}");
        }
        for bad in [
            "",
            "inc-",
            "inc-1:members",
            "inc-1}",
            "1",
            "inc-١",
            "inc-123456789012345678901",
        ] {
            assert!(IncidentId::try_from(bad.to_owned()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_report_joins_up_to_the_window_after_the_last_report_or_update() {
        let key = IncidentKey {
            team: "utilities".to_owned(),
            entry_id: EntryId::parse("water-outage").unwrap(),
            area: None,
        };
        let citizen = ConversationId::new("web", "a").unwrap();
        let mut incident = Incident::opened("inc-1".to_owned(), &key, &citizen, 1_000);
        assert!(incident.takes_report_at(1_000 + 60_000, 60_000));
        assert!(!incident.takes_report_at(1_000 + 60_001, 60_000));
        incident.updates.push(IncidentUpdate {
            at_ms: 50_000,
            agent: "sara".to_owned(),
            ar: None,
            en: Some("crews are on site".to_owned()),
        });
        assert!(incident.takes_report_at(110_000, 60_000));
        assert!(!incident.takes_report_at(110_001, 60_000));
        incident.status = IncidentStatus::Resolved;
        assert!(!incident.takes_report_at(50_001, 60_000));
    }

    #[test]
    fn an_update_reads_in_the_citizens_language_else_the_other() {
        let update = IncidentUpdate {
            at_ms: 0,
            agent: "sara".to_owned(),
            ar: Some("الفرق في الموقع".to_owned()),
            en: None,
        };
        assert_eq!(update.text(Lang::En), "الفرق في الموقع");
        assert_eq!(update.text(Lang::Ar), "الفرق في الموقع");
    }
}
