//! Per-client limits: wrong agent tokens and web-chat floods are refused
//! with `429` and `Retry-After`, in the one error shape. The tests' requests
//! come from this machine, which is not limited (a proxy in front of the
//! service, or a local tool), so they arrive through a "proxy" that names
//! a client address.

use khidma::configuration::{Settings, WebchatKeys};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::{TestApp, spawn_app_with, user};

/// The app with `adjust` applied, trusting `X-Forwarded-For`, and a client
/// that every request of which says it comes from 203.0.113.9.
fn spawn_behind_proxy(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let (mut app, _) = spawn_app_with(|settings| {
        adjust(settings);
        settings.limits.trust_forwarded_for = true;
    });
    let mut headers = HeaderMap::new();
    headers.insert("X-Forwarded-For", HeaderValue::from_static("203.0.113.9"));
    app.client = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    app
}

#[tokio::test]
async fn after_ten_wrong_agent_tokens_a_client_is_refused_even_with_a_right_one() {
    let app = spawn_behind_proxy(with_agents);
    let guesser = AgentClient {
        app: &app,
        token: "guess",
    };
    let mut statuses = Vec::new();
    for _ in 0..30 {
        statuses.push(guesser.get("me").await.status().as_u16());
    }
    let refused_at = statuses.iter().position(|status| *status == 429);
    assert_eq!(refused_at, Some(10), "{statuses:?}");
    assert!(
        statuses[10..].iter().all(|status| *status == 429),
        "{statuses:?}"
    );

    // A client over its limit must not learn that a guess was right.
    let right = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    let response = right.get("me").await;
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");
}

#[tokio::test]
async fn right_agent_tokens_are_not_limited() {
    let app = spawn_behind_proxy(with_agents);
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    for _ in 0..30 {
        assert_eq!(sara.get("me").await.status(), 200);
    }
}

#[tokio::test]
async fn a_web_chat_client_over_its_burst_gets_a_429_in_the_error_shape() {
    let app = spawn_behind_proxy(|settings| {
        settings.limits.web_chat_burst = 3;
        settings.limits.web_chat_per_minute = 1;
    });
    let citizen = user("flood");
    for _ in 0..3 {
        app.say(&citizen, "مرحبا").await;
    }
    let response = app
        .post_json(&json!({"user_id": citizen, "text": "مرحبا"}))
        .await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");
    let outbox = app
        .get(&format!("/api/v1/conversations/web:{citizen}/messages"))
        .await;
    assert_eq!(outbox.status(), 429, "the outbox counts as web chat");
}

#[tokio::test]
async fn a_limit_of_zero_is_no_limit() {
    let app = spawn_behind_proxy(|settings| {
        with_agents(settings);
        settings.limits.agent_auth_failures_burst = 0;
    });
    let guesser = AgentClient {
        app: &app,
        token: "guess",
    };
    for _ in 0..20 {
        assert_eq!(guesser.get("me").await.status(), 401);
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let (app, _) = spawn_app_with(|settings| {
        settings.limits.web_chat_burst = 2;
        settings.limits.web_chat_per_minute = 1;
        settings.limits.trust_forwarded_for = true;
    });
    // Each request opens its own conversation: no session to carry.
    let sent = std::sync::atomic::AtomicUsize::new(0);
    let post = |client: &'static str| {
        let n = sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        app.client
            .post(format!("{}/api/v1/messages", app.address))
            .header("X-Forwarded-For", client)
            .json(&json!({"user_id": user(&format!("proxied-{n}")), "text": "مرحبا"}))
            .send()
    };
    for _ in 0..2 {
        assert_eq!(post("203.0.113.1").await.unwrap().status(), 200);
    }
    assert_eq!(post("203.0.113.1").await.unwrap().status(), 429);
    assert_eq!(
        post("203.0.113.2").await.unwrap().status(),
        200,
        "another client is not held up"
    );
}

#[tokio::test]
async fn this_machine_and_portals_are_not_limited() {
    let (app, _) = spawn_app_with(|settings| {
        with_agents(settings);
        settings.limits.web_chat_burst = 1;
        settings.limits.web_chat_per_minute = 1;
        settings.limits.agent_auth_failures_burst = 1;
        settings.limits.agent_auth_failures_per_minute = 1;
        settings.access.webchat_keys = WebchatKeys::parse("portal:portal-key").unwrap();
    });
    // From this machine (a proxy in front, a scorer): never limited.
    let citizen = user("local");
    for _ in 0..5 {
        app.say(&citizen, "مرحبا").await;
    }
    let guesser = AgentClient {
        app: &app,
        token: "guess",
    };
    for _ in 0..5 {
        assert_eq!(guesser.get("me").await.status(), 401);
    }

    // A portal's backend speaks for many citizens from one address.
    let app = spawn_behind_proxy(|settings| {
        settings.limits.web_chat_burst = 1;
        settings.limits.web_chat_per_minute = 1;
        settings.access.webchat_keys = WebchatKeys::parse("portal:portal-key").unwrap();
    });
    for n in 0..5 {
        let response = app
            .client
            .post(format!("{}/api/v1/messages", app.address))
            .bearer_auth("portal-key")
            .json(&json!({"user_id": user(&format!("portal-{n}")), "text": "مرحبا"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
}
