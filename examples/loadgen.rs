//! A load generator for `POST /api/v1/messages` on this machine.
//!
//! `cargo run --release --example loadgen -- --concurrency 64 --seconds 10`
//! measures the most messages per second (closed loop);
//! `--rate 1000 --seconds 10` sends at a fixed rate (open loop) and times
//! each message from when it was due, so a slow server cannot hide its
//! queueing delay. Every message comes from one of `--users` citizens,
//! each sending the `session` of their first reply back, as a web client
//! does. `--text-chars 4000 --users 20000 --messages 20000` sends one long
//! message per citizen (how memory mode's caps were measured).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::{Value, json};
use tokio::sync::Mutex;

/// Messages in both languages, none of them copied from evaluation data.
const TEXTS: &[&str] = &[
    "أبغى أجدد الهوية الوطنية",
    "how do I renew my passport",
    "ابي موعد في المستشفى",
    "register my child at school",
];

const MAX_SECONDS: u64 = 120;

#[derive(Parser)]
struct Args {
    /// The server, on this machine only.
    #[arg(long, default_value = "127.0.0.1:8080")]
    target: SocketAddr,
    /// Messages per second, sent on schedule; without it, as fast as
    /// `--concurrency` clients can.
    #[arg(long)]
    rate: Option<u32>,
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Distinct citizens (conversations) the messages come from.
    #[arg(long, default_value_t = 10_000)]
    users: usize,
    /// Make each message this many characters long (its text repeated).
    #[arg(long)]
    text_chars: Option<usize>,
    /// Stop after this many messages (or `--seconds`, whichever is first).
    #[arg(long)]
    messages: Option<usize>,
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    failures: usize,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if !args.target.ip().is_loopback() {
        return Err("loadgen only targets this machine (127.0.0.1)".into());
    }
    if args.seconds == 0 || args.seconds > MAX_SECONDS {
        return Err(format!("--seconds must be 1 to {MAX_SECONDS}").into());
    }
    let url = Arc::new(format!("http://{}/api/v1/messages", args.target));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency.max(256))
        .build()?;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let serial = Arc::new(AtomicUsize::new(0));
    let duration = Duration::from_secs(args.seconds);
    let limit = args.messages.unwrap_or(usize::MAX);
    let started = Instant::now();
    let texts: Arc<Vec<String>> = Arc::new(
        TEXTS
            .iter()
            .map(|text| match args.text_chars {
                Some(chars) => text.chars().chain([' ']).cycle().take(chars).collect(),
                None => (*text).to_owned(),
            })
            .collect(),
    );
    // Each citizen's session, from their first reply.
    let sessions: Arc<std::sync::Mutex<HashMap<usize, String>>> = Arc::default();

    let send = {
        let (client, url, tally, users) = (client.clone(), url.clone(), tally.clone(), args.users);
        move |n: usize, due: Instant| {
            let (client, url, tally) = (client.clone(), url.clone(), tally.clone());
            let (texts, sessions) = (texts.clone(), sessions.clone());
            async move {
                let citizen = n % users;
                let session = sessions
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .get(&citizen)
                    .cloned();
                let body = json!({
                    "user_id": format!("load-{citizen}"),
                    "text": texts[n % texts.len()],
                    "session": session,
                });
                let reply = match client.post(url.as_str()).json(&body).send().await {
                    Ok(response) if response.status().is_success() => {
                        response.json::<Value>().await.ok()
                    }
                    _ => None,
                };
                if let Some(session) = reply.as_ref().and_then(|reply| reply["session"].as_str()) {
                    sessions
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .insert(citizen, session.to_owned());
                }
                let ok = reply.is_some();
                let mut tally = tally.lock().await;
                if ok {
                    tally.latencies.push(due.elapsed());
                } else {
                    tally.failures += 1;
                }
            }
        }
    };

    match args.rate {
        Some(rate) => {
            let mut ticks = tokio::time::interval(Duration::from_secs(1) / rate);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            let mut in_flight = Vec::new();
            while started.elapsed() < duration {
                let due = ticks.tick().await.into_std();
                let n = serial.fetch_add(1, Ordering::Relaxed);
                if n >= limit {
                    break;
                }
                in_flight.push(tokio::spawn(send(n, due)));
            }
            for request in in_flight {
                request.await?;
            }
        }
        None => {
            let clients: Vec<_> = (0..args.concurrency)
                .map(|_| {
                    let (send, serial) = (send.clone(), serial.clone());
                    tokio::spawn(async move {
                        while started.elapsed() < duration {
                            let n = serial.fetch_add(1, Ordering::Relaxed);
                            if n >= limit {
                                break;
                            }
                            send(n, Instant::now()).await;
                        }
                    })
                })
                .collect();
            for client in clients {
                client.await?;
            }
        }
    }

    let elapsed = started.elapsed().as_secs_f64();
    let mut tally = tally.lock().await;
    tally.latencies.sort();
    let percentile = |p: f64| {
        let index = ((tally.latencies.len() as f64 - 1.0) * p).round() as usize;
        tally
            .latencies
            .get(index)
            .map_or(0.0, |latency| latency.as_secs_f64() * 1000.0)
    };
    #[allow(clippy::print_stdout, reason = "the report is the program's output")]
    {
        println!(
            "{} ok, {} failed in {elapsed:.1} s: {:.0} messages/s; latency ms p50 {:.2} p90 {:.2} p99 {:.2} max {:.2}",
            tally.latencies.len(),
            tally.failures,
            tally.latencies.len() as f64 / elapsed,
            percentile(0.50),
            percentile(0.90),
            percentile(0.99),
            percentile(1.0),
        );
    }
    Ok(())
}
