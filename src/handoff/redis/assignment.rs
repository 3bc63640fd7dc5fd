//! Automatic assignment's shared state in Redis: the lock that lets one
//! instance give out cases at a time (`assignment-lock`, `SET NX PX`,
//! released only by its holder) and each team's round-robin cursor
//! (`team:<team>:assignment-cursor`, `INCR`).

use std::time::Duration;

use super::RedisHandoffStore;
use crate::state::StoreError;

impl RedisHandoffStore {
    pub(super) async fn take_assignment_lock(
        &self,
        token: &str,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        self.set_if_absent(self.store.global_key("assignment-lock"), token, ttl)
            .await
    }

    pub(super) async fn drop_assignment_lock(&self, token: &str) -> Result<(), StoreError> {
        // Compare and delete in one step: a lock that expired and went to
        // another instance is theirs.
        const UNLOCK: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
        self.store
            .query::<()>(
                ::redis::pipe()
                    .cmd("EVAL")
                    .arg(UNLOCK)
                    .arg(1)
                    .arg(self.store.global_key("assignment-lock"))
                    .arg(token)
                    .ignore(),
            )
            .await
    }

    pub(super) async fn advance_assignment_cursor(&self, team: &str) -> Result<u64, StoreError> {
        let (cursor,): (u64,) = self
            .store
            .query(
                ::redis::pipe().incr(
                    self.store
                        .global_key(&format!("team:{team}:assignment-cursor")),
                    1,
                ),
            )
            .await?;
        Ok(cursor)
    }
}
