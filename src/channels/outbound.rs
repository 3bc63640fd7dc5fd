//! The one HTTP client that talks to every platform's send API, with
//! timeouts, connection reuse, and retries with exponential backoff and
//! jitter, each platform with its own [`SendPolicy`]. Each platform says how
//! to read its answers ([`Verdict`]).
//!
//! **Only what surely sent nothing is tried again.** None of the three
//! platforms takes an idempotency key, so a second try of a message the
//! platform took is a second copy on the citizen's phone. A refused or
//! timed-out connection sent nothing; a rate limit (HTTP 429, Graph codes
//! 4, 613, 80007, 130429, 131056, Telegram's `retry_after`) or a server
//! error (5xx but 504, Graph codes 1, 2, 131000) is the platform saying it did not
//! take the message. Those are retried. A call that runs out of time (or
//! loses its connection, or meets a gateway's 504) after the request went
//! out may well have been delivered (a slow platform still delivers): it
//! is never retried, and ends as [`SendError::Unconfirmed`].
//!
//! The backoff is hand-rolled (a dozen lines) rather than a crate's because
//! the delay is not only a function of the attempt: a platform may name it
//! (Telegram's `retry_after`), and a delay longer than the worker may hold a
//! conversation's lease turns the retry into a failure.

use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use super::SendError;
use crate::configuration::{OutboundSettings, Secret, SendPolicy};
use crate::metrics::{Counter, Metrics};

/// How a platform answered one call.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Done,
    /// Worth trying again, after `after` when the platform names a delay.
    Retry {
        after: Option<Duration>,
        reason: String,
    },
    OutsideWindow(String),
    Rejected(String),
    /// The request went out but its fate is unknown (no answer in time, a
    /// gateway that timed out waiting for the platform): the platform may
    /// have delivered it, so it is never retried.
    Unconfirmed(String),
}

/// Reads a platform's answer: its HTTP status and JSON body (`Null` when
/// the body is not JSON).
pub type Classify = fn(StatusCode, &Value) -> Verdict;

pub struct Outbound {
    client: reqwest::Client,
    settings: OutboundSettings,
    metrics: Arc<Metrics>,
}

impl Outbound {
    pub fn new(settings: &OutboundSettings, metrics: Arc<Metrics>) -> anyhow::Result<Self> {
        // Each call's own deadline is its platform's (`RequestBuilder::
        // timeout`); the client's bounds only the connection.
        let client = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout())
            .pool_idle_timeout(Duration::from_secs(90))
            .user_agent(concat!("khidma/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            settings: settings.clone(),
            metrics,
        })
    }

    /// Posts `body` as JSON to `url` until the platform accepts it, a
    /// permanent error, an unconfirmed call, or the attempts run out, under
    /// the `channel`'s policy. `bearer` goes in the `Authorization` header.
    /// `url` may hold a token (Telegram's), so it never appears in errors or
    /// logs.
    pub async fn post(
        &self,
        channel: &'static str,
        url: &str,
        bearer: Option<&Secret>,
        body: &Value,
        classify: Classify,
    ) -> Result<Value, SendError> {
        let policy = self.settings.policy(channel);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self.client.post(url).timeout(policy.timeout).json(body);
            if let Some(token) = bearer {
                request = request.bearer_auth(token.expose());
            }
            let (verdict, answer) = call(request, classify).await;
            match verdict {
                Verdict::Done => {
                    self.metrics.increment(Counter::Sends, channel);
                    return Ok(answer);
                }
                Verdict::OutsideWindow(reason) => return Err(SendError::OutsideWindow(reason)),
                Verdict::Rejected(reason) => return Err(SendError::Rejected(reason)),
                Verdict::Unconfirmed(reason) => return Err(SendError::Unconfirmed(reason)),
                Verdict::Retry { after, reason } => {
                    if attempt >= policy.max_attempts {
                        return Err(SendError::GaveUp(format!(
                            "{reason} (after {attempt} attempts)"
                        )));
                    }
                    let delay = after.unwrap_or_else(|| backoff(&policy, attempt));
                    if delay > policy.max_backoff {
                        return Err(SendError::GaveUp(format!(
                            "{reason} (the platform asked to wait {} s)",
                            delay.as_secs()
                        )));
                    }
                    self.metrics.increment(Counter::SendRetries, channel);
                    tracing::info!(channel, attempt, delay_ms = delay.as_millis() as u64, %reason, "retrying a send");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }
}

/// One call and the platform's verdict on its answer. Without an answer:
/// a connection that was never made is worth retrying (nothing was sent);
/// any other failure came after the request went out, so nobody knows
/// whether the platform took the message.
async fn call(request: reqwest::RequestBuilder, classify: Classify) -> (Verdict, Value) {
    match request.send().await {
        Ok(response) => {
            let status = response.status();
            // A success whose body does not arrive in time is still a
            // success: the status says the platform took the message.
            let answer: Value = response.json().await.unwrap_or(Value::Null);
            (classify(status, &answer), answer)
        }
        Err(err) if err.is_connect() => (
            Verdict::Retry {
                after: None,
                reason: err.without_url().to_string(),
            },
            Value::Null,
        ),
        Err(err) => {
            let what = if err.is_timeout() {
                "no answer in time"
            } else {
                "the connection failed mid-call"
            };
            (
                Verdict::Unconfirmed(format!("{what}: {}", err.without_url())),
                Value::Null,
            )
        }
    }
}

/// Exponential backoff with "equal jitter": half the delay fixed, half
/// random, so that many senders retrying at once spread out.
fn backoff(policy: &SendPolicy, attempt: u32) -> Duration {
    let exponential = policy
        .backoff_base
        .saturating_mul(1 << (attempt - 1).min(16));
    let capped = exponential.min(policy.max_backoff);
    let half = capped / 2;
    half + half.mul_f64(fastrand::f64())
}

/// The verdict for a status alone: success; worth retrying (other server
/// errors, rate limits, a request the server timed out receiving); a
/// gateway that timed out waiting for the platform, which may have
/// delivered (unconfirmed); or a refusal.
pub fn by_status(status: StatusCode, reason: impl FnOnce() -> String) -> Verdict {
    if status.is_success() {
        Verdict::Done
    } else if status == StatusCode::GATEWAY_TIMEOUT {
        Verdict::Unconfirmed(reason())
    } else if status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
    {
        Verdict::Retry {
            after: None,
            reason: reason(),
        }
    } else {
        Verdict::Rejected(reason())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stays_under_the_cap() {
        let policy = SendPolicy {
            timeout: Duration::from_secs(1),
            max_attempts: 5,
            backoff_base: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
        };
        for attempt in 1..=10 {
            let nominal = Duration::from_millis((100u64 << (attempt - 1)).min(1000));
            let delay = backoff(&policy, attempt);
            assert!(
                delay >= nominal / 2 && delay <= nominal,
                "{attempt}: {delay:?}"
            );
        }
    }

    fn outbound(timeout_ms: u64) -> Outbound {
        let mut settings = crate::configuration::Settings::load(None, &Default::default())
            .expect("defaults load")
            .outbound;
        settings.telegram.timeout_ms = Some(timeout_ms);
        settings.telegram.max_attempts = Some(2);
        settings.telegram.backoff_base_ms = Some(1);
        Outbound::new(&settings, Arc::new(Metrics::default())).unwrap()
    }

    #[tokio::test]
    async fn a_refused_connection_sent_nothing_and_is_tried_again() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/send", closed.local_addr().unwrap());
        drop(closed);
        let err = outbound(1000)
            .post("telegram", &url, None, &Value::Null, |status, _| {
                by_status(status, String::new)
            })
            .await
            .unwrap_err();
        assert!(
            matches!(&err, SendError::GaveUp(reason) if reason.contains("after 2 attempts")),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_call_without_an_answer_in_time_is_unconfirmed_and_not_repeated() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/send", listener.local_addr().unwrap());
        let requests = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = requests.clone();
        // Reads each request and never answers, like a platform that is slow.
        tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut buffer = [0u8; 4096];
                if tokio::io::AsyncReadExt::read(&mut socket, &mut buffer)
                    .await
                    .unwrap_or(0)
                    > 0
                {
                    counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                open.push(socket);
            }
        });
        let err = outbound(100)
            .post("telegram", &url, None, &Value::Null, |status, _| {
                by_status(status, String::new)
            })
            .await
            .unwrap_err();
        // Unconfirmed comes back at once, without another try (a retry
        // would have ended as `GaveUp`); the request did reach the server.
        assert!(matches!(err, SendError::Unconfirmed(_)), "{err}");
        for _ in 0..500 {
            if requests.load(std::sync::atomic::Ordering::SeqCst) > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn statuses_split_into_done_retry_and_refused() {
        let reason = || "r".to_owned();
        assert_eq!(by_status(StatusCode::OK, reason), Verdict::Done);
        assert!(matches!(
            by_status(StatusCode::BAD_GATEWAY, reason),
            Verdict::Retry { .. }
        ));
        assert!(matches!(
            by_status(StatusCode::TOO_MANY_REQUESTS, reason),
            Verdict::Retry { .. }
        ));
        assert!(matches!(
            by_status(StatusCode::BAD_REQUEST, reason),
            Verdict::Rejected(_)
        ));
        assert!(matches!(
            by_status(StatusCode::GATEWAY_TIMEOUT, reason),
            Verdict::Unconfirmed(_)
        ));
    }
}
