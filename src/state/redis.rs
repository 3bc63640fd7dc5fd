//! Conversation state in Redis, shared by every instance. The only file that
//! knows Redis keys; ARCHITECTURE.md lists them.
//!
//! Every operation is one Lua script (one round trip), so each is atomic on
//! the server: a turn costs two, `acquire` and `commit`. Every call has a
//! deadline, and every failure is [`StoreError::Unavailable`].

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{FromRedisValue, RedisResult, Script, ScriptInvocation};
use async_trait::async_trait;
use serde::Deserialize;
use tokio::sync::OnceCell;

use super::{ConversationStore, Enqueued, Envelope, Lease, LeaseHold, StoreError};
use crate::conversation::{Conversation, ConversationId};
use crate::memory::CitizenMemory;

/// Prepended to every key, so that several deployments (or test runs) can
/// share one Redis: non-empty, printable, without spaces or braces (braces
/// would break the hash tags that keep a conversation in one Cluster slot).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct KeyPrefix(String);

impl TryFrom<String> for KeyPrefix {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        if raw.is_empty() {
            return Err("the key prefix must not be empty".to_owned());
        }
        if raw
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '{' || c == '}')
        {
            return Err(format!(
                "the key prefix {raw:?} must not contain spaces, control characters or braces"
            ));
        }
        Ok(Self(raw))
    }
}

impl KeyPrefix {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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
    pub dedup_ttl: Duration,
    /// How long a citizen's memory outlives their last message (`ZERO`:
    /// nothing is remembered).
    pub memory_retention: Duration,
}

impl RedisOptions {
    /// A waiter that has not asked again for this long is taken for dead and
    /// loses its place, so a crashed instance cannot stall the queue.
    fn waiter_ttl(&self) -> Duration {
        (self.timeout * 4).max(Duration::from_secs(2))
    }
}

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
}

/// A held Redis lease: renewed in the background until committed or
/// dropped; dropping it releases the lease without saving.
pub(super) struct RedisHold {
    claim: Claim,
    renewal: tokio::task::JoinHandle<()>,
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
struct Claim {
    shared: Arc<Shared>,
    id: ConversationId,
    token: String,
    settled: bool,
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
                tracing::warn!(error = %err, conversation = %id, "could not give a lease up");
            }
        });
    }
}

/// The keys of one conversation. `{…}` is a Cluster hash tag: all of them
/// hash to one slot, which lets one script touch them together.
struct ConversationKeys {
    base: String,
    conversation: String,
    memory: String,
    inbox: String,
    lease: String,
    lease_queue: String,
    lease_waiters: String,
}

impl ConversationKeys {
    fn new(prefix: &KeyPrefix, id: &ConversationId) -> Self {
        // Braces inside the id would end the hash tag early and could make
        // two ids share keys; escaping them keeps keys unambiguous.
        let tag = id
            .as_str()
            .replace('%', "%25")
            .replace('{', "%7B")
            .replace('}', "%7D");
        let base = format!("{}{{{tag}}}:", prefix.as_str());
        Self {
            conversation: format!("{base}conversation"),
            memory: format!("{base}memory"),
            inbox: format!("{base}inbox"),
            lease: format!("{base}lease"),
            lease_queue: format!("{base}lease-queue"),
            lease_waiters: format!("{base}lease-waiters"),
            base,
        }
    }

    fn seen(&self, message_id: &str) -> String {
        format!("{}seen:{message_id}", self.base)
    }
}

fn ready_key(prefix: &KeyPrefix) -> String {
    format!("{}ready", prefix.as_str())
}

/// Redis's clock in milliseconds, so that every instance measures deadlines
/// and visibility against the same clock.
const LUA_NOW: &str = "local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
";

fn script(body: &str) -> Script {
    Script::new(&format!("{LUA_NOW}{body}"))
}

/// Takes the lease if it is free and nobody queued earlier; otherwise joins
/// (or stays in) the FIFO queue and reports its position in it. Taking the lease
/// also loads the conversation, its inbox and the citizen's memory, in the
/// same round trip.
/// KEYS: lease, lease-queue, lease-waiters, conversation, inbox, memory.
/// ARGV: token, lease ms, waiter ttl ms.
static ACQUIRE: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
while true do
  local head = redis.call('LINDEX', KEYS[2], 0)
  if not head or head == ARGV[1] then break end
  local deadline = redis.call('HGET', KEYS[3], head)
  if deadline and tonumber(deadline) >= now then break end
  redis.call('LPOP', KEYS[2])
  redis.call('HDEL', KEYS[3], head)
end
local head = redis.call('LINDEX', KEYS[2], 0)
if redis.call('EXISTS', KEYS[1]) == 0 and (not head or head == ARGV[1]) then
  if head then
    redis.call('LPOP', KEYS[2])
    redis.call('HDEL', KEYS[3], ARGV[1])
  end
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {1, redis.call('GET', KEYS[4]), redis.call('LRANGE', KEYS[5], 0, -1), 0,
    redis.call('GET', KEYS[6])}
end
if redis.call('HSET', KEYS[3], ARGV[1], now + tonumber(ARGV[3])) == 1 then
  redis.call('RPUSH', KEYS[2], ARGV[1])
end
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return {0, false, {}, redis.call('LPOS', KEYS[2], ARGV[1]), false}
",
    )
});

/// Extends the lease if this token still holds it.
/// KEYS: lease. ARGV: token, lease ms.
static RENEW: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
",
    )
});

/// Saves the conversation and the citizen's memory (an empty one deletes
/// it), drops the handled inbox messages, keeps the conversation in the
/// ready set while messages remain, and releases the lease: only if this
/// token still holds it, so a turn whose lease ran out saves nothing (no
/// lost update).
/// KEYS: lease, conversation, inbox, ready, memory. ARGV: token,
/// conversation JSON, handled count, idle ttl ms (0: never expires),
/// conversation id, lease ms, memory JSON ("": none), retention ms.
static COMMIT: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[4]) > 0 then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[2], ARGV[2])
end
if ARGV[7] == '' then
  redis.call('DEL', KEYS[5])
else
  redis.call('SET', KEYS[5], ARGV[7], 'PX', ARGV[8])
end
if tonumber(ARGV[3]) > 0 then redis.call('LTRIM', KEYS[3], ARGV[3], -1) end
-- The worker that committed goes on with the remaining messages itself, so
-- the conversation stays hidden from other workers for one lease; if that
-- worker dies, it is handed out again then.
if redis.call('LLEN', KEYS[3]) > 0 then
  redis.call('ZADD', KEYS[4], now + tonumber(ARGV[6]), ARGV[5])
else
  redis.call('ZREM', KEYS[4], ARGV[5])
end
redis.call('DEL', KEYS[1])
return 1
",
    )
});

/// Leaves the lease queue and gives the lease up if this token holds it,
/// without saving; queued messages make the conversation ready again.
/// KEYS: lease, lease-queue, lease-waiters, inbox, ready. ARGV: token,
/// conversation id.
static ABANDON: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
redis.call('LREM', KEYS[2], 0, ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('LLEN', KEYS[4]) > 0 then redis.call('ZADD', KEYS[5], now, ARGV[2]) end
return 1
",
    )
});

/// Records a message once per message id and makes its conversation ready.
/// KEYS: seen, inbox, ready. ARGV: envelope JSON, dedup ttl ms,
/// conversation id.
static ENQUEUE: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
-- NX: a conversation a worker holds is hidden until its lease runs out;
-- un-hiding it would send a second worker to wait on the same lease. Its
-- commit makes it ready again while messages remain.
redis.call('ZADD', KEYS[3], 'NX', now, ARGV[3])
return 1
",
    )
});

/// Hands out the conversation ready longest and hides it for a visibility
/// period: if its worker dies before committing, it comes back after that.
/// KEYS: ready. ARGV: visibility ms.
static NEXT_READY: LazyLock<Script> = LazyLock::new(|| {
    script(
        r"
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1)
if #due == 0 then return false end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), due[1])
return due[1]
",
    )
});

/// The longest pause between two looks at the ready set, and between two
/// asks of a waiter far back in a lease queue.
const MAX_POLL: Duration = Duration::from_millis(20);

impl RedisStore {
    /// Checks the URL; connects on first use, so an instance starts (and
    /// reports itself unready) while Redis is down.
    pub fn new(url: &str, options: RedisOptions) -> Result<Self, StoreError> {
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
            }),
        })
    }

    /// Host and port, without credentials: safe to log.
    pub fn address(&self) -> String {
        self.shared.client.get_connection_info().addr().to_string()
    }

    /// A stored memory (none when retention is off: a memory written before
    /// it was turned off is not read).
    fn memory(&self, json: Option<&str>) -> Result<CitizenMemory, StoreError> {
        match json {
            Some(json) if !self.shared.options.memory_retention.is_zero() => {
                parse("stored memory", json)
            }
            _ => Ok(CitizenMemory::default()),
        }
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

    fn keep_renewed(&self, id: &ConversationId, token: &str) -> tokio::task::JoinHandle<()> {
        let shared = self.shared.clone();
        let lease_key = ConversationKeys::new(&shared.options.key_prefix, id).lease;
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
                        tracing::warn!(key = %lease_key, "a lease ran out while its turn was running");
                        return;
                    }
                    Err(err) => tracing::warn!(error = %err, "could not renew a lease"),
                }
            }
        })
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
        match tokio::time::timeout(self.options.timeout, call).await {
            Ok(result) => result.map_err(unavailable),
            Err(_) => Err(self.timed_out()),
        }
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
        let (stored, inbox, memory) = loop {
            let (granted, found, inbox, position, memory): (
                bool,
                Option<String>,
                Vec<String>,
                u64,
                Option<String>,
            ) = self.shared.run(&acquire).await?;
            if granted {
                break (found, inbox, memory);
            }
            if Instant::now() >= give_up_at {
                return Err(StoreError::Unavailable(format!(
                    "conversation {id} stayed busy for {} ms",
                    options.lock_wait.as_millis()
                )));
            }
            // The head of the queue asks again soonest.
            let pause = Duration::from_millis(position + 1).min(MAX_POLL);
            tokio::time::sleep(pause).await;
        };
        let hold = RedisHold {
            renewal: self.keep_renewed(id, token),
            claim,
        };
        let conversation = stored
            .as_deref()
            .map(|json| parse::<Conversation>("stored conversation", json))
            .transpose()?;
        let inbox = inbox
            .iter()
            .map(|json| parse::<Envelope>("queued message", json))
            .collect::<Result<Vec<_>, _>>()?;
        let mut lease = Lease::new(id, conversation, inbox, LeaseHold::Redis(hold));
        lease.conversation.memory = self.memory(memory.as_deref())?;
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
        // Conversations waiting for or with a person never expire on their own.
        let ttl_ms = if conversation.handoff.is_with_humans() {
            0
        } else {
            millis(options.idle_ttl)
        };
        let memory = if conversation.memory.is_empty() || options.memory_retention.is_zero() {
            String::new()
        } else {
            to_json(&conversation.memory)?
        };
        let mut commit = COMMIT.prepare_invoke();
        commit
            .key(&keys.lease)
            .key(&keys.conversation)
            .key(&keys.inbox)
            .key(ready_key(&options.key_prefix))
            .key(&keys.memory)
            .arg(&hold.claim.token)
            .arg(to_json(&conversation)?)
            .arg(handled)
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
            Err(StoreError::Unavailable(format!(
                "the lease on {} ran out before the turn was saved; nothing was saved",
                conversation.id
            )))
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
        conversation.memory = self.memory(memory.as_deref())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_prefixes_without_braces_or_spaces_are_accepted() {
        assert!(KeyPrefix::try_from("khidma:".to_owned()).is_ok());
        assert!(KeyPrefix::try_from(String::new()).is_err());
        assert!(KeyPrefix::try_from("a{b".to_owned()).is_err());
        assert!(KeyPrefix::try_from("a b".to_owned()).is_err());
    }

    #[test]
    fn every_key_of_a_conversation_carries_its_hash_tag() {
        let prefix = KeyPrefix::try_from("khidma:".to_owned()).unwrap();
        let id = ConversationId::new("web", "a}b{c%").unwrap();
        let keys = ConversationKeys::new(&prefix, &id);
        assert_eq!(keys.conversation, "khidma:{web:a%7Db%7Bc%25}:conversation");
        for key in [
            &keys.memory,
            &keys.inbox,
            &keys.lease,
            &keys.lease_queue,
            &keys.lease_waiters,
            &keys.seen("telegram:1"),
        ] {
            assert!(key.starts_with("khidma:{web:a%7Db%7Bc%25}:"), "{key}");
        }
        assert_eq!(ready_key(&prefix), "khidma:ready");
    }
}
