//! Conversation state behind one trait: in memory for a single process (the
//! embedded default), Redis when several instances share the work.

mod memory;

use async_trait::async_trait;

pub use memory::MemoryStore;

use crate::conversation::{Conversation, ConversationId};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the state store is unavailable: {0}")]
    Unavailable(String),
    #[error("stored state is corrupt: {0}")]
    Corrupt(String),
}

/// Exclusive use of one conversation, from [`ConversationStore::acquire`]
/// until [`ConversationStore::commit`] (or until dropped, which gives it up
/// without saving).
pub struct Lease {
    pub conversation: Conversation,
    /// Whether the conversation existed before this lease.
    pub existed: bool,
    hold: LeaseHold,
}

enum LeaseHold {
    Local(
        #[allow(dead_code, reason = "held for its Drop, which releases the lock")]
        tokio::sync::OwnedMutexGuard<()>,
    ),
}

#[async_trait]
pub trait ConversationStore: Send + Sync + 'static {
    /// Waits until no other message of this conversation is being handled,
    /// then returns its state (a new conversation when there is none).
    /// Messages of one conversation thus run one at a time, in the order
    /// they asked.
    async fn acquire(&self, id: &ConversationId) -> Result<Lease, StoreError>;

    /// Saves the conversation and ends the lease.
    async fn commit(&self, lease: Lease) -> Result<(), StoreError>;

    /// A snapshot of a conversation, without taking a lease.
    async fn get(&self, id: &ConversationId) -> Result<Option<Conversation>, StoreError>;

    /// Whether the store answers; for `/readyz`.
    async fn ping(&self) -> Result<(), StoreError>;

    /// A short name for logs: `memory`, `redis`.
    fn kind(&self) -> &'static str;
}
