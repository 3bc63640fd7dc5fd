//! The store's Lua scripts, one `.lua` file each, and what each expects
//! (KEYS, ARGV) and returns; every script starts with Redis's clock.

use std::sync::LazyLock;

use ::redis::Script;

/// Redis's clock in milliseconds as `now`, so that every instance measures
/// deadlines and visibility against the same clock; every script starts
/// with it.
const LUA_NOW: &str = include_str!("now.lua");

pub(super) fn script(body: &str) -> Script {
    Script::new(&format!("{LUA_NOW}{body}"))
}

/// Takes the lease if it is free and nobody queued earlier; otherwise joins
/// (or stays in) the FIFO queue and reports its position in it. Taking the lease
/// also loads the conversation, its oldest queued message and the citizen's
/// memory, in the same round trip.
/// KEYS: lease, lease-queue, lease-waiters, conversation, inbox, memory.
/// ARGV: token, lease ms, waiter ttl ms.
pub(super) static ACQUIRE: LazyLock<Script> = LazyLock::new(|| script(include_str!("acquire.lua")));

/// What `ACQUIRE` returns: granted, the conversation, the oldest queued
/// message, the position in the queue, the citizen's memory.
pub(super) type Acquired = (bool, Option<String>, Option<String>, u64, Option<String>);

/// Saves the conversation and the citizen's memory (an empty one deletes
/// it), drops the handled inbox message (0 or 1), keeps the conversation in the
/// ready set while messages remain, and releases the lease: only if this
/// token still holds it, so a turn whose lease ran out saves nothing (no
/// lost update).
/// KEYS: lease, conversation, inbox, ready, memory. ARGV: token,
/// conversation JSON, handled count, idle ttl ms (0: never expires),
/// conversation id, lease ms, memory JSON ("": none), retention ms.
pub(super) static COMMIT: LazyLock<Script> = LazyLock::new(|| script(include_str!("commit.lua")));

/// Records a message once per message id and makes its conversation ready.
/// KEYS: seen, inbox, ready. ARGV: envelope JSON, dedup ttl ms,
/// conversation id.
pub(super) static ENQUEUE: LazyLock<Script> = LazyLock::new(|| script(include_str!("enqueue.lua")));

/// Hands out the conversation ready longest and hides it for a visibility
/// period: if its worker dies before committing, it comes back after that.
/// KEYS: ready. ARGV: visibility ms.
pub(super) static NEXT_READY: LazyLock<Script> =
    LazyLock::new(|| script(include_str!("next_ready.lua")));

/// Raises the count of a reply's messages the platform took, never lowers
/// it, and keeps it for the de-duplication window.
/// KEYS: sent. ARGV: count, ttl ms.
pub(super) static RECORD_SENT: LazyLock<Script> =
    LazyLock::new(|| script(include_str!("record_sent.lua")));
