//! Outage incidents for agents: their status updates and their
//! resolution, each sent to every citizen of the incident at once
//! (bounded), each citizen's message a turn of its own conversation.

use super::claims::step_event;
use crate::cx::EventKind;
use futures_util::StreamExt;
use serde::Serialize;

use super::{AgentError, AgentService, incident_resolved, no_incident};
use crate::channels::Purpose;
use crate::conversation::{
    ConversationId, DeliveryFailure, Handoff, Outcome, RatingRequest, Speaker, now_ms,
};
use crate::dialogue;
use crate::handoff::{
    Agent, HistoryItem, Incident, IncidentChange, IncidentId, IncidentUpdate, IncidentWrite, Record,
};
use crate::message::OutgoingMessage;
use crate::pipeline::Delivery;

/// Whether an incident message reached one citizen.
#[derive(Debug, Serialize)]
pub struct MemberDelivery {
    pub conversation_id: ConversationId,
    #[serde(flatten)]
    pub delivery: Delivery,
}

/// What an incident message did: one line per citizen, and the counts.
#[derive(Debug, Serialize)]
pub struct Broadcast {
    pub sent: usize,
    pub failed: usize,
    pub deliveries: Vec<MemberDelivery>,
}

impl Broadcast {
    fn of(deliveries: Vec<MemberDelivery>) -> Self {
        let sent = deliveries
            .iter()
            .filter(|line| line.delivery.delivered)
            .count();
        Self {
            sent,
            failed: deliveries.len() - sent,
            deliveries,
        }
    }
}

impl AgentService {
    /// Posts a status update and sends it to every citizen of the
    /// incident, each in their language on their channel.
    pub async fn post_incident_update(
        &self,
        agent: &Agent,
        id: &IncidentId,
        ar: Option<String>,
        en: Option<String>,
    ) -> Result<(IncidentUpdate, Broadcast), AgentError> {
        let id = id.as_str();
        let incident = self.incident_of(agent, id).await?;
        if !incident.is_open() {
            return Err(incident_resolved(id));
        }
        let update = IncidentUpdate {
            at_ms: now_ms(),
            agent: agent.name.clone(),
            ar,
            en,
        };
        let incident = match self.handoff.post_incident_update(id, &update).await? {
            IncidentWrite::Done(incident) => incident,
            IncidentWrite::Resolved(_) => return Err(incident_resolved(id)),
            IncidentWrite::Missing => return Err(no_incident(id)),
        };
        let deliveries = self
            .fan_out(&incident, |member| {
                self.send_update(agent, &incident, &update, member)
            })
            .await;
        self.desk
            .publish_incident(&incident, IncidentChange::Updated)
            .await?;
        let broadcast = Broadcast::of(deliveries);
        tracing::info!(
            incident = id,
            agent = agent.name,
            sent = broadcast.sent,
            failed = broadcast.failed,
            "incident update"
        );
        Ok((update, broadcast))
    }

    /// Resolves the incident: every citizen hears that the problem is
    /// fixed, and those still with the humans go back to the bot, which
    /// asks for a rating.
    pub async fn resolve_incident(
        &self,
        agent: &Agent,
        id: &IncidentId,
    ) -> Result<Broadcast, AgentError> {
        let id = id.as_str();
        self.incident_of(agent, id).await?;
        let incident = match self
            .desk
            .store()
            .resolve_incident(id, &agent.name, now_ms())
            .await?
        {
            IncidentWrite::Done(incident) => incident,
            IncidentWrite::Resolved(_) => return Err(incident_resolved(id)),
            IncidentWrite::Missing => return Err(no_incident(id)),
        };
        let deliveries = self
            .fan_out(&incident, |member| self.close_for(agent, &incident, member))
            .await;
        self.desk
            .publish_incident(&incident, IncidentChange::Resolved)
            .await?;
        let broadcast = Broadcast::of(deliveries);
        tracing::info!(
            incident = id,
            agent = agent.name,
            sent = broadcast.sent,
            failed = broadcast.failed,
            "incident resolved"
        );
        Ok(broadcast)
    }

    /// An incident the agent's teams may see.
    pub(super) async fn incident_of(
        &self,
        agent: &Agent,
        id: &str,
    ) -> Result<Incident, AgentError> {
        let incident = self
            .desk
            .store()
            .incident(id)
            .await?
            .ok_or_else(|| no_incident(id))?;
        if !agent.serves(&incident.team) {
            return Err(AgentError::NotInIncidentTeam {
                agent: agent.name.clone(),
                team: incident.team,
                incident: id.to_owned(),
            });
        }
        Ok(incident)
    }

    /// Sends one message to every member at once (bounded), each under
    /// its conversation's lease: one citizen's failing channel neither
    /// stops nor delays the others, and shows in the result.
    async fn fan_out<'a, F, Fut>(&'a self, incident: &'a Incident, send: F) -> Vec<MemberDelivery>
    where
        F: Fn(&'a ConversationId) -> Fut,
        Fut: Future<Output = Result<Option<Delivery>, AgentError>> + 'a,
    {
        futures_util::stream::iter(&incident.members)
            .map(|member| {
                let sent = send(&member.conversation_id);
                async move {
                    let delivery = match sent.await {
                        Ok(delivery) => delivery?,
                        // A lease or store failure for one citizen is shown
                        // like an unreachable channel: it must not cost the
                        // others their message.
                        Err(err) => {
                            tracing::warn!(conversation = %member.conversation_id.pseudonym(), error = %err, "an incident message could not be sent");
                            Delivery {
                                delivered: false,
                                failure: Some(DeliveryFailure::Unreachable),
                                detail: Some(err.to_string()),
                                ..Delivery::default()
                            }
                        }
                    };
                    Some(MemberDelivery {
                        conversation_id: member.conversation_id.clone(),
                        delivery,
                    })
                }
            })
            .buffered(self.fan_out_concurrency.get())
            .filter_map(std::future::ready)
            .collect()
            .await
    }

    /// A status update to one member; none when the conversation expired.
    async fn send_update(
        &self,
        agent: &Agent,
        incident: &Incident,
        update: &IncidentUpdate,
        id: &ConversationId,
    ) -> Result<Option<Delivery>, AgentError> {
        let mut turn = self.pipeline.begin(id).await?;
        if !turn.existed() {
            return Ok(None);
        }
        let lang = turn.conversation().language.unwrap_or_default();
        let text = self.desk.update_text(lang, incident, update);
        let message = OutgoingMessage {
            text: text.clone(),
            buttons: Vec::new(),
        };
        let update = Some((Purpose::IncidentUpdate, Some(agent.name.as_str())));
        let delivery = self
            .say_for(&mut turn, message, Speaker::Agent, update)
            .await?;
        turn.after_commit().note(
            id,
            HistoryItem {
                at_ms: now_ms(),
                record: Record::Message {
                    team: incident.team.clone(),
                    speaker: Speaker::Agent,
                    text,
                    agent: Some(agent.name.clone()),
                    failure: delivery.failure,
                    message_ids: delivery.message_ids.clone(),
                },
            },
        );
        self.pipeline.finish(turn).await?;
        Ok(Some(delivery))
    }

    /// The closing message to one member, with the hand-back to the bot
    /// and a rating request when the case is still with the humans for
    /// this incident.
    async fn close_for(
        &self,
        agent: &Agent,
        incident: &Incident,
        id: &ConversationId,
    ) -> Result<Option<Delivery>, AgentError> {
        let mut turn = self.pipeline.begin(id).await?;
        if !turn.existed() {
            return Ok(None);
        }
        let conversation = turn.conversation_mut();
        let lang = conversation.language.unwrap_or_default();
        let closing = self.desk.closing_text(lang, incident);
        let handed_back = match &conversation.handoff {
            handoff @ Handoff::Waiting { .. }
                if handoff.incident_id() == Some(incident.id.as_str()) =>
            {
                self.desk
                    .team_of(handoff)
                    .map(|team| (team, agent.name.clone()))
            }
            handoff @ Handoff::WithAgent {
                agent: owner, team, ..
            } if handoff.incident_id() == Some(incident.id.as_str()) => {
                Some((team.clone(), owner.clone()))
            }
            _ => None,
        };
        let resolved = handed_back.as_ref().map(|(team, _)| {
            let mut event = step_event(EventKind::Resolved, conversation, &agent.name);
            event.team = Some(team.clone());
            event.outcome = Some(Outcome::Solved.name().to_owned());
            event
        });
        let message = match &handed_back {
            Some((team, owner)) => {
                conversation.handoff = Handoff::Bot;
                conversation.consecutive_fallbacks = 0;
                conversation.memory.note_resolved(owner, now_ms());
                conversation.rating_request = Some(RatingRequest {
                    agent: Some(owner.clone()),
                    team: Some(team.clone()),
                });
                let rating = dialogue::rating_request(lang, &self.localizer);
                OutgoingMessage {
                    text: format!("{closing}\n\n{}", rating.text),
                    buttons: rating.buttons,
                }
            }
            None => OutgoingMessage {
                text: closing,
                buttons: Vec::new(),
            },
        };
        let text = message.text.clone();
        // The incident's last update (its closing), with the rating
        // question when the case comes back to the bot.
        let update = Some((Purpose::IncidentUpdate, Some(agent.name.as_str())));
        let delivery = self
            .say_for(&mut turn, message, Speaker::Bot, update)
            .await?;
        let team = handed_back
            .as_ref()
            .map_or_else(|| incident.team.clone(), |(team, _)| team.clone());
        let after_commit = turn.after_commit();
        after_commit.note(
            id,
            HistoryItem {
                at_ms: now_ms(),
                record: Record::Message {
                    team: team.clone(),
                    speaker: Speaker::Bot,
                    text,
                    agent: None,
                    failure: delivery.failure,
                    message_ids: delivery.message_ids.clone(),
                },
            },
        );
        if let Some(event) = resolved {
            after_commit.cx(event);
        }
        if handed_back.is_some() {
            after_commit.dequeue(&team, id);
            after_commit.release(&team, id);
            after_commit.record(
                id,
                HistoryItem {
                    at_ms: now_ms(),
                    record: Record::Resolved {
                        agent: agent.name.clone(),
                        team,
                        outcome: Some(Outcome::Solved),
                    },
                },
            );
        }
        self.pipeline.finish(turn).await?;
        Ok(Some(delivery))
    }
}
