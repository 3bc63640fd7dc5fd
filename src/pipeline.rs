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
use std::time::Instant;

use serde::Serialize;

mod templates;

use crate::channels::{ChannelError, Channels, Outgoing, SendError};
use crate::conversation::{
    Action, Conversation, ConversationId, DeliveryFailure, EscalationReason, FailedDelivery,
    Handoff, Speaker, now_ms,
};
use crate::cx::{Confidence, CxEvent, EventKind};
use crate::dialogue;
use crate::handoff::{Announcements, Desk, TurnStart};
use crate::i18n::Localizer;
use crate::kb::KbHandle;
use crate::message::{Incoming, Reply};
use crate::metrics::{Counter, Metrics};
use crate::state::{ConversationStore, Lease, StoreError};
pub use templates::TemplateUse;

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
#[derive(Debug, Default, Serialize)]
pub struct Delivery {
    pub delivered: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<DeliveryFailure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The platform's ids of what it took, for its status webhooks.
    #[serde(skip)]
    pub message_ids: Vec<String>,
    /// The template that stands in for a message the citizen's closed
    /// window refused: sent, or offered to the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateUse>,
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
        let event = self.turn_event(incoming, conversation, &reply);
        turn.after_commit.cx(event);
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
        self.deliver(turn, outgoing, None).await
    }

    /// Sends the messages one by one, from the first that `progress` does
    /// not count as sent, recording each the platform takes (or may have
    /// taken: an unconfirmed one is never sent again) in `progress`. Stops
    /// at the first failure, which is recorded with the text of every
    /// message not known to have arrived.
    async fn deliver(
        &self,
        turn: &mut OpenTurn,
        outgoing: &Outgoing<'_>,
        progress: Option<Progress<'_>>,
    ) -> Result<Delivery, DeliveryError> {
        let conversation = &mut turn.lease.conversation;
        let channel = self.channels.get(conversation.id.channel())?;
        let first = progress.as_ref().map_or(0, |progress| progress.already);
        let mut message_ids = Vec::new();
        for index in first..outgoing.messages.len() {
            let one = Outgoing {
                language: outgoing.language,
                speaker: outgoing.speaker.clone(),
                messages: &outgoing.messages[index..=index],
            };
            let result = channel.send(conversation.id.user(), &one).await;
            if let Some(progress) = &progress
                && matches!(result, Ok(_) | Err(SendError::Unconfirmed(_)))
            {
                progress.record(self.store.as_ref(), index + 1).await;
            }
            let err = match result {
                Ok(ids) => {
                    message_ids.extend(ids);
                    continue;
                }
                Err(SendError::Store(err)) => return Err(DeliveryError::Store(err)),
                Err(err) => err,
            };
            self.metrics
                .increment(Counter::SendFailures, channel.name());
            tracing::warn!(channel = channel.name(), speaker = ?outgoing.speaker, error = %err, "a message could not be delivered");
            let failure = err.failure();
            conversation.record_failed_delivery(FailedDelivery {
                at_ms: now_ms(),
                failure,
                detail: err.to_string(),
                text: outgoing.messages[index..]
                    .iter()
                    .map(|message| message.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n\n"),
            });
            return Ok(Delivery {
                delivered: false,
                failure: Some(failure),
                detail: Some(err.to_string()),
                message_ids,
                template: None,
            });
        }
        Ok(Delivery {
            delivered: true,
            message_ids,
            ..Delivery::default()
        })
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
    #[tracing::instrument(name = "turn", skip_all, fields(conversation = %id.pseudonym(), action))]
    pub async fn answer_admitted<T, E: From<StoreError>>(
        &self,
        id: &ConversationId,
        incoming: &Incoming,
        admit: impl FnOnce(&mut Conversation) -> Result<T, E> + Send,
    ) -> Result<(Reply, T), E> {
        let started = Instant::now();
        let mut turn = self.begin(id).await?;
        let admitted = admit(turn.conversation_mut())?;
        let reply = self.respond(&mut turn, incoming).await?;
        let escalation = escalation_reason(&reply, turn.conversation());
        self.finish(turn).await?;
        tracing::Span::current().record("action", tracing::field::debug(reply.action));
        self.metrics.observe_turn(
            self.channel_name(id),
            reply.action,
            escalation,
            started.elapsed(),
        );
        Ok((reply, admitted))
    }

    /// The oldest message a platform's webhook queued for the conversation,
    /// answered on its channel; whether there was one. Committing removes
    /// it from the inbox: one message per lease. Each message of the reply
    /// is recorded as sent in the store as soon as the platform takes it, so
    /// that a turn that fails or crashes before its commit (the message
    /// stays queued and is handled again) does not send it again: a reply
    /// reaches the citizen once, or twice if the process dies while the
    /// platform holds a message, or between its answer and that record
    /// (handling the message again is then the lesser harm than a reply
    /// silently lost).
    #[tracing::instrument(name = "queued turn", skip_all, fields(conversation = %id.pseudonym()))]
    pub async fn answer_queued(&self, id: &ConversationId) -> Result<bool, StoreError> {
        let started = Instant::now();
        let mut turn = self.begin(id).await?;
        let Some(envelope) = turn.lease.next_queued.clone() else {
            return Ok(false);
        };
        let reply = self.respond(&mut turn, &envelope.incoming).await?;
        if !reply.messages.is_empty() {
            let outgoing = Outgoing {
                language: reply.language,
                speaker: Speaker::Bot,
                messages: &reply.messages,
            };
            let progress = Progress {
                conversation_id: id,
                message_id: &envelope.message_id,
                already: self.store.sent_so_far(id, &envelope.message_id).await?,
            };
            if progress.already > 0 {
                tracing::info!(
                    already = progress.already,
                    "handled again: what the platform took is not sent again"
                );
            }
            match self.deliver(&mut turn, &outgoing, Some(progress)).await {
                Ok(_) => {}
                Err(DeliveryError::ChannelOff(err)) => {
                    tracing::error!(error = %err, "a queued message's channel is off; it was dropped unanswered");
                }
                Err(DeliveryError::Store(err)) => return Err(err),
            }
        }
        turn.lease.handled = true;
        let escalation = escalation_reason(&reply, turn.conversation());
        self.finish(turn).await?;
        self.metrics.observe_turn(
            self.channel_name(id),
            reply.action,
            escalation,
            started.elapsed(),
        );
        Ok(true)
    }

    /// The `turn` event of a citizen's message: what the bot did and how
    /// sure it was, the case's team (or the team the entry's category goes
    /// to), and the message itself only when the bot could not answer it
    /// well, for editors (the store masks it).
    fn turn_event(
        &self,
        incoming: &Incoming,
        conversation: &Conversation,
        reply: &Reply,
    ) -> CxEvent {
        let id = &conversation.id;
        let mut event = CxEvent::new(EventKind::Turn, now_ms(), id, id.channel());
        event.language = Some(reply.language);
        event.action = Some(reply.action);
        event.confidence = reply.confidence;
        event.sentiment = reply.sentiment;
        event.entry = reply.entry_id.as_ref().map(|entry| entry.to_string());
        event.category = reply.entry_id.as_ref().and_then(|entry| {
            let kb = self.kb.current();
            kb.get(entry.as_str()).map(|entry| entry.category.clone())
        });
        event.team = self.desk.team_of(&conversation.handoff).or_else(|| {
            let category = event.category.as_deref()?;
            Some(self.desk.teams().route(Some(category)).to_owned())
        });
        let handoff = &conversation.handoff;
        event.district = handoff
            .area()
            .or(conversation.shared_area.as_ref())
            .map(|area| area.id.clone());
        event.incident = handoff.incident_id().map(str::to_owned);
        if reply.action == Action::Fallback || reply.confidence == Some(Confidence::Low) {
            event.text = Some(incoming.text.clone());
        }
        event
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

    /// The conversation's channel as a metrics label: one of the configured
    /// channels' names (`khidma ask`'s has none).
    fn channel_name(&self, id: &ConversationId) -> &'static str {
        self.channels
            .get(id.channel())
            .map_or("other", |channel| channel.name())
    }
}

/// Why the turn handed the conversation to a person, if it did.
fn escalation_reason(reply: &Reply, conversation: &Conversation) -> Option<EscalationReason> {
    match (&reply.action, &conversation.handoff) {
        (Action::Escalate, Handoff::Waiting { reason, .. }) => Some(*reason),
        _ => None,
    }
}

/// How much of the reply to a queued message was sent before, and where to
/// record what is sent now.
struct Progress<'a> {
    conversation_id: &'a ConversationId,
    message_id: &'a str,
    /// Messages of the reply the platform already took.
    already: usize,
}

impl Progress<'_> {
    /// Records that the first `count` messages were sent. A failure is
    /// logged, not returned: the message went out, and the turn's commit
    /// (which usually follows) makes the record moot.
    async fn record(&self, store: &dyn ConversationStore, count: usize) {
        if let Err(err) = store
            .record_sent(self.conversation_id, self.message_id, count)
            .await
        {
            tracing::warn!(error = %err, "a sent reply could not be recorded; a crash before the commit would send it again");
        }
    }
}
