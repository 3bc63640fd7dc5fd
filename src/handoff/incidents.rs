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
pub(super) mod tests {
    //! The grouping rule, run against every store.

    use super::*;
    use crate::handoff::HandoffStore;

    fn id(user: &str) -> ConversationId {
        ConversationId::new("web", user).unwrap()
    }

    fn key(entry: &str, area: Option<&str>) -> IncidentKey {
        IncidentKey {
            team: "utilities".to_owned(),
            entry_id: EntryId::parse(entry).unwrap(),
            area: area.map(|area| Area {
                id: area.to_owned(),
                ar: area.to_owned(),
                en: area.to_owned(),
            }),
        }
    }

    const WINDOW: i64 = 60_000;
    const T0: i64 = 1_700_000_000_000;

    pub async fn reports_within_the_window_of_the_last_activity_group(store: &dyn HandoffStore) {
        let water = key("water-outage", None);
        let first = store
            .report_incident(&water, &id("a"), WINDOW, T0)
            .await
            .unwrap();
        assert!(first.opened);
        let at_edge = store
            .report_incident(&water, &id("b"), WINDOW, T0 + WINDOW)
            .await
            .unwrap();
        assert!(!at_edge.opened, "exactly at the window still joins");
        assert_eq!(at_edge.incident.id, first.incident.id);
        assert_eq!(at_edge.incident.members.len(), 2);
        assert_eq!(at_edge.incident.last_report_ms, T0 + WINDOW);

        // The window counts from the last report (T0 + WINDOW), so 1 ms
        // past it opens a new one.
        let late = store
            .report_incident(&water, &id("c"), WINDOW, T0 + 2 * WINDOW + 1)
            .await
            .unwrap();
        assert!(late.opened, "one ms past the window opens a new incident");
        assert_ne!(late.incident.id, first.incident.id);

        // A status update keeps the incident live.
        let update = IncidentUpdate {
            at_ms: T0 + 3 * WINDOW,
            agent: "sara".to_owned(),
            ar: None,
            en: Some("crews are on site".to_owned()),
        };
        let posted = store
            .post_incident_update(&late.incident.id, &update)
            .await
            .unwrap();
        assert!(
            matches!(posted, IncidentWrite::Done(ref incident) if incident.updates == vec![update.clone()])
        );
        let after_update = store
            .report_incident(&water, &id("d"), WINDOW, T0 + 4 * WINDOW)
            .await
            .unwrap();
        assert!(!after_update.opened, "an update extends the window");
        assert_eq!(after_update.incident.id, late.incident.id);

        // The same conversation reporting again is counted once.
        let again = store
            .report_incident(&water, &id("d"), WINDOW, T0 + 4 * WINDOW + 5)
            .await
            .unwrap();
        assert_eq!(again.incident.members.len(), 2);

        let open = store.open_incidents("utilities").await.unwrap();
        let ids: Vec<&str> = open.iter().map(|incident| incident.id.as_str()).collect();
        assert_eq!(ids, [first.incident.id.as_str(), late.incident.id.as_str()]);
    }

    pub async fn entries_and_areas_never_merge(store: &dyn HandoffStore) {
        let water = store
            .report_incident(&key("water-outage", None), &id("a"), WINDOW, T0)
            .await
            .unwrap();
        let power = store
            .report_incident(&key("electricity-outage", None), &id("b"), WINDOW, T0 + 1)
            .await
            .unwrap();
        let nuzha = store
            .report_incident(
                &key("water-outage", Some("al-nuzha")),
                &id("c"),
                WINDOW,
                T0 + 2,
            )
            .await
            .unwrap();
        let rawda = store
            .report_incident(
                &key("water-outage", Some("al-rawda")),
                &id("d"),
                WINDOW,
                T0 + 3,
            )
            .await
            .unwrap();
        let nuzha_again = store
            .report_incident(
                &key("water-outage", Some("al-nuzha")),
                &id("e"),
                WINDOW,
                T0 + 4,
            )
            .await
            .unwrap();
        let ids = [
            &water.incident.id,
            &power.incident.id,
            &nuzha.incident.id,
            &rawda.incident.id,
        ];
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), 4, "{ids:?}");
        assert_eq!(nuzha_again.incident.id, nuzha.incident.id);
        assert_eq!(nuzha_again.incident.members.len(), 2);
    }

    pub async fn resolving_closes_the_incident_and_leaving_moves_a_member(
        store: &dyn HandoffStore,
    ) {
        let water = key("water-outage", None);
        let first = store
            .report_incident(&water, &id("a"), WINDOW, T0)
            .await
            .unwrap();
        store
            .report_incident(&water, &id("b"), WINDOW, T0 + 1)
            .await
            .unwrap();
        let left = store
            .leave_incident(&first.incident.id, &id("a"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(left.members.len(), 1);
        assert!(!left.has(&id("a")));

        let resolved = store
            .resolve_incident(&first.incident.id, "sara", T0 + 10)
            .await
            .unwrap();
        let IncidentWrite::Done(resolved) = resolved else {
            panic!("{resolved:?}")
        };
        assert_eq!(resolved.status, IncidentStatus::Resolved);
        assert_eq!(resolved.resolved_by.as_deref(), Some("sara"));
        assert!(matches!(
            store
                .resolve_incident(&first.incident.id, "sara", T0 + 11)
                .await
                .unwrap(),
            IncidentWrite::Resolved(_)
        ));
        assert!(store.open_incidents("utilities").await.unwrap().is_empty());
        let next = store
            .report_incident(&water, &id("c"), WINDOW, T0 + 12)
            .await
            .unwrap();
        assert!(next.opened, "a resolved incident takes no more reports");
        assert_eq!(
            store
                .resolve_incident("inc-unknown", "sara", T0)
                .await
                .unwrap(),
            IncidentWrite::Missing
        );

        // The last member leaving drops the incident.
        assert!(
            store
                .leave_incident(&next.incident.id, &id("c"))
                .await
                .unwrap()
                .is_none()
        );
        assert!(store.incident(&next.incident.id).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn the_memory_store_groups_reports() {
        let store = crate::handoff::MemoryHandoffStore::new(10);
        reports_within_the_window_of_the_last_activity_group(&store).await;
        let store = crate::handoff::MemoryHandoffStore::new(10);
        entries_and_areas_never_merge(&store).await;
        let store = crate::handoff::MemoryHandoffStore::new(10);
        resolving_closes_the_incident_and_leaving_moves_a_member(&store).await;
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
