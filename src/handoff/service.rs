//! What agents do, through the agent API: see their teams' queues, read a
//! conversation in full, claim it, write to the citizen on the citizen's
//! own channel, and resolve it. Every state change goes through the
//! conversation's lease, so it is exclusive across instances.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde::Serialize;

use super::desk::EntryTitle;
use super::{
    Agent, Desk, HistoryItem, Incident, IncidentChange, IncidentStatus, IncidentUpdate,
    IncidentWrite, OutboxMessage, Queued, Record, StoredRating,
};
use crate::channels::Channels;
use crate::conversation::{
    Action, Conversation, ConversationId, DeliveryFailure, EscalationReason, FailedDelivery,
    Handoff, Priority, RatingRequest, Speaker, Turn, now_ms,
};
use crate::dialogue::{self, OutgoingMessage, Reply};
use crate::i18n::{Lang, Localizer, Msg};
use crate::kb::{Area, EntryId};
use crate::memory::PastCase;
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
    pub incident_id: Option<String>,
    pub area: Option<Area>,
    pub entry_title: Option<EntryTitle>,
}

/// A conversation as an agent reads it: its state and full history.
#[derive(Debug, Serialize)]
pub struct View {
    pub team: String,
    pub conversation: Conversation,
    pub history: Vec<HistoryItem>,
    /// The incident its last escalation was grouped into, if any.
    pub incident_id: Option<String>,
    pub area: Option<Area>,
    pub entry_title: Option<EntryTitle>,
    /// What the bot remembers of the citizen's cases, this one included,
    /// newest first: earlier conversations are gone, these stay
    /// (`state.memory_retention_secs`).
    pub earlier_cases: Vec<EarlierCase>,
}

/// One of a citizen's remembered cases, with its entry's titles.
#[derive(Debug, Serialize)]
pub struct EarlierCase {
    #[serde(flatten)]
    pub case: PastCase,
    pub entry_title: Option<EntryTitle>,
}

/// An incident as agents see it.
#[derive(Debug, Serialize)]
pub struct IncidentView {
    pub id: String,
    pub team: String,
    pub entry_id: EntryId,
    pub entry_title: Option<EntryTitle>,
    pub area: Option<Area>,
    pub status: IncidentStatus,
    pub opened_ms: i64,
    pub last_report_ms: i64,
    pub resolved_ms: Option<i64>,
    pub resolved_by: Option<String>,
    pub count: usize,
    pub conversations: Vec<IncidentMember>,
    pub updates: Vec<IncidentUpdate>,
}

/// A citizen in an incident, and where their case stands.
#[derive(Debug, Serialize)]
pub struct IncidentMember {
    pub conversation_id: ConversationId,
    pub channel: String,
    pub language: Option<Lang>,
    pub since_ms: i64,
    pub state: &'static str,
    pub agent: Option<String>,
}

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
    /// Citizens an incident message is sent to at once
    /// (`handoff.incident_send_concurrency`).
    fan_out_concurrency: NonZeroUsize,
}

/// Longer than any turn takes, however slow the platform: a queue entry
/// of a conversation not stored yet and older than this is left over.
const TURN_IN_FLIGHT_MAX_MS: i64 = 10 * 60 * 1000;

/// Whether a queue entry outlived its case: the conversation expired, an
/// agent has it (a claim whose dequeue was lost), or it went back to the bot
/// after the entry was made. The escalation is queued before its turn
/// commits (so that a crash cannot lose it), and the turn may still be
/// sending the reply: until then a new citizen's conversation is not stored
/// and an older one is still with the bot and not updated since. Such an
/// entry is not stale, only not shown yet.
fn is_stale(conversation: Option<&Conversation>, queued_since_ms: i64, now_ms: i64) -> bool {
    match conversation {
        None => now_ms - queued_since_ms > TURN_IN_FLIGHT_MAX_MS,
        Some(conversation) => match conversation.handoff {
            Handoff::Waiting { .. } => false,
            Handoff::WithAgent { .. } => true,
            Handoff::Bot => conversation.updated_at_ms >= queued_since_ms,
        },
    }
}

fn forbidden(agent: &Agent, team: &str) -> HandoffError {
    HandoffError::Forbidden(format!(
        "agent {} is not in team {team}, which has this conversation",
        agent.name
    ))
}

fn incident_resolved(id: &str) -> HandoffError {
    HandoffError::Conflict {
        code: "incident_resolved",
        message: format!("incident {id} is already resolved"),
    }
}

fn no_incident(id: &str) -> HandoffError {
    HandoffError::NotFound(format!("no incident {id}"))
}

impl AgentService {
    pub fn new(
        desk: Arc<Desk>,
        conversations: Arc<dyn ConversationStore>,
        channels: Channels,
        localizer: Arc<Localizer>,
        fan_out_concurrency: NonZeroUsize,
    ) -> Self {
        Self {
            desk,
            conversations,
            channels,
            localizer,
            fan_out_concurrency,
        }
    }

    pub fn desk(&self) -> &Arc<Desk> {
        &self.desk
    }

    pub async fn queue(&self, agent: &Agent) -> Result<Vec<QueueItem>, HandoffError> {
        let mut items = Vec::new();
        for team in &agent.teams {
            let queued = self.desk.store().queue(team).await?;
            let ids: Vec<ConversationId> = queued.iter().map(|entry| entry.id.clone()).collect();
            let conversations = self.conversations.get_many(&ids).await?;
            let mut position = 0;
            for (
                Queued {
                    id,
                    since_ms: queued_since_ms,
                },
                conversation,
            ) in queued.into_iter().zip(conversations)
            {
                if is_stale(conversation.as_ref(), queued_since_ms, now_ms()) {
                    // It must neither show nor push the citizens behind it
                    // down the line.
                    self.desk.store().dequeue(team, &id).await?;
                    continue;
                }
                let waiting = conversation.and_then(|conversation| match conversation.handoff {
                    Handoff::Waiting {
                        reason,
                        priority,
                        entry_id,
                        since_ms,
                        area,
                        incident_id,
                        ..
                    } => Some((
                        conversation.language,
                        reason,
                        priority,
                        entry_id,
                        since_ms,
                        area,
                        incident_id,
                    )),
                    _ => None,
                });
                let Some((language, reason, priority, entry_id, since_ms, area, incident_id)) =
                    waiting
                else {
                    // Its escalating turn is not committed yet.
                    continue;
                };
                position += 1;
                items.push(QueueItem {
                    conversation_id: id,
                    team: team.clone(),
                    position,
                    priority,
                    reason,
                    entry_title: entry_id.as_ref().and_then(|id| self.desk.entry_title(id)),
                    entry_id,
                    language,
                    since_ms,
                    incident_id,
                    area,
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
        Ok(View {
            team,
            entry_title: entry_id.as_ref().and_then(|id| self.desk.entry_title(id)),
            earlier_cases,
            conversation,
            history,
            incident_id,
            area,
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
        conversation.memory.note_resolved(&agent.name, now_ms());
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
        // Citizens of an incident with status updates hear those instead.
        let mut incident_has_updates: HashMap<String, bool> = HashMap::new();
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
            for (position, Queued { id, .. }) in store.queue(team).await?.into_iter().enumerate() {
                let conversation = self.conversations.get(&id).await?;
                let waited_long = conversation.as_ref().is_some_and(|conversation| {
                    matches!(conversation.handoff, Handoff::Waiting { since_ms, .. }
                        if now_ms() - since_ms >= every.as_millis() as i64)
                });
                if !waited_long {
                    continue;
                }
                if let Some(incident_id) = conversation
                    .as_ref()
                    .and_then(|conversation| conversation.handoff.incident_id())
                {
                    let has_updates = match incident_has_updates.get(incident_id) {
                        Some(known) => *known,
                        None => {
                            let known = store
                                .incident(incident_id)
                                .await?
                                .is_some_and(|incident| !incident.updates.is_empty());
                            incident_has_updates.insert(incident_id.to_owned(), known);
                            known
                        }
                    };
                    if has_updates {
                        continue;
                    }
                }
                if !store.take_update_turn(&id, every).await? {
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

    /// The open incidents of the agent's teams, oldest first.
    pub async fn incidents(&self, agent: &Agent) -> Result<Vec<IncidentView>, HandoffError> {
        let mut incidents = Vec::new();
        for team in &agent.teams {
            incidents.extend(self.desk.store().open_incidents(team).await?);
        }
        incidents.sort_by(|a, b| (a.opened_ms, &a.id).cmp(&(b.opened_ms, &b.id)));
        let mut views = Vec::with_capacity(incidents.len());
        for incident in incidents {
            views.push(self.incident_view(incident).await?);
        }
        Ok(views)
    }

    /// One incident, open or resolved.
    pub async fn incident(&self, agent: &Agent, id: &str) -> Result<IncidentView, HandoffError> {
        let incident = self.incident_of(agent, id).await?;
        self.incident_view(incident).await
    }

    /// Posts a status update and sends it to every citizen of the
    /// incident, each in their language on their channel.
    pub async fn post_incident_update(
        &self,
        agent: &Agent,
        id: &str,
        ar: Option<String>,
        en: Option<String>,
    ) -> Result<(IncidentUpdate, Broadcast), HandoffError> {
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
        let incident = match self.desk.store().post_incident_update(id, &update).await? {
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
        id: &str,
    ) -> Result<Broadcast, HandoffError> {
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
    async fn incident_of(&self, agent: &Agent, id: &str) -> Result<Incident, HandoffError> {
        let incident = self
            .desk
            .store()
            .incident(id)
            .await?
            .ok_or_else(|| no_incident(id))?;
        if !agent.serves(&incident.team) {
            return Err(HandoffError::Forbidden(format!(
                "agent {} is not in team {}, which has incident {id}",
                agent.name, incident.team
            )));
        }
        Ok(incident)
    }

    async fn incident_view(&self, incident: Incident) -> Result<IncidentView, HandoffError> {
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

    /// Sends one message to every member at once (bounded), each under
    /// its conversation's lease: one citizen's failing channel neither
    /// stops nor delays the others, and shows in the result.
    async fn fan_out<'a, F, Fut>(&'a self, incident: &'a Incident, send: F) -> Vec<MemberDelivery>
    where
        F: Fn(&'a ConversationId) -> Fut,
        Fut: Future<Output = Result<Option<Delivery>, HandoffError>> + 'a,
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
                            tracing::warn!(conversation = %member.conversation_id, error = %err, "an incident message could not be sent");
                            Delivery {
                                delivered: false,
                                failure: Some(DeliveryFailure::Unreachable),
                                detail: Some(err.to_string()),
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
    ) -> Result<Option<Delivery>, HandoffError> {
        let mut lease = self.conversations.acquire(id).await?;
        if !lease.existed {
            return Ok(None);
        }
        let lang = lease.conversation.language.unwrap_or_default();
        let text = self.desk.update_text(lang, incident, update);
        let message = OutgoingMessage {
            text: text.clone(),
            buttons: Vec::new(),
        };
        let delivery = self
            .deliver(&mut lease.conversation, message, Speaker::Agent)
            .await?;
        self.conversations.commit(lease).await?;
        let item = HistoryItem {
            at_ms: now_ms(),
            record: Record::Message {
                team: incident.team.clone(),
                speaker: Speaker::Agent,
                text,
                agent: Some(agent.name.clone()),
                failure: delivery.failure,
            },
        };
        self.desk.store().append(id, &[item]).await?;
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
    ) -> Result<Option<Delivery>, HandoffError> {
        let mut lease = self.conversations.acquire(id).await?;
        if !lease.existed {
            return Ok(None);
        }
        let conversation = &mut lease.conversation;
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
        let message = match &handed_back {
            Some((team, owner)) => {
                conversation.handoff = Handoff::Bot;
                conversation.consecutive_fallbacks = 0;
                conversation.memory.note_resolved(owner, now_ms());
                conversation.rating_request = Some(RatingRequest {
                    agent: owner.clone(),
                    team: team.clone(),
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
        let delivery = self.deliver(conversation, message, Speaker::Bot).await?;
        self.conversations.commit(lease).await?;
        let team = handed_back
            .as_ref()
            .map_or_else(|| incident.team.clone(), |(team, _)| team.clone());
        let item = HistoryItem {
            at_ms: now_ms(),
            record: Record::Message {
                team: team.clone(),
                speaker: Speaker::Bot,
                text,
                agent: None,
                failure: delivery.failure,
            },
        };
        self.desk.store().append(id, &[item]).await?;
        if handed_back.is_some() {
            let store = self.desk.store();
            store.dequeue(&team, id).await?;
            let item = HistoryItem {
                at_ms: now_ms(),
                record: Record::Resolved {
                    agent: agent.name.clone(),
                    team,
                },
            };
            self.desk.publish(id, item).await?;
        }
        Ok(Some(delivery))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn conversation(handoff: Handoff, updated_at_ms: i64) -> Conversation {
        let mut conversation = Conversation::new(ConversationId::new("web", "c").unwrap());
        conversation.handoff = handoff;
        conversation.updated_at_ms = updated_at_ms;
        conversation
    }

    #[test]
    fn only_entries_that_outlived_their_case_are_stale() {
        let now = 1_000_000_000;
        let queued = now - 2_000;
        // A new citizen's escalating turn, not committed yet.
        assert!(!is_stale(None, queued, now));
        assert!(is_stale(None, now - TURN_IN_FLIGHT_MAX_MS - 1, now));
        // An older conversation whose escalating turn is in flight.
        assert!(!is_stale(
            Some(&conversation(Handoff::Bot, queued - 60_000)),
            queued,
            now
        ));
        // Back with the bot after the escalation: resolved.
        assert!(is_stale(
            Some(&conversation(Handoff::Bot, queued + 10)),
            queued,
            now
        ));
        let with_agent = Handoff::WithAgent {
            agent: "sara".to_owned(),
            team: "utilities".to_owned(),
            reason: EscalationReason::Urgent,
            priority: Priority::Urgent,
            entry_id: None,
            since_ms: queued,
            acknowledged: false,
            area: None,
            incident_id: None,
        };
        assert!(is_stale(
            Some(&conversation(with_agent, queued)),
            queued,
            now
        ));
    }
}
