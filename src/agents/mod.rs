//! What agents do, through the agent API: see their teams' queues
//! (`queue`), read a conversation or an incident in full (`views`), claim,
//! write to the citizen and resolve (`claims`), and post incident updates
//! to every citizen of an incident (`incidents`), and fill ready replies
//! for a conversation (`replies`). Every change to a
//! conversation is a turn of the pipeline, under the conversation's lease,
//! so it is exclusive across instances and the agents hear of it only once
//! it is committed.

mod claims;
mod incidents;
mod queue;
mod replies;
mod transfer;
mod views;

use std::num::NonZeroUsize;
use std::sync::Arc;

pub use incidents::{Broadcast, MemberDelivery};
pub use queue::QueueItem;
pub use replies::ReplyContext;
pub use transfer::{Mover, TransferTarget};
pub use views::{IncidentMember, IncidentView, View};

use crate::channels::{ChannelError, Outgoing};
use crate::conversation::{ConversationId, Speaker, Turn, now_ms};
use crate::handoff::{Agent, Desk, HandoffStore};
use crate::i18n::Localizer;
use crate::message::OutgoingMessage;
use crate::pipeline::{Delivery, DeliveryError, OpenTurn, Pipeline};
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
        }
    }

    /// Writes one message into the conversation and sends it to the
    /// citizen (step 3 of the turn).
    async fn say(
        &self,
        turn: &mut OpenTurn,
        message: OutgoingMessage,
        speaker: Speaker,
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
        let outgoing = Outgoing {
            language: conversation.language.unwrap_or_default(),
            speaker,
            messages: std::slice::from_ref(&message),
        };
        self.pipeline
            .send(turn, &outgoing)
            .await
            .map_err(|err| match err {
                DeliveryError::ChannelOff(err) => AgentError::ChannelOff(err),
                DeliveryError::Store(err) => AgentError::Store(err),
            })
    }
}
