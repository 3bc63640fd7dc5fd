//! What agents do, through the agent API: see their teams' queues
//! (`queue`), read a conversation or an incident in full (`views`), claim,
//! write to the citizen and resolve (`claims`), and post incident updates
//! to every citizen of an incident (`incidents`), move cases (`transfer`),
//! the watch of service-level targets (`service_levels`), and fill ready
//! replies for a conversation (`replies`). Every change to a
//! conversation is a turn of the pipeline, under the conversation's lease,
//! so it is exclusive across instances and the agents hear of it only once
//! it is committed.

pub mod assignment;
mod claims;
mod idle;
mod incidents;
mod notes;
mod presence;
mod queue;
mod replies;
pub mod service_levels;
mod supervision;
mod transfer;
mod views;
mod window;

use std::num::NonZeroUsize;
use std::sync::Arc;

pub use incidents::{Broadcast, MemberDelivery};
pub use queue::QueueItem;
pub use replies::ReplyContext;
pub use service_levels::Breach;
pub use supervision::{AgentDesk, DeskCase, DeskOverview, TeamDesk};
pub use transfer::{Mover, TransferTarget};
pub use views::{IncidentMember, IncidentView, View};

use crate::channels::{ChannelError, Outgoing, Purpose, TemplateSend};
use crate::conversation::{ConversationId, Speaker, Turn, now_ms};
use crate::handoff::{Agent, Desk, HandoffStore};
use crate::i18n::Localizer;
use crate::message::OutgoingMessage;
use crate::pipeline::{Delivery, OpenTurn, Pipeline};
use crate::state::{ConversationStore, StoreError};

/// Why an agent's request was refused or failed. The HTTP layer gives
/// each its status and code.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error("no conversation {0}")]
    NoConversation(ConversationId),
    #[error("conversation {0} was never handed to agents")]
    NeverHandedOver(ConversationId),
    #[error("no incident {0}")]
    NoIncident(String),
    #[error("agent {agent} is not in team {team}, which has this conversation")]
    NotInTeam { agent: String, team: String },
    #[error("agent {agent} is not in team {team}, which has incident {incident}")]
    NotInIncidentTeam {
        agent: String,
        team: String,
        incident: String,
    },
    #[error("conversation {0} is not waiting for an agent")]
    NotWaiting(ConversationId),
    #[error("agent {owner} already has conversation {id}")]
    Claimed { owner: String, id: ConversationId },
    #[error("claim conversation {0} first")]
    NotYours(ConversationId),
    #[error("no team {0}")]
    NoTeam(String),
    #[error("no agent {0}")]
    NoAgent(String),
    #[error("conversation {0} is already there")]
    Unchanged(ConversationId),
    #[error("incident {0} is already resolved")]
    IncidentResolved(String),
    /// The citizen's channel is not configured on this server.
    #[error(transparent)]
    ChannelOff(ChannelError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct AgentService {
    desk: Arc<Desk>,
    /// The queues, histories and incidents agents read.
    handoff: Arc<dyn HandoffStore>,
    conversations: Arc<dyn ConversationStore>,
    /// Every change to a conversation is a turn of the pipeline.
    pipeline: Arc<Pipeline>,
    localizer: Arc<Localizer>,
    /// Citizens an incident message is sent to at once
    /// (`handoff.incident_send_concurrency`).
    fan_out_concurrency: NonZeroUsize,
    /// Teams whose cases are given out rather than claimed.
    assignment: assignment::AutoAssignment,
}

fn forbidden(agent: &Agent, team: &str) -> AgentError {
    AgentError::NotInTeam {
        agent: agent.name.clone(),
        team: team.to_owned(),
    }
}

fn incident_resolved(id: &str) -> AgentError {
    AgentError::IncidentResolved(id.to_owned())
}

fn no_incident(id: &str) -> AgentError {
    AgentError::NoIncident(id.to_owned())
}

impl AgentService {
    pub fn new(
        desk: Arc<Desk>,
        conversations: Arc<dyn ConversationStore>,
        pipeline: Arc<Pipeline>,
        localizer: Arc<Localizer>,
        fan_out_concurrency: NonZeroUsize,
    ) -> Self {
        Self {
            handoff: desk.store().clone(),
            desk,
            conversations,
            pipeline,
            localizer,
            fan_out_concurrency,
            assignment: assignment::AutoAssignment::default(),
        }
    }

    /// Gives the cases of teams with `assignment.auto` out automatically
    /// (started with [`assignment::spawn`]).
    pub fn with_auto_assignment(mut self, assignment: assignment::AutoAssignment) -> Self {
        self.assignment = assignment;
        self
    }

    /// Writes one message into the conversation and sends it to the
    /// citizen (step 3 of the turn).
    async fn say(
        &self,
        turn: &mut OpenTurn,
        message: OutgoingMessage,
        speaker: Speaker,
    ) -> Result<Delivery, AgentError> {
        self.say_for(turn, message, speaker, None).await
    }

    /// [`AgentService::say`] for a message with a [`Purpose`] (and the
    /// agent who wrote it): past the citizen's 24-hour window, its template
    /// goes in its place, or is offered for an agent's reply. The
    /// platform's ids of what went are remembered for its status webhooks.
    async fn say_for(
        &self,
        turn: &mut OpenTurn,
        message: OutgoingMessage,
        speaker: Speaker,
        purpose: Option<(Purpose, Option<&str>)>,
    ) -> Result<Delivery, AgentError> {
        let conversation = turn.conversation_mut();
        conversation.record(Turn {
            at_ms: now_ms(),
            speaker: speaker.clone(),
            text: message.text.clone(),
            action: None,
            entry_id: None,
        });
        // Every caller writes this message to the history itself (with its
        // agent and delivery).
        conversation.mark_in_history();
        let language = conversation.language.unwrap_or_default();
        // A resolved case is the bot's again; its team is still the one
        // whose agents watch the ticks of the closing message.
        let team = self.desk.team_of(&conversation.handoff).or_else(|| {
            conversation
                .rating_request
                .as_ref()
                .and_then(|request| request.team.clone())
        });
        let outgoing = Outgoing {
            language,
            speaker,
            messages: std::slice::from_ref(&message),
        };
        let sent = match purpose {
            Some((purpose, agent)) => {
                let send = TemplateSend {
                    purpose,
                    language,
                    text: &message.text,
                    agent,
                };
                self.pipeline.send_or_template(turn, &outgoing, &send).await
            }
            None => self.pipeline.send(turn, &outgoing).await,
        };
        let delivery = sent.map_err(window::delivery_error)?;
        if let Some(team) = team {
            let id = &turn.conversation().id;
            self.handoff
                .remember_sent(id, &team, &delivery.message_ids)
                .await?;
        }
        Ok(delivery)
    }
}
