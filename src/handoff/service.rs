//! What agents do, through the agent API: see their teams' queues, read a
//! conversation in full, claim it, write to the citizen on the citizen's
//! own channel, and resolve it. Every state change goes through the
//! conversation's lease, so it is exclusive across instances.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::{Agent, Desk, HistoryItem, OutboxMessage, Record, StoredRating};
use crate::channels::Channels;
use crate::conversation::{
    Action, Conversation, ConversationId, DeliveryFailure, EscalationReason, FailedDelivery,
    Handoff, Priority, RatingRequest, Speaker, Turn, now_ms,
};
use crate::dialogue::{self, OutgoingMessage, Reply};
use crate::i18n::{Lang, Localizer, Msg};
use crate::kb::EntryId;
use crate::state::{ConversationStore, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum HandoffError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A waiting conversation, as the queue lists it.
#[derive(Debug, Serialize)]
pub struct QueueItem {
    pub conversation_id: ConversationId,
    pub team: String,
    pub position: usize,
    pub priority: Priority,
    pub reason: EscalationReason,
    pub entry_id: Option<EntryId>,
    pub language: Option<Lang>,
    pub since_ms: i64,
}

/// A conversation as an agent reads it: its state and full history.
#[derive(Debug, Serialize)]
pub struct View {
    pub team: String,
    pub conversation: Conversation,
    pub history: Vec<HistoryItem>,
}

/// Whether a message reached the citizen.
#[derive(Debug, Serialize)]
pub struct Delivery {
    pub delivered: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<DeliveryFailure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

pub struct AgentService {
    desk: Arc<Desk>,
    conversations: Arc<dyn ConversationStore>,
    channels: Channels,
    localizer: Arc<Localizer>,
}

fn forbidden(agent: &Agent, team: &str) -> HandoffError {
    HandoffError::Forbidden(format!(
        "agent {} is not in team {team}, which has this conversation",
        agent.name
    ))
}

impl AgentService {
    pub fn new(
        desk: Arc<Desk>,
        conversations: Arc<dyn ConversationStore>,
        channels: Channels,
        localizer: Arc<Localizer>,
    ) -> Self {
        Self {
            desk,
            conversations,
            channels,
            localizer,
        }
    }

    pub fn desk(&self) -> &Arc<Desk> {
        &self.desk
    }

    pub async fn queue(&self, agent: &Agent) -> Result<Vec<QueueItem>, HandoffError> {
        let mut items = Vec::new();
        for team in &agent.teams {
            let queued = self.desk.store().queue(team).await?;
            let mut position = 0;
            for id in queued {
                let waiting =
                    self.conversations
                        .get(&id)
                        .await?
                        .and_then(|conversation| match conversation.handoff {
                            Handoff::Waiting {
                                reason,
                                priority,
                                entry_id,
                                since_ms,
                                ..
                            } => {
                                Some((conversation.language, reason, priority, entry_id, since_ms))
                            }
                            _ => None,
                        });
                let Some((language, reason, priority, entry_id, since_ms)) = waiting else {
                    // Expired, or no longer waiting: it must neither show
                    // nor push the citizens behind it down the line.
                    self.desk.store().dequeue(team, &id).await?;
                    continue;
                };
                position += 1;
                items.push(QueueItem {
                    conversation_id: id,
                    team: team.clone(),
                    position,
                    priority,
                    reason,
                    entry_id,
                    language,
                    since_ms,
                });
            }
        }
        // Across the agent's teams too: urgent first, then longest waiting.
        items.sort_by_key(|item| (std::cmp::Reverse(item.priority), item.since_ms));
        Ok(items)
    }

    pub async fn view(&self, agent: &Agent, id: &ConversationId) -> Result<View, HandoffError> {
        let conversation = self
            .conversations
            .get(id)
            .await?
            .ok_or_else(|| HandoffError::NotFound(format!("no conversation {id}")))?;
        let history = self.desk.store().history(id).await?;
        // Back with the bot, the conversation stays with the team that had
        // it last.
        let team = self.desk.team_of(&conversation.handoff).or_else(|| {
            history.iter().rev().find_map(|item| match &item.record {
                Record::Escalated { team, .. } | Record::Claimed { team, .. } => Some(team.clone()),
                _ => None,
            })
        });
        let Some(team) = team else {
            return Err(HandoffError::NotFound(format!(
                "conversation {id} was never handed to agents"
            )));
        };
        if !agent.serves(&team) {
            return Err(forbidden(agent, &team));
        }
        Ok(View {
            team,
            conversation,
            history,
        })
    }

    /// Takes a waiting conversation. Claiming one's own again is fine; one
    /// that another agent has is a conflict.
    pub async fn claim(&self, agent: &Agent, id: &ConversationId) -> Result<Handoff, HandoffError> {
        let mut lease = self.conversations.acquire(id).await?;
        if !lease.existed {
            return Err(HandoffError::NotFound(format!("no conversation {id}")));
        }
        let handoff = lease.conversation.handoff.clone();
        let team = self
            .desk
            .team_of(&handoff)
            .ok_or_else(|| HandoffError::Conflict {
                code: "not_waiting",
                message: format!("conversation {id} is not waiting for an agent"),
            })?;
        if !agent.serves(&team) {
            return Err(forbidden(agent, &team));
        }
        match handoff {
            Handoff::WithAgent {
                agent: ref owner, ..
            } if *owner == agent.name => Ok(handoff.clone()),
            Handoff::WithAgent { agent: owner, .. } => Err(HandoffError::Conflict {
                code: "claimed",
                message: format!("agent {owner} already has conversation {id}"),
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
                lease.conversation.handoff = claimed.clone();
                self.conversations.commit(lease).await?;
                let store = self.desk.store();
                store.dequeue(&team, id).await?;
                store.record_pickup(&team, now_ms() - since_ms).await?;
                let item = HistoryItem {
                    at_ms: now_ms(),
                    record: Record::Claimed {
                        agent: agent.name.clone(),
                        team: team.clone(),
                    },
                };
                self.desk.publish(id, item).await?;
                tracing::info!(conversation = %id, agent = agent.name, team, "claimed");
                Ok(claimed)
            }
            Handoff::Bot => Err(HandoffError::Conflict {
                code: "not_waiting",
                message: format!("conversation {id} is not waiting for an agent"),
            }),
        }
    }

    /// The lease of a conversation `agent` owns, and its team.
    async fn owned(
        &self,
        agent: &Agent,
        id: &ConversationId,
    ) -> Result<(crate::state::Lease, String), HandoffError> {
        let lease = self.conversations.acquire(id).await?;
        if !lease.existed {
            return Err(HandoffError::NotFound(format!("no conversation {id}")));
        }
        match &lease.conversation.handoff {
            Handoff::WithAgent {
                agent: owner, team, ..
            } if *owner == agent.name => {
                let team = team.clone();
                Ok((lease, team))
            }
            handoff => match self.desk.team_of(handoff) {
                Some(team) if !agent.serves(&team) => Err(forbidden(agent, &team)),
                _ => Err(HandoffError::Conflict {
                    code: "not_yours",
                    message: format!("claim conversation {id} first"),
                }),
            },
        }
    }

    /// Sends `text` to the citizen on their channel, and records it.
    pub async fn send(
        &self,
        agent: &Agent,
        id: &ConversationId,
        text: &str,
    ) -> Result<Delivery, HandoffError> {
        let (mut lease, team) = self.owned(agent, id).await?;
        let message = OutgoingMessage {
            text: text.to_owned(),
            buttons: Vec::new(),
        };
        let delivery = self
            .deliver(&mut lease.conversation, message, Speaker::Agent)
            .await?;
        self.conversations.commit(lease).await?;
        let item = HistoryItem {
            at_ms: now_ms(),
            record: Record::Message {
                team: team.clone(),
                speaker: Speaker::Agent,
                text: text.to_owned(),
                agent: Some(agent.name.clone()),
                failure: delivery.failure,
            },
        };
        self.desk.store().append(id, &[item]).await?;
        tracing::info!(conversation = %id, agent = agent.name, team, delivered = delivery.delivered, "agent message");
        Ok(delivery)
    }

    /// Hands the conversation back to the bot, which thanks the citizen and
    /// asks for a rating.
    pub async fn resolve(
        &self,
        agent: &Agent,
        id: &ConversationId,
    ) -> Result<Delivery, HandoffError> {
        let (mut lease, team) = self.owned(agent, id).await?;
        let conversation = &mut lease.conversation;
        conversation.handoff = Handoff::Bot;
        conversation.consecutive_fallbacks = 0;
        conversation.rating_request = Some(RatingRequest {
            agent: agent.name.clone(),
            team: team.clone(),
        });
        let lang = conversation.language.unwrap_or_default();
        let message = dialogue::rating_request(lang, &self.localizer);
        let delivery = self.deliver(conversation, message, Speaker::Bot).await?;
        self.conversations.commit(lease).await?;
        let item = HistoryItem {
            at_ms: now_ms(),
            record: Record::Resolved {
                agent: agent.name.clone(),
                team: team.clone(),
            },
        };
        self.desk.publish(id, item).await?;
        tracing::info!(conversation = %id, agent = agent.name, team, "resolved");
        Ok(delivery)
    }

    /// Sends one update to each citizen who has waited longer than `every`
    /// since their escalation or their last update, whichever instance
    /// runs it: the store hands each update turn to one caller. Returns
    /// how many were sent.
    pub async fn update_unclaimed(&self, every: Duration) -> Result<usize, HandoffError> {
        let store = self.desk.store();
        let mut sent = 0;
        for team in self.desk.teams().names() {
            // Outside its hours the citizen was told when the team is back;
            // updates until then would only be noise.
            if self
                .desk
                .teams()
                .closed_until(team, jiff::Timestamp::now())
                .is_some()
            {
                continue;
            }
            for (position, id) in store.queue(team).await?.into_iter().enumerate() {
                let waited_long = self
                    .conversations
                    .get(&id)
                    .await?
                    .is_some_and(|conversation| {
                        matches!(conversation.handoff, Handoff::Waiting { since_ms, .. }
                        if now_ms() - since_ms >= every.as_millis() as i64)
                    });
                if !waited_long || !store.take_update_turn(&id, every).await? {
                    continue;
                }
                let mut lease = self.conversations.acquire(&id).await?;
                // Claimed meanwhile: no update.
                let Handoff::Waiting { team, category, .. } = &lease.conversation.handoff else {
                    continue;
                };
                let team = team
                    .clone()
                    .unwrap_or_else(|| self.desk.teams().route(category.as_deref()).to_owned());
                let lang = lease.conversation.language.unwrap_or_default();
                let text = self.localizer.text_with(
                    lang,
                    Msg::HandoffStillWaiting,
                    &[("position", (position + 1).into())],
                );
                let message = OutgoingMessage {
                    text: text.clone(),
                    buttons: Vec::new(),
                };
                let delivery = self
                    .deliver(&mut lease.conversation, message, Speaker::Bot)
                    .await?;
                self.conversations.commit(lease).await?;
                let item = HistoryItem {
                    at_ms: now_ms(),
                    record: Record::Message {
                        team,
                        speaker: Speaker::Bot,
                        text,
                        agent: None,
                        failure: delivery.failure,
                    },
                };
                store.append(&id, &[item]).await?;
                sent += 1;
            }
        }
        Ok(sent)
    }

    /// The ratings of the agent's teams, newest first.
    pub async fn ratings(&self, agent: &Agent) -> Result<Vec<StoredRating>, HandoffError> {
        let mut ratings = self.desk.store().ratings().await?;
        ratings.retain(|stored| agent.serves(&stored.rating.team));
        // A comment stores its rating again: keep the newest of each.
        let mut seen = std::collections::HashSet::new();
        ratings.retain(|stored| seen.insert((stored.conversation_id.clone(), stored.rating.at_ms)));
        Ok(ratings)
    }

    /// Sends one message to the citizen: to the web-chat outbox, or
    /// through the platform (failures are recorded on the conversation, for
    /// agents to see).
    async fn deliver(
        &self,
        conversation: &mut Conversation,
        message: OutgoingMessage,
        speaker: Speaker,
    ) -> Result<Delivery, HandoffError> {
        let at_ms = now_ms();
        conversation.record(Turn {
            at_ms,
            speaker: speaker.clone(),
            text: message.text.clone(),
            action: None,
            entry_id: None,
        });
        let id = conversation.id.clone();
        if id.channel() == "web" {
            self.desk
                .store()
                .push_outbox(
                    &id,
                    &OutboxMessage {
                        cursor: 0,
                        at_ms,
                        speaker,
                        text: message.text,
                        buttons: message.buttons,
                    },
                )
                .await?;
            return Ok(Delivery {
                delivered: true,
                failure: None,
                detail: None,
            });
        }
        let channel = self
            .channels
            .get(id.channel())
            .map_err(|err| HandoffError::Conflict {
                code: "channel_off",
                message: err.to_string(),
            })?;
        let text = message.text.clone();
        let reply = Reply {
            conversation_id: id.to_string(),
            language: conversation.language.unwrap_or_default(),
            action: Action::Agent,
            entry_id: None,
            candidates: Vec::new(),
            messages: vec![message],
        };
        match channel.send(id.user(), &reply).await {
            Ok(()) => Ok(Delivery {
                delivered: true,
                failure: None,
                detail: None,
            }),
            Err(err) => {
                tracing::warn!(channel = channel.name(), error = %err, "an agent's message could not be delivered");
                let failure = err.failure();
                conversation.record_failed_delivery(FailedDelivery {
                    at_ms,
                    failure,
                    detail: err.to_string(),
                    text,
                });
                Ok(Delivery {
                    delivered: false,
                    failure: Some(failure),
                    detail: Some(err.to_string()),
                })
            }
        }
    }
}
