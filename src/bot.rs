//! One turn of a conversation, end to end: take the conversation's lease,
//! let the dialogue decide and word the reply, save. Every channel goes
//! through here.

use std::sync::Arc;

use crate::conversation::ConversationId;
use crate::dialogue::{self, Incoming, Reply};
use crate::i18n::Localizer;
use crate::kb::KbHandle;
use crate::state::{ConversationStore, StoreError};

#[derive(Clone)]
pub struct Bot {
    kb: KbHandle,
    store: Arc<dyn ConversationStore>,
    localizer: Arc<Localizer>,
}

impl Bot {
    pub fn new(kb: KbHandle, store: Arc<dyn ConversationStore>, localizer: Arc<Localizer>) -> Self {
        Self {
            kb,
            store,
            localizer,
        }
    }

    pub fn kb(&self) -> &KbHandle {
        &self.kb
    }

    pub fn store(&self) -> &Arc<dyn ConversationStore> {
        &self.store
    }

    #[tracing::instrument(name = "turn", skip_all, fields(conversation = %conversation_id, action))]
    pub async fn handle(
        &self,
        conversation_id: &ConversationId,
        incoming: &Incoming,
    ) -> Result<Reply, StoreError> {
        let mut lease = self.store.acquire(conversation_id).await?;
        let kb = self.kb.current();
        let reply = dialogue::respond(incoming, &mut lease.conversation, &kb, &self.localizer);
        self.store.commit(lease).await?;
        tracing::Span::current().record("action", tracing::field::debug(reply.action));
        tracing::info!(
            language = %reply.language,
            entry = reply.entry_id.as_ref().map(|id| id.as_str()),
            "message handled"
        );
        Ok(reply)
    }
}
