//! One turn of a conversation, end to end: take the conversation's lease,
//! let the dialogue decide and word the reply, save. Every channel goes
//! through here.

use std::sync::Arc;

use crate::conversation::{Conversation, ConversationId};
use crate::dialogue::{self, Incoming, Reply};
use crate::handoff::{Announcements, Desk, TurnStart};
use crate::i18n::Localizer;
use crate::kb::KbHandle;
use crate::state::{ConversationStore, StoreError};

#[derive(Clone)]
pub struct Bot {
    kb: KbHandle,
    store: Arc<dyn ConversationStore>,
    localizer: Arc<Localizer>,
    /// Queues escalations and relays to agents; `khidma ask` has none.
    desk: Option<Arc<Desk>>,
}

impl Bot {
    pub fn new(kb: KbHandle, store: Arc<dyn ConversationStore>, localizer: Arc<Localizer>) -> Self {
        Self {
            kb,
            store,
            localizer,
            desk: None,
        }
    }

    pub fn with_desk(mut self, desk: Arc<Desk>) -> Self {
        self.desk = Some(desk);
        self
    }

    pub fn desk(&self) -> Option<&Arc<Desk>> {
        self.desk.as_ref()
    }

    /// Answers `incoming` in a conversation the caller holds the lease of,
    /// and does what the answer means for the agents (queueing, relaying,
    /// ratings), before the caller commits; the caller then passes the
    /// announcements to [`Bot::announce`].
    pub async fn turn(
        &self,
        incoming: &Incoming,
        conversation: &mut Conversation,
    ) -> Result<(Reply, Announcements), StoreError> {
        let start = TurnStart::of(conversation);
        let mut reply = self.respond(incoming, conversation);
        let announcements = match &self.desk {
            Some(desk) => desk.after_turn(&start, conversation, &mut reply).await?,
            None => Announcements::default(),
        };
        Ok((reply, announcements))
    }

    /// Tells agents what a committed turn did.
    pub async fn announce(&self, announcements: Announcements) {
        if let Some(desk) = &self.desk {
            desk.announce(announcements).await;
        }
    }

    pub fn kb(&self) -> &KbHandle {
        &self.kb
    }

    pub fn store(&self) -> &Arc<dyn ConversationStore> {
        &self.store
    }

    /// Lets the dialogue answer `incoming` in a conversation the caller
    /// holds the lease of.
    pub fn respond(&self, incoming: &Incoming, conversation: &mut Conversation) -> Reply {
        let kb = self.kb.current();
        let reply = dialogue::respond(incoming, conversation, &kb, &self.localizer);
        tracing::info!(
            action = ?reply.action,
            language = %reply.language,
            entry = reply.entry_id.as_ref().map(|id| id.as_str()),
            "message handled"
        );
        reply
    }

    pub fn localizer(&self) -> &Arc<Localizer> {
        &self.localizer
    }

    #[tracing::instrument(name = "turn", skip_all, fields(conversation = %conversation_id, action))]
    pub async fn handle(
        &self,
        conversation_id: &ConversationId,
        incoming: &Incoming,
    ) -> Result<Reply, StoreError> {
        let mut lease = self.store.acquire(conversation_id).await?;
        let (reply, announcements) = self.turn(incoming, &mut lease.conversation).await?;
        self.store.commit(lease).await?;
        self.announce(announcements).await;
        tracing::Span::current().record("action", tracing::field::debug(reply.action));
        Ok(reply)
    }
}
