//! A held lease in Redis: renewed in the background while its turn runs,
//! given up at once when the turn is dropped before it commits.

use std::sync::{Arc, LazyLock};

use ::redis::Script;

use super::keys::{ConversationKeys, ready_key};
use super::scripts::script;
use super::{Shared, millis};
use crate::conversation::ConversationId;

/// Extends the lease if this token still holds it.
/// KEYS: lease. ARGV: token, lease ms.
static RENEW: LazyLock<Script> = LazyLock::new(|| script(include_str!("renew.lua")));

/// Leaves the lease queue and gives the lease up if this token holds it,
/// without saving; queued messages make the conversation ready again.
/// KEYS: lease, lease-queue, lease-waiters, inbox, ready. ARGV: token,
/// conversation id.
static ABANDON: LazyLock<Script> = LazyLock::new(|| script(include_str!("abandon.lua")));

/// A held Redis lease: renewed in the background until committed or
/// dropped; dropping it releases the lease without saving.
pub(in crate::state) struct RedisHold {
    pub(super) claim: Claim,
    pub(super) renewal: tokio::task::JoinHandle<()>,
}

impl Drop for RedisHold {
    fn drop(&mut self) {
        self.renewal.abort();
    }
}

/// A turn's place in a conversation's lease queue, then its lease. Dropped
/// before it is settled (the request was cancelled while waiting, or the
/// turn failed before committing), it gives both up at once, so the turns
/// behind it need not wait for a waiter deadline or the lease to run out;
/// if that fails too, they do.
pub(super) struct Claim {
    pub(super) shared: Arc<Shared>,
    pub(super) id: ConversationId,
    pub(super) token: String,
    pub(super) settled: bool,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let shared = self.shared.clone();
        let id = self.id.clone();
        let token = std::mem::take(&mut self.token);
        runtime.spawn(async move {
            let keys = ConversationKeys::new(&shared.options.key_prefix, &id);
            let mut abandon = ABANDON.prepare_invoke();
            abandon
                .key(&keys.lease)
                .key(&keys.lease_queue)
                .key(&keys.lease_waiters)
                .key(&keys.inbox)
                .key(ready_key(&shared.options.key_prefix))
                .arg(&token)
                .arg(id.as_str());
            if let Err(err) = shared.run::<i64>(&abandon).await {
                tracing::warn!(error = %err, conversation = %id.pseudonym(), "could not give a lease up");
            }
        });
    }
}

/// Renews the lease every third of its time until aborted.
pub(super) fn keep_renewed(
    shared: Arc<Shared>,
    id: &ConversationId,
    token: &str,
) -> tokio::task::JoinHandle<()> {
    let lease_key = ConversationKeys::new(&shared.options.key_prefix, id).lease;
    let id = id.clone();
    let token = token.to_owned();
    tokio::spawn(async move {
        let lease = shared.options.lease;
        loop {
            tokio::time::sleep(lease / 3).await;
            let mut renew = RENEW.prepare_invoke();
            renew.key(&lease_key).arg(&token).arg(millis(lease));
            match shared.run::<i64>(&renew).await {
                Ok(1) => {}
                Ok(_) => {
                    tracing::warn!(conversation = %id.pseudonym(), "a lease ran out while its turn was running");
                    return;
                }
                Err(err) => tracing::warn!(error = %err, "could not renew a lease"),
            }
        }
    })
}
