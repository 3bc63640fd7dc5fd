//! Conversation state behind one trait: in memory for a single process (the
//! embedded default), Redis when several instances share the work.
//!
//! Besides each conversation's state the store keeps the durable inbox of
//! messages that arrived through platform webhooks: a webhook is
//! acknowledged once its messages are enqueued, and a worker handles them
//! later, in order, under the conversation's lease. With each queued message
//! it keeps how much of its reply the platform took, so that handling the
//! message again (after a crash) does not send that again.

mod memory;
mod redis;
mod sent;

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use self::redis::{RedisOptions, RedisStore};
pub use memory::{Limits, MemoryStore};

use crate::conversation::{Conversation, ConversationId};
use crate::memory::CitizenMemory;
use crate::message::Incoming;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the state store is unavailable: {0}")]
    Unavailable(String),
    #[error("stored state is corrupt: {0}")]
    Corrupt(String),
}

/// A citizen's message accepted from a platform and waiting to be handled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub conversation_id: ConversationId,
    /// The platform's own id for the message, prefixed with the channel so
    /// that it is unique across platforms (`whatsapp:wamid.HBg...`,
    /// `telegram:500000001`, `messenger:m_abc`): the de-duplication key.
    pub message_id: String,
    pub incoming: Incoming,
    pub received_at_ms: i64,
}

/// What [`ConversationStore::enqueue`] did with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// Recorded durably and queued for its conversation.
    New,
    /// The same message id was enqueued before (a platform re-delivery):
    /// nothing was recorded.
    Duplicate,
}

/// Everything the state store keeps about one citizen's conversation, for
/// an export.
#[derive(Debug, Default, Serialize)]
pub struct StoredCitizen {
    pub conversation: Option<Conversation>,
    /// Kept apart from the conversation, and longer.
    pub memory: CitizenMemory,
    /// Platform messages queued and not yet answered.
    pub inbox: Vec<Envelope>,
    /// Platform message ids remembered to refuse re-deliveries.
    pub message_ids: Vec<String>,
}

/// Exclusive use of one conversation, from [`ConversationStore::acquire`]
/// until [`ConversationStore::commit`] (or until dropped, which gives it up
/// without saving).
pub struct Lease {
    pub conversation: Conversation,
    /// Whether the conversation existed before this lease.
    pub existed: bool,
    /// The conversation's oldest queued message at the time of acquiring.
    /// Only the oldest: a turn handles one message, and reading a whole
    /// backlog on every turn made answering it quadratic.
    pub next_queued: Option<Envelope>,
    /// Whether this turn handled `next_queued`; `commit` then removes it
    /// from the store's inbox. Messages queued while the lease was held
    /// stay queued.
    pub handled: bool,
    hold: LeaseHold,
}

impl Lease {
    /// A fresh lease: the stored conversation, or a new one when there is none.
    fn new(
        id: &ConversationId,
        stored: Option<Conversation>,
        next_queued: Option<Envelope>,
        hold: LeaseHold,
    ) -> Self {
        Self {
            existed: stored.is_some(),
            conversation: stored.unwrap_or_else(|| Conversation::new(id.clone())),
            next_queued,
            handled: false,
            hold,
        }
    }
}

enum LeaseHold {
    Local(
        #[allow(dead_code, reason = "held for its Drop, which releases the lock")]
        tokio::sync::OwnedMutexGuard<()>,
    ),
    Redis(self::redis::RedisHold),
}

#[async_trait]
pub trait ConversationStore: Send + Sync + 'static {
    /// Waits until no other turn of this conversation is running, then
    /// returns its state (a new conversation when there is none) and its
    /// oldest queued message. Turns of one conversation thus run one at a time, in
    /// the order they asked.
    async fn acquire(&self, id: &ConversationId) -> Result<Lease, StoreError>;

    /// Saves the conversation, removes the handled inbox message, and ends
    /// the lease.
    async fn commit(&self, lease: Lease) -> Result<(), StoreError>;

    /// A snapshot of a conversation, without taking a lease.
    async fn get(&self, id: &ConversationId) -> Result<Option<Conversation>, StoreError>;

    /// Snapshots of many conversations in one round trip (for agents'
    /// lists), in the order of `ids`.
    async fn get_many(
        &self,
        ids: &[ConversationId],
    ) -> Result<Vec<Option<Conversation>>, StoreError>;

    /// Records a platform message once: a message id seen before (within
    /// the de-duplication window) is a [`Enqueued::Duplicate`] and changes
    /// nothing; a new one joins its conversation's inbox, and the
    /// conversation becomes ready for [`ConversationStore::next_ready`].
    /// When this returns `Ok`, the message survives a crash of this process.
    async fn enqueue(&self, envelope: &Envelope) -> Result<Enqueued, StoreError>;

    /// Waits up to `wait` for a conversation with queued messages. The same
    /// conversation may be handed to two workers; its lease serialises them
    /// and the second finds an empty inbox. A conversation whose worker died
    /// before committing is handed out again.
    async fn next_ready(&self, wait: Duration) -> Result<Option<ConversationId>, StoreError>;

    /// How many messages of the reply to the queued message `message_id`
    /// its platform already took, as [`ConversationStore::record_sent`]
    /// recorded them: a turn that sent them and then failed or crashed
    /// before its commit leaves the message queued, and handling it again
    /// sends only the rest. 0 when none was.
    async fn sent_so_far(&self, id: &ConversationId, message_id: &str)
    -> Result<usize, StoreError>;

    /// Records, right after the platform took them, that the first `count`
    /// messages of the reply to `message_id` were sent; it never lowers a
    /// count already recorded. When this returns `Ok`, the record survives a
    /// crash of this process as long as the message could be re-delivered
    /// (the de-duplication window).
    async fn record_sent(
        &self,
        id: &ConversationId,
        message_id: &str,
        count: usize,
    ) -> Result<(), StoreError>;

    /// Erasure: removes the conversation and everything kept with it (the
    /// citizen's memory, queued messages, remembered message ids), and
    /// ends the lease, which makes sure no turn is halfway through it.
    async fn erase(&self, lease: Lease) -> Result<(), StoreError>;

    /// Everything kept about one conversation's citizen, for an export.
    async fn export(&self, id: &ConversationId) -> Result<StoredCitizen, StoreError>;

    /// Whether the store answers; for `/readyz`.
    async fn ping(&self) -> Result<(), StoreError>;

    /// A short name for logs: `memory`, `redis`.
    fn kind(&self) -> &'static str;
}
