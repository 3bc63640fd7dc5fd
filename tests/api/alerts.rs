//! Alerts for supervisors: an urgent case nobody claims raises one alert
//! on the supervisors' live stream and one signed POST at the webhook
//! (retried after a 500), once even with two instances on one event store;
//! agents may not listen.

use std::time::{Duration, Instant};

use hmac::{KeyInit, Mac};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use khidma::configuration::{AlertWebhook, Secret, Settings, SupervisorTokens};
use khidma::conversation::now_ms;

use crate::handoff_helpers::with_agents;
use crate::helpers::{TestApp, spawn_app_with, start, user};
use crate::redis_helpers::Namespace;

const SECRET: &str = "alert-secret-for-tests";
const URGENT: &str = "the electricity has been cut in my house since morning";

/// Supervisors and agents, the rules every 100 ms, an urgent case
/// unclaimed after 1 s, alerts posted to `hook` (retried after 50 ms).
fn with_fast_alerts(settings: &mut Settings, hook: &MockServer) {
    with_agents(settings);
    settings.access.supervisor_tokens = SupervisorTokens::parse("lina:tok-lina").unwrap();
    let alerts = &mut settings.cx.alerts;
    alerts.every_ms = 100;
    alerts.unclaimed_urgent_secs = 1;
    alerts.webhook_backoff_ms = 50;
    alerts.webhook = Some(AlertWebhook {
        url: format!("{}/hook", hook.uri()),
        secret: Secret::new(SECRET),
    });
}

/// The supervisors' stream, opened with `token`.
async fn open_stream(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .get(format!("{}/api/v1/supervisor/events", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// The supervisors' live stream of alerts (also read by `service_levels`).
pub struct Alerts {
    response: reqwest::Response,
    buffer: String,
}

impl Alerts {
    /// Returns once the subscription is live (its first comment arrived).
    pub async fn open(app: &TestApp) -> Self {
        let mut response = open_stream(app, Some("tok-lina")).await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/event-stream",
            "{:?}",
            response.headers()
        );
        let first = response.chunk().await.unwrap().unwrap();
        assert!(first.starts_with(b":"), "{first:?}");
        Self {
            response,
            buffer: String::new(),
        }
    }

    /// The next alert (its `event:` name checked) within `wait`, if any.
    pub async fn next(&mut self, wait: Duration) -> Option<Value> {
        let deadline = Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(data) = block.lines().find_map(|line| line.strip_prefix("data: ")) {
                    assert!(block.starts_with("event: alert\n"), "{block}");
                    return Some(serde_json::from_str(data).unwrap());
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let chunk = tokio::time::timeout(left, self.response.chunk())
                .await
                .ok()?
                .unwrap()
                .expect("the stream stays open");
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }
}

/// The POSTs the webhook received, once there are `count` (within 10 s).
async fn posts(hook: &MockServer, count: usize) -> Vec<wiremock::Request> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let received = hook.received_requests().await.unwrap();
        if received.len() >= count || Instant::now() > deadline {
            return received;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Checks a POST's signature as a receiver would (docs/alerts.md), with
/// the HMAC crate rather than khidma's code; returns its body.
fn verified(request: &wiremock::Request) -> Value {
    let header = |name: &str| request.headers[name].to_str().unwrap().to_owned();
    let timestamp = header("x-khidma-timestamp");
    let age = now_ms() / 1000 - timestamp.parse::<i64>().unwrap();
    assert!((0..=300).contains(&age), "a fresh timestamp: {age} s");
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&request.body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(header("x-khidma-signature"), expected);
    assert_eq!(header("content-type"), "application/json");
    serde_json::from_slice(&request.body).unwrap()
}

#[tokio::test]
async fn an_unclaimed_urgent_case_raises_one_signed_alert_on_the_stream_and_the_webhook() {
    let hook = MockServer::start().await;
    // The first POST fails: the alert must come again.
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&hook)
        .await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&hook)
        .await;
    let (app, _) = spawn_app_with(|settings| with_fast_alerts(settings, &hook));
    let mut stream = Alerts::open(&app).await;

    let escalated_from = now_ms();
    let reply = app.say(&user("alert-unclaimed"), URGENT).await;
    assert_eq!(reply["action"], "escalate", "{reply}");
    let escalated_by = now_ms();

    let alert = stream
        .next(Duration::from_secs(10))
        .await
        .expect("an alert");
    let on_stream = now_ms();
    assert_eq!(alert["type"], "alert");
    assert_eq!(alert["rule"], "unclaimed_urgent");
    let key = alert["key"].as_str().unwrap();
    assert!(key.starts_with("case:utilities:"), "{key}");
    // The key names the case by its pseudonym, never the citizen's id.
    assert!(!key.contains("alert-unclaimed"), "{key}");
    assert_eq!(alert["baseline"], 1.0);
    assert!(alert["value"].as_f64().unwrap() >= 1.0, "{alert}");
    assert_eq!(alert["id"].as_str().unwrap().len(), 32);
    let title_en = alert["title"]["en"].as_str().unwrap();
    let title_ar = alert["title"]["ar"].as_str().unwrap();
    assert!(
        title_en.contains("utilities") && title_en.contains("urgent"),
        "{title_en}"
    );
    assert!(title_ar.contains("عاجلة"), "{title_ar}");

    let received = posts(&hook, 2).await;
    let at_webhook = now_ms();
    assert_eq!(received.len(), 2, "one failed POST and its retry");
    let (first, retry) = (verified(&received[0]), verified(&received[1]));
    assert_eq!(first, retry);
    let mut posted = retry;
    posted["type"] = "alert".into();
    assert_eq!(posted, alert);

    // The breach: the case passed its 1 s without a claim.
    let breach = (escalated_from + 1000, escalated_by + 1000);
    eprintln!(
        "breach to stream: {}..{} ms; breach to webhook (after one 500): {}..{} ms",
        on_stream - breach.1,
        on_stream - breach.0,
        at_webhook - breach.1,
        at_webhook - breach.0
    );

    // Evaluated ten times more, still unclaimed: no second alert.
    assert_eq!(stream.next(Duration::from_secs(1)).await, None);
    assert_eq!(hook.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn two_instances_on_one_event_store_raise_an_alert_once() {
    let hook = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&hook)
        .await;
    let namespace = Namespace::new();
    let shared_events = crate::helpers::fresh_cx_file().display().to_string();
    let instance = || {
        let mut settings = namespace.settings();
        with_fast_alerts(&mut settings, &hook);
        settings.cx.sqlite_path = shared_events.clone().into();
        start(settings, None)
    };
    let (first, second) = (instance(), instance());
    let mut streams = [Alerts::open(&first).await, Alerts::open(&second).await];

    let reply = first.say(&user("alert-twice"), URGENT).await;
    assert_eq!(reply["action"], "escalate", "{reply}");

    for stream in &mut streams {
        let alert = stream
            .next(Duration::from_secs(10))
            .await
            .expect("an alert");
        assert_eq!(alert["rule"], "unclaimed_urgent");
    }
    // Both instances keep evaluating the same case for another second.
    for stream in &mut streams {
        assert_eq!(stream.next(Duration::from_millis(1000)).await, None);
    }
    assert_eq!(posts(&hook, 2).await.len(), 1);
}

#[tokio::test]
async fn only_supervisors_hear_alerts() {
    let hook = MockServer::start().await;
    let (app, _) = spawn_app_with(|settings| with_fast_alerts(settings, &hook));
    let nobody = open_stream(&app, None).await;
    assert_eq!(nobody.status(), 401);
    let body: Value = nobody.json().await.unwrap();
    assert!(body["error"]["code"].is_string(), "{body}");
    let agent = open_stream(&app, Some("tok-sara")).await;
    assert_eq!(agent.status(), 403);
    let body: Value = agent.json().await.unwrap();
    assert_eq!(body["error"]["code"], "forbidden");
    let wrong = open_stream(&app, Some("tok-nobody")).await;
    assert_eq!(wrong.status(), 401);
}
