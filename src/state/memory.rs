use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::{ConversationStore, Lease, LeaseHold, StoreError};
use crate::conversation::{Conversation, ConversationId, now_ms};

/// Every this many commits, idle conversations are swept out.
const SWEEP_EVERY_COMMITS: u64 = 1024;

/// Conversation state in this process's memory: lost on exit, not shared.
pub struct MemoryStore {
    idle_ttl: Duration,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    conversations: HashMap<ConversationId, Conversation>,
    // tokio's Mutex queues waiters fairly, which gives arrival order.
    locks: HashMap<ConversationId, Arc<tokio::sync::Mutex<()>>>,
    commits: u64,
}

impl MemoryStore {
    pub fn new(idle_ttl: Duration) -> Self {
        Self {
            idle_ttl,
            inner: Mutex::new(Inner::default()),
        }
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
}

#[async_trait]
impl ConversationStore for MemoryStore {
    async fn acquire(&self, id: &ConversationId) -> Result<Lease, StoreError> {
        let lock = self.inner().locks.entry(id.clone()).or_default().clone();
        let guard = lock.lock_owned().await;
        let now = now_ms();
        let stored = self
            .inner()
            .conversations
            .get(id)
            .filter(|conversation| !self.is_expired(conversation, now))
            .cloned();
        Ok(Lease {
            existed: stored.is_some(),
            conversation: stored.unwrap_or_else(|| Conversation::new(id.clone())),
            hold: LeaseHold::Local(guard),
        })
    }

    async fn commit(&self, lease: Lease) -> Result<(), StoreError> {
        let Lease {
            conversation, hold, ..
        } = lease;
        let mut inner = self.inner();
        let id = conversation.id.clone();
        inner.conversations.insert(id.clone(), conversation);
        inner.commits += 1;
        if inner.commits.is_multiple_of(SWEEP_EVERY_COMMITS) {
            let now = now_ms();
            inner
                .conversations
                .retain(|_, conversation| !self.is_expired(conversation, now));
        }
        drop(hold);
        // A lock nobody else holds or waits for can go; the next message
        // makes a new one.
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
        Ok(self.inner().conversations.get(id).cloned())
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

    fn id(user: &str) -> ConversationId {
        ConversationId::new("web", user).unwrap()
    }

    #[tokio::test]
    async fn a_committed_conversation_is_found_again() {
        let store = MemoryStore::new(Duration::from_secs(60));
        let mut lease = store.acquire(&id("a")).await.unwrap();
        assert!(!lease.existed);
        lease.conversation.consecutive_fallbacks = 2;
        store.commit(lease).await.unwrap();
        let lease = store.acquire(&id("a")).await.unwrap();
        assert!(lease.existed);
        assert_eq!(lease.conversation.consecutive_fallbacks, 2);
    }

    #[tokio::test]
    async fn concurrent_messages_of_one_conversation_run_one_at_a_time() {
        let store = Arc::new(MemoryStore::new(Duration::from_secs(60)));
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
        let store = MemoryStore::new(Duration::from_millis(0));
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
        };
        lease.conversation.updated_at_ms -= 10;
        store.commit(lease).await.unwrap();
        assert!(store.acquire(&id("waiting")).await.unwrap().existed);
    }
}
