//! How replies reach the messaging platforms: the `[outbound]` section.
//! Its timeout and retry keys apply to every platform; a platform's own
//! table (`[outbound.telegram]`, `KHIDMA_OUTBOUND__TELEGRAM__TIMEOUT_MS`)
//! overrides any of them for that platform alone.

use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OutboundSettings {
    /// Longest wait for one platform API call, from connecting to the last
    /// byte of the answer. A call that runs out after the request went out
    /// is not tried again: the platform may have delivered it.
    pub timeout_ms: u64,
    /// Longest wait for a connection to a platform; a connection not made
    /// in time sent nothing, so it is tried again.
    pub connect_timeout_ms: u64,
    /// Tries per message, counting only failures that sent nothing
    /// (connection refused, rate limits, server errors).
    pub max_attempts: u32,
    /// First retry delay; each further one doubles, with jitter.
    pub backoff_base_ms: u64,
    /// Longest single wait between tries: the worker holds the
    /// conversation's lease while it waits, so a platform asking for more
    /// (Telegram's `retry_after`) makes the send fail instead.
    pub max_backoff_ms: u64,
    /// Conversations the webhook worker handles at once.
    pub worker_concurrency: usize,
    #[serde(default)]
    pub whatsapp: PolicyOverrides,
    #[serde(default)]
    pub telegram: PolicyOverrides,
    #[serde(default)]
    pub messenger: PolicyOverrides,
}

/// A platform's own values for the keys of [`SendPolicy`]; unset ones
/// follow `[outbound]`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PolicyOverrides {
    pub timeout_ms: Option<u64>,
    pub max_attempts: Option<u32>,
    pub backoff_base_ms: Option<u64>,
    pub max_backoff_ms: Option<u64>,
}

/// How one platform's send calls are timed and retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendPolicy {
    pub timeout: Duration,
    /// At least one.
    pub max_attempts: u32,
    pub backoff_base: Duration,
    pub max_backoff: Duration,
}

impl OutboundSettings {
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }

    /// The policy of the platform named `platform`: its own table over the
    /// section's keys (a name without a table gets the section's).
    pub fn policy(&self, platform: &str) -> SendPolicy {
        let overrides = match platform {
            "whatsapp" => &self.whatsapp,
            "telegram" => &self.telegram,
            "messenger" => &self.messenger,
            _ => &PolicyOverrides::default(),
        };
        SendPolicy {
            timeout: Duration::from_millis(overrides.timeout_ms.unwrap_or(self.timeout_ms)),
            max_attempts: overrides.max_attempts.unwrap_or(self.max_attempts).max(1),
            backoff_base: Duration::from_millis(
                overrides.backoff_base_ms.unwrap_or(self.backoff_base_ms),
            ),
            max_backoff: Duration::from_millis(
                overrides.max_backoff_ms.unwrap_or(self.max_backoff_ms),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::configuration::Settings;

    #[test]
    fn a_platform_table_overrides_the_section_for_that_platform_alone() {
        let env: HashMap<String, String> = [
            ("KHIDMA_OUTBOUND__TIMEOUT_MS", "4000"),
            ("KHIDMA_OUTBOUND__TELEGRAM__TIMEOUT_MS", "1500"),
            ("KHIDMA_OUTBOUND__WHATSAPP__MAX_ATTEMPTS", "0"),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
        let outbound = Settings::load(None, &env).unwrap().outbound;
        assert_eq!(
            outbound.policy("telegram").timeout,
            Duration::from_millis(1500)
        );
        assert_eq!(
            outbound.policy("messenger").timeout,
            Duration::from_millis(4000)
        );
        assert_eq!(
            outbound.policy("whatsapp").max_attempts,
            1,
            "one try at least"
        );
        assert_eq!(
            outbound.policy("whatsapp").timeout,
            outbound.policy("web").timeout
        );

        let bad = [(
            "KHIDMA_OUTBOUND__SIGNAL__TIMEOUT_MS".to_owned(),
            "1".to_owned(),
        )];
        let err = Settings::load(None, &bad.into_iter().collect()).unwrap_err();
        assert!(err.to_string().contains("signal"), "{err}");
    }
}
