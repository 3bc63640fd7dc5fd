use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use reqwest::StatusCode;
use serde_json::{Value, json};

use khidma::configuration::Settings;
use khidma::startup::Application;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// Whose conversations these are: the Redis key prefix, which apps on
    /// one Redis share, or this app's own address in memory mode.
    state: String,
    /// Keeps a temporary knowledge base alive for the test's duration.
    _kb_dir: Option<tempfile::TempDir>,
}

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

pub fn settings(kb_dir: &Path, watch: bool) -> Settings {
    let env: HashMap<String, String> = [
        ("KHIDMA_BIND", "127.0.0.1:0".to_owned()),
        ("KHIDMA_KB_DIR", kb_dir.display().to_string()),
        (
            "KHIDMA_LOCALES_DIR",
            repo_path("locales").display().to_string(),
        ),
        ("KHIDMA_KB__WATCH", watch.to_string()),
        ("KHIDMA_KB__RELOAD_DEBOUNCE_MS", "100".to_owned()),
        ("KHIDMA_SERVER__WORKERS", "1".to_owned()),
        // Each app its own event store, never ./data; written quickly.
        (
            "KHIDMA_CX__SQLITE_PATH",
            fresh_cx_file().display().to_string(),
        ),
        ("KHIDMA_CX__FLUSH_MS", "20".to_owned()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect();
    Settings::load(None, &env).expect("test settings are valid")
}

/// The folder of this test process's event stores, removed by the OS's
/// temporary-file cleaning (a static is never dropped).
static CX_DIR: LazyLock<tempfile::TempDir> =
    LazyLock::new(|| tempfile::tempdir().expect("a temporary folder"));

/// A new SQLite file for one app's events.
pub fn fresh_cx_file() -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    CX_DIR.path().join(format!("cx-{n}.sqlite3"))
}

/// The web-chat sessions issued so far (the `"session"` of a first
/// reply), per store and user id, as a web client keeps them.
static SESSIONS: LazyLock<Mutex<HashMap<(String, String), String>>> = LazyLock::new(Mutex::default);

/// The session of `user`'s web conversation in the store named `state`.
pub fn session_of(state: &str, user: &str) -> Option<String> {
    SESSIONS
        .lock()
        .unwrap()
        .get(&(state.to_owned(), user.to_owned()))
        .cloned()
}

/// Keeps the session a reply issued, as a web client does.
pub fn keep_session(state: &str, user: &str, reply: &Value) {
    if let Some(session) = reply["session"].as_str() {
        SESSIONS
            .lock()
            .unwrap()
            .insert((state.to_owned(), user.to_owned()), session.to_owned());
    }
}

/// A message body with the session of its user added, unless it names one.
pub fn with_session(state: &str, mut body: Value) -> Value {
    let user = body["user_id"].as_str().map(str::to_owned);
    if let (Some(user), Some(fields)) = (user, body.as_object_mut())
        && !fields.contains_key("session")
        && let Some(session) = session_of(state, &user)
    {
        fields.insert("session".to_owned(), Value::String(session));
    }
    body
}

/// What names the store of `settings`' conversations, for [`SESSIONS`].
fn state_name(settings: &Settings, address: &str) -> String {
    match settings.state.redis_url {
        Some(_) => settings.state.key_prefix.as_str().to_owned(),
        None => address.to_owned(),
    }
}

pub fn start(settings: Settings, kb_dir: Option<tempfile::TempDir>) -> TestApp {
    let application = Application::build(settings.clone()).expect("the app builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    TestApp {
        state: state_name(&settings, &address),
        address,
        client: reqwest::Client::new(),
        _kb_dir: kb_dir,
    }
}

/// The app on a random port, on the shipped knowledge base and locales.
pub async fn spawn_app() -> TestApp {
    start(settings(&repo_path("knowledge_base"), false), None)
}

/// Copies `source` (a knowledge base folder) to a temporary folder.
pub fn copy_kb(source: &Path) -> tempfile::TempDir {
    let target = tempfile::tempdir().unwrap();
    copy_dir(source, target.path());
    target
}

fn copy_dir(source: &Path, target: &Path) {
    std::fs::create_dir_all(target).unwrap();
    for child in std::fs::read_dir(source).unwrap() {
        let child = child.unwrap();
        let destination = target.join(child.file_name());
        if child.file_type().unwrap().is_dir() {
            copy_dir(&child.path(), &destination);
        } else {
            std::fs::copy(child.path(), destination).unwrap();
        }
    }
}

/// The app on a temporary copy of the shipped knowledge base, watched for
/// changes.
pub async fn spawn_app_with_watched_kb() -> (TestApp, PathBuf) {
    let kb = copy_kb(&repo_path("knowledge_base"));
    let path = kb.path().to_path_buf();
    (start(settings(&path, true), Some(kb)), path)
}

impl TestApp {
    pub async fn post_raw(
        &self,
        body: impl Into<reqwest::Body>,
        content_type: &str,
    ) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/messages", self.address))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("the request reaches the app")
    }

    pub async fn post_json(&self, body: &Value) -> reqwest::Response {
        self.post_raw(body.to_string(), "application/json").await
    }

    /// Sends a message and returns the 200 reply's JSON.
    pub async fn say(&self, user: &str, text: &str) -> Value {
        self.say_with(json!({"user_id": user, "text": text})).await
    }

    pub async fn say_with(&self, body: Value) -> Value {
        let (status, reply) = self.post_message(&body).await;
        assert_eq!(status, 200, "for {body}: {reply}");
        reply
    }

    /// Sends a message as a web client does: with its user's session, if
    /// one was issued, keeping the one a first reply issues.
    pub async fn post_message(&self, body: &Value) -> (StatusCode, Value) {
        let response = self
            .post_json(&with_session(&self.state, body.clone()))
            .await;
        let status = response.status();
        let reply: Value = response.json().await.unwrap_or(Value::Null);
        if let Some(user) = body["user_id"].as_str() {
            keep_session(&self.state, user, &reply);
        }
        (status, reply)
    }

    /// The session `user`'s web conversation was given.
    pub fn session(&self, user: &str) -> Option<String> {
        session_of(&self.state, user)
    }

    /// `GET /api/v1/conversations/{conversation}/messages?after=`, with the
    /// session of the web conversation, as its citizen reads it.
    pub async fn outbox(&self, conversation: &str, after: u64) -> reqwest::Response {
        let mut request = self.client.get(format!(
            "{}/api/v1/conversations/{conversation}/messages?after={after}",
            self.address
        ));
        let user = conversation.strip_prefix("web:").unwrap_or(conversation);
        if let Some(session) = self.session(user) {
            request = request.bearer_auth(session);
        }
        request.send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap()
    }
}

/// A user id no other test uses, so tests can share one app.
pub fn user(label: &str) -> String {
    format!("{label}-{}", std::process::id())
}

/// The app on the shipped knowledge base with `adjust` applied to its
/// settings, and its conversation store, for checks the API cannot make.
pub fn spawn_app_with(
    adjust: impl FnOnce(&mut Settings),
) -> (
    TestApp,
    std::sync::Arc<dyn khidma::state::ConversationStore>,
) {
    let mut settings = settings(&repo_path("knowledge_base"), false);
    adjust(&mut settings);
    let application = Application::build(settings.clone()).expect("the app builds");
    let store = application.store();
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    let app = TestApp {
        state: state_name(&settings, &address),
        address,
        client: reqwest::Client::new(),
        _kb_dir: None,
    };
    (app, store)
}
