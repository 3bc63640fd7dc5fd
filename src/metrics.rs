//! What `GET /metrics` shows, in the OpenMetrics text format that
//! Prometheus scrapes, kept by `prometheus-client`. One registry per
//! application, passed around rather than global, so that the many apps of
//! the integration tests count apart.
//!
//! Label values are bounded: channel names, route patterns (never a path
//! with an id in it), actions, escalation reasons and configured teams;
//! never a conversation, citizen or message.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter as PromCounter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use crate::conversation::{Action, EscalationReason, now_ms};
use crate::handoff::{HandoffStore, Teams};
use crate::kb::KbHandle;

/// The counters kept per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// Messages and failed statuses accepted from a platform's webhook.
    WebhookEvents,
    /// Messages a platform delivered again; not handled twice.
    WebhookDuplicates,
    /// Webhook requests refused: failed verification or unreadable body.
    WebhookRejected,
    /// Platform API calls that succeeded.
    Sends,
    /// Platform API calls tried again after a transient failure.
    SendRetries,
    /// Replies given up on and recorded on the conversation.
    SendFailures,
    /// WhatsApp `failed` statuses for messages we sent.
    FailedStatuses,
}

impl Counter {
    const ALL: [Counter; 7] = [
        Counter::WebhookEvents,
        Counter::WebhookDuplicates,
        Counter::WebhookRejected,
        Counter::Sends,
        Counter::SendRetries,
        Counter::SendFailures,
        Counter::FailedStatuses,
    ];

    /// The name without `_total`, which the encoder adds to counters.
    fn name(self) -> &'static str {
        match self {
            Counter::WebhookEvents => "khidma_webhook_events",
            Counter::WebhookDuplicates => "khidma_webhook_duplicates",
            Counter::WebhookRejected => "khidma_webhook_rejected",
            Counter::Sends => "khidma_sends",
            Counter::SendRetries => "khidma_send_retries",
            Counter::SendFailures => "khidma_send_failures",
            Counter::FailedStatuses => "khidma_failed_statuses",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Counter::WebhookEvents => {
                "Messages and failed statuses accepted from platform webhooks"
            }
            Counter::WebhookDuplicates => "Platform re-deliveries of messages already accepted",
            Counter::WebhookRejected => "Webhook requests refused (verification or body)",
            Counter::Sends => "Successful platform API calls",
            Counter::SendRetries => "Platform API calls retried after a transient failure",
            Counter::SendFailures => "Replies that failed for good and were recorded",
            Counter::FailedStatuses => "Failed delivery statuses reported by WhatsApp",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabel {
    channel: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    /// The route pattern, e.g. `/api/v1/agent/conversations/{id}`.
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReplyLabels {
    channel: &'static str,
    action: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TeamLabel {
    team: String,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// From half a millisecond to ten seconds: a web-chat answer takes about a
/// millisecond, a send to a platform up to its timeout.
const REQUEST_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// From 0.1 ms (a local Redis) to the longest allowed call.
const REDIS_BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
];

fn request_histogram() -> Histogram {
    Histogram::new(REQUEST_BUCKETS)
}

pub struct Metrics {
    registry: Registry,
    counters: [Family<ChannelLabel, PromCounter>; 7],
    requests: Histograms<RequestLabels>,
    turns: Histograms<ChannelLabel>,
    replies: Family<ReplyLabels, PromCounter>,
    escalations: Family<ReasonLabel, PromCounter>,
    queue_depth: Family<TeamLabel, Gauge>,
    queue_oldest: Family<TeamLabel, Gauge<f64, AtomicU64>>,
    incidents_open: Family<TeamLabel, Gauge>,
    redis_calls: Histogram,
    redis_errors: PromCounter,
    cx_written: PromCounter,
    cx_dropped: PromCounter,
    cx_write_failures: PromCounter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let counters = Counter::ALL.map(|counter| {
            let family = Family::<ChannelLabel, PromCounter>::default();
            registry.register(counter.name(), counter.help(), family.clone());
            family
        });
        let requests: Histograms<RequestLabels> = Family::new_with_constructor(request_histogram);
        registry.register_with_unit(
            "khidma_http_request_duration",
            "HTTP requests by route pattern, method and status",
            Unit::Seconds,
            requests.clone(),
        );
        let turns: Histograms<ChannelLabel> = Family::new_with_constructor(request_histogram);
        registry.register_with_unit(
            "khidma_turn_duration",
            "Citizens' messages answered, lease to commit, by channel",
            Unit::Seconds,
            turns.clone(),
        );
        let replies = Family::<ReplyLabels, PromCounter>::default();
        registry.register(
            "khidma_replies",
            "What the bot did with citizens' messages, by channel and action",
            replies.clone(),
        );
        let escalations = Family::<ReasonLabel, PromCounter>::default();
        registry.register(
            "khidma_escalations",
            "Conversations handed to a person, by reason",
            escalations.clone(),
        );
        let queue_depth = Family::<TeamLabel, Gauge>::default();
        registry.register(
            "khidma_queue_depth",
            "Conversations waiting for an agent, by team (read at scrape)",
            queue_depth.clone(),
        );
        let queue_oldest = Family::<TeamLabel, Gauge<f64, AtomicU64>>::default();
        registry.register_with_unit(
            "khidma_queue_oldest_wait",
            "How long the longest-waiting conversation has waited, by team",
            Unit::Seconds,
            queue_oldest.clone(),
        );
        let incidents_open = Family::<TeamLabel, Gauge>::default();
        registry.register(
            "khidma_incidents_open",
            "Outage incidents not yet resolved, by team (read at scrape)",
            incidents_open.clone(),
        );
        let redis_calls = Histogram::new(REDIS_BUCKETS);
        registry.register_with_unit(
            "khidma_redis_call_duration",
            "Redis round trips (scripts, pipelines, commands), failed ones included",
            Unit::Seconds,
            redis_calls.clone(),
        );
        let redis_errors = PromCounter::default();
        registry.register(
            "khidma_redis_errors",
            "Redis calls that failed or timed out",
            redis_errors.clone(),
        );
        let cx_written = PromCounter::default();
        registry.register(
            "khidma_cx_events_written",
            "Citizen-experience events written to the event store",
            cx_written.clone(),
        );
        let cx_dropped = PromCounter::default();
        registry.register(
            "khidma_cx_events_dropped",
            "Citizen-experience events lost: the store was down or slow and the buffer full",
            cx_dropped.clone(),
        );
        let cx_write_failures = PromCounter::default();
        registry.register(
            "khidma_cx_write_failures",
            "Writes (or opening) of the event store that failed and were retried",
            cx_write_failures.clone(),
        );
        Self {
            registry,
            counters,
            requests,
            turns,
            replies,
            escalations,
            queue_depth,
            queue_oldest,
            incidents_open,
            redis_calls,
            redis_errors,
            cx_written,
            cx_dropped,
            cx_write_failures,
        }
    }

    /// Also reports the knowledge base's generation, reload failures and
    /// whether it is degraded, read from `kb` at each scrape.
    pub fn with_knowledge_base(mut self, kb: KbHandle) -> Self {
        self.registry
            .register_collector(Box::new(KnowledgeBaseCollector(kb)));
        self
    }

    /// Shows every per-channel counter at zero for the messaging platforms
    /// `channels`, so that dashboards see each series before the first
    /// event. (Other series appear with their first event.)
    pub fn show_channels(&self, channels: &[&'static str]) {
        for family in &self.counters {
            for &channel in channels {
                drop(family.get_or_create(&ChannelLabel { channel }));
            }
        }
    }

    pub fn increment(&self, counter: Counter, channel: &'static str) {
        self.counters[counter.index()]
            .get_or_create(&ChannelLabel { channel })
            .inc();
    }

    pub fn get(&self, counter: Counter, channel: &'static str) -> u64 {
        self.counters[counter.index()]
            .get(&ChannelLabel { channel })
            .map_or(0, |counter| counter.get())
    }

    /// One HTTP request; `route` is the matched pattern, not the path.
    pub fn observe_request(&self, method: &'static str, route: &str, status: u16, took: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route: route.to_owned(),
                status,
            })
            .observe(took.as_secs_f64());
    }

    /// One citizen's message answered: the turn's latency, what the bot
    /// did, and why it handed the conversation over, if it did.
    pub fn observe_turn(
        &self,
        channel: &'static str,
        action: Action,
        escalation: Option<EscalationReason>,
        took: Duration,
    ) {
        let channel_label = ChannelLabel { channel };
        self.turns
            .get_or_create(&channel_label)
            .observe(took.as_secs_f64());
        self.replies
            .get_or_create(&ReplyLabels {
                channel,
                action: action.name(),
            })
            .inc();
        if let Some(reason) = escalation {
            self.escalations
                .get_or_create(&ReasonLabel {
                    reason: reason.name(),
                })
                .inc();
        }
    }

    /// One Redis round trip.
    pub fn observe_redis(&self, took: Duration, failed: bool) {
        self.redis_calls.observe(took.as_secs_f64());
        if failed {
            self.redis_errors.inc();
        }
    }

    /// Events the recorder wrote, dropped, or failed to write (`cx`).
    pub fn cx_written(&self, count: usize) {
        self.cx_written.inc_by(count as u64);
    }

    pub fn cx_dropped(&self, count: usize) {
        self.cx_dropped.inc_by(count as u64);
    }

    pub fn cx_write_failed(&self) {
        self.cx_write_failures.inc();
    }

    /// Reads each team's queue and open incidents into their gauges; a team
    /// whose store read fails keeps its last values (the failure is
    /// counted by the store as a Redis error).
    pub async fn observe_desk(&self, teams: &Teams, store: &dyn HandoffStore) {
        let now = now_ms();
        for team in teams.names() {
            let label = TeamLabel {
                team: team.to_owned(),
            };
            match store.queue(team).await {
                Ok(queue) => {
                    let oldest = queue.iter().map(|queued| queued.since_ms).min();
                    self.queue_depth
                        .get_or_create(&label)
                        .set(i64::try_from(queue.len()).unwrap_or(i64::MAX));
                    self.queue_oldest
                        .get_or_create(&label)
                        .set(oldest.map_or(0.0, |since| (now - since).max(0) as f64 / 1000.0));
                }
                Err(err) => {
                    tracing::warn!(team, error = %err, "reading a queue for metrics failed")
                }
            }
            match store.open_incidents(team).await {
                Ok(incidents) => {
                    self.incidents_open
                        .get_or_create(&label)
                        .set(i64::try_from(incidents.len()).unwrap_or(i64::MAX));
                }
                Err(err) => {
                    tracing::warn!(team, error = %err, "reading incidents for metrics failed");
                }
            }
        }
    }

    /// Everything, in the OpenMetrics text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// The content type of [`Metrics::render`].
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The knowledge base's state, read at each scrape from its handle.
#[derive(Debug)]
struct KnowledgeBaseCollector(KbHandle);

impl Collector for KnowledgeBaseCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let status = self.0.status();
        let gauges = [
            (
                "khidma_kb_generation",
                "Knowledge bases in service since start: 1, plus one per successful reload",
                status.generation,
            ),
            (
                "khidma_kb_entries",
                "Entries of the knowledge base in service",
                status.entries as u64,
            ),
            (
                "khidma_kb_degraded",
                "1 while an older knowledge base is served because the files do not load",
                u64::from(status.degraded.is_some()),
            ),
        ];
        for (name, help, value) in gauges {
            let gauge = ConstGauge::new(i64::try_from(value).unwrap_or(i64::MAX));
            gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)?;
        }
        let failures = ConstCounter::new(status.reload_failures);
        failures.encode(encoder.encode_descriptor(
            "khidma_kb_reload_failures",
            "Reloads rejected because the edited files do not load",
            None,
            failures.metric_type(),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_per_channel_in_openmetrics_text() {
        let metrics = Metrics::new();
        metrics.show_channels(&["telegram"]);
        metrics.increment(Counter::WebhookEvents, "whatsapp");
        metrics.increment(Counter::WebhookEvents, "whatsapp");
        let text = metrics.render();
        assert!(
            text.contains("khidma_webhook_events_total{channel=\"whatsapp\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("khidma_webhook_events_total{channel=\"telegram\"} 0\n"),
            "{text}"
        );
        assert!(
            text.contains("# TYPE khidma_send_failures counter\n"),
            "{text}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
        assert_eq!(metrics.get(Counter::WebhookEvents, "whatsapp"), 2);
    }

    #[test]
    fn a_turn_counts_its_action_reason_and_latency_under_bounded_labels() {
        let metrics = Metrics::new();
        metrics.observe_turn(
            "whatsapp",
            Action::Escalate,
            Some(EscalationReason::CitizenAsked),
            Duration::from_millis(3),
        );
        metrics.observe_request(
            "GET",
            "/api/v1/agent/conversations/{id}",
            200,
            Duration::from_millis(1),
        );
        let text = metrics.render();
        for line in [
            "khidma_replies_total{channel=\"whatsapp\",action=\"escalate\"} 1\n",
            "khidma_escalations_total{reason=\"citizen_asked\"} 1\n",
            "khidma_turn_duration_seconds_bucket{le=\"0.005\",channel=\"whatsapp\"} 1\n",
            "khidma_turn_duration_seconds_bucket{le=\"0.0025\",channel=\"whatsapp\"} 0\n",
            "khidma_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/agent/conversations/{id}\",status=\"200\"} 1\n",
        ] {
            assert!(text.contains(line), "{line} in {text}");
        }
    }
}
