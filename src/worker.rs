//! Handles the messages that platform webhooks enqueued: waits for ready
//! conversations and answers their queued messages one by one, oldest
//! first, each a turn of the pipeline ([`Pipeline::answer_queued`]), a
//! bounded number of conversations at a time.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use crate::conversation::ConversationId;
use crate::pipeline::Pipeline;

/// How long one `next_ready` call waits before checking for shutdown.
const POLL: Duration = Duration::from_millis(500);
/// Pause after a store error, so a store outage is not hammered.
const STORE_ERROR_PAUSE: Duration = Duration::from_secs(1);
/// How long shutdown waits for turns in progress.
const DRAIN: Duration = Duration::from_secs(10);

pub struct Worker {
    pipeline: Arc<Pipeline>,
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
    pub fn new(pipeline: Arc<Pipeline>) -> Self {
        Self { pipeline }
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
                    ready = worker.pipeline.store().next_ready(POLL) => ready,
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
            match self.pipeline.answer_queued(conversation_id).await {
                Ok(true) => {}
                Ok(false) => break,
                Err(err) => {
                    // The message stays queued; `next_ready` hands the
                    // conversation out again.
                    tracing::warn!(conversation = %conversation_id.pseudonym(), error = %err, "a queued message could not be handled");
                    break;
                }
            }
        }
    }
}
