//! Conversation state in Redis, shared by every instance (Redis 6.2 or
//! newer). With `handoff/redis.rs`, the only code that knows Redis; its
//! keys are listed in `keys`.
//!
//! Every operation is one Lua script (one round trip), so each is atomic on
//! the server: a turn costs two, `acquire` (lease, conversation, inbox and
//! the citizen's memory) and `commit` (save both, trim the inbox,
//! release): remembering citizens costs no round trip of its own. Every call has a deadline
//! (`state.redis_timeout_ms`), and every failure is
//! [`StoreError::Unavailable`]; the next call reconnects.
//!
//! **A FIFO lease with owner tokens.** A plain `SET NX` lock polled by
//! waiters is not fair (whoever polls right after a release wins), so the
//! lease has a queue. `acquire` drops dead waiters from the head of the
//! queue, then takes the lease if it is free and nobody queued earlier,
//! else joins the queue and returns the position. A waiter asks again after
//! a pause that grows with its position (1 ms at the head, at most 20 ms);
//! each ask refreshes its deadline, and a waiter that stops asking for
//! max(2 s, 4 x timeout) (its process died) loses its place. "Arrival
//! order" is thus the order of arrival at Redis, the one clock all
//! instances share. The lease holds a random owner token with a TTL
//! (`state.lease_ms`), renewed every third of it while the turn runs (the
//! Rasa lock-store race, RasaHQ/rasa#9213); renewal, commit and release act
//! only if the key still holds the caller's token, so a turn whose lease ran
//! out saves nothing and fails rather than losing an update. A turn dropped
//! before it commits gives its place and lease up at once (`lease`).
//!
//! **The webhook inbox.** `enqueue` records a message once per message id
//! (`SET NX PX` on its `seen` key), appends it to the inbox and makes the
//! conversation ready (`ZADD NX`: a conversation a worker holds stays
//! hidden, or a second worker would wait on the same lease). `next_ready`
//! hands out the conversation due longest and hides it for one lease time
//! (a visibility timeout: if its worker dies, another gets it then).
//! `commit` removes the handled messages and, while messages remain, keeps
//! the conversation hidden one lease time ahead: the committing worker goes
//! on with them itself (re-adding it as due made a second worker poll the
//! lease every millisecond). `ready` is the one key outside a
//! conversation's slot, and the inbox scripts touch it with conversation
//! keys; with the agents' `MGET` across conversations, that needs a single
//! Redis or Sentinel, not Cluster.

mod keys;
mod lease;
mod memory;
mod options;
mod privacy;
mod scripts;
mod sent;

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{FromRedisValue, RedisResult, ScriptInvocation};
use async_trait::async_trait;
use tokio::sync::OnceCell;

use super::{ConversationStore, Enqueued, Envelope, Lease, LeaseHold, StoreError, StoredCitizen};
use crate::conversation::{Conversation, ConversationId};
use crate::metrics::Metrics;
use keys::{ConversationKeys, ready_key};
use lease::Claim;
pub(super) use lease::RedisHold;
pub use options::RedisOptions;
use scripts::{ACQUIRE, Acquired, COMMIT, ENQUEUE, NEXT_READY};

/// Conversation state in Redis, for any number of instances.
#[derive(Clone)]
pub struct RedisStore {
    shared: Arc<Shared>,
}

struct Shared {
    client: ::redis::Client,
    connection: OnceCell<ConnectionManager>,
    options: RedisOptions,
    round_trips: AtomicU64,
    /// Random per store, so lease tokens of two instances never collide.
    instance: u64,
    next_token: AtomicU64,
    /// Each round trip's latency and failure, when observed.
    metrics: Option<Arc<Metrics>>,
}

/// The longest pause between two looks at the ready set, and between two
/// asks of a waiter far back in a lease queue.
const MAX_POLL: Duration = Duration::from_millis(20);

impl RedisStore {
    /// Checks the URL; connects on first use, so an instance starts (and
    /// reports itself unready) while Redis is down.
    pub fn new(url: &str, options: RedisOptions) -> Result<Self, StoreError> {
        Self::observed(url, options, None)
    }

    /// Like [`RedisStore::new`], timing every round trip in `metrics`.
    pub fn observed(
        url: &str,
        options: RedisOptions,
        metrics: Option<Arc<Metrics>>,
    ) -> Result<Self, StoreError> {
        let client = ::redis::Client::open(url)
            .map_err(|err| StoreError::Unavailable(format!("invalid REDIS_URL: {err}")))?;
        let instance = RandomState::new().hash_one((std::process::id(), Instant::now()));
        Ok(Self {
            shared: Arc::new(Shared {
                client,
                connection: OnceCell::new(),
                options,
                round_trips: AtomicU64::new(0),
                instance,
                next_token: AtomicU64::new(0),
                metrics,
            }),
        })
    }

    /// Host and port, without credentials: safe to log.
    pub fn address(&self) -> String {
        self.shared.client.get_connection_info().addr().to_string()
    }

    /// Requests sent to Redis so far, for tests and benchmarks.
    pub fn round_trips(&self) -> u64 {
        self.shared.round_trips.load(Ordering::Relaxed)
    }

    /// How many turns are queued for the conversation's lease (the holder
    /// not counted).
    pub async fn waiting(&self, id: &ConversationId) -> Result<usize, StoreError> {
        let keys = ConversationKeys::new(&self.shared.options.key_prefix, id);
        let mut connection = self.shared.connection().await?;
        self.shared
            .timed(
                ::redis::cmd("LLEN")
                    .arg(&keys.lease_queue)
                    .query_async(&mut connection),
            )
            .await
    }

    /// `P{C}:<name>`: a key in the conversation's slot, for the handoff
    /// store (`handoff/redis.rs`), which keeps its keys beside these.
    pub(crate) fn conversation_key(&self, id: &ConversationId, name: &str) -> String {
        format!(
            "{}{name}",
            ConversationKeys::new(&self.shared.options.key_prefix, id).base
        )
    }

    /// `P<name>`: a key outside any conversation.
    pub(crate) fn global_key(&self, name: &str) -> String {
        format!("{}{name}", self.shared.options.key_prefix.as_str())
    }

    /// Runs commands in one round trip, under the store's deadline.
    pub(crate) async fn query<T: FromRedisValue>(
        &self,
        pipeline: &::redis::Pipeline,
    ) -> Result<T, StoreError> {
        let mut connection = self.shared.connection().await?;
        self.shared
            .timed(pipeline.query_async(&mut connection))
            .await
    }

    /// Runs a script, under the store's deadline.
    pub(crate) async fn invoke<T: FromRedisValue>(
        &self,
        invocation: &ScriptInvocation<'_>,
    ) -> Result<T, StoreError> {
        self.shared.run(invocation).await
    }

    /// A dedicated subscriber connection (pub/sub cannot share one).
    pub(crate) async fn pubsub(&self) -> Result<::redis::aio::PubSub, StoreError> {
        self.shared
            .timed(self.shared.client.get_async_pubsub())
            .await
    }

    fn new_token(&self) -> String {
        let serial = self.shared.next_token.fetch_add(1, Ordering::Relaxed);
        format!("{:016x}-{serial}", self.shared.instance)
    }
}

impl Shared {
    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        let timeout = self.options.timeout;
        let connect = self.connection.get_or_try_init(|| {
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(timeout))
                .set_response_timeout(Some(timeout))
                .set_number_of_retries(2)
                .set_max_delay(timeout);
            ConnectionManager::new_with_config(self.client.clone(), config)
        });
        match tokio::time::timeout(timeout, connect).await {
            Ok(Ok(connection)) => Ok(connection.clone()),
            Ok(Err(err)) => Err(unavailable(err)),
            Err(_) => Err(self.timed_out()),
        }
    }

    async fn timed<T>(&self, call: impl Future<Output = RedisResult<T>>) -> Result<T, StoreError> {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let result = match tokio::time::timeout(self.options.timeout, call).await {
            Ok(result) => result.map_err(unavailable),
            Err(_) => Err(self.timed_out()),
        };
        if let Some(metrics) = &self.metrics {
            metrics.observe_redis(started.elapsed(), result.is_err());
        }
        result
    }

    async fn run<T: FromRedisValue>(
        &self,
        invocation: &ScriptInvocation<'_>,
    ) -> Result<T, StoreError> {
        let mut connection = self.connection().await?;
        self.timed(invocation.invoke_async(&mut connection)).await
    }

    fn timed_out(&self) -> StoreError {
        StoreError::Unavailable(format!(
            "redis did not answer within {} ms",
            self.options.timeout.as_millis()
        ))
    }
}

fn unavailable(err: ::redis::RedisError) -> StoreError {
    StoreError::Unavailable(format!("redis: {err}"))
}

fn millis(duration: Duration) -> u64 {
    (duration.as_millis() as u64).max(1)
}

fn parse<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|err| StoreError::Corrupt(format!("{what}: {err}")))
}

fn to_json(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|err| StoreError::Corrupt(err.to_string()))
}

#[async_trait]
impl ConversationStore for RedisStore {
    async fn acquire(&self, id: &ConversationId) -> Result<Lease, StoreError> {
        let options = &self.shared.options;
        let keys = ConversationKeys::new(&options.key_prefix, id);
        let claim = Claim {
            shared: self.shared.clone(),
            id: id.clone(),
            token: self.new_token(),
            settled: false,
        };
        let token = &claim.token;
        let mut acquire = ACQUIRE.prepare_invoke();
        acquire
            .key(&keys.lease)
            .key(&keys.lease_queue)
            .key(&keys.lease_waiters)
            .key(&keys.conversation)
            .key(&keys.inbox)
            .key(&keys.memory)
            .arg(token)
            .arg(millis(options.lease))
            .arg(millis(options.waiter_ttl()));
        let give_up_at = Instant::now() + options.lock_wait;
        let (stored, next_queued, memory) = loop {
            let (granted, found, next_queued, position, memory): Acquired =
                self.shared.run(&acquire).await?;
            if granted {
                break (found, next_queued, memory);
            }
            if Instant::now() >= give_up_at {
                // No id in the message: it holds a phone number, and errors
                // are logged.
                return Err(StoreError::Unavailable(format!(
                    "the conversation stayed busy for {} ms",
                    options.lock_wait.as_millis()
                )));
            }
            // The head of the queue asks again soonest.
            let pause = Duration::from_millis(position + 1).min(MAX_POLL);
            tokio::time::sleep(pause).await;
        };
        let hold = RedisHold {
            renewal: lease::keep_renewed(self.shared.clone(), id, token),
            claim,
        };
        let conversation = stored
            .as_deref()
            .map(|json| parse::<Conversation>("stored conversation", json))
            .transpose()?;
        let next_queued = next_queued
            .as_deref()
            .map(|json| parse::<Envelope>("queued message", json))
            .transpose()?;
        let mut lease = Lease::new(id, conversation, next_queued, LeaseHold::Redis(hold));
        lease.conversation.memory = memory::read(memory.as_deref(), options.memory_retention)?;
        Ok(lease)
    }

    async fn commit(&self, lease: Lease) -> Result<(), StoreError> {
        let Lease {
            conversation,
            handled,
            hold,
            ..
        } = lease;
        let LeaseHold::Redis(mut hold) = hold else {
            return Err(StoreError::Corrupt(
                "a lease from another store was committed to redis".to_owned(),
            ));
        };
        let options = &self.shared.options;
        let keys = ConversationKeys::new(&options.key_prefix, &conversation.id);
        // Conversations waiting for or with a person are kept longer.
        let ttl_ms = millis(if conversation.handoff.is_with_humans() {
            options.waiting_ttl
        } else {
            options.idle_ttl
        });
        let memory = memory::write(&conversation.memory, options.memory_retention)?;
        let mut commit = COMMIT.prepare_invoke();
        commit
            .key(&keys.lease)
            .key(&keys.conversation)
            .key(&keys.inbox)
            .key(ready_key(&options.key_prefix))
            .key(&keys.memory)
            .arg(&hold.claim.token)
            .arg(to_json(&conversation)?)
            .arg(usize::from(handled))
            .arg(ttl_ms)
            .arg(conversation.id.as_str())
            .arg(millis(options.lease))
            .arg(memory)
            .arg(millis(options.memory_retention));
        // On failure the claim stays unsettled, and dropping it releases the
        // lease if the commit did not.
        let saved: i64 = self.shared.run(&commit).await?;
        hold.claim.settled = true;
        if saved == 1 {
            Ok(())
        } else {
            Err(StoreError::Unavailable(
                "the conversation's lease ran out before the turn was saved; nothing was saved"
                    .to_owned(),
            ))
        }
    }

    async fn get(&self, id: &ConversationId) -> Result<Option<Conversation>, StoreError> {
        let keys = ConversationKeys::new(&self.shared.options.key_prefix, id);
        let mut connection = self.shared.connection().await?;
        // One slot, one round trip: the conversation and its citizen's memory.
        let (stored, memory): (Option<String>, Option<String>) = self
            .shared
            .timed(
                ::redis::cmd("MGET")
                    .arg(&keys.conversation)
                    .arg(&keys.memory)
                    .query_async(&mut connection),
            )
            .await?;
        let Some(json) = stored else {
            return Ok(None);
        };
        let mut conversation: Conversation = parse("stored conversation", &json)?;
        let retention = self.shared.options.memory_retention;
        conversation.memory = memory::read(memory.as_deref(), retention)?;
        Ok(Some(conversation))
    }

    async fn get_many(
        &self,
        ids: &[ConversationId],
    ) -> Result<Vec<Option<Conversation>>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let prefix = &self.shared.options.key_prefix;
        let keys: Vec<String> = ids
            .iter()
            .map(|id| ConversationKeys::new(prefix, id).conversation)
            .collect();
        let mut connection = self.shared.connection().await?;
        let stored: Vec<Option<String>> = self
            .shared
            .timed(::redis::cmd("MGET").arg(keys).query_async(&mut connection))
            .await?;
        stored
            .into_iter()
            .map(|json| {
                json.as_deref()
                    .map(|json| parse("stored conversation", json))
                    .transpose()
            })
            .collect()
    }

    async fn enqueue(&self, envelope: &Envelope) -> Result<Enqueued, StoreError> {
        let options = &self.shared.options;
        let keys = ConversationKeys::new(&options.key_prefix, &envelope.conversation_id);
        let mut enqueue = ENQUEUE.prepare_invoke();
        enqueue
            .key(keys.seen(&envelope.message_id))
            .key(&keys.inbox)
            .key(ready_key(&options.key_prefix))
            .arg(to_json(envelope)?)
            .arg(millis(options.dedup_ttl))
            .arg(envelope.conversation_id.as_str());
        let recorded: i64 = self.shared.run(&enqueue).await?;
        Ok(if recorded == 1 {
            Enqueued::New
        } else {
            Enqueued::Duplicate
        })
    }

    async fn next_ready(&self, wait: Duration) -> Result<Option<ConversationId>, StoreError> {
        let options = &self.shared.options;
        let mut next = NEXT_READY.prepare_invoke();
        next.key(ready_key(&options.key_prefix))
            .arg(millis(options.lease));
        let give_up_at = Instant::now() + wait;
        loop {
            let ready: Option<String> = self.shared.run(&next).await?;
            if let Some(raw) = ready {
                return ConversationId::try_from(raw).map(Some).map_err(|reason| {
                    StoreError::Corrupt(format!("ready conversation: {reason}"))
                });
            }
            let left = give_up_at.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            tokio::time::sleep(left.min(MAX_POLL)).await;
        }
    }

    async fn sent_so_far(
        &self,
        id: &ConversationId,
        message_id: &str,
    ) -> Result<usize, StoreError> {
        sent::so_far(&self.shared, id, message_id).await
    }

    async fn record_sent(
        &self,
        id: &ConversationId,
        message_id: &str,
        count: usize,
    ) -> Result<(), StoreError> {
        sent::record(&self.shared, id, message_id, count).await
    }

    async fn erase(&self, lease: Lease) -> Result<(), StoreError> {
        self.erase_held(lease).await
    }

    async fn export(&self, id: &ConversationId) -> Result<StoredCitizen, StoreError> {
        self.export_stored(id).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let mut connection = self.shared.connection().await?;
        self.shared
            .timed(::redis::cmd("PING").query_async::<String>(&mut connection))
            .await
            .map(drop)
    }

    fn kind(&self) -> &'static str {
        "redis"
    }
}
