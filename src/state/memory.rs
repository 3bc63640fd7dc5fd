//! Conversation state in this process's memory: the default when no
//! `REDIS_URL` is set, for one instance; everything is lost on exit.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::{Mutex as AsyncMutex, mpsc};

use super::sent::SentLog;
use super::{ConversationStore, Enqueued, Envelope, Lease, LeaseHold, StoreError};
use crate::conversation::{Conversation, ConversationId, now_ms};
use crate::memory::CitizenMemory;

/// `state.memory_retention_secs`' default: 90 days.
const DEFAULT_MEMORY_RETENTION: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// Every this many commits or enqueues, expired conversations and message
/// ids are swept out.
const SWEEP_EVERY: u64 = 1024;

/// Conversation state in this process's memory: lost on exit, not shared.
pub struct MemoryStore {
    idle_ttl: Duration,
    dedup_ttl: Duration,
    memory_retention: Duration,
    inner: Mutex<Inner>,
    sent: SentLog,
    ready_sender: mpsc::UnboundedSender<ConversationId>,
    ready_receiver: AsyncMutex<mpsc::UnboundedReceiver<ConversationId>>,
}

#[derive(Default)]
struct Inner {
    conversations: HashMap<ConversationId, Conversation>,
    // tokio's Mutex queues waiters fairly, which gives arrival order.
    locks: HashMap<ConversationId, Arc<AsyncMutex<()>>>,
    inboxes: HashMap<ConversationId, VecDeque<Envelope>>,
    /// Message ids seen, with the time they may be forgotten.
    seen: HashMap<String, i64>,
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

    fn is_expired(&self, conversation: &Conversation, now: i64) -> bool {
        // Conversations waiting for a person never expire on their own.
        !conversation.handoff.is_with_humans()
            && now.saturating_sub(conversation.updated_at_ms) > self.idle_ttl.as_millis() as i64
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
                .retain(|_, conversation| !self.is_expired(conversation, now));
            inner.seen.retain(|_, forget_at| *forget_at > now);
            inner.memories.retain(|_, (_, forget_at)| *forget_at > now);
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
        let memory = std::mem::take(&mut conversation.memory);
        if memory.is_empty() || self.memory_retention.is_zero() {
            inner.memories.remove(&id);
        } else {
            let forget_at = now_ms() + self.memory_retention.as_millis() as i64;
            inner.memories.insert(id.clone(), (memory, forget_at));
        }
        if handled {
            inner.drop_oldest_queued(&id);
        }
        inner.conversations.insert(id.clone(), conversation);
        self.count_write(&mut inner);
        drop(hold);
        // A lock nobody else holds or waits for can go; the next turn makes
        // a new one.
        if inner
            .locks
            .get(&id)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            inner.locks.remove(&id);
        }
        Ok(())
    }

    async fn get(&self, id: &ConversationId) -> Result<Option<Conversation>, StoreError> {
        let inner = self.inner();
        Ok(inner
            .conversations
            .get(id)
            .cloned()
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
            .map(|id| inner.conversations.get(id).cloned())
            .collect())
    }

    async fn enqueue(&self, envelope: &Envelope) -> Result<Enqueued, StoreError> {
        let now = now_ms();
        let mut inner = self.inner();
        if inner
            .seen
            .get(&envelope.message_id)
            .is_some_and(|forget_at| *forget_at > now)
        {
            return Ok(Enqueued::Duplicate);
        }
        inner.seen.insert(
            envelope.message_id.clone(),
            now + self.dedup_ttl.as_millis() as i64,
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

    async fn ping(&self) -> Result<(), StoreError> {
        Ok(())
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{EscalationReason, Handoff, Priority};
    use crate::message::Incoming;

    fn id(user: &str) -> ConversationId {
        ConversationId::new("web", user).unwrap()
    }

    fn store() -> MemoryStore {
        MemoryStore::new(Duration::from_secs(60), Duration::from_secs(60))
    }

    fn envelope(user: &str, message_id: &str) -> Envelope {
        Envelope {
            conversation_id: id(user),
            message_id: message_id.to_owned(),
            incoming: Incoming {
                text: message_id.to_owned(),
                ..Incoming::default()
            },
            received_at_ms: now_ms(),
        }
    }

    #[tokio::test]
    async fn a_committed_conversation_is_found_again() {
        let store = store();
        let mut lease = store.acquire(&id("a")).await.unwrap();
        assert!(!lease.existed);
        lease.conversation.consecutive_fallbacks = 2;
        store.commit(lease).await.unwrap();
        let lease = store.acquire(&id("a")).await.unwrap();
        assert!(lease.existed);
        assert_eq!(lease.conversation.consecutive_fallbacks, 2);
    }

    #[tokio::test]
    async fn concurrent_turns_of_one_conversation_run_one_at_a_time() {
        let store = Arc::new(store());
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut lease = store.acquire(&id("busy")).await.unwrap();
                    let seen = lease.conversation.consecutive_fallbacks;
                    tokio::task::yield_now().await;
                    lease.conversation.consecutive_fallbacks = seen + 1;
                    store.commit(lease).await.unwrap();
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let conversation = store.get(&id("busy")).await.unwrap().unwrap();
        assert_eq!(conversation.consecutive_fallbacks, 50, "no update was lost");
        assert!(store.inner().locks.is_empty(), "idle locks are dropped");
    }

    #[tokio::test]
    async fn idle_conversations_expire_but_those_with_humans_do_not() {
        let store = MemoryStore::new(Duration::from_millis(0), Duration::from_secs(60));
        let mut lease = store.acquire(&id("idle")).await.unwrap();
        lease.conversation.updated_at_ms -= 10;
        store.commit(lease).await.unwrap();
        assert!(!store.acquire(&id("idle")).await.unwrap().existed);

        let mut lease = store.acquire(&id("waiting")).await.unwrap();
        lease.conversation.handoff = Handoff::Waiting {
            reason: EscalationReason::Urgent,
            priority: Priority::Urgent,
            entry_id: None,
            since_ms: 0,
            acknowledged: false,
            category: None,
            team: None,
            area: None,
            incident_id: None,
        };
        lease.conversation.updated_at_ms -= 10;
        store.commit(lease).await.unwrap();
        assert!(store.acquire(&id("waiting")).await.unwrap().existed);
    }

    #[tokio::test]
    async fn a_citizen_is_remembered_past_the_conversation_until_forgotten() {
        let store = MemoryStore::new(Duration::from_millis(0), Duration::from_secs(60));
        let mut lease = store.acquire(&id("back")).await.unwrap();
        lease.conversation.memory.language = Some(crate::i18n::Lang::En);
        lease.conversation.updated_at_ms -= 10;
        store.commit(lease).await.unwrap();
        let lease = store.acquire(&id("back")).await.unwrap();
        assert!(!lease.existed, "the conversation expired");
        assert_eq!(
            lease.conversation.memory.language,
            Some(crate::i18n::Lang::En)
        );
        store.commit(lease).await.unwrap();
        assert!(
            store
                .get(&id("back"))
                .await
                .unwrap()
                .unwrap()
                .memory
                .language
                .is_some(),
            "agents read it too"
        );

        let mut lease = store.acquire(&id("back")).await.unwrap();
        lease.conversation.memory = CitizenMemory::default();
        store.commit(lease).await.unwrap();
        let lease = store.acquire(&id("back")).await.unwrap();
        assert!(
            lease.conversation.memory.is_empty(),
            "an empty memory is erased"
        );

        let store = store.with_memory_retention(Duration::ZERO);
        let mut lease = store.acquire(&id("never")).await.unwrap();
        lease.conversation.memory.language = Some(crate::i18n::Lang::Ar);
        store.commit(lease).await.unwrap();
        assert!(
            store
                .acquire(&id("never"))
                .await
                .unwrap()
                .conversation
                .memory
                .is_empty()
        );
    }

    #[tokio::test]
    async fn a_message_id_is_enqueued_once() {
        let store = store();
        assert_eq!(
            store.enqueue(&envelope("u", "whatsapp:1")).await.unwrap(),
            Enqueued::New
        );
        assert_eq!(
            store.enqueue(&envelope("u", "whatsapp:1")).await.unwrap(),
            Enqueued::Duplicate
        );
        let mut lease = store.acquire(&id("u")).await.unwrap();
        assert!(lease.next_queued.is_some());
        lease.handled = true;
        store.commit(lease).await.unwrap();
        let lease = store.acquire(&id("u")).await.unwrap();
        assert_eq!(lease.next_queued, None, "the duplicate was not queued");
    }

    #[tokio::test]
    async fn queued_messages_come_out_in_order_and_go_once_handled() {
        let store = store();
        for n in 1..=3 {
            store
                .enqueue(&envelope("q", &format!("telegram:{n}")))
                .await
                .unwrap();
        }
        let ready = store.next_ready(Duration::from_millis(10)).await.unwrap();
        assert_eq!(ready, Some(id("q")));

        let mut handled = Vec::new();
        for _ in 0..2 {
            let mut lease = store.acquire(&id("q")).await.unwrap();
            handled.push(lease.next_queued.clone().unwrap().message_id);
            lease.handled = true;
            store.commit(lease).await.unwrap();
        }
        assert_eq!(handled, ["telegram:1", "telegram:2"]);

        let lease = store.acquire(&id("q")).await.unwrap();
        let next = lease.next_queued.as_ref().map(|e| e.message_id.as_str());
        assert_eq!(
            next,
            Some("telegram:3"),
            "the unhandled message stays queued"
        );
        store.commit(lease).await.unwrap();
        let lease = store.acquire(&id("q")).await.unwrap();
        assert!(
            lease.next_queued.is_some(),
            "a turn that did not handle it keeps it"
        );
    }

    #[tokio::test]
    async fn a_conversation_given_up_without_commit_is_handed_out_again() {
        let store = store();
        store
            .enqueue(&envelope("retry", "messenger:m1"))
            .await
            .unwrap();
        let first = store.next_ready(Duration::from_millis(10)).await.unwrap();
        let lease = store.acquire(first.as_ref().unwrap()).await.unwrap();
        drop(lease);
        let again = store.next_ready(Duration::from_millis(10)).await.unwrap();
        assert_eq!(again, Some(id("retry")));
    }

    #[tokio::test]
    async fn next_ready_returns_none_when_nothing_waits() {
        let store = store();
        assert_eq!(
            store.next_ready(Duration::from_millis(10)).await.unwrap(),
            None
        );
    }
}
