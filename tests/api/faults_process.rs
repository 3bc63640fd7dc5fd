//! Faults that kill a process: `khidma serve` killed (`kill -9`) after it
//! acknowledged the webhooks and while the platform held its replies, and
//! a Redis with an append-only file killed and restarted under the worker.

use std::collections::HashMap;
use std::process::Child;
use std::time::Duration;

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use khidma::conversation::{ConversationId, Speaker};
use khidma::state::{ConversationStore, RedisStore};

use crate::channel_helpers::{
    TG_SECRET_TOKEN, TG_SEND_PATH, platform_env, sent_to, spawn_channel_app_with,
};
use crate::faults::{sends_per_chat, telegram_ok, telegram_text};
use crate::redis_helpers::{Namespace, PrivateRedis, eventually};

const CITIZENS: u64 = 20;

/// `khidma serve` on the namespace, its channels pointed at `platform`;
/// returns once it is ready.
async fn serve(namespace: &Namespace, platform: &MockServer) -> (Child, String) {
    let mut env: Vec<(String, String)> = platform_env(&platform.uri()).into_iter().collect();
    // Long enough that the platform's answer, not our timeout, ends a send;
    // a short lease, so that the next process takes over soon.
    env.push(("KHIDMA_OUTBOUND__TIMEOUT_MS".to_owned(), "60000".to_owned()));
    env.push(("KHIDMA_STATE__LEASE_MS".to_owned(), "1000".to_owned()));
    namespace.serve_process(&env).await
}

async fn post_telegram(address: &str, body: Vec<u8>) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(format!("{address}/webhooks/telegram"))
        .header("Content-Type", "application/json")
        .header("X-Telegram-Bot-Api-Secret-Token", TG_SECRET_TOKEN)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

fn chat(n: u64) -> u64 {
    840_000 + n
}

/// Whether every citizen's message was handled and saved: the inbox is
/// empty and the conversation holds the citizen's message once. Store
/// errors (Redis restarting) count as not yet.
async fn all_handled(store: &RedisStore) -> bool {
    for n in 1..=CITIZENS {
        let id = ConversationId::new("telegram", &chat(n).to_string()).unwrap();
        let Ok(lease) = store.acquire(&id).await else {
            return false;
        };
        if !lease.existed || lease.next_queued.is_some() {
            return false;
        }
    }
    true
}

async fn citizen_turns(store: &RedisStore, n: u64) -> usize {
    let id = ConversationId::new("telegram", &chat(n).to_string()).unwrap();
    let conversation = store.get(&id).await.unwrap().expect("saved");
    conversation
        .turns
        .iter()
        .filter(|turn| turn.speaker == Speaker::Citizen)
        .count()
}

#[tokio::test]
async fn a_process_killed_before_the_platform_answered_sends_each_reply_at_most_twice() {
    let namespace = Namespace::new();
    let platform = MockServer::start().await;
    // The platform takes every reply and holds its answer.
    Mock::given(method("POST"))
        .and(path(TG_SEND_PATH))
        .respond_with(telegram_ok().set_delay(Duration::from_secs(30)))
        .mount(&platform)
        .await;
    let (mut first, address) = serve(&namespace, &platform).await;
    for n in 1..=CITIZENS {
        let body = telegram_text(n, chat(n), "كيف أجدد جواز السفر؟");
        assert_eq!(post_telegram(&address, body).await, 200);
    }
    let in_flight = eventually(Duration::from_secs(30), || async {
        platform.received_requests().await.unwrap().len() >= CITIZENS as usize
    })
    .await;
    assert!(in_flight, "every reply reached the platform");
    first.kill().unwrap();
    first.wait().unwrap();
    let mut counts = sends_per_chat(&sent_to(&platform, TG_SEND_PATH).await);

    platform.reset().await;
    Mock::given(method("POST"))
        .and(path(TG_SEND_PATH))
        .respond_with(telegram_ok())
        .mount(&platform)
        .await;
    let (mut second, _) = serve(&namespace, &platform).await;
    let store = namespace.store();
    let handled = eventually(Duration::from_secs(60), || all_handled(&store)).await;
    second.kill().unwrap();
    second.wait().unwrap();
    assert!(handled, "the next process answered every message");

    for (chat, sends) in sends_per_chat(&sent_to(&platform, TG_SEND_PATH).await) {
        *counts.entry(chat).or_default() += sends;
    }
    assert_eq!(counts.len(), CITIZENS as usize, "every citizen answered");
    assert!(counts.values().all(|&sends| sends <= 2), "{counts:?}");
    for n in 1..=CITIZENS {
        assert_eq!(citizen_turns(&store, n).await, 1);
    }
}

#[tokio::test]
async fn redis_killed_and_restarted_loses_no_acknowledged_message() {
    let mut redis = PrivateRedis::start_persistent().await;
    let namespace = Namespace::on(&redis.url());
    let channel = spawn_channel_app_with(None, |settings| {
        settings.state.redis_url =
            Some(khidma::configuration::RedisUrl::parse(namespace.url.clone()).unwrap());
        settings.state.key_prefix = namespace.prefix.clone();
        settings.state.lease_ms = 1000.try_into().unwrap();
        settings.state.redis_timeout_ms = 1000.try_into().unwrap();
    })
    .await;
    // Slow enough that the worker is still at it when Redis dies.
    Mock::given(method("POST"))
        .and(path(TG_SEND_PATH))
        .respond_with(telegram_ok().set_delay(Duration::from_millis(300)))
        .mount(&channel.platform)
        .await;

    for n in 1..=CITIZENS {
        let body = telegram_text(n, chat(n), "كيف أجدد جواز السفر؟");
        assert_eq!(channel.telegram(body).await.status(), 200);
    }
    redis.stop();
    redis.restart().await;

    let store = namespace.store();
    let handled = eventually(Duration::from_secs(60), || all_handled(&store)).await;
    assert!(
        handled,
        "every acknowledged message was answered after the restart"
    );
    let counts: HashMap<String, usize> = sends_per_chat(&channel.sent_now(TG_SEND_PATH).await);
    assert_eq!(counts.len(), CITIZENS as usize, "every citizen answered");
    assert!(counts.values().all(|&sends| sends <= 2), "{counts:?}");
    for n in 1..=CITIZENS {
        assert_eq!(citizen_turns(&store, n).await, 1);
    }
}
