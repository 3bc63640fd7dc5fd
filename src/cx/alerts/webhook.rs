//! Posts alerts to the agency's own system (`KHIDMA_ALERT_WEBHOOK_URL`),
//! signed so that the receiver knows they come from us, and retried with
//! backoff. docs/alerts.md shows the receiver's check.

use std::time::Duration;

use hmac::{KeyInit, Mac};

use crate::configuration::{AlertSettings, AlertWebhook, Secret};

pub const SIGNATURE_HEADER: &str = "X-Khidma-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Khidma-Timestamp";

/// The webhook's HTTP client could not be built (no TLS roots).
pub type ClientError = reqwest::Error;

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

pub struct Webhook {
    client: reqwest::Client,
    url: String,
    secret: Secret,
    attempts: u32,
    backoff: Duration,
    timeout: Duration,
}

impl Webhook {
    pub fn new(webhook: &AlertWebhook, settings: &AlertSettings) -> Result<Self, ClientError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("khidma/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            url: webhook.url.clone(),
            secret: webhook.secret.clone(),
            attempts: settings.webhook_attempts.max(1),
            backoff: Duration::from_millis(settings.webhook_backoff_ms),
            timeout: Duration::from_millis(settings.webhook_timeout_ms.max(1)),
        })
    }

    /// Posts `body` until it is taken (a 2xx), refused (another 4xx but
    /// 408 and 429), or the attempts run out. Unlike a citizen's message, an
    /// alert posted twice harms nobody (its `id` tells the receiver), so a
    /// timeout is retried too. Each attempt is signed afresh, with its own
    /// time. The URL may hold a token: it never reaches the log.
    pub async fn post(&self, body: &str) -> Result<u32, String> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let timestamp = jiff::Timestamp::now().as_second().to_string();
            let sent = self
                .client
                .post(&self.url)
                .timeout(self.timeout)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(TIMESTAMP_HEADER, &timestamp)
                .header(SIGNATURE_HEADER, sign(&self.secret, &timestamp, body))
                .body(body.to_owned())
                .send()
                .await;
            let reason = match sent {
                Ok(answer) if answer.status().is_success() => return Ok(attempt),
                Ok(answer) => {
                    let status = answer.status();
                    if status.is_client_error()
                        && status != reqwest::StatusCode::TOO_MANY_REQUESTS
                        && status != reqwest::StatusCode::REQUEST_TIMEOUT
                    {
                        return Err(format!("the webhook refused the alert: {status}"));
                    }
                    format!("the webhook answered {status}")
                }
                Err(err) => err.without_url().to_string(),
            };
            if attempt >= self.attempts {
                return Err(format!("{reason} (after {attempt} attempts)"));
            }
            let delay = backoff(self.backoff, attempt);
            tracing::info!(attempt, delay_ms = delay.as_millis() as u64, %reason, "retrying an alert's webhook");
            tokio::time::sleep(delay).await;
        }
    }
}

/// `sha256=<hex>`: HMAC-SHA-256, under the shared secret, of the timestamp,
/// a dot and the raw body. The timestamp inside the signed string lets the
/// receiver refuse an old request replayed.
pub fn sign(secret: &Secret, timestamp: &str, body: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Doubling from `base`, with "equal jitter" as the platforms' sends
/// (`channels::outbound`): half fixed, half random.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let capped = base
        .saturating_mul(1 << (attempt - 1).min(16))
        .min(MAX_BACKOFF);
    let half = capped / 2;
    half + half.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_the_time_and_the_body() {
        let secret = Secret::new("It's a Secret to Everybody");
        let signature = sign(&secret, "1700000000", "{\"rule\":\"surge\"}");
        assert!(signature.starts_with("sha256="));
        assert_eq!(signature.len(), "sha256=".len() + 64);
        assert_ne!(
            signature,
            sign(&secret, "1700000001", "{\"rule\":\"surge\"}")
        );
        assert_ne!(
            signature,
            sign(&secret, "1700000000", "{\"rule\":\"surgE\"}")
        );
        // Checked against an independent implementation:
        // `printf '1.x' | openssl dgst -sha256 -hmac key`.
        assert_eq!(
            sign(&Secret::new("key"), "1", "x"),
            "sha256=fc4913c41a7bf793267e2a384f3261c9436ec2cd097bd745e7b0d99113f510ec"
        );
    }

    #[test]
    fn backoff_doubles_and_stays_under_the_cap() {
        let base = Duration::from_millis(100);
        for attempt in 1..20 {
            let delay = backoff(base, attempt);
            let full = base
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(MAX_BACKOFF);
            assert!(delay >= full / 2 && delay <= full, "{attempt}: {delay:?}");
        }
    }
}
