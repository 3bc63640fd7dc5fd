//! The service-level watch: the cases of every team that sets targets,
//! waiting in its queue or held by its agents, checked against their due
//! times (`handoff::sla`). A missed target is marked on the conversation
//! under its lease (so each is announced once, whichever instance sees it
//! first), written to the history (`breached`) and the CX store
//! (`sla_breached`), and, when the team sets `escalate_to`, the case moves
//! up to that team's queue, keeping its place. Supervisors' alerts are
//! raised by the caller (`startup`), from what this returns.

use std::sync::Arc;

use serde_json::json;

use super::{AgentError, AgentService, Mover, TransferTarget};
use crate::configuration::{CxSettings, Settings};
use crate::conversation::{ConversationId, Handoff, Priority, SlaTarget, now_ms};
use crate::cx::EventKind;
use crate::cx::Recorder;
use crate::cx::alerts::Alerts;
use crate::handoff::{HistoryItem, Record, Teams, sla};
use crate::i18n::Localizer;

/// A target a case missed, as the watch marked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub id: ConversationId,
    /// The team that had the case when it missed the target.
    pub team: String,
    pub target: SlaTarget,
    pub priority: Priority,
    /// When the case was escalated, and when the target was due.
    pub since_ms: i64,
    pub due_ms: i64,
    /// The team it moved up to.
    pub escalated_to: Option<String>,
}

impl AgentService {
    /// Marks every target missed by `now_ms` and not marked yet, moves the
    /// cases up where their team says so, and returns the breaches.
    pub async fn watch_service_levels(&self, now_ms: i64) -> Result<Vec<Breach>, AgentError> {
        let teams = self.desk.teams();
        let mut breaches = Vec::new();
        for team in teams.names() {
            if teams.service_levels(team).is_none() {
                continue;
            }
            let mut ids: Vec<ConversationId> = self
                .handoff
                .queue(team)
                .await?
                .into_iter()
                .map(|queued| queued.id)
                .collect();
            ids.extend(
                self.handoff
                    .held(team)
                    .await?
                    .into_iter()
                    .map(|held| held.id),
            );
            let conversations = self.conversations.get_many(&ids).await?;
            for (id, conversation) in ids.iter().zip(conversations) {
                // Entries the conversation contradicts (moved, resolved)
                // are not this team's to judge.
                let missed = conversation.is_some_and(|conversation| {
                    self.desk.team_of(&conversation.handoff).as_deref() == Some(team)
                        && !sla::new_misses(teams, team, &conversation, now_ms).is_empty()
                });
                if missed {
                    breaches.extend(self.mark_breaches(id, now_ms).await?);
                }
            }
        }
        Ok(breaches)
    }

    /// Marks the case's new misses under its lease (read again there:
    /// another instance may have marked them, or an agent replied), then
    /// moves it up when its team escalates.
    async fn mark_breaches(
        &self,
        id: &ConversationId,
        now_ms: i64,
    ) -> Result<Vec<Breach>, AgentError> {
        let mut turn = self.pipeline.begin(id).await?;
        let Some(team) = self.desk.team_of(&turn.conversation().handoff) else {
            return Ok(Vec::new());
        };
        let teams = self.desk.teams();
        let misses = sla::new_misses(teams, &team, turn.conversation(), now_ms);
        if misses.is_empty() {
            return Ok(Vec::new());
        }
        let escalate_to = teams
            .service_levels(&team)
            .and_then(|settings| settings.escalate_to.clone());
        let (priority, since_ms) = match &mut turn.conversation_mut().handoff {
            Handoff::Bot => return Ok(Vec::new()),
            Handoff::Waiting {
                priority,
                since_ms,
                breaches,
                ..
            }
            | Handoff::WithAgent {
                priority,
                since_ms,
                breaches,
                ..
            } => {
                breaches.extend(misses.iter().map(|miss| miss.target));
                (*priority, *since_ms)
            }
        };
        let mut found = Vec::with_capacity(misses.len());
        for miss in misses {
            let mut event =
                super::claims::step_event(EventKind::SlaBreached, turn.conversation(), "");
            // No person did this; the owner, if any, is in the history.
            event.agent = match &turn.conversation().handoff {
                Handoff::WithAgent { agent, .. } => Some(agent.clone()),
                _ => None,
            };
            event.detail = Some(json!({
                "target": miss.target.name(),
                "due_ms": miss.due_ms,
                "escalated_to": escalate_to,
            }));
            let after_commit = turn.after_commit();
            after_commit.cx(event);
            after_commit.record(
                id,
                HistoryItem {
                    at_ms: now_ms,
                    record: Record::Breached {
                        team: team.clone(),
                        target: miss.target,
                        due_ms: miss.due_ms,
                        escalated_to: escalate_to.clone(),
                    },
                },
            );
            found.push(Breach {
                id: id.clone(),
                team: team.clone(),
                target: miss.target,
                priority,
                since_ms,
                due_ms: miss.due_ms,
                escalated_to: escalate_to.clone(),
            });
        }
        self.pipeline.finish(turn).await?;
        tracing::warn!(conversation = %id.pseudonym(), team, missed = found.len(), "service-level target missed");
        if let Some(up) = &escalate_to {
            let reason = found
                .iter()
                .map(|breach| breach.target.name())
                .collect::<Vec<_>>()
                .join(", ");
            match self
                .transfer(
                    Mover::ServiceLevel,
                    id,
                    TransferTarget::Team(up.clone()),
                    &reason,
                )
                .await
            {
                // Resolved or moved meanwhile: nothing to move up.
                Ok(_) | Err(AgentError::Unchanged(_) | AgentError::NotWaiting(_)) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(found)
    }
}

/// Runs the watch every `handoff.sla_watch_ms` until aborted with the
/// server, and raises an alert for each breach once the event store is
/// open (when CX events and alerts are on). `None` when no team sets
/// service levels.
pub fn spawn(
    agents: Arc<AgentService>,
    settings: &Settings,
    recorder: Recorder,
    teams: Arc<Teams>,
    localizer: Arc<Localizer>,
) -> Option<tokio::task::JoinHandle<()>> {
    if !teams
        .names()
        .iter()
        .any(|team| teams.service_levels(team).is_some())
    {
        return None;
    }
    let every = settings.handoff.sla_watch();
    let cx = settings.cx.clone();
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        let mut alerts: Option<Alerts> = None;
        loop {
            tick.tick().await;
            if alerts.is_none() && cx.enabled && cx.alerts.enabled {
                alerts = open_alerts(&agents, &recorder, &teams, &localizer, &cx);
            }
            let now_ms = now_ms();
            let breaches = match agents.watch_service_levels(now_ms).await {
                Ok(breaches) => breaches,
                Err(err) => {
                    tracing::warn!(error = %err, "the service-level watch failed");
                    continue;
                }
            };
            let Some(alerts) = &alerts else { continue };
            for breach in &breaches {
                if let Err(err) = alerts.sla_breach(breach, now_ms).await {
                    tracing::warn!(error = %err, "a service-level alert could not be raised");
                }
            }
        }
    }))
}

/// The alerts' raiser, once the recorder's store is open.
fn open_alerts(
    agents: &AgentService,
    recorder: &Recorder,
    teams: &Arc<Teams>,
    localizer: &Arc<Localizer>,
    cx: &CxSettings,
) -> Option<Alerts> {
    let store = recorder.store()?.clone();
    match Alerts::new(
        store,
        agents.handoff.clone(),
        teams.clone(),
        localizer.clone(),
        cx.alerts.clone(),
    ) {
        Ok(alerts) => Some(alerts),
        Err(err) => {
            tracing::error!(error = %err, "service-level alerts are off: no HTTP client for the webhook");
            None
        }
    }
}
