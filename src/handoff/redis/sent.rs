//! The platform message id -> conversation index in Redis, for status
//! webhooks: one key per message id (`sent:<id>`, JSON [`SentTo`]), and per
//! conversation the set of its ids, so that erasure finds every key that
//! names the conversation. Both expire with the history.

use super::{RedisHandoffStore, json, ms, parse};
use crate::conversation::ConversationId;
use crate::handoff::SentTo;
use crate::state::StoreError;

impl RedisHandoffStore {
    fn sent_key(&self, message_id: &str) -> String {
        self.store.global_key(&format!("sent:{message_id}"))
    }

    pub(super) async fn remember_sent_ids(
        &self,
        id: &ConversationId,
        team: &str,
        message_ids: &[String],
    ) -> Result<(), StoreError> {
        if message_ids.is_empty() {
            return Ok(());
        }
        let ttl = ms(self.retention.history_ttl);
        let value = json(&SentTo {
            conversation_id: id.clone(),
            team: team.to_owned(),
        })?;
        let own = self.store.conversation_key(id, "sent");
        let mut pipe = ::redis::pipe();
        for message_id in message_ids {
            pipe.cmd("SET")
                .arg(self.sent_key(message_id))
                .arg(&value)
                .arg("PX")
                .arg(ttl)
                .ignore();
            pipe.sadd(&own, message_id).ignore();
        }
        pipe.pexpire(&own, ttl as i64).ignore();
        self.store.query::<()>(&pipe).await
    }

    pub(super) async fn find_sent(&self, message_id: &str) -> Result<Option<SentTo>, StoreError> {
        let (raw,): (Option<String>,) = self
            .store
            .query(::redis::pipe().get(self.sent_key(message_id)))
            .await?;
        raw.map(|raw| parse("sent", &raw)).transpose()
    }

    /// Erasure: every index key that names the conversation, and its set.
    pub(super) async fn forget_sent(&self, id: &ConversationId) -> Result<(), StoreError> {
        let own = self.store.conversation_key(id, "sent");
        let (message_ids,): (Vec<String>,) =
            self.store.query(::redis::pipe().smembers(&own)).await?;
        let mut pipe = ::redis::pipe();
        for message_id in &message_ids {
            pipe.del(self.sent_key(message_id)).ignore();
        }
        pipe.del(&own).ignore();
        self.store.query::<()>(&pipe).await
    }
}
