//! Outage incidents in Redis. Every incident key shares the
//! `{incidents}` hash tag, so each script below, which decides and writes
//! in one step, may touch them together: two instances receiving reports
//! at once open one incident.
//!
//! | key | type | holds | lifetime |
//! |---|---|---|---|
//! | `P{incidents}:incident:<id>` | hash | team, entry, area (JSON), status, opened, last report, last activity, resolved when and by whom, its grouping key | `handoff.history_ttl_secs` from the last write |
//! | `P{incidents}:incident:<id>:members` | sorted set | the incident's conversations, scored by when they joined (ms) | as the incident |
//! | `P{incidents}:incident:<id>:updates` | list | status updates (`IncidentUpdate` JSON), oldest first | as the incident |
//! | `P{incidents}:latest:<team>:<entry>:<area or ->` | string | the incident reports of this key last went to | as the incident; deleted on resolve |
//! | `P{incidents}:team:<team>:open` | sorted set | the team's open incidents by opening time | ids leave on resolve |
//! | `P{incidents}:serial` | string | the counter behind incident ids `inc-<n>` | none |

use std::collections::HashMap;
use std::sync::LazyLock;

use super::{RedisHandoffStore, json, parse};
use crate::conversation::ConversationId;
use crate::handoff::{
    Incident, IncidentKey, IncidentStatus, IncidentUpdate, IncidentWrite, Member, Report,
};
use crate::kb::EntryId;
use crate::state::StoreError;

/// Joins the live incident of a key or opens one: the decision and the
/// write in one step, so two instances receiving reports at once open one
/// incident. Incident keys share the `{incidents}` slot; the script builds
/// the incident's keys from its id (ARGV[1] is their common prefix).
static REPORT: LazyLock<::redis::Script> =
    LazyLock::new(|| ::redis::Script::new(include_str!("report.lua")));

/// Adds a status update to an open incident: 0 unknown, 1 resolved, 2 done.
static UPDATE: LazyLock<::redis::Script> =
    LazyLock::new(|| ::redis::Script::new(include_str!("update.lua")));

/// Resolves an open incident: 0 unknown, 1 already resolved, 2 done. Its
/// key no longer points at it, so the next report opens a new one.
static RESOLVE: LazyLock<::redis::Script> =
    LazyLock::new(|| ::redis::Script::new(include_str!("resolve.lua")));

/// Takes a member out: 0 not a member, 1 left, 2 left and the incident,
/// now empty, was dropped.
static LEAVE: LazyLock<::redis::Script> =
    LazyLock::new(|| ::redis::Script::new(include_str!("leave.lua")));

/// An incident's hash, its members with when they joined, and its updates.
type StoredIncident = (HashMap<String, String>, Vec<(String, i64)>, Vec<String>);

/// `%`, `{` and `}` escaped, so that a name cannot end the hash tag.
fn key_part(raw: &str) -> String {
    raw.replace('%', "%25")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

impl RedisHandoffStore {
    /// `P{incidents}:...`: every incident key in one slot, so that the
    /// scripts may touch them together.
    pub(super) fn incidents_key(&self, name: &str) -> String {
        self.store.global_key(&format!("{{incidents}}:{name}"))
    }

    fn incident_key(&self, id: &str) -> String {
        self.incidents_key(&format!("incident:{}", key_part(id)))
    }

    fn team_incidents_key(&self, team: &str) -> String {
        self.incidents_key(&format!("team:{}:open", key_part(team)))
    }

    fn latest_incident_key(&self, key: &IncidentKey) -> String {
        self.incidents_key(&format!(
            "latest:{}:{}:{}",
            key_part(&key.team),
            key.entry_id.as_str(),
            key.area
                .as_ref()
                .map_or_else(|| "-".to_owned(), |area| key_part(&area.id))
        ))
    }

    pub(super) async fn load_incident(&self, id: &str) -> Result<Option<Incident>, StoreError> {
        let key = self.incident_key(id);
        let (fields, members, updates): StoredIncident = self
            .store
            .query(
                ::redis::pipe()
                    .hgetall(&key)
                    .zrange_withscores(format!("{key}:members"), 0, -1)
                    .lrange(format!("{key}:updates"), 0, -1),
            )
            .await?;
        if fields.is_empty() {
            return Ok(None);
        }
        let field = |name: &str| {
            fields
                .get(name)
                .ok_or_else(|| StoreError::Corrupt(format!("incident {id} has no {name}")))
        };
        let number = |name: &str| -> Result<i64, StoreError> {
            field(name)?
                .parse()
                .map_err(|err| StoreError::Corrupt(format!("incident {id} {name}: {err}")))
        };
        let optional = |name: &str| fields.get(name).filter(|value| !value.is_empty());
        Ok(Some(Incident {
            id: id.to_owned(),
            team: field("team")?.clone(),
            entry_id: EntryId::parse(field("entry_id")?)
                .map_err(|err| StoreError::Corrupt(format!("incident {id} entry: {err}")))?,
            area: optional("area")
                .map(|raw| parse("incident area", raw))
                .transpose()?,
            status: match field("status")?.as_str() {
                "open" => IncidentStatus::Open,
                _ => IncidentStatus::Resolved,
            },
            opened_ms: number("opened_ms")?,
            last_report_ms: number("last_report_ms")?,
            members: members
                .into_iter()
                .map(|(member, joined_ms)| {
                    ConversationId::try_from(member)
                        .map(|conversation_id| Member {
                            conversation_id,
                            joined_ms,
                        })
                        .map_err(StoreError::Corrupt)
                })
                .collect::<Result<_, _>>()?,
            updates: updates
                .iter()
                .map(|raw| parse("incident update", raw))
                .collect::<Result<_, _>>()?,
            resolved_ms: optional("resolved_ms")
                .map(|raw| raw.parse())
                .transpose()
                .map_err(|err| StoreError::Corrupt(format!("incident {id} resolved_ms: {err}")))?,
            resolved_by: optional("resolved_by").cloned(),
        }))
    }

    async fn written(&self, id: &str, outcome: i64) -> Result<IncidentWrite, StoreError> {
        let incident = self.load_incident(id).await?;
        Ok(match (outcome, incident) {
            (0, _) | (_, None) => IncidentWrite::Missing,
            (1, Some(incident)) => IncidentWrite::Resolved(incident),
            (_, Some(incident)) => IncidentWrite::Done(incident),
        })
    }

    pub(super) async fn report(
        &self,
        key: &IncidentKey,
        member: &ConversationId,
        window_ms: i64,
        now_ms: i64,
    ) -> Result<Report, StoreError> {
        let area = key.area.as_ref().map(json).transpose()?.unwrap_or_default();
        let mut report = REPORT.prepare_invoke();
        report
            .key(self.latest_incident_key(key))
            .key(self.incidents_key("serial"))
            .key(self.team_incidents_key(&key.team))
            .arg(self.incident_key(""))
            .arg(&key.team)
            .arg(key.entry_id.as_str())
            .arg(area)
            .arg(member.as_str())
            .arg(now_ms)
            .arg(window_ms)
            .arg(self.ttl_ms);
        let (id, opened): (String, i64) = self.store.invoke(&report).await?;
        let incident = self
            .load_incident(&id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("incident {id} vanished")))?;
        Ok(Report {
            incident,
            opened: opened == 1,
        })
    }

    pub(super) async fn open(&self, team: &str) -> Result<Vec<Incident>, StoreError> {
        let (ids,): (Vec<String>,) = self
            .store
            .query(::redis::pipe().zrange(self.team_incidents_key(team), 0, -1))
            .await?;
        let mut open = Vec::with_capacity(ids.len());
        for id in ids {
            // Expired with the history TTL: nothing to show.
            if let Some(incident) = self.load_incident(&id).await?
                && incident.is_open()
            {
                open.push(incident);
            }
        }
        Ok(open)
    }

    pub(super) async fn update(
        &self,
        id: &str,
        update: &IncidentUpdate,
    ) -> Result<IncidentWrite, StoreError> {
        let key = self.incident_key(id);
        let mut post = UPDATE.prepare_invoke();
        post.key(&key)
            .key(format!("{key}:updates"))
            .key(format!("{key}:members"))
            .arg(json(update)?)
            .arg(update.at_ms)
            .arg(self.ttl_ms);
        let outcome: i64 = self.store.invoke(&post).await?;
        self.written(id, outcome).await
    }

    pub(super) async fn resolve(
        &self,
        id: &str,
        agent: &str,
        now_ms: i64,
    ) -> Result<IncidentWrite, StoreError> {
        let key = self.incident_key(id);
        let team: (Option<String>,) = self.store.query(::redis::pipe().hget(&key, "team")).await?;
        let Some(team) = team.0 else {
            return Ok(IncidentWrite::Missing);
        };
        let mut resolve = RESOLVE.prepare_invoke();
        resolve
            .key(&key)
            .key(self.team_incidents_key(&team))
            .arg(agent)
            .arg(now_ms)
            .arg(id);
        let outcome: i64 = self.store.invoke(&resolve).await?;
        self.written(id, outcome).await
    }

    pub(super) async fn leave(
        &self,
        id: &str,
        member: &ConversationId,
    ) -> Result<Option<Incident>, StoreError> {
        let key = self.incident_key(id);
        let team: (Option<String>,) = self.store.query(::redis::pipe().hget(&key, "team")).await?;
        let Some(team) = team.0 else {
            return Ok(None);
        };
        let mut leave = LEAVE.prepare_invoke();
        leave
            .key(&key)
            .key(format!("{key}:members"))
            .key(format!("{key}:updates"))
            .key(self.team_incidents_key(&team))
            .arg(member.as_str())
            .arg(id);
        let _: i64 = self.store.invoke(&leave).await?;
        self.load_incident(id).await
    }
}
