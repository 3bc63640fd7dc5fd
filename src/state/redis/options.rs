//! How the Redis store behaves: its timeouts, lease and retention, from
//! the `[state]` and `[retention]` settings.

use std::time::Duration;

use crate::configuration::{KeyPrefix, RetentionSettings, StateSettings};

/// How the Redis store behaves; built from `[state]` settings.
#[derive(Debug, Clone)]
pub struct RedisOptions {
    pub key_prefix: KeyPrefix,
    /// The longest any single Redis call may take, connecting included.
    pub timeout: Duration,
    /// How long a lease lasts without renewal: the longest a crashed
    /// instance can block its conversations. Held leases are renewed.
    pub lease: Duration,
    /// How long `acquire` waits in a busy conversation's queue.
    pub lock_wait: Duration,
    pub idle_ttl: Duration,
    /// How long a conversation waiting for or with an agent outlives its
    /// last change.
    pub waiting_ttl: Duration,
    pub dedup_ttl: Duration,
    /// How long a citizen's memory outlives their last message (`ZERO`:
    /// nothing is remembered).
    pub memory_retention: Duration,
}

impl RedisOptions {
    pub fn from_settings(settings: &StateSettings, retention: &RetentionSettings) -> Self {
        Self {
            key_prefix: settings.key_prefix.clone(),
            timeout: Duration::from_millis(settings.redis_timeout_ms.get()),
            lease: Duration::from_millis(settings.lease_ms.get()),
            lock_wait: Duration::from_millis(settings.lock_wait_ms.get()),
            idle_ttl: settings.idle_ttl(),
            waiting_ttl: retention.waiting(),
            dedup_ttl: settings.dedup_ttl(),
            memory_retention: settings.memory_retention(),
        }
    }

    /// A waiter that has not asked again for this long is taken for dead and
    /// loses its place, so a crashed instance cannot stall the queue.
    pub(super) fn waiter_ttl(&self) -> Duration {
        (self.timeout * 4).max(Duration::from_secs(2))
    }
}
