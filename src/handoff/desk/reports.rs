//! What a turn does with urgent reports: groups them into outage
//! incidents (by team, entry and area), moves a report to its area's
//! incident once the citizen says where they are, and words what citizens
//! of an incident read.

use fluent_bundle::FluentValue;

use super::{Desk, Escalation};
use crate::conversation::{Conversation, ConversationId, Handoff, Priority, now_ms};
use crate::handoff::{
    Announcements, Event, Incident, IncidentChange, IncidentEvent, IncidentKey, IncidentUpdate,
    Report,
};
use crate::i18n::{Lang, Msg};
use crate::message::{OutgoingMessage, Reply};
use crate::state::StoreError;

pub(super) fn incident_event(incident: &Incident, change: IncidentChange) -> Event {
    Event::incident(IncidentEvent {
        incident_id: incident.id.clone(),
        team: incident.team.clone(),
        change,
        count: incident.members.len(),
        at_ms: now_ms(),
    })
}

impl Desk {
    /// What the incident is about, in `lang`: the entry's title and the
    /// area's name.
    fn subject(
        &self,
        lang: Lang,
        incident: &Incident,
    ) -> Vec<(&'static str, FluentValue<'static>)> {
        let title = self.entry_title(&incident.entry_id).map_or_else(
            || incident.entry_id.as_str().to_owned(),
            |title| match lang {
                Lang::Ar => title.ar,
                Lang::En => title.en,
            },
        );
        vec![
            ("title", FluentValue::from(title)),
            (
                "area",
                FluentValue::from(
                    incident
                        .area
                        .as_ref()
                        .map_or_else(|| "none".to_owned(), |area| area.name(lang).to_owned()),
                ),
            ),
            (
                "has_area",
                FluentValue::from(if incident.area.is_some() { "yes" } else { "no" }),
            ),
        ]
    }

    /// A status update as a citizen of `lang` reads it: a heading naming
    /// the problem, then the agent's words.
    pub fn update_text(&self, lang: Lang, incident: &Incident, update: &IncidentUpdate) -> String {
        let heading = self.localizer.text_with(
            lang,
            Msg::IncidentUpdateHeading,
            &self.subject(lang, incident),
        );
        format!("{heading}\n{}", update.text(lang))
    }

    /// The message that the incident is over.
    pub fn closing_text(&self, lang: Lang, incident: &Incident) -> String {
        self.localizer
            .text_with(lang, Msg::IncidentResolved, &self.subject(lang, incident))
    }

    /// For a citizen whose report joined a known incident: that it is
    /// known, how many reported it, and what was last said about it.
    pub(super) fn known_text(&self, lang: Lang, incident: &Incident) -> String {
        let mut args = self.subject(lang, incident);
        args.push(("count", FluentValue::from(incident.members.len())));
        let known = self.localizer.text_with(lang, Msg::IncidentKnown, &args);
        let latest = match incident.updates.last() {
            Some(update) => self.localizer.text_with(
                lang,
                Msg::IncidentLatestUpdate,
                &[
                    (
                        "time",
                        FluentValue::from(self.teams.local_time(&incident.team, update.at_ms)),
                    ),
                    ("text", FluentValue::from(update.text(lang).to_owned())),
                ],
            ),
            None => self.localizer.text(lang, Msg::IncidentNoUpdateYet),
        };
        format!("{known}\n\n{latest}")
    }

    /// Groups an urgent report of an entry into its incident.
    pub(super) async fn report(
        &self,
        team: &str,
        escalation: &Escalation,
        id: &ConversationId,
    ) -> Result<Option<Report>, StoreError> {
        let (Some(entry_id), Priority::Urgent) = (&escalation.entry_id, escalation.priority) else {
            return Ok(None);
        };
        let key = IncidentKey {
            team: team.to_owned(),
            entry_id: entry_id.clone(),
            area: escalation.area.clone(),
        };
        Ok(Some(self.group(&key, id).await?))
    }

    /// Joins the live incident of `key` or opens one, now.
    async fn group(&self, key: &IncidentKey, id: &ConversationId) -> Result<Report, StoreError> {
        let window_ms = i64::try_from(self.incident_window.as_millis()).unwrap_or(i64::MAX);
        self.store
            .report_incident(key, id, window_ms, now_ms())
            .await
    }

    /// A waiting member of an incident without an area said where it is:
    /// it moves to that area's incident, and hears the latest update there.
    pub(super) async fn move_to_area(
        &self,
        conversation: &mut Conversation,
        reply: &mut Reply,
        announcements: &mut Announcements,
    ) -> Result<(), StoreError> {
        let Handoff::Waiting {
            area: Some(area),
            incident_id: Some(incident_id),
            ..
        } = &conversation.handoff
        else {
            return Ok(());
        };
        let (area, incident_id) = (area.clone(), incident_id.clone());
        let Some(old) = self.store.incident(&incident_id).await? else {
            return Ok(());
        };
        if old.area.is_some() || !old.is_open() {
            return Ok(());
        }
        let id = conversation.id.clone();
        if let Some(remaining) = self.store.leave_incident(&old.id, &id).await? {
            announcements.event(incident_event(&remaining, IncidentChange::Updated));
        }
        let key = IncidentKey {
            team: old.team.clone(),
            entry_id: old.entry_id.clone(),
            area: Some(area),
        };
        let report = self.group(&key, &id).await?;
        if let Handoff::Waiting { incident_id, .. } = &mut conversation.handoff {
            *incident_id = Some(report.incident.id.clone());
        }
        announcements.event(incident_event(&report.incident, report.change()));
        tracing::info!(conversation = %id.pseudonym(), from = old.id, to = report.incident.id, "moved to the incident of its area");
        if let Some(update) = report.incident.updates.last() {
            let lang = reply.language;
            reply.messages.push(OutgoingMessage {
                text: self.update_text(lang, &report.incident, update),
                buttons: Vec::new(),
            });
        }
        Ok(())
    }
}
