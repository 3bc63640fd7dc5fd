//! Tests against a real Redis: the shared one on 127.0.0.1:6379 (started by
//! `scripts/test`), each test under a key prefix of its own, or a private
//! `redis-server` that a test may stop and start.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use khidma::configuration::{KeyPrefix, RedisUrl, Settings};
use khidma::state::{RedisOptions, RedisStore};

use crate::helpers::{TestApp, repo_path, settings, start};

pub const SHARED_REDIS: &str = "redis://127.0.0.1:6379";

/// A key prefix no other test uses; its keys are deleted when dropped.
pub struct Namespace {
    pub url: String,
    pub prefix: KeyPrefix,
}

impl Namespace {
    pub fn new() -> Self {
        Self::on(SHARED_REDIS)
    }

    pub fn on(url: &str) -> Self {
        static SERIAL: AtomicU32 = AtomicU32::new(0);
        let prefix = format!(
            "khidma-test:{}-{}-{}:",
            std::process::id(),
            SERIAL.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        Self {
            url: url.to_owned(),
            prefix: KeyPrefix::try_from(prefix).unwrap(),
        }
    }

    /// Short lease and wait times keep the tests fast.
    /// Timeouts are generous: CI machines are busy, and only the tests of
    /// failure behaviour (which set their own) are about time limits.
    pub fn options(&self) -> RedisOptions {
        RedisOptions {
            key_prefix: self.prefix.clone(),
            timeout: Duration::from_millis(2000),
            lease: Duration::from_millis(1000),
            lock_wait: Duration::from_secs(20),
            idle_ttl: Duration::from_secs(600),
            waiting_ttl: Duration::from_secs(600),
            memory_retention: Duration::from_secs(600),
            dedup_ttl: Duration::from_secs(600),
        }
    }

    pub fn store(&self) -> RedisStore {
        self.store_with(self.options())
    }

    pub fn store_with(&self, options: RedisOptions) -> RedisStore {
        RedisStore::new(&self.url, options).unwrap()
    }

    pub fn settings(&self) -> Settings {
        let mut settings = settings(&repo_path("knowledge_base"), false);
        self.apply(&mut settings);
        settings
    }

    /// Puts an app's state on this namespace. The timeout is generous: a
    /// loaded test machine is slow, not down.
    pub fn apply(&self, settings: &mut Settings) {
        settings.state.redis_url = Some(RedisUrl::parse(self.url.clone()).unwrap());
        settings.state.key_prefix = self.prefix.clone();
        settings.state.redis_timeout_ms = 2000.try_into().unwrap();
    }

    /// One more instance of the app on this namespace.
    pub fn spawn_app(&self) -> TestApp {
        start(self.settings(), None)
    }

    /// The environment that makes a `khidma serve` process use this
    /// namespace.
    pub fn process_env(&self, port: u16) -> Vec<(&'static str, String)> {
        vec![
            ("REDIS_URL", self.url.clone()),
            ("KHIDMA_STATE__KEY_PREFIX", self.prefix.as_str().to_owned()),
            ("KHIDMA_BIND", format!("127.0.0.1:{port}")),
            // Never ./data (a later `.env` may name the app's own file).
            (
                "KHIDMA_CX__SQLITE_PATH",
                crate::helpers::fresh_cx_file().display().to_string(),
            ),
            (
                "KHIDMA_KB_DIR",
                repo_path("knowledge_base").display().to_string(),
            ),
            (
                "KHIDMA_LOCALES_DIR",
                repo_path("locales").display().to_string(),
            ),
            ("KHIDMA_KB__WATCH", "false".to_owned()),
            ("KHIDMA_SERVER__WORKERS", "1".to_owned()),
            (
                "KHIDMA_CX__SQLITE_PATH",
                crate::helpers::fresh_cx_file().display().to_string(),
            ),
        ]
    }
}

impl Namespace {
    /// `khidma serve` as a separate process on this namespace, with `extra`
    /// environment on top; returns once it is ready.
    pub async fn serve_process(&self, extra: &[(String, String)]) -> (Child, String) {
        let port = free_port();
        let process = Command::new(env!("CARGO_BIN_EXE_khidma"))
            .arg("serve")
            .envs(self.process_env(port))
            .envs(extra.iter().cloned())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let address = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let ready = eventually(Duration::from_secs(30), || async {
            client
                .get(format!("{address}/readyz"))
                .send()
                .await
                .is_ok_and(|response| response.status() == 200)
        })
        .await;
        assert!(ready, "khidma serve became ready on {address}");
        (process, address)
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        // What a test stored would linger until its TTLs run out: clean up.
        let Ok(client) = redis::Client::open(self.url.as_str()) else {
            return;
        };
        let Ok(mut connection) = client.get_connection_with_timeout(Duration::from_secs(1)) else {
            return;
        };
        let pattern = format!("{}*", self.prefix.as_str());
        let Ok(keys) = redis::cmd("KEYS")
            .arg(pattern)
            .query::<Vec<String>>(&mut connection)
        else {
            return;
        };
        if !keys.is_empty() {
            let _: Result<(), _> = redis::cmd("DEL").arg(keys).query(&mut connection);
        }
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `check` every 20 ms until it holds, for at most `limit`.
pub async fn eventually<F, Fut>(limit: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let give_up_at = Instant::now() + limit;
    while Instant::now() < give_up_at {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// A `redis-server` of the test's own, on its own port, without
/// persistence unless asked; killed when dropped.
pub struct PrivateRedis {
    pub port: u16,
    process: Option<Child>,
    /// Where an append-only file is kept, fsynced on every write.
    persistence: Option<tempfile::TempDir>,
}

impl PrivateRedis {
    pub async fn start() -> Self {
        let mut redis = Self {
            port: free_port(),
            process: None,
            persistence: None,
        };
        redis.restart().await;
        redis
    }

    /// A server that writes every change to its append-only file before
    /// answering (`appendfsync always`), so that a restart loses nothing
    /// it acknowledged.
    pub async fn start_persistent() -> Self {
        let mut redis = Self {
            port: free_port(),
            process: None,
            persistence: Some(tempfile::tempdir().unwrap()),
        };
        redis.restart().await;
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub async fn restart(&mut self) {
        let mut command = Command::new("redis-server");
        command.args(["--port", &self.port.to_string()]).args([
            "--bind",
            "127.0.0.1",
            "--save",
            "",
        ]);
        match &self.persistence {
            Some(dir) => command
                .args(["--appendonly", "yes", "--appendfsync", "always"])
                .arg("--dir")
                .arg(dir.path()),
            None => command.args(["--appendonly", "no"]),
        };
        let process = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is installed (scripts/test installs it)");
        self.process = Some(process);
        let address = format!("127.0.0.1:{}", self.port);
        let up = eventually(Duration::from_secs(5), || async {
            tokio::net::TcpStream::connect(&address).await.is_ok()
        })
        .await;
        assert!(up, "redis-server came up on {address}");
    }

    pub fn stop(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Namespace {
    /// Every key of this namespace (found with `SCAN`), with everything it
    /// holds as text and its TTL in ms (-1: none).
    pub fn dump(&self) -> Vec<(String, String, i64)> {
        let client = redis::Client::open(self.url.as_str()).unwrap();
        let mut connection = client.get_connection().unwrap();
        let mut keys: Vec<String> = Vec::new();
        let mut cursor: u64 = 0;
        loop {
            let (next, found): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(format!("{}*", self.prefix.as_str()))
                .arg("COUNT")
                .arg(1000)
                .query(&mut connection)
                .unwrap();
            keys.extend(found);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        keys.into_iter()
            .map(|key| {
                let kind: String = redis::cmd("TYPE").arg(&key).query(&mut connection).unwrap();
                let mut read = match kind.as_str() {
                    "string" => redis::cmd("GET"),
                    "list" => redis::cmd("LRANGE"),
                    "set" => redis::cmd("SMEMBERS"),
                    "zset" => redis::cmd("ZRANGE"),
                    _ => redis::cmd("HGETALL"),
                };
                read.arg(&key);
                if matches!(kind.as_str(), "list" | "zset") {
                    read.arg(0).arg(-1);
                }
                let held: Vec<String> = if kind == "string" {
                    vec![read.query(&mut connection).unwrap()]
                } else {
                    read.query(&mut connection).unwrap()
                };
                let ttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut connection).unwrap();
                (key, held.join("\n"), ttl)
            })
            .collect()
    }
}
