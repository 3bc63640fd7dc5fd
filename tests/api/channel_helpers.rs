//! The app with all three messaging channels on, each pointed at a local
//! stand-in of its platform's send API (a wiremock server), and signed
//! fixtures.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use khidma::configuration::ChannelEnv;
use khidma::conversation::{Conversation, ConversationId};
use khidma::state::ConversationStore;

use crate::helpers::{TestApp, repo_path, spawn_app_with};

pub const WA_APP_SECRET: &str = "wa-app-secret";
pub const WA_VERIFY_TOKEN: &str = "wa-verify-token";
pub const WA_ACCESS_TOKEN: &str = "wa-access-token";
pub const WA_PHONE_NUMBER_ID: &str = "200000000000002";
pub const WA_SEND_PATH: &str = "/v23.0/200000000000002/messages";

pub const TG_BOT_TOKEN: &str = "123456:TEST-bot-token";
pub const TG_SECRET_TOKEN: &str = "tg-secret_token-1";
pub const TG_SEND_PATH: &str = "/bot123456:TEST-bot-token/sendMessage";
pub const TG_ANSWER_CALLBACK_PATH: &str = "/bot123456:TEST-bot-token/answerCallbackQuery";

pub const MS_APP_SECRET: &str = "ms-app-secret";
pub const MS_VERIFY_TOKEN: &str = "ms-verify-token";
pub const MS_PAGE_TOKEN: &str = "ms-page-token";
pub const MS_SEND_PATH: &str = "/v23.0/me/messages";

pub struct ChannelApp {
    pub app: TestApp,
    pub store: Arc<dyn ConversationStore>,
    /// The stand-in for all three platforms' APIs.
    pub platform: MockServer,
    _kb_dir: Option<tempfile::TempDir>,
}

/// The app with every channel on, retrying after a few milliseconds.
pub async fn spawn_channel_app() -> ChannelApp {
    spawn_channel_app_on(None).await
}

/// As [`spawn_channel_app`], on a knowledge base of the test's own.
pub async fn spawn_channel_app_on(kb_dir: Option<tempfile::TempDir>) -> ChannelApp {
    spawn_channel_app_with(kb_dir, |_| {}).await
}

/// As [`spawn_channel_app_on`], with `adjust` applied to the settings last.
pub async fn spawn_channel_app_with(
    kb_dir: Option<tempfile::TempDir>,
    adjust: impl FnOnce(&mut khidma::configuration::Settings),
) -> ChannelApp {
    let platform = MockServer::start().await;
    let env = platform_env(&platform.uri());
    let kb_path = kb_dir.as_ref().map(|dir| dir.path().to_path_buf());
    let (app, store) = spawn_app_with(|settings| {
        settings.channels = ChannelEnv::from_env(&env);
        settings.outbound.backoff_base_ms = 5;
        settings.outbound.max_backoff_ms = 2000;
        settings.outbound.timeout_ms = 2000;
        if let Some(path) = kb_path {
            settings.kb.dir = path;
        }
        adjust(settings);
    });
    ChannelApp {
        app,
        store,
        platform,
        _kb_dir: kb_dir,
    }
}

/// The JSON bodies the stand-in has received on `on_path` so far.
pub async fn sent_to(platform: &MockServer, on_path: &str) -> Vec<Value> {
    platform
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|request| request.url.path() == on_path)
        .map(|request| serde_json::from_slice(&request.body).unwrap())
        .collect()
}

/// The environment that turns all three channels on, each pointed at the
/// stand-in at `platform` (its URI).
pub fn platform_env(platform: &str) -> HashMap<String, String> {
    let graph = format!("{platform}/v23.0");
    [
        ("WHATSAPP_APP_SECRET", WA_APP_SECRET),
        ("WHATSAPP_VERIFY_TOKEN", WA_VERIFY_TOKEN),
        ("WHATSAPP_ACCESS_TOKEN", WA_ACCESS_TOKEN),
        ("WHATSAPP_PHONE_NUMBER_ID", WA_PHONE_NUMBER_ID),
        ("WHATSAPP_API_BASE", &graph),
        ("TELEGRAM_BOT_TOKEN", TG_BOT_TOKEN),
        ("TELEGRAM_SECRET_TOKEN", TG_SECRET_TOKEN),
        ("TELEGRAM_API_BASE", platform),
        ("MESSENGER_APP_SECRET", MS_APP_SECRET),
        ("MESSENGER_VERIFY_TOKEN", MS_VERIFY_TOKEN),
        ("MESSENGER_PAGE_TOKEN", MS_PAGE_TOKEN),
        ("MESSENGER_API_BASE", &graph),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect()
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo_path(&format!("tests/fixtures/webhooks/{name}"))).unwrap()
}

/// `sha256=<hex>` of the exact bytes, as Meta signs them.
pub fn sign(body: &[u8], secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

impl ChannelApp {
    pub async fn post_webhook(
        &self,
        channel: &str,
        body: Vec<u8>,
        credential: Option<(&str, String)>,
    ) -> reqwest::Response {
        let mut request = self
            .app
            .client
            .post(format!("{}/webhooks/{channel}", self.app.address))
            .header("Content-Type", "application/json")
            .body(body);
        if let Some((name, value)) = credential {
            request = request.header(name, value);
        }
        request.send().await.unwrap()
    }

    /// Posts a body signed with the WhatsApp app secret.
    pub async fn whatsapp(&self, body: Vec<u8>) -> reqwest::Response {
        let signature = sign(&body, WA_APP_SECRET);
        self.post_webhook("whatsapp", body, Some(("X-Hub-Signature-256", signature)))
            .await
    }

    pub async fn messenger(&self, body: Vec<u8>) -> reqwest::Response {
        let signature = sign(&body, MS_APP_SECRET);
        self.post_webhook("messenger", body, Some(("X-Hub-Signature-256", signature)))
            .await
    }

    pub async fn telegram(&self, body: Vec<u8>) -> reqwest::Response {
        self.post_webhook(
            "telegram",
            body,
            Some((
                "X-Telegram-Bot-Api-Secret-Token",
                TG_SECRET_TOKEN.to_owned(),
            )),
        )
        .await
    }

    /// Answers every send as the platform would accept it: the right path
    /// and token, or the stand-in answers 404 and the test sees no request.
    pub async fn accept_sends(&self) {
        Mock::given(method("POST"))
            .and(path(WA_SEND_PATH))
            .and(header("authorization", format!("Bearer {WA_ACCESS_TOKEN}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "messaging_product": "whatsapp",
                "messages": [{"id": "wamid.OUT"}]
            })))
            .mount(&self.platform)
            .await;
        for telegram_path in [TG_SEND_PATH, TG_ANSWER_CALLBACK_PATH] {
            Mock::given(method("POST"))
                .and(path(telegram_path))
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(serde_json::json!({"ok": true, "result": true})),
                )
                .mount(&self.platform)
                .await;
        }
        Mock::given(method("POST"))
            .and(path(MS_SEND_PATH))
            .and(header("authorization", format!("Bearer {MS_PAGE_TOKEN}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "recipient_id": "6100000000000001", "message_id": "m_OUT"
            })))
            .mount(&self.platform)
            .await;
    }

    /// The JSON bodies the stand-in received on `on_path`, once there are at
    /// least `count` of them.
    pub async fn sent(&self, on_path: &str, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let bodies = self.sent_now(on_path).await;
            if bodies.len() >= count || Instant::now() > deadline {
                assert!(
                    bodies.len() >= count,
                    "expected {count} sends to {on_path}, got {bodies:?}"
                );
                return bodies;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn sent_now(&self, on_path: &str) -> Vec<Value> {
        sent_to(&self.platform, on_path).await
    }

    /// The conversation once the worker has handled every queued message.
    pub async fn settled(&self, channel: &str, user: &str) -> Conversation {
        let id = ConversationId::new(channel, user).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let lease = self.store.acquire(&id).await.unwrap();
            let settled = lease.existed && lease.next_queued.is_none();
            let conversation = lease.conversation.clone();
            drop(lease);
            if settled || Instant::now() > deadline {
                assert!(settled, "{id} was not handled in time");
                return conversation;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn metric(&self, line_start: &str) -> u64 {
        let text = self.app.get("/metrics").await.text().await.unwrap();
        text.lines()
            .find_map(|line| line.strip_prefix(line_start))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0)
    }
}
