//! Load generator for point 6 of the channels issue: signed WhatsApp
//! webhooks at a fixed rate, measuring how long the acknowledgement takes.
//!
//! ```text
//! cargo run --release --example webhook_load -- [--rate 500] [--seconds 10] [--url URL]
//! ```
//!
//! Without `--url` it starts khidma in this process on a loopback port,
//! with the state store the environment chooses (memory unless `REDIS_URL`
//! is set and supported) and a local stand-in of the WhatsApp send API, so
//! the worker answers every message as in production. With `--url` it loads
//! a running server (`WHATSAPP_APP_SECRET` must match its secret). Requests
//! go out on a fixed schedule (open loop), so a slow server cannot slow the
//! offered load down and hide its own latency.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use tokio::sync::Semaphore;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use khidma::configuration::Settings;
use khidma::startup::Application;

/// Requests in flight at most; past this the generator reports overload.
const MAX_IN_FLIGHT: usize = 2000;
/// Citizens the messages come from, round robin.
const USERS: u64 = 1000;
const APP_SECRET: &str = "load-test-app-secret";

struct Options {
    rate: u64,
    seconds: u64,
    url: Option<String>,
}

fn options() -> Options {
    let mut options = Options {
        rate: 500,
        seconds: 10,
        url: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--rate" => options.rate = value.parse().expect("--rate takes a number"),
            "--seconds" => options.seconds = value.parse().expect("--seconds takes a number"),
            "--url" => options.url = Some(value),
            other => panic!("unknown option {other}"),
        }
    }
    assert!(
        options.rate > 0 && options.rate <= 5000,
        "--rate is 1 to 5000"
    );
    assert!(
        options.seconds > 0 && options.seconds <= 120,
        "--seconds is 1 to 120"
    );
    options
}

async fn start_app() -> (String, MockServer) {
    let platform = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"messaging_product": "whatsapp", "messages": [{"id": "wamid.OUT"}]}),
        ))
        .mount(&platform)
        .await;
    let mut env: HashMap<String, String> = std::env::vars()
        .filter(|(name, _)| name == "REDIS_URL" || name.starts_with("KHIDMA_"))
        .collect();
    for (name, value) in [
        ("KHIDMA_BIND", "127.0.0.1:0".to_owned()),
        ("KHIDMA_KB__WATCH", "false".to_owned()),
        ("WHATSAPP_APP_SECRET", APP_SECRET.to_owned()),
        ("WHATSAPP_VERIFY_TOKEN", "load".to_owned()),
        ("WHATSAPP_ACCESS_TOKEN", "load".to_owned()),
        ("WHATSAPP_PHONE_NUMBER_ID", "200000000000002".to_owned()),
        ("WHATSAPP_API_BASE", platform.uri()),
    ] {
        env.insert(name.to_owned(), value);
    }
    let settings = Settings::load(None, &env).expect("load-test settings are valid");
    let application = Application::build(settings).expect("the app builds");
    let url = format!("http://127.0.0.1:{}/webhooks/whatsapp", application.port());
    tokio::spawn(application.run_until_stopped());
    (url, platform)
}

fn signed_body(sequence: u64, run: u128) -> (Vec<u8>, String) {
    let user = 966_500_000_000 + sequence % USERS;
    let body = format!(
        concat!(
            r#"{{"object":"whatsapp_business_account","entry":[{{"id":"100000000000001","changes":[{{"field":"messages","value":"#,
            r#"{{"messaging_product":"whatsapp","metadata":{{"display_phone_number":"966110000000","phone_number_id":"200000000000002"}},"#,
            r#""contacts":[{{"profile":{{"name":"Load"}},"wa_id":"{user}"}}],"messages":[{{"from":"{user}","id":"wamid.LOAD{run}x{sequence}","#,
            r#""timestamp":"1767225600","type":"text","text":{{"body":"\u0645\u0627 \u0647\u064a \u0633\u0627\u0639\u0627\u062a \u0627\u0644\u0639\u0645\u0644\u061f"}}}}]}}}}]}}]}}"#
        ),
        user = user,
        run = run,
        sequence = sequence
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).expect("any key length");
    mac.update(body.as_bytes());
    let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    (body.into_bytes(), signature)
}

fn percentile(sorted: &[Duration], share: f64) -> Duration {
    let index = ((sorted.len() as f64 * share).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

#[allow(clippy::print_stdout, reason = "the figures are the output")]
#[tokio::main]
async fn main() {
    let options = options();
    let (url, platform) = match options.url.clone() {
        Some(url) => (url, None),
        None => {
            let (url, platform) = start_app().await;
            (url, Some(platform))
        }
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(MAX_IN_FLIGHT)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a client");
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis();
    let total = options.rate * options.seconds;
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let interval = Duration::from_secs_f64(1.0 / options.rate as f64);
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    for sequence in 0..total {
        ticker.tick().await;
        let Ok(permit) = in_flight.clone().try_acquire_owned() else {
            println!("overloaded: {MAX_IN_FLIGHT} requests in flight at request {sequence}");
            break;
        };
        let (body, signature) = signed_body(sequence, run);
        let client = client.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let response = client
                .post(&url)
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", signature)
                .body(body)
                .send()
                .await;
            let latency = sent.elapsed();
            drop(permit);
            (
                response.map(|response| response.status().as_u16()).ok(),
                latency,
            )
        }));
    }
    let mut latencies = Vec::with_capacity(tasks.len());
    let mut failures = 0;
    for task in tasks {
        let (status, latency) = task.await.expect("the request task ends");
        if status != Some(200) {
            failures += 1;
        }
        latencies.push(latency);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    println!(
        "{} webhooks in {:.1} s ({:.0}/s offered {}/s), {} not 200",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        options.rate,
        failures
    );
    if !latencies.is_empty() {
        println!(
            "ack latency: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.90).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
            latencies[latencies.len() - 1].as_secs_f64() * 1000.0,
        );
    }
    // How far the worker is behind: replies reach the stand-in after the
    // acknowledgements.
    if let Some(platform) = platform {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut replies = 0;
        while Instant::now() < deadline {
            replies = platform.received_requests().await.map_or(0, |r| r.len());
            if replies >= latencies.len() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        println!(
            "replies sent by the worker: {replies} of {}, the last {:.1} s after the first request",
            latencies.len(),
            started.elapsed().as_secs_f64()
        );
    }
}
