//! How much of each queued message's reply the platform took: right after
//! a platform takes a message of it, `record` raises `sent:<message id>` to
//! the count so far (never lowering it: a turn whose lease ran out may
//! record late); a turn handling that message again (the first crashed or
//! failed before its commit) reads it and sends only the rest. It is kept
//! as long as the message id, for the de-duplication window. A queued
//! message's turn thus costs one more round trip to read the count, and one
//! per message sent to record it.

use super::keys::ConversationKeys;
use super::scripts::RECORD_SENT;
use super::{Shared, StoreError, millis};
use crate::conversation::ConversationId;

pub(super) async fn so_far(
    shared: &Shared,
    id: &ConversationId,
    message_id: &str,
) -> Result<usize, StoreError> {
    let key = ConversationKeys::new(&shared.options.key_prefix, id).sent(message_id);
    let mut connection = shared.connection().await?;
    let count: Option<usize> = shared
        .timed(::redis::cmd("GET").arg(key).query_async(&mut connection))
        .await?;
    Ok(count.unwrap_or(0))
}

pub(super) async fn record(
    shared: &Shared,
    id: &ConversationId,
    message_id: &str,
    count: usize,
) -> Result<(), StoreError> {
    let options = &shared.options;
    let mut record = RECORD_SENT.prepare_invoke();
    record
        .key(ConversationKeys::new(&options.key_prefix, id).sent(message_id))
        .arg(count)
        .arg(millis(options.dedup_ttl));
    shared.run::<i64>(&record).await.map(drop)
}
