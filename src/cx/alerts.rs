//! Alerts for supervisors: a surge of one topic or district against its
//! usual level, a drop in citizens' ratings, an urgent case nobody has
//! claimed in time, or a case that missed its team's service-level target
//! (found by the service-level watch, `agents::service_levels`, and raised
//! here with `sla_breach`). A background task evaluates the rules every
//! `cx.alerts.every_ms`; an alert goes on the supervisors' live stream
//! (`GET /api/v1/supervisor/events`, from every instance), into the event
//! store (`kind = 'alert'`) and, when `KHIDMA_ALERT_WEBHOOK_URL` is set, to
//! the agency's webhook. Several instances evaluate the same rules; the
//! alert's id, made of its rule, key and window, lets only the first
//! instance's insert through, and only that instance raises it.

mod rules;
pub mod webhook;

use std::sync::Arc;

use fluent_bundle::FluentValue;
use serde_json::{Value, json};
use sha2::Digest;

use super::{CxError, CxEvent, EventStore, Recorder, SurgeDimension};
use crate::agents::Breach;
use crate::configuration::{AlertSettings, CxSettings};
use crate::conversation::Priority;
use crate::handoff::{AlertEventData, Event, HandoffStore, Teams};
use crate::i18n::{Lang, Localizer, Msg};
use crate::state::StoreError;
pub use rules::{is_csat_drop, is_surge, poisson_tail};
use webhook::Webhook;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// What raised an alert; stored as `detail.rule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Surge,
    CsatDrop,
    UnclaimedUrgent,
    SlaBreach,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::Surge => "surge",
            Rule::CsatDrop => "csat_drop",
            Rule::UnclaimedUrgent => "unclaimed_urgent",
            Rule::SlaBreach => "sla_breach",
        }
    }
}

/// One alert: what, about what (`entry:<id>`, `category:<name>`,
/// `district:<id>`, `csat`, `case:<team>:<pseudonym>`, or
/// `case:<team>:<pseudonym>:<target>` for a missed target), the value seen
/// and the level it was compared to, and the window it belongs to (it is
/// raised once per rule, key and window).
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub rule: Rule,
    pub key: String,
    pub value: f64,
    pub baseline: f64,
    pub window_ms: i64,
}

impl Alert {
    /// The event's id: the same on every instance for the same alert.
    fn id(&self) -> String {
        let digest = sha2::Sha256::digest(format!(
            "{}|{}|{}",
            self.rule.name(),
            self.key,
            self.window_ms
        ));
        hex::encode(&digest[..16])
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error(transparent)]
    Events(#[from] CxError),
    #[error("the agents' queues could not be read: {0}")]
    Queues(#[from] StoreError),
}

pub struct Alerts {
    store: EventStore,
    handoff: Arc<dyn HandoffStore>,
    teams: Arc<Teams>,
    localizer: Arc<Localizer>,
    settings: AlertSettings,
    webhook: Option<Arc<Webhook>>,
}

impl Alerts {
    pub fn new(
        store: EventStore,
        handoff: Arc<dyn HandoffStore>,
        teams: Arc<Teams>,
        localizer: Arc<Localizer>,
        settings: AlertSettings,
    ) -> Result<Self, webhook::ClientError> {
        let webhook = match &settings.webhook {
            Some(webhook) => Some(Arc::new(Webhook::new(webhook, &settings)?)),
            None => None,
        };
        Ok(Self {
            store,
            handoff,
            teams,
            localizer,
            settings,
            webhook,
        })
    }

    /// Evaluates every rule at `now_ms` and raises what this instance is
    /// the first to find; returns those.
    pub async fn evaluate(&self, now_ms: i64) -> Result<Vec<Alert>, AlertError> {
        let mut found = self.unclaimed_urgent(now_ms).await?;
        found.extend(self.surges(now_ms).await?);
        found.extend(self.csat_drop(now_ms).await?);
        let mut raised = Vec::new();
        for alert in found {
            if self.raise(&alert, now_ms).await? {
                raised.push(alert);
            }
        }
        Ok(raised)
    }

    /// A case that missed a service-level target: raised when the watch
    /// marks it. The value is the wait since the escalation and the
    /// baseline the target, both in seconds of the clock, so that a
    /// supervisor reads how long the citizen has waited.
    pub async fn sla_breach(&self, breach: &Breach, now_ms: i64) -> Result<bool, AlertError> {
        let alert = Alert {
            rule: Rule::SlaBreach,
            key: format!(
                "case:{}:{}:{}",
                breach.team,
                self.store.pseudonym(&breach.id),
                breach.target.name()
            ),
            value: ((now_ms - breach.since_ms) / 1000) as f64,
            baseline: ((breach.due_ms - breach.since_ms) / 1000) as f64,
            window_ms: breach.since_ms,
        };
        self.raise(&alert, now_ms).await
    }

    /// Urgent cases waiting past the limit, read from the queues (the live
    /// truth) rather than from events. One alert per case and escalation.
    async fn unclaimed_urgent(&self, now_ms: i64) -> Result<Vec<Alert>, AlertError> {
        let limit_ms = self.settings.unclaimed_urgent().as_millis() as i64;
        let mut found = Vec::new();
        for team in self.teams.names() {
            for queued in self.handoff.queue(team).await? {
                let waited_ms = now_ms - queued.since_ms;
                if queued.priority == Priority::Urgent && waited_ms >= limit_ms {
                    found.push(Alert {
                        rule: Rule::UnclaimedUrgent,
                        key: format!("case:{team}:{}", self.store.pseudonym(&queued.id)),
                        value: (waited_ms / 1000) as f64,
                        baseline: (limit_ms / 1000) as f64,
                        window_ms: queued.since_ms,
                    });
                }
            }
        }
        Ok(found)
    }

    /// Each topic's and district's last hour against the mean of the same
    /// hour over the past days (up to `surge_baseline_days`). Needs a day
    /// of history: before that there is no usual level to speak of.
    async fn surges(&self, now_ms: i64) -> Result<Vec<Alert>, AlertError> {
        let Some(first_ms) = self.store.first_event_ms().await? else {
            return Ok(Vec::new());
        };
        let history_days = (now_ms - first_ms) / DAY_MS;
        if history_days < 1 {
            return Ok(Vec::new());
        }
        let days = history_days.min(i64::from(self.settings.surge_baseline_days.max(1))) as u32;
        let window_ms = now_ms - now_ms.rem_euclid(HOUR_MS);
        let mut found = Vec::new();
        for dimension in SurgeDimension::ALL {
            let usual: std::collections::HashMap<String, u64> = self
                .store
                .same_hour_counts(dimension, now_ms, days)
                .await?
                .into_iter()
                .collect();
            for (key, observed) in self
                .store
                .counts(dimension, now_ms - HOUR_MS, now_ms)
                .await?
            {
                let baseline = usual.get(&key).copied().unwrap_or(0) as f64 / f64::from(days);
                if is_surge(observed, baseline, &self.settings) {
                    found.push(Alert {
                        rule: Rule::Surge,
                        key: format!("{}:{key}", dimension.name()),
                        value: observed as f64,
                        baseline,
                        window_ms,
                    });
                }
            }
        }
        Ok(found)
    }

    /// The last 24 hours' ratings against the 7 days before; raised once a
    /// day at most.
    async fn csat_drop(&self, now_ms: i64) -> Result<Vec<Alert>, AlertError> {
        let recent = self.store.rating_stats(now_ms - DAY_MS, now_ms).await?;
        let before = self
            .store
            .rating_stats(now_ms - 8 * DAY_MS, now_ms - DAY_MS)
            .await?;
        if !is_csat_drop(recent, before, &self.settings) {
            return Ok(Vec::new());
        }
        Ok(vec![Alert {
            rule: Rule::CsatDrop,
            key: "csat".to_owned(),
            value: round2(recent.mean),
            baseline: round2(before.mean),
            window_ms: now_ms - now_ms.rem_euclid(DAY_MS),
        }])
    }

    /// Records the alert; when this instance wrote it, publishes it to
    /// every instance's supervisors and posts it to the webhook (in the
    /// background: a slow receiver must not hold the next evaluation).
    async fn raise(&self, alert: &Alert, now_ms: i64) -> Result<bool, AlertError> {
        let detail = json!({
            "rule": alert.rule.name(),
            "key": alert.key,
            "value": alert.value,
            "baseline": alert.baseline,
        });
        let id = alert.id();
        if !self
            .store
            .insert_alert(&id, &CxEvent::alert(now_ms, detail.clone()))
            .await?
        {
            return Ok(false);
        }
        let mut payload = match detail {
            Value::Object(map) => map,
            _ => unreachable!("the detail is built as an object above"),
        };
        payload.insert("id".to_owned(), json!(id));
        payload.insert("at_ms".to_owned(), json!(now_ms));
        payload.insert("title".to_owned(), self.titles(alert));
        tracing::warn!(rule = alert.rule.name(), key = %alert.key, value = alert.value, baseline = alert.baseline, "alert raised");
        let body = Value::Object(payload.clone()).to_string();
        let event = Event::Alert(AlertEventData { alert: payload });
        if let Err(err) = self.handoff.publish(&event).await {
            tracing::error!(error = %err, "an alert could not be published to supervisors");
        }
        if let Some(webhook) = self.webhook.clone() {
            tokio::spawn(async move {
                match webhook.post(&body).await {
                    Ok(attempts) => tracing::info!(attempts, "an alert was posted to the webhook"),
                    Err(reason) => {
                        tracing::error!(%reason, "an alert could not be posted to the webhook")
                    }
                }
            });
        }
        Ok(true)
    }

    /// The alert's title in both languages, for supervisors.
    fn titles(&self, alert: &Alert) -> Value {
        let msg = match alert.rule {
            Rule::Surge => Msg::AlertSurge,
            Rule::CsatDrop => Msg::AlertCsatDrop,
            Rule::UnclaimedUrgent => Msg::AlertUnclaimedUrgent,
            Rule::SlaBreach => match alert.key.rsplit(':').next() {
                Some("resolution") => Msg::AlertSlaResolution,
                _ => Msg::AlertSlaFirstReply,
            },
        };
        // A case's key names its team; the pseudonym means nothing to a reader.
        let subject = match alert.rule {
            Rule::UnclaimedUrgent | Rule::SlaBreach => {
                alert.key.split(':').nth(1).unwrap_or_default()
            }
            _ => alert.key.as_str(),
        };
        let args = [
            ("key", FluentValue::from(subject.to_owned())),
            ("value", FluentValue::from(format_number(alert.value))),
            ("baseline", FluentValue::from(format_number(alert.baseline))),
            // Whole minutes as numbers, so that each language words them
            // by its own plural rules ("less than a minute", "دقيقتين").
            ("minutes", FluentValue::from(whole_minutes(alert.value))),
            (
                "target_minutes",
                FluentValue::from(whole_minutes(alert.baseline)),
            ),
            (
                "target_seconds",
                FluentValue::from(alert.baseline.round() as i64),
            ),
        ];
        let text = |lang| self.localizer.text_with(lang, msg, &args);
        json!({ "ar": text(Lang::Ar), "en": text(Lang::En) })
    }
}

fn whole_minutes(seconds: f64) -> i64 {
    (seconds / 60.0).floor() as i64
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// `4`, `0.25`: what a supervisor reads, with no trailing zeros.
fn format_number(value: f64) -> String {
    let text = format!("{:.2}", round2(value));
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Opens the event store (retrying until it answers) and evaluates the
/// rules every `every_ms` until aborted with the server. `None` when
/// events or alerts are off.
pub fn spawn(
    cx: &CxSettings,
    recorder: Recorder,
    handoff: Arc<dyn HandoffStore>,
    teams: Arc<Teams>,
    localizer: Arc<Localizer>,
) -> Option<tokio::task::JoinHandle<()>> {
    if !cx.enabled || !cx.alerts.enabled {
        return None;
    }
    let cx = cx.clone();
    Some(tokio::spawn(async move {
        let every = cx.alerts.every();
        let mut tick = tokio::time::interval(every);
        // The recorder's store: one pool, and one instance of the
        // migrations, per process.
        let store = loop {
            tick.tick().await;
            if let Some(store) = recorder.store() {
                break store.clone();
            }
        };
        let alerts = match Alerts::new(store, handoff, teams, localizer, cx.alerts.clone()) {
            Ok(alerts) => alerts,
            Err(err) => {
                tracing::error!(error = %err, "alerts are off: no HTTP client for the webhook");
                return;
            }
        };
        loop {
            tick.tick().await;
            let now_ms = jiff::Timestamp::now().as_millisecond();
            if let Err(err) = alerts.evaluate(now_ms).await {
                tracing::warn!(error = %err, "alerts could not be evaluated");
            }
        }
    }))
}

#[cfg(test)]
mod tests;
