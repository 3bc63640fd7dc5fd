//! What agents read: a conversation with its full history, the open
//! incidents of their teams, and their teams' ratings.

use serde::Serialize;
use utoipa::ToSchema;

use super::{AgentError, AgentService, forbidden};
use crate::conversation::{Conversation, ConversationId, Handoff, SlaTarget};
use crate::handoff::{
    Agent, EntryTitle, HistoryItem, Incident, IncidentId, IncidentStatus, IncidentUpdate, Record,
    StoredRating, sla,
};
use crate::i18n::Lang;
use crate::kb::{Area, EntryId};
use crate::memory::PastCase;

/// A conversation as an agent reads it: its state and full history.
#[derive(Debug, Serialize, ToSchema)]
pub struct View {
    pub team: String,
    /// The conversation's state: `id`, `language`, `handoff`, recent
    /// `turns`, `ratings`, `failed_deliveries`, ...
    #[schema(value_type = Object)]
    pub conversation: Conversation,
    /// Every message and event of the conversation, oldest first.
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<HistoryItem>,
    /// The incident its last escalation was grouped into, if any.
    pub incident_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub area: Option<Area>,
    #[schema(value_type = Option<Object>)]
    pub entry_title: Option<EntryTitle>,
    /// What the bot remembers of the citizen's cases, this one included,
    /// newest first: earlier conversations are gone, these stay
    /// (`state.memory_retention_secs`).
    #[schema(value_type = Vec<Object>)]
    pub earlier_cases: Vec<EarlierCase>,
    /// While the case is with the humans and its team sets service
    /// levels, the target it is measured against now (`first_reply` or
    /// `resolution`), as on queue items.
    #[schema(value_type = Option<String>)]
    pub sla_target: Option<SlaTarget>,
    /// When that target is due, in the team's business hours.
    pub due_ms: Option<i64>,
    pub overdue: bool,
}

/// One of a citizen's remembered cases, with its entry's titles.
#[derive(Debug, Serialize)]
pub struct EarlierCase {
    #[serde(flatten)]
    pub case: PastCase,
    pub entry_title: Option<EntryTitle>,
}

/// An incident as agents see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentView {
    /// `inc-<number>`.
    pub id: String,
    pub team: String,
    #[schema(value_type = String)]
    pub entry_id: EntryId,
    #[schema(value_type = Option<Object>)]
    pub entry_title: Option<EntryTitle>,
    #[schema(value_type = Option<Object>)]
    pub area: Option<Area>,
    /// `open` or `resolved`.
    #[schema(value_type = String)]
    pub status: IncidentStatus,
    pub opened_ms: i64,
    pub last_report_ms: i64,
    pub resolved_ms: Option<i64>,
    pub resolved_by: Option<String>,
    pub count: usize,
    pub conversations: Vec<IncidentMember>,
    /// Each with `at_ms`, `agent`, and `ar` and/or `en`.
    #[schema(value_type = Vec<Object>)]
    pub updates: Vec<IncidentUpdate>,
}

/// A citizen in an incident, and where their case stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentMember {
    #[schema(value_type = String)]
    pub conversation_id: ConversationId,
    pub channel: String,
    #[schema(value_type = Option<String>)]
    pub language: Option<Lang>,
    pub since_ms: i64,
    #[schema(value_type = String)]
    pub state: &'static str,
    pub agent: Option<String>,
}

impl AgentService {
    pub async fn view(&self, agent: &Agent, id: &ConversationId) -> Result<View, AgentError> {
        let conversation = self
            .conversations
            .get(id)
            .await?
            .ok_or_else(|| AgentError::NoConversation(id.clone()))?;
        let history = self.handoff.history(id).await?;
        // Back with the bot, the conversation stays with the team that had
        // it last.
        let team = self.desk.team_of(&conversation.handoff).or_else(|| {
            history.iter().rev().find_map(|item| match &item.record {
                Record::Escalated { team, .. } | Record::Claimed { team, .. } => Some(team.clone()),
                _ => None,
            })
        });
        let Some(team) = team else {
            return Err(AgentError::NeverHandedOver(id.clone()));
        };
        if !agent.serves(&team) {
            return Err(forbidden(agent, &team));
        }
        // Back with the bot, the last escalation still says what it was.
        let (entry_id, incident_id, area) = history
            .iter()
            .rev()
            .find_map(|item| match &item.record {
                Record::Escalated {
                    entry_id,
                    incident_id,
                    area,
                    ..
                } => Some((entry_id.clone(), incident_id.clone(), area.clone())),
                _ => None,
            })
            .unwrap_or_default();
        let incident_id = conversation
            .handoff
            .incident_id()
            .map(str::to_owned)
            .or(incident_id);
        let area = conversation.handoff.area().cloned().or(area);
        let earlier_cases = conversation
            .memory
            .cases
            .iter()
            .rev()
            .map(|case| EarlierCase {
                entry_title: case
                    .entry_id
                    .as_ref()
                    .and_then(|id| self.desk.entry_title(id)),
                case: case.clone(),
            })
            .collect();
        let service_level = sla::status(
            self.desk.teams(),
            &team,
            &conversation,
            crate::conversation::now_ms(),
        );
        Ok(View {
            sla_target: service_level.map(|status| status.target),
            due_ms: service_level.map(|status| status.due_ms),
            overdue: service_level.is_some_and(|status| status.overdue),
            team,
            entry_title: entry_id.as_ref().and_then(|id| self.desk.entry_title(id)),
            earlier_cases,
            conversation,
            history,
            incident_id,
            area,
        })
    }

    /// The open incidents of the agent's teams, oldest first.
    pub async fn incidents(&self, agent: &Agent) -> Result<Vec<IncidentView>, AgentError> {
        let mut incidents = Vec::new();
        for team in &agent.teams {
            incidents.extend(self.handoff.open_incidents(team).await?);
        }
        incidents.sort_by(|a, b| (a.opened_ms, &a.id).cmp(&(b.opened_ms, &b.id)));
        let mut views = Vec::with_capacity(incidents.len());
        for incident in incidents {
            views.push(self.incident_view(incident).await?);
        }
        Ok(views)
    }

    /// One incident, open or resolved.
    pub async fn incident(
        &self,
        agent: &Agent,
        id: &IncidentId,
    ) -> Result<IncidentView, AgentError> {
        let incident = self.incident_of(agent, id.as_str()).await?;
        self.incident_view(incident).await
    }

    async fn incident_view(&self, incident: Incident) -> Result<IncidentView, AgentError> {
        let ids: Vec<ConversationId> = incident
            .members
            .iter()
            .map(|member| member.conversation_id.clone())
            .collect();
        let stored = self.conversations.get_many(&ids).await?;
        let mut conversations = Vec::with_capacity(incident.members.len());
        for (member, conversation) in incident.members.iter().zip(stored) {
            let handoff = conversation
                .as_ref()
                .map(|conversation| &conversation.handoff);
            let (state, agent, since_ms) = match handoff {
                Some(Handoff::Waiting { since_ms, .. }) => ("waiting", None, *since_ms),
                Some(Handoff::WithAgent {
                    agent, since_ms, ..
                }) => ("with_agent", Some(agent.clone()), *since_ms),
                _ => ("bot", None, member.joined_ms),
            };
            conversations.push(IncidentMember {
                conversation_id: member.conversation_id.clone(),
                channel: member.conversation_id.channel().to_owned(),
                language: conversation.and_then(|conversation| conversation.language),
                since_ms,
                state,
                agent,
            });
        }
        Ok(IncidentView {
            entry_title: self.desk.entry_title(&incident.entry_id),
            count: incident.members.len(),
            id: incident.id,
            team: incident.team,
            entry_id: incident.entry_id,
            area: incident.area,
            status: incident.status,
            opened_ms: incident.opened_ms,
            last_report_ms: incident.last_report_ms,
            resolved_ms: incident.resolved_ms,
            resolved_by: incident.resolved_by,
            conversations,
            updates: incident.updates,
        })
    }

    /// The ratings of the agent's teams, newest first.
    pub async fn ratings(&self, agent: &Agent) -> Result<Vec<StoredRating>, AgentError> {
        let mut ratings = self.handoff.ratings().await?;
        ratings.retain(|stored| {
            stored
                .rating
                .team
                .as_deref()
                .is_some_and(|team| agent.serves(team))
        });
        // A comment stores its rating again: keep the newest of each.
        let mut seen = std::collections::HashSet::new();
        ratings.retain(|stored| seen.insert((stored.conversation_id.clone(), stored.rating.at_ms)));
        Ok(ratings)
    }
}
