//! The one turn pipeline. Every change to a conversation is a turn, whoever
//! makes it (a web-chat citizen, the webhook worker answering a platform
//! message, an agent), and every turn runs these steps in this order:
//!
//! 1. **lease**: [`Pipeline::begin`] takes the conversation's lease, so the
//!    turns of one conversation run one at a time, in arrival order;
//! 2. **change**: the dialogue answers a citizen ([`Pipeline::respond`]),
//!    or an agent's action changes the conversation (`agents`);
//! 3. **send**: [`Pipeline::send`] sends what the citizen should read on
//!    the conversation's channel and records a send that failed for good on
//!    the conversation, for agents;
//! 4. **commit**: [`Pipeline::finish`] saves the conversation;
//! 5. **announce**: only then does it make the writes and send the events
//!    the turn held back for the agents ([`Announcements`]), so what an
//!    event announces is what the agent API then reads.
//!
//! A web-chat message ([`Pipeline::answer`]) skips step 3: its reply goes
//! back in the HTTP response. A queued platform message
//! ([`Pipeline::answer_queued`]) runs all five.

use std::sync::Arc;

use serde::Serialize;

use crate::channels::{ChannelError, Channels, Outgoing, SendError};
use crate::conversation::{
    Conversation, ConversationId, DeliveryFailure, FailedDelivery, Speaker, now_ms,
};
use crate::dialogue;
use crate::handoff::{Announcements, Desk, TurnStart};
use crate::i18n::Localizer;
use crate::kb::KbHandle;
use crate::message::{Incoming, Reply};
use crate::metrics::{Counter, Metrics};
use crate::state::{ConversationStore, Lease, StoreError};

/// Runs turns; one per application, shared by every entry point.
pub struct Pipeline {
    kb: KbHandle,
    localizer: Arc<Localizer>,
    store: Arc<dyn ConversationStore>,
    /// Queues escalations and relays to agents (step 2), and announces
    /// (step 5).
    desk: Arc<Desk>,
    channels: Channels,
    metrics: Arc<Metrics>,
}

/// A turn between [`Pipeline::begin`] and [`Pipeline::finish`]: the
/// conversation under its lease, and what the agents will hear once it is
/// committed. Dropped unfinished, it gives the lease up without saving.
pub struct OpenTurn {
    lease: Lease,
    after_commit: Announcements,
}

impl OpenTurn {
    pub fn conversation(&self) -> &Conversation {
        &self.lease.conversation
    }

    pub fn conversation_mut(&mut self) -> &mut Conversation {
        &mut self.lease.conversation
    }

    /// Whether the conversation was stored before this turn.
    pub fn existed(&self) -> bool {
        self.lease.existed
    }

    /// What to do for the agents once the turn is committed.
    pub fn after_commit(&mut self) -> &mut Announcements {
        &mut self.after_commit
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

/// Why nothing was sent: the turn cannot go on as planned.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The conversation's channel is not configured on this server.
    #[error(transparent)]
    ChannelOff(#[from] ChannelError),
    /// Our own store failed (a web-chat outbox): unlike a platform's
    /// failure, this fails the turn.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Pipeline {
    pub fn new(
        kb: KbHandle,
        localizer: Arc<Localizer>,
        store: Arc<dyn ConversationStore>,
        desk: Arc<Desk>,
        channels: Channels,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            kb,
            localizer,
            store,
            desk,
            channels,
            metrics,
        }
    }

    /// Step 1: waits for the conversation's lease.
    pub async fn begin(&self, id: &ConversationId) -> Result<OpenTurn, StoreError> {
        Ok(OpenTurn {
            lease: self.store.acquire(id).await?,
            after_commit: Announcements::default(),
        })
    }

    /// Step 2 for a citizen's message: the dialogue answers, and the desk
    /// does what the answer means for the agents (queueing, relaying,
    /// ratings). A failure here fails the turn (a queued message is
    /// handled again) rather than losing an escalation.
    pub async fn respond(
        &self,
        turn: &mut OpenTurn,
        incoming: &Incoming,
    ) -> Result<Reply, StoreError> {
        let conversation = &mut turn.lease.conversation;
        let start = TurnStart::of(conversation);
        let kb = self.kb.current();
        let mut reply = dialogue::respond(incoming, conversation, &kb, &self.localizer);
        tracing::info!(
            action = ?reply.action,
            language = %reply.language,
            entry = reply.entry_id.as_ref().map(|id| id.as_str()),
            "message handled"
        );
        let announcements = self
            .desk
            .after_turn(&start, conversation, &mut reply)
            .await?;
        turn.after_commit.extend(announcements);
        Ok(reply)
    }

    /// Step 3: sends messages to the citizen on the conversation's channel.
    /// A platform's failure is recorded on the conversation (and returned);
    /// it does not fail the turn.
    pub async fn send(
        &self,
        turn: &mut OpenTurn,
        outgoing: &Outgoing<'_>,
    ) -> Result<Delivery, DeliveryError> {
        let conversation = &mut turn.lease.conversation;
        let channel = self.channels.get(conversation.id.channel())?;
        match channel.send(conversation.id.user(), outgoing).await {
            Ok(()) => Ok(Delivery {
                delivered: true,
                failure: None,
                detail: None,
            }),
            Err(SendError::Store(err)) => Err(DeliveryError::Store(err)),
            Err(err) => {
                self.metrics
                    .increment(Counter::SendFailures, channel.name());
                tracing::warn!(channel = channel.name(), speaker = ?outgoing.speaker, error = %err, "a message could not be delivered");
                let failure = err.failure();
                conversation.record_failed_delivery(FailedDelivery {
                    at_ms: now_ms(),
                    failure,
                    detail: err.to_string(),
                    text: outgoing
                        .messages
                        .iter()
                        .map(|message| message.text.as_str())
                        .collect::<Vec<_>>()
                        .join("\n\n"),
                });
                Ok(Delivery {
                    delivered: false,
                    failure: Some(failure),
                    detail: Some(err.to_string()),
                })
            }
        }
    }

    /// Steps 4 and 5: commits, then tells the agents.
    pub async fn finish(&self, turn: OpenTurn) -> Result<(), StoreError> {
        self.store.commit(turn.lease).await?;
        self.desk.announce(turn.after_commit).await
    }

    /// A web-chat message (or `khidma ask`): the reply is the answer to the
    /// request, so nothing is sent.
    pub async fn answer(
        &self,
        id: &ConversationId,
        incoming: &Incoming,
    ) -> Result<Reply, StoreError> {
        self.answer_admitted(id, incoming, |_| Ok::<(), StoreError>(()))
            .await
            .map(|(reply, ())| reply)
    }

    /// [`Pipeline::answer`] for a message its channel must let in first
    /// (web chat's session): `admit` sees the conversation under the lease,
    /// before anything changes, and when it refuses, the turn ends with
    /// nothing saved.
    #[tracing::instrument(name = "turn", skip_all, fields(conversation = %id, action))]
    pub async fn answer_admitted<T, E: From<StoreError>>(
        &self,
        id: &ConversationId,
        incoming: &Incoming,
        admit: impl FnOnce(&mut Conversation) -> Result<T, E> + Send,
    ) -> Result<(Reply, T), E> {
        let mut turn = self.begin(id).await?;
        let admitted = admit(turn.conversation_mut())?;
        let reply = self.respond(&mut turn, incoming).await?;
        self.finish(turn).await?;
        tracing::Span::current().record("action", tracing::field::debug(reply.action));
        Ok((reply, admitted))
    }

    /// The oldest message a platform's webhook queued for the conversation,
    /// answered on its channel; whether there was one. Committing removes
    /// it from the inbox: one message per lease, so a crash repeats at most
    /// one reply. Sending before the commit makes delivery at least once: a
    /// crash in between answers the message again, which is a lesser harm
    /// than a reply silently lost.
    #[tracing::instrument(name = "queued turn", skip_all, fields(conversation = %id))]
    pub async fn answer_queued(&self, id: &ConversationId) -> Result<bool, StoreError> {
        let mut turn = self.begin(id).await?;
        let Some(envelope) = turn.lease.inbox.first().cloned() else {
            return Ok(false);
        };
        let reply = self.respond(&mut turn, &envelope.incoming).await?;
        if !reply.messages.is_empty() {
            let outgoing = Outgoing {
                language: reply.language,
                speaker: Speaker::Bot,
                messages: &reply.messages,
            };
            match self.send(&mut turn, &outgoing).await {
                Ok(_) => {}
                Err(DeliveryError::ChannelOff(err)) => {
                    tracing::error!(error = %err, "a queued message's channel is off; it was dropped unanswered");
                }
                Err(DeliveryError::Store(err)) => return Err(err),
            }
        }
        turn.lease.handled = 1;
        self.finish(turn).await?;
        Ok(true)
    }

    pub fn store(&self) -> &Arc<dyn ConversationStore> {
        &self.store
    }

    /// Erasure (`privacy`): waits until no turn of the conversation is
    /// running, then the state store forgets it and its citizen.
    pub async fn erase(&self, id: &ConversationId) -> Result<(), StoreError> {
        let turn = self.begin(id).await?;
        self.store.erase(turn.lease).await
    }
}
