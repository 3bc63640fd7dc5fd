//! Handles the messages that platform webhooks enqueued: for each ready
//! conversation, take its lease, let the dialogue answer the oldest queued
//! message, send the reply through the conversation's channel, record a
//! failed delivery on the conversation, and commit, which removes the
//! message from the inbox. One message per lease, so that a crash repeats
//! at most one reply (see ARCHITECTURE.md, "Platform messages").

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use crate::bot::Bot;
use crate::channels::Channels;
use crate::conversation::{ConversationId, FailedDelivery, now_ms};
use crate::metrics::{Counter, Metrics};
use crate::state::StoreError;

/// How long one `next_ready` call waits before checking for shutdown.
const POLL: Duration = Duration::from_millis(500);
/// Pause after a store error, so a store outage is not hammered.
const STORE_ERROR_PAUSE: Duration = Duration::from_secs(1);
/// How long shutdown waits for turns in progress.
const DRAIN: Duration = Duration::from_secs(10);

pub struct Worker {
    bot: Bot,
    channels: Channels,
    metrics: Arc<Metrics>,
}

/// Stops the worker: [`WorkerHandle::stop`] waits for turns in progress;
/// dropping it stops the loop without waiting.
pub struct WorkerHandle {
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl WorkerHandle {
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        if let Err(err) = self.task.await {
            tracing::error!(error = %err, "the webhook worker ended badly");
        }
    }
}

impl Worker {
    pub fn new(bot: Bot, channels: Channels, metrics: Arc<Metrics>) -> Self {
        Self {
            bot,
            channels,
            metrics,
        }
    }

    /// Runs the loop on the current runtime, `concurrency` conversations at
    /// a time.
    pub fn spawn(self, concurrency: usize) -> WorkerHandle {
        let (shutdown, mut stopped) = watch::channel(false);
        let worker = Arc::new(self);
        let task = tokio::spawn(async move {
            let slots = Arc::new(Semaphore::new(concurrency.max(1)));
            loop {
                let ready = tokio::select! {
                    _ = stopped.changed() => break,
                    ready = worker.bot.store().next_ready(POLL) => ready,
                };
                match ready {
                    Ok(Some(conversation_id)) => {
                        let Ok(slot) = slots.clone().acquire_owned().await else {
                            break;
                        };
                        let worker = worker.clone();
                        tokio::spawn(async move {
                            worker.drain(&conversation_id).await;
                            drop(slot);
                        });
                    }
                    Ok(None) => {}
                    Err(err) => {
                        tracing::warn!(error = %err, "waiting for queued messages failed");
                        tokio::time::sleep(STORE_ERROR_PAUSE).await;
                    }
                }
            }
            let all = u32::try_from(concurrency.max(1)).unwrap_or(u32::MAX);
            if tokio::time::timeout(DRAIN, slots.acquire_many(all))
                .await
                .is_err()
            {
                tracing::warn!("turns still running at shutdown were left to the next start");
            }
        });
        WorkerHandle { shutdown, task }
    }

    /// Handles the conversation's queued messages one by one, oldest first.
    async fn drain(&self, conversation_id: &ConversationId) {
        loop {
            match self.handle_oldest(conversation_id).await {
                Ok(true) => {}
                Ok(false) => break,
                Err(err) => {
                    // The message stays queued; `next_ready` hands the
                    // conversation out again.
                    tracing::warn!(conversation = %conversation_id, error = %err, "a queued message could not be handled");
                    break;
                }
            }
        }
    }

    /// Whether there was a message to handle.
    #[tracing::instrument(name = "queued turn", skip_all, fields(conversation = %conversation_id))]
    async fn handle_oldest(&self, conversation_id: &ConversationId) -> Result<bool, StoreError> {
        let store = self.bot.store();
        let mut lease = store.acquire(conversation_id).await?;
        let Some(envelope) = lease.inbox.first().cloned() else {
            return Ok(false);
        };
        let (reply, announcements) = self
            .bot
            .turn(&envelope.incoming, &mut lease.conversation)
            .await?;
        match self.channels.get(conversation_id.channel()) {
            Err(err) => {
                tracing::error!(error = %err, "a queued message's channel is off; it was dropped unanswered");
            }
            Ok(_) if reply.messages.is_empty() => {}
            Ok(channel) => {
                if let Err(err) = channel.send(conversation_id.user(), &reply).await {
                    self.metrics
                        .increment(Counter::SendFailures, channel.name());
                    tracing::warn!(channel = channel.name(), error = %err, "a reply could not be delivered");
                    lease.conversation.record_failed_delivery(FailedDelivery {
                        at_ms: now_ms(),
                        failure: err.failure(),
                        detail: err.to_string(),
                        text: reply
                            .messages
                            .iter()
                            .map(|message| message.text.as_str())
                            .collect::<Vec<_>>()
                            .join("\n\n"),
                    });
                }
            }
        }
        lease.handled = 1;
        store.commit(lease).await?;
        self.bot.announce(announcements).await;
        Ok(true)
    }
}
