//! `[cx.alerts]`: when supervisors are alerted, and where the alerts are
//! also posted. The webhook's URL and secret come from the environment
//! only (`KHIDMA_ALERT_WEBHOOK_URL`, `KHIDMA_ALERT_WEBHOOK_SECRET`).

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;

use super::Secret;

/// Embedded in `cx::DEFAULTS`; every key is documented in docs/alerts.md.
pub(super) const DEFAULTS: &str = r#"
[cx.alerts]
enabled = true
every_ms = 60000
unclaimed_urgent_secs = 600
surge_min_count = 10
surge_ratio = 3.0
surge_p_value = 0.00001
surge_baseline_days = 28
csat_min_recent = 10
csat_min_baseline = 30
csat_drop = 0.5
webhook_attempts = 5
webhook_backoff_ms = 500
webhook_timeout_ms = 5000
"#;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AlertSettings {
    pub enabled: bool,
    /// How often the rules are evaluated (once a minute).
    pub every_ms: u64,
    /// An urgent case nobody has claimed after this long raises an alert.
    pub unclaimed_urgent_secs: u64,
    /// A surge needs at least this many messages (or urgent cases) in the
    /// last hour, whatever the baseline ...
    pub surge_min_count: u64,
    /// ... this many times the usual level for that hour ...
    pub surge_ratio: f64,
    /// ... and a count this unlikely under a Poisson law of the usual
    /// level, so that a quiet topic's few messages never alarm.
    pub surge_p_value: f64,
    /// The usual level: the mean of the same hour over up to this many
    /// past days (fewer while the store is younger; at least a day).
    pub surge_baseline_days: u32,
    /// A CSAT drop needs this many ratings in the last 24 hours ...
    pub csat_min_recent: u64,
    /// ... and this many in the 7 days before, ...
    pub csat_min_baseline: u64,
    /// ... and an average at least this much lower (on the 1-5 scale).
    pub csat_drop: f64,
    /// Posts of one alert to the webhook, the first included.
    pub webhook_attempts: u32,
    /// The first retry's delay; it doubles with each retry (with jitter).
    pub webhook_backoff_ms: u64,
    pub webhook_timeout_ms: u64,
    /// From the environment only.
    #[serde(skip)]
    pub webhook: Option<AlertWebhook>,
}

impl AlertSettings {
    pub fn every(&self) -> Duration {
        Duration::from_millis(self.every_ms.max(10))
    }

    pub fn unclaimed_urgent(&self) -> Duration {
        Duration::from_secs(self.unclaimed_urgent_secs)
    }
}

/// Where alerts are posted, and the secret they are signed with.
#[derive(Clone, PartialEq)]
pub struct AlertWebhook {
    pub url: String,
    pub secret: Secret,
}

impl AlertWebhook {
    pub(super) fn from_env(env: &HashMap<String, String>) -> Result<Option<Self>, String> {
        let Some(url) = env
            .get("KHIDMA_ALERT_WEBHOOK_URL")
            .filter(|url| !url.is_empty())
        else {
            return Ok(None);
        };
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            // Not the URL itself: it may carry a token.
            return Err("KHIDMA_ALERT_WEBHOOK_URL must start with https:// or http://".to_owned());
        }
        // An unsigned alert could be forged by anyone who finds the URL.
        let secret = env
            .get("KHIDMA_ALERT_WEBHOOK_SECRET")
            .filter(|secret| !secret.is_empty())
            .map(Secret::new)
            .ok_or("KHIDMA_ALERT_WEBHOOK_URL needs KHIDMA_ALERT_WEBHOOK_SECRET to sign alerts")?;
        Ok(Some(Self {
            url: url.clone(),
            secret,
        }))
    }
}

impl std::fmt::Debug for AlertWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a token too.
        f.debug_struct("AlertWebhook")
            .field("url", &"<redacted>")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use crate::configuration::Settings;
    use crate::configuration::tests::env;

    #[test]
    fn the_webhook_comes_from_the_environment_and_never_shows_in_debug() {
        let defaults = Settings::load(None, &env(&[])).unwrap().cx.alerts;
        assert_eq!(defaults.unclaimed_urgent().as_secs(), 600);
        assert_eq!(defaults.every().as_secs(), 60);
        assert_eq!(defaults.webhook, None);

        let set = Settings::load(
            None,
            &env(&[
                (
                    "KHIDMA_ALERT_WEBHOOK_URL",
                    "https://ops.example/hook?t=tok3n",
                ),
                ("KHIDMA_ALERT_WEBHOOK_SECRET", "s3cret"),
                ("KHIDMA_CX__ALERTS__UNCLAIMED_URGENT_SECS", "5"),
            ]),
        )
        .unwrap();
        let webhook = set.cx.alerts.webhook.as_ref().unwrap();
        assert_eq!(webhook.secret.expose(), "s3cret");
        assert_eq!(set.cx.alerts.unclaimed_urgent_secs, 5);
        let shown = format!("{set:?}");
        assert!(!shown.contains("tok3n") && !shown.contains("s3cret"));

        let err = Settings::load(
            None,
            &env(&[("KHIDMA_ALERT_WEBHOOK_URL", "ftp://x?t=tok3n")]),
        )
        .unwrap_err();
        assert!(!err.to_string().contains("tok3n"), "{err}");
        let unsigned = env(&[("KHIDMA_ALERT_WEBHOOK_URL", "https://ops.example/hook")]);
        let err = Settings::load(None, &unsigned).unwrap_err();
        assert!(
            err.to_string().contains("KHIDMA_ALERT_WEBHOOK_SECRET"),
            "{err}"
        );
    }
}
