//! Erasure and export of one citizen's conversation in Redis: every key in
//! the conversation's slot (`keys`), and its place in the ready set.

use std::sync::LazyLock;

use ::redis::Script;

use super::keys::{ConversationKeys, ready_key};
use super::scripts::script;
use super::{RedisStore, parse};
use crate::conversation::{Conversation, ConversationId};
use crate::state::{Envelope, Lease, LeaseHold, StoreError, StoredCitizen};

/// Deletes the conversation's keys and takes it out of the ready set, if
/// this token still holds its lease.
/// KEYS: lease, conversation, memory, inbox, lease-queue, lease-waiters,
/// ready, then every `seen` key of the conversation. ARGV: token,
/// conversation id.
static ERASE: LazyLock<Script> = LazyLock::new(|| script(include_str!("erase.lua")));

/// `raw` as a literal in a Redis glob pattern (conversation ids and key
/// prefixes may hold `*`, `?`, `[`).
fn glob_literal(raw: &str) -> String {
    let mut escaped = String::with_capacity(raw.len());
    for c in raw.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

impl RedisStore {
    /// Every key that starts with `prefix` and ends like `pattern` (a
    /// glob), by `SCAN`: no key is missed, none blocks the server long.
    pub(crate) async fn scan(
        &self,
        prefix: &str,
        pattern: &str,
    ) -> Result<Vec<String>, StoreError> {
        let pattern = format!("{}{pattern}", glob_literal(prefix));
        let mut connection = self.shared.connection().await?;
        let mut found = Vec::new();
        let mut cursor: u64 = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = self
                .shared
                .timed(
                    ::redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(&pattern)
                        .arg("COUNT")
                        .arg(1000)
                        .query_async(&mut connection),
                )
                .await?;
            found.extend(keys);
            if next == 0 {
                return Ok(found);
            }
            cursor = next;
        }
    }

    fn seen_prefix(keys: &ConversationKeys) -> String {
        keys.seen("")
    }

    pub(super) async fn erase_held(&self, lease: Lease) -> Result<(), StoreError> {
        let LeaseHold::Redis(mut hold) = lease.hold else {
            return Err(StoreError::Corrupt(
                "a lease from another store was given to redis".to_owned(),
            ));
        };
        let id = &lease.conversation.id;
        let prefix = &self.shared.options.key_prefix;
        let keys = ConversationKeys::new(prefix, id);
        let seen = self.scan(&Self::seen_prefix(&keys), "*").await?;
        let sent = self.scan(&keys.sent(""), "*").await?;
        let mut erase = ERASE.prepare_invoke();
        erase
            .key(&keys.lease)
            .key(&keys.conversation)
            .key(&keys.memory)
            .key(&keys.inbox)
            .key(&keys.lease_queue)
            .key(&keys.lease_waiters)
            .key(ready_key(prefix));
        for key in seen.iter().chain(&sent) {
            erase.key(key);
        }
        erase.arg(&hold.claim.token).arg(id.as_str());
        let erased: i64 = self.shared.run(&erase).await?;
        hold.claim.settled = erased == 1;
        if erased == 1 {
            Ok(())
        } else {
            Err(StoreError::Unavailable(format!(
                "the lease on {id} ran out before it was erased; nothing was erased"
            )))
        }
    }

    pub(super) async fn export_stored(
        &self,
        id: &ConversationId,
    ) -> Result<StoredCitizen, StoreError> {
        let options = &self.shared.options;
        let keys = ConversationKeys::new(&options.key_prefix, id);
        let seen_prefix = Self::seen_prefix(&keys);
        let seen = self.scan(&seen_prefix, "*").await?;
        let (conversation, memory, inbox): (Option<String>, Option<String>, Vec<String>) = self
            .query(
                ::redis::pipe()
                    .get(&keys.conversation)
                    .get(&keys.memory)
                    .lrange(&keys.inbox, 0, -1),
            )
            .await?;
        Ok(StoredCitizen {
            conversation: conversation
                .as_deref()
                .map(|json| parse::<Conversation>("stored conversation", json))
                .transpose()?,
            memory: super::memory::read(memory.as_deref(), options.memory_retention)?,
            inbox: inbox
                .iter()
                .map(|json| parse::<Envelope>("queued message", json))
                .collect::<Result<_, _>>()?,
            message_ids: seen
                .iter()
                .filter_map(|key| key.strip_prefix(&seen_prefix))
                .map(str::to_owned)
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_characters_in_ids_match_only_themselves() {
        assert_eq!(glob_literal(r"web:a*b?[c]\"), r"web:a\*b\?\[c\]\\");
    }
}
