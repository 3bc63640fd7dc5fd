//! The one HTTP client that talks to every platform's send API, with
//! timeouts, connection reuse, and retries with exponential backoff and
//! jitter. Each platform says how to read its answers ([`Verdict`]).
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
use crate::configuration::{OutboundSettings, Secret};
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
        let client = reqwest::Client::builder()
            .timeout(settings.timeout())
            .connect_timeout(settings.timeout())
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
    /// permanent error, or the attempts run out. `bearer` goes in the
    /// `Authorization` header. `url` may hold a token (Telegram's), so it
    /// never appears in errors or logs.
    pub async fn post(
        &self,
        channel: &'static str,
        url: &str,
        bearer: Option<&Secret>,
        body: &Value,
        classify: Classify,
    ) -> Result<Value, SendError> {
        let attempts = self.settings.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self.client.post(url).json(body);
            if let Some(token) = bearer {
                request = request.bearer_auth(token.expose());
            }
            let (verdict, answer) = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let answer: Value = response.json().await.unwrap_or(Value::Null);
                    (classify(status, &answer), answer)
                }
                Err(err) => (
                    Verdict::Retry {
                        after: None,
                        reason: err.without_url().to_string(),
                    },
                    Value::Null,
                ),
            };
            match verdict {
                Verdict::Done => {
                    self.metrics.increment(Counter::Sends, channel);
                    return Ok(answer);
                }
                Verdict::OutsideWindow(reason) => return Err(SendError::OutsideWindow(reason)),
                Verdict::Rejected(reason) => return Err(SendError::Rejected(reason)),
                Verdict::Retry { after, reason } => {
                    if attempt == attempts {
                        return Err(SendError::GaveUp(format!(
                            "{reason} (after {attempts} attempts)"
                        )));
                    }
                    let delay = after.unwrap_or_else(|| self.backoff(attempt));
                    if delay > self.settings.max_backoff() {
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

    /// Exponential backoff with "equal jitter": half the delay fixed, half
    /// random, so that many senders retrying at once spread out.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.settings.backoff_base();
        let exponential = base.saturating_mul(1 << (attempt - 1).min(16));
        let capped = exponential.min(self.settings.max_backoff());
        let half = capped / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// The verdict for a status alone: success, or worth retrying (server
/// errors, timeouts, rate limits), or a refusal.
pub fn by_status(status: StatusCode, reason: impl FnOnce() -> String) -> Verdict {
    if status.is_success() {
        Verdict::Done
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

    fn outbound(base_ms: u64, max_ms: u64) -> Outbound {
        Outbound::new(
            &OutboundSettings {
                timeout_ms: 1000,
                max_attempts: 5,
                backoff_base_ms: base_ms,
                max_backoff_ms: max_ms,
                worker_concurrency: 1,
            },
            Arc::new(Metrics::default()),
        )
        .unwrap()
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stays_under_the_cap() {
        let outbound = outbound(100, 1000);
        for attempt in 1..=10 {
            let nominal = Duration::from_millis((100u64 << (attempt - 1)).min(1000));
            let delay = outbound.backoff(attempt);
            assert!(
                delay >= nominal / 2 && delay <= nominal,
                "{attempt}: {delay:?}"
            );
        }
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
    }
}
