//! Conversation state in this process's memory: the default when no
//! `REDIS_URL` is set, for one instance; everything is lost on exit. What
//! it keeps is bounded in time (the same retention as Redis's TTLs, swept
//! every so many writes) and in size (`bounds`).

mod bounds;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::{Mutex as AsyncMutex, mpsc};

pub use self::bounds::Limits;
use self::bounds::{Kept, evict};
use super::sent::SentLog;
use super::{ConversationStore, Enqueued, Envelope, Lease, LeaseHold, StoreError, StoredCitizen};
use crate::conversation::{Conversation, ConversationId, now_ms};
use crate::memory::CitizenMemory;

/// `state.memory_retention_secs`' default: 90 days.
const DEFAULT_MEMORY_RETENTION: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// `retention.waiting_secs`' default: 30 days.
const DEFAULT_WAITING_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Every this many commits or enqueues, expired conversations and message
/// ids are swept out.
const SWEEP_EVERY: u64 = 1024;

/// Conversation state in this process's memory: lost on exit, not shared.
pub struct MemoryStore {
    idle_ttl: Duration,
    dedup_ttl: Duration,
    memory_retention: Duration,
    waiting_ttl: Duration,
    limits: Limits,
    inner: Mutex<Inner>,
    sent: SentLog,
    ready_sender: mpsc::UnboundedSender<ConversationId>,
    ready_receiver: AsyncMutex<mpsc::UnboundedReceiver<ConversationId>>,
}

#[derive(Default)]
struct Inner {
    conversations: HashMap<ConversationId, Kept>,
    /// What `conversations` takes, about (`bounds`).
    bytes: usize,
    // tokio's Mutex queues waiters fairly, which gives arrival order.
    locks: HashMap<ConversationId, Arc<AsyncMutex<()>>>,
    inboxes: HashMap<ConversationId, VecDeque<Envelope>>,
    /// Message ids seen, with the time they may be forgotten and their
    /// conversation (for erasure).
    seen: HashMap<String, (i64, ConversationId)>,
    /// What is remembered of each citizen, with the time it is forgotten.
    memories: HashMap<ConversationId, (CitizenMemory, i64)>,
    writes: u64,
}

impl MemoryStore {
    pub fn new(idle_ttl: Duration, dedup_ttl: Duration) -> Self {
        let (ready_sender, ready_receiver) = mpsc::unbounded_channel();
        Self {
            idle_ttl,
            dedup_ttl,
            memory_retention: DEFAULT_MEMORY_RETENTION,
            waiting_ttl: DEFAULT_WAITING_TTL,
            limits: Limits::default(),
            inner: Mutex::new(Inner::default()),
            sent: SentLog::new(dedup_ttl),
            ready_sender,
            ready_receiver: AsyncMutex::new(ready_receiver),
        }
    }

    /// How long a citizen is remembered after their last message
    /// (`Duration::ZERO`: not at all).
    pub fn with_memory_retention(mut self, retention: Duration) -> Self {
        self.memory_retention = retention;
        self
    }

    /// How long a conversation waiting for or with an agent is kept after
    /// its last change.
    pub fn with_waiting_ttl(mut self, ttl: Duration) -> Self {
        self.waiting_ttl = ttl;
        self
    }

    /// How many conversations, of about how many bytes, are kept at most.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How many conversations are kept, and about how many bytes they take.
    pub fn size(&self) -> (usize, usize) {
        let inner = self.inner();
        (inner.conversations.len(), inner.bytes)
    }

    fn is_expired(&self, conversation: &Conversation, now: i64) -> bool {
        let ttl = if conversation.handoff.is_with_humans() {
            self.waiting_ttl
        } else {
            self.idle_ttl
        };
        now.saturating_sub(conversation.updated_at_ms) > ttl.as_millis() as i64
    }

    // The std Mutex is never held across an await.
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn count_write(&self, inner: &mut Inner) {
        inner.writes += 1;
        if inner.writes.is_multiple_of(SWEEP_EVERY) {
            let now = now_ms();
            inner
                .conversations
                .retain(|_, kept| !self.is_expired(&kept.conversation, now));
            inner.bytes = inner.conversations.values().map(|kept| kept.bytes).sum();
            inner.seen.retain(|_, (forget_at, _)| *forget_at > now);
            inner.memories.retain(|_, (_, forget_at)| *forget_at > now);
        }
    }

    /// Past a limit, the least recently used conversations (and citizens'
    /// memories) go.
    fn bound(&self, inner: &mut Inner) {
        let Limits {
            max_conversations,
            max_bytes,
        } = self.limits;
        let (evicted, bytes) = evict(
            &mut inner.conversations,
            inner.bytes,
            max_conversations,
            max_bytes,
            |kept| kept.used_ms,
            |kept| kept.bytes,
        );
        inner.bytes = bytes;
        let memories = inner.memories.len();
        evict(
            &mut inner.memories,
            memories,
            max_conversations,
            usize::MAX,
            |(_, forget_at)| *forget_at,
            |_| 1,
        );
        if evicted > 0 {
            tracing::warn!(
                evicted,
                kept = inner.conversations.len(),
                bytes = inner.bytes,
                "memory mode is full: the least recently used conversations were dropped"
            );
        }
    }
}

impl Inner {
    /// The conversation's oldest queued message: O(1), however long the
    /// backlog.
    fn oldest_queued(&self, id: &ConversationId) -> Option<Envelope> {
        self.inboxes
            .get(id)
            .and_then(|queued| queued.front().cloned())
    }

    fn drop_oldest_queued(&mut self, id: &ConversationId) {
        if let Some(queued) = self.inboxes.get_mut(id) {
            queued.pop_front();
            if queued.is_empty() {
                self.inboxes.remove(id);
            }
        }
    }

    /// The citizen's memory, unless it has run out.
    fn memory(&self, id: &ConversationId, now: i64) -> CitizenMemory {
        self.memories
            .get(id)
            .filter(|(_, forget_at)| *forget_at > now)
            .map(|(memory, _)| memory.clone())
            .unwrap_or_default()
    }

    fn remove_conversation(&mut self, id: &ConversationId) -> Option<Conversation> {
        let kept = self.conversations.remove(id)?;
        self.bytes = self.bytes.saturating_sub(kept.bytes);
        Some(kept.conversation)
    }

    /// Drops the lock of a conversation nobody else holds or waits for; the
    /// next turn makes a new one.
    fn drop_idle_lock(&mut self, id: &ConversationId) {
        if self
            .locks
            .get(id)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            self.locks.remove(id);
        }
    }
}

#[async_trait]
impl ConversationStore for MemoryStore {
    async fn acquire(&self, id: &ConversationId) -> Result<Lease, StoreError> {
        let lock = self.inner().locks.entry(id.clone()).or_default().clone();
        let guard = lock.lock_owned().await;
        let now = now_ms();
        let inner = self.inner();
        let stored = inner
            .conversations
            .get(id)
            .map(|kept| &kept.conversation)
            .filter(|conversation| !self.is_expired(conversation, now))
            .cloned();
        let next_queued = inner.oldest_queued(id);
        let mut lease = Lease::new(id, stored, next_queued, LeaseHold::Local(guard));
        lease.conversation.memory = inner.memory(id, now);
        Ok(lease)
    }

    async fn commit(&self, lease: Lease) -> Result<(), StoreError> {
        let Lease {
            mut conversation,
            handled,
            hold,
            ..
        } = lease;
        let mut inner = self.inner();
        let id = conversation.id.clone();
        let now = now_ms();
        let memory = std::mem::take(&mut conversation.memory);
        if memory.is_empty() || self.memory_retention.is_zero() {
            inner.memories.remove(&id);
        } else {
            let forget_at = now + self.memory_retention.as_millis() as i64;
            inner.memories.insert(id.clone(), (memory, forget_at));
        }
        if handled {
            inner.drop_oldest_queued(&id);
        }
        inner.remove_conversation(&id);
        let kept = Kept::new(conversation, now);
        inner.bytes += kept.bytes;
        inner.conversations.insert(id.clone(), kept);
        self.count_write(&mut inner);
        self.bound(&mut inner);
        drop(hold);
        inner.drop_idle_lock(&id);
        Ok(())
    }

    async fn get(&self, id: &ConversationId) -> Result<Option<Conversation>, StoreError> {
        let inner = self.inner();
        Ok(inner
            .conversations
            .get(id)
            .map(|kept| kept.conversation.clone())
            .map(|mut conversation| {
                conversation.memory = inner.memory(id, now_ms());
                conversation
            }))
    }

    async fn get_many(
        &self,
        ids: &[ConversationId],
    ) -> Result<Vec<Option<Conversation>>, StoreError> {
        let inner = self.inner();
        Ok(ids
            .iter()
            .map(|id| {
                inner
                    .conversations
                    .get(id)
                    .map(|kept| kept.conversation.clone())
            })
            .collect())
    }

    async fn enqueue(&self, envelope: &Envelope) -> Result<Enqueued, StoreError> {
        let now = now_ms();
        let mut inner = self.inner();
        if inner
            .seen
            .get(&envelope.message_id)
            .is_some_and(|(forget_at, _)| *forget_at > now)
        {
            return Ok(Enqueued::Duplicate);
        }
        inner.seen.insert(
            envelope.message_id.clone(),
            (
                now + self.dedup_ttl.as_millis() as i64,
                envelope.conversation_id.clone(),
            ),
        );
        inner
            .inboxes
            .entry(envelope.conversation_id.clone())
            .or_default()
            .push_back(envelope.clone());
        self.count_write(&mut inner);
        drop(inner);
        self.ready_sender
            .send(envelope.conversation_id.clone())
            .map_err(|_| StoreError::Unavailable("the ready queue is closed".to_owned()))?;
        Ok(Enqueued::New)
    }

    async fn next_ready(&self, wait: Duration) -> Result<Option<ConversationId>, StoreError> {
        let mut receiver = self.ready_receiver.lock().await;
        match tokio::time::timeout(wait, receiver.recv()).await {
            Ok(Some(id)) => Ok(Some(id)),
            Ok(None) => Err(StoreError::Unavailable(
                "the ready queue is closed".to_owned(),
            )),
            // Nothing signalled: hand out a conversation whose messages are
            // still queued though nobody holds it (its turn failed and gave
            // the lease up without committing).
            Err(_elapsed) => {
                let inner = self.inner();
                Ok(inner
                    .inboxes
                    .keys()
                    .find(|id| {
                        inner
                            .locks
                            .get(*id)
                            .is_none_or(|lock| lock.try_lock().is_ok())
                    })
                    .cloned())
            }
        }
    }

    async fn sent_so_far(
        &self,
        _id: &ConversationId,
        message_id: &str,
    ) -> Result<usize, StoreError> {
        Ok(self.sent.so_far(message_id))
    }

    async fn record_sent(
        &self,
        _id: &ConversationId,
        message_id: &str,
        count: usize,
    ) -> Result<(), StoreError> {
        self.sent.record(message_id, count);
        Ok(())
    }

    async fn erase(&self, lease: Lease) -> Result<(), StoreError> {
        let Lease {
            conversation, hold, ..
        } = lease;
        let id = conversation.id;
        let mut inner = self.inner();
        inner.remove_conversation(&id);
        inner.memories.remove(&id);
        inner.inboxes.remove(&id);
        let message_ids: Vec<String> = inner
            .seen
            .iter()
            .filter(|(_, (_, seen_in))| *seen_in == id)
            .map(|(message_id, _)| message_id.clone())
            .collect();
        self.sent.forget(&message_ids);
        inner.seen.retain(|_, (_, seen_in)| *seen_in != id);
        drop(hold);
        inner.drop_idle_lock(&id);
        Ok(())
    }

    async fn export(&self, id: &ConversationId) -> Result<StoredCitizen, StoreError> {
        let now = now_ms();
        let inner = self.inner();
        Ok(StoredCitizen {
            conversation: inner
                .conversations
                .get(id)
                .map(|kept| kept.conversation.clone()),
            memory: inner.memory(id, now),
            inbox: inner
                .inboxes
                .get(id)
                .map(|queued| queued.iter().cloned().collect())
                .unwrap_or_default(),
            message_ids: inner
                .seen
                .iter()
                .filter(|(_, (forget_at, seen_in))| seen_in == id && *forget_at > now)
                .map(|(message_id, _)| message_id.clone())
                .collect(),
        })
    }

    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}

#[cfg(test)]
mod tests;
