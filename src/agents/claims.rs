//! Claiming a waiting conversation, writing to its citizen, and handing
//! it back to the bot, which asks for a rating.

use super::{AgentError, AgentService, forbidden};
use crate::conversation::{ConversationId, Handoff, RatingRequest, Speaker, now_ms};
use crate::dialogue;
use crate::handoff::{Agent, HistoryItem, Record};
use crate::message::OutgoingMessage;
use crate::pipeline::{Delivery, OpenTurn};

impl AgentService {
    /// Takes a waiting conversation. Claiming one's own again is fine; one
    /// that another agent has is a conflict.
    pub async fn claim(&self, agent: &Agent, id: &ConversationId) -> Result<Handoff, AgentError> {
        let mut turn = self.pipeline.begin(id).await?;
        if !turn.existed() {
            return Err(AgentError::NoConversation(id.clone()));
        }
        let handoff = turn.conversation().handoff.clone();
        let team = self
            .desk
            .team_of(&handoff)
            .ok_or_else(|| AgentError::NotWaiting(id.clone()))?;
        if !agent.serves(&team) {
            return Err(forbidden(agent, &team));
        }
        match handoff {
            Handoff::WithAgent {
                agent: ref owner, ..
            } if *owner == agent.name => Ok(handoff.clone()),
            Handoff::WithAgent { agent: owner, .. } => Err(AgentError::Claimed {
                owner,
                id: id.clone(),
            }),
            Handoff::Waiting {
                reason,
                priority,
                entry_id,
                since_ms,
                acknowledged,
                area,
                incident_id,
                ..
            } => {
                let claimed = Handoff::WithAgent {
                    agent: agent.name.clone(),
                    team: team.clone(),
                    reason,
                    priority,
                    entry_id,
                    since_ms,
                    acknowledged,
                    area,
                    incident_id,
                };
                turn.conversation_mut().handoff = claimed.clone();
                let after_commit = turn.after_commit();
                after_commit.dequeue(&team, id);
                after_commit.pickup(&team, now_ms() - since_ms);
                after_commit.record(
                    id,
                    HistoryItem {
                        at_ms: now_ms(),
                        record: Record::Claimed {
                            agent: agent.name.clone(),
                            team: team.clone(),
                        },
                    },
                );
                self.pipeline.finish(turn).await?;
                tracing::info!(conversation = %id.pseudonym(), agent = agent.name, team, "claimed");
                Ok(claimed)
            }
            Handoff::Bot => Err(AgentError::NotWaiting(id.clone())),
        }
    }

    /// A turn of a conversation `agent` owns, and its team.
    async fn owned(
        &self,
        agent: &Agent,
        id: &ConversationId,
    ) -> Result<(OpenTurn, String), AgentError> {
        let turn = self.pipeline.begin(id).await?;
        if !turn.existed() {
            return Err(AgentError::NoConversation(id.clone()));
        }
        match &turn.conversation().handoff {
            Handoff::WithAgent {
                agent: owner, team, ..
            } if *owner == agent.name => {
                let team = team.clone();
                Ok((turn, team))
            }
            handoff => match self.desk.team_of(handoff) {
                Some(team) if !agent.serves(&team) => Err(forbidden(agent, &team)),
                _ => Err(AgentError::NotYours(id.clone())),
            },
        }
    }

    /// Sends `text` to the citizen on their channel, and records it.
    pub async fn send(
        &self,
        agent: &Agent,
        id: &ConversationId,
        text: &str,
    ) -> Result<Delivery, AgentError> {
        let (mut turn, team) = self.owned(agent, id).await?;
        let message = OutgoingMessage {
            text: text.to_owned(),
            buttons: Vec::new(),
        };
        let delivery = self.say(&mut turn, message, Speaker::Agent).await?;
        turn.after_commit().note(
            id,
            HistoryItem {
                at_ms: now_ms(),
                record: Record::Message {
                    team: team.clone(),
                    speaker: Speaker::Agent,
                    text: text.to_owned(),
                    agent: Some(agent.name.clone()),
                    failure: delivery.failure,
                },
            },
        );
        self.pipeline.finish(turn).await?;
        tracing::info!(conversation = %id.pseudonym(), agent = agent.name, team, delivered = delivery.delivered, "agent message");
        Ok(delivery)
    }

    /// Hands the conversation back to the bot, which thanks the citizen and
    /// asks for a rating.
    pub async fn resolve(
        &self,
        agent: &Agent,
        id: &ConversationId,
    ) -> Result<Delivery, AgentError> {
        let (mut turn, team) = self.owned(agent, id).await?;
        let conversation = turn.conversation_mut();
        conversation.handoff = Handoff::Bot;
        conversation.consecutive_fallbacks = 0;
        conversation.memory.note_resolved(&agent.name, now_ms());
        conversation.rating_request = Some(RatingRequest {
            agent: Some(agent.name.clone()),
            team: Some(team.clone()),
        });
        let lang = conversation.language.unwrap_or_default();
        let message = dialogue::rating_request(lang, &self.localizer);
        let delivery = self.say(&mut turn, message, Speaker::Bot).await?;
        turn.after_commit().record(
            id,
            HistoryItem {
                at_ms: now_ms(),
                record: Record::Resolved {
                    agent: agent.name.clone(),
                    team: team.clone(),
                },
            },
        );
        self.pipeline.finish(turn).await?;
        tracing::info!(conversation = %id.pseudonym(), agent = agent.name, team, "resolved");
        Ok(delivery)
    }
}
