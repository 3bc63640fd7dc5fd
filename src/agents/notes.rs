//! Agents' private notes in a case: a line of its history that the
//! console shows in its own style and that no channel ever sends. Kept,
//! erased and exported with the case's history.

use super::{AgentError, AgentService, forbidden};
use crate::conversation::{ConversationId, now_ms};
use crate::handoff::{Agent, HistoryItem, Record};

impl AgentService {
    /// Adds `agent`'s note to the case. Any agent of the team that has the
    /// case may write one, whoever holds it: notes are how colleagues pass
    /// on what the citizen does not need to read. A case back with the bot
    /// takes notes for the team that had it last.
    pub async fn note(
        &self,
        agent: &Agent,
        id: &ConversationId,
        text: &str,
    ) -> Result<HistoryItem, AgentError> {
        let mut turn = self.pipeline.begin(id).await?;
        if !turn.existed() {
            return Err(AgentError::NoConversation(id.clone()));
        }
        let team = match self.desk.team_of(&turn.conversation().handoff) {
            Some(team) => team,
            None => self
                .last_team(id)
                .await?
                .ok_or_else(|| AgentError::NeverHandedOver(id.clone()))?,
        };
        if !agent.serves(&team) {
            return Err(forbidden(agent, &team));
        }
        let item = HistoryItem {
            at_ms: now_ms(),
            record: Record::Note {
                team: team.clone(),
                agent: agent.name.clone(),
                text: text.to_owned(),
            },
        };
        // A history line and a live event for the team's consoles, and
        // nothing for the citizen: notes never touch the channel or the
        // web-chat outbox.
        turn.after_commit().record(id, item.clone());
        self.pipeline.finish(turn).await?;
        tracing::info!(conversation = %id.pseudonym(), agent = agent.name, team, "note");
        Ok(item)
    }

    /// The team that had the case last, from its history.
    async fn last_team(&self, id: &ConversationId) -> Result<Option<String>, AgentError> {
        let history = self.handoff.history(id).await?;
        Ok(history.iter().rev().find_map(|item| match &item.record {
            Record::Escalated { team, .. }
            | Record::Claimed { team, .. }
            | Record::Assigned { team, .. }
            | Record::Transferred { team, .. }
            | Record::Resolved { team, .. } => Some(team.clone()),
            _ => None,
        }))
    }
}
