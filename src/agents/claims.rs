//! Claiming a waiting conversation, writing to its citizen, and handing
//! it back to the bot, which asks for a rating.

use super::{AgentError, AgentService, forbidden};
use crate::channels::Purpose;
use crate::conversation::{
    Conversation, ConversationId, Handoff, Outcome, RatingRequest, Speaker, now_ms,
};
use crate::cx::{CxEvent, EventKind};
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
            Handoff::Waiting { .. } => {
                let claimed = self.take(&mut turn, &agent.name, &team, None).await?;
                self.pipeline.finish(turn).await?;
                tracing::info!(conversation = %id.pseudonym(), agent = agent.name, team, "claimed");
                Ok(claimed)
            }
            Handoff::Bot => Err(AgentError::NotWaiting(id.clone())),
        }
    }

    /// Gives the turn's case to `agent` of `team`: claimed by them
    /// (`assigned_by` none), or assigned to them by someone else (`auto`, a
    /// supervisor, a transfer). A waiting case leaves its queue; the
    /// team's index of held cases gains it before the commit, so that a
    /// crash cannot hide it from the service-level watch.
    pub(super) async fn take(
        &self,
        turn: &mut OpenTurn,
        agent: &str,
        team: &str,
        assigned_by: Option<&str>,
    ) -> Result<Handoff, AgentError> {
        let id = turn.conversation().id.clone();
        let now = now_ms();
        let previous = turn.conversation().handoff.clone();
        let previous_team = self.desk.team_of(&previous);
        let taken = previous
            .clone()
            .taken_by(agent, team, now)
            .ok_or_else(|| AgentError::NotWaiting(id.clone()))?;
        self.handoff.hold(team, &id, now).await?;
        turn.conversation_mut().handoff = taken.clone();
        let event = step_event(EventKind::Claimed, turn.conversation(), agent);
        let after_commit = turn.after_commit();
        after_commit.cx(event);
        if let Some(previous_team) = previous_team {
            match previous {
                Handoff::Waiting { since_ms, .. } => {
                    after_commit.dequeue(&previous_team, &id);
                    after_commit.pickup(&previous_team, now - since_ms);
                }
                _ if previous_team != team => after_commit.release(&previous_team, &id),
                _ => {}
            }
        }
        let record = match assigned_by {
            None => Record::Claimed {
                agent: agent.to_owned(),
                team: team.to_owned(),
            },
            Some(by) => Record::Assigned {
                agent: agent.to_owned(),
                team: team.to_owned(),
                by: by.to_owned(),
            },
        };
        after_commit.record(&id, HistoryItem { at_ms: now, record });
        Ok(taken)
    }

    /// A turn of a conversation `agent` owns, and its team.
    pub(super) async fn owned(
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
        let first_reply = is_first_reply(turn.conversation());
        let message = OutgoingMessage {
            text: text.to_owned(),
            buttons: Vec::new(),
        };
        let reply = Some((Purpose::AgentReply, Some(agent.name.as_str())));
        let delivery = self
            .say_for(&mut turn, message, Speaker::Agent, reply)
            .await?;
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
                    message_ids: delivery.message_ids.clone(),
                },
            },
        );
        if first_reply {
            let event = step_event(EventKind::FirstReply, turn.conversation(), &agent.name);
            turn.after_commit().cx(event);
        }
        self.pipeline.finish(turn).await?;
        tracing::info!(conversation = %id.pseudonym(), agent = agent.name, team, delivered = delivery.delivered, "agent message");
        Ok(delivery)
    }

    /// Hands the conversation back to the bot, which closes it in words
    /// that fit the outcome and asks for a rating when it fits.
    pub async fn resolve(
        &self,
        agent: &Agent,
        id: &ConversationId,
        outcome: Outcome,
    ) -> Result<Delivery, AgentError> {
        let (mut turn, team) = self.owned(agent, id).await?;
        let mut resolved = step_event(EventKind::Resolved, turn.conversation(), &agent.name);
        resolved.outcome = Some(outcome.name().to_owned());
        turn.after_commit().cx(resolved);
        turn.after_commit().release(&team, id);
        let conversation = turn.conversation_mut();
        conversation.handoff = Handoff::Bot;
        conversation.consecutive_fallbacks = 0;
        conversation.memory.note_resolved(&agent.name, now_ms());
        // The next message is read as a score only when one was asked for.
        conversation.rating_request = outcome.asks_for_rating().then(|| RatingRequest {
            agent: Some(agent.name.clone()),
            team: Some(team.clone()),
        });
        let lang = conversation.language.unwrap_or_default();
        let message = dialogue::resolved_closing(outcome, lang, &self.localizer);
        // Past the 24-hour window, a closing that asks for a rating goes as
        // the rating-request template; the others have none.
        let rating = outcome
            .asks_for_rating()
            .then_some((Purpose::RatingRequest, None));
        let delivery = self
            .say_for(&mut turn, message, Speaker::Bot, rating)
            .await?;
        turn.after_commit().record(
            id,
            HistoryItem {
                at_ms: now_ms(),
                record: Record::Resolved {
                    agent: agent.name.clone(),
                    team: team.clone(),
                    outcome: Some(outcome),
                },
            },
        );
        self.pipeline.finish(turn).await?;
        tracing::info!(conversation = %id.pseudonym(), agent = agent.name, team, outcome = outcome.name(), "resolved");
        Ok(delivery)
    }
}

/// An agent's step in a case (claim, first reply, resolve): who, which
/// team, and how long since the case was escalated.
pub(super) fn step_event(kind: EventKind, conversation: &Conversation, agent: &str) -> CxEvent {
    let id = &conversation.id;
    let now = now_ms();
    let mut event = CxEvent::new(kind, now, id, id.channel());
    event.language = conversation.language;
    event.agent = Some(agent.to_owned());
    let (team, since_ms) = match &conversation.handoff {
        Handoff::WithAgent { team, since_ms, .. } => (Some(team.clone()), *since_ms),
        Handoff::Waiting { team, since_ms, .. } => (team.clone(), *since_ms),
        Handoff::Bot => return event,
    };
    let handoff = &conversation.handoff;
    event.team = team;
    event.wait_ms = Some((now - since_ms).max(0));
    event.district = handoff.area().map(|area| area.id.clone());
    event.incident = handoff.incident_id().map(str::to_owned);
    if let Handoff::WithAgent {
        reason,
        priority,
        entry_id,
        ..
    }
    | Handoff::Waiting {
        reason,
        priority,
        entry_id,
        ..
    } = handoff
    {
        event.reason = Some(*reason);
        event.priority = Some(*priority);
        event.entry = entry_id.as_ref().map(|entry| entry.to_string());
    }
    event
}

/// Whether no person has written in this case yet: no agent's message since
/// it was escalated.
fn is_first_reply(conversation: &Conversation) -> bool {
    let Handoff::WithAgent { since_ms, .. } = conversation.handoff else {
        return false;
    };
    !conversation
        .turns
        .iter()
        .any(|turn| turn.speaker == Speaker::Agent && turn.at_ms >= since_ms)
}
