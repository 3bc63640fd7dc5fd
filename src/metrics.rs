//! Counters for `GET /metrics`, in the Prometheus text format. One registry
//! per application, passed around rather than global, so that the many apps
//! of the integration tests count apart.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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

    fn name(self) -> &'static str {
        match self {
            Counter::WebhookEvents => "khidma_webhook_events_total",
            Counter::WebhookDuplicates => "khidma_webhook_duplicates_total",
            Counter::WebhookRejected => "khidma_webhook_rejected_total",
            Counter::Sends => "khidma_sends_total",
            Counter::SendRetries => "khidma_send_retries_total",
            Counter::SendFailures => "khidma_send_failures_total",
            Counter::FailedStatuses => "khidma_failed_statuses_total",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Counter::WebhookEvents => {
                "Messages and failed statuses accepted from platform webhooks."
            }
            Counter::WebhookDuplicates => "Platform re-deliveries of messages already accepted.",
            Counter::WebhookRejected => "Webhook requests refused (verification or body).",
            Counter::Sends => "Successful platform API calls.",
            Counter::SendRetries => "Platform API calls retried after a transient failure.",
            Counter::SendFailures => "Replies that failed for good and were recorded.",
            Counter::FailedStatuses => "Failed delivery statuses reported by WhatsApp.",
        }
    }
}

#[derive(Default)]
pub struct Metrics {
    // A lock per increment costs far less than the HTTP request around it.
    counters: Mutex<BTreeMap<(Counter, &'static str), u64>>,
}

impl Metrics {
    pub fn increment(&self, counter: Counter, channel: &'static str) {
        let mut counters = self
            .counters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *counters.entry((counter, channel)).or_default() += 1;
    }

    pub fn get(&self, counter: Counter, channel: &'static str) -> u64 {
        let counters = self
            .counters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        counters
            .get(&(counter, channel))
            .copied()
            .unwrap_or_default()
    }

    /// Every counter, zero or not, so that dashboards see each series.
    pub fn render(&self) -> String {
        let counters = self
            .counters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut text = String::new();
        for counter in Counter::ALL {
            let name = counter.name();
            let _ = writeln!(text, "# HELP {name} {}", counter.help());
            let _ = writeln!(text, "# TYPE {name} counter");
            let mut any = false;
            for ((_, channel), value) in counters
                .range((counter, "")..)
                .take_while(|((c, _), _)| *c == counter)
            {
                let _ = writeln!(text, "{name}{{channel=\"{channel}\"}} {value}");
                any = true;
            }
            if !any {
                let _ = writeln!(text, "{name} 0");
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_per_channel_in_prometheus_text() {
        let metrics = Metrics::default();
        metrics.increment(Counter::WebhookEvents, "whatsapp");
        metrics.increment(Counter::WebhookEvents, "whatsapp");
        metrics.increment(Counter::WebhookEvents, "telegram");
        let text = metrics.render();
        assert!(
            text.contains("khidma_webhook_events_total{channel=\"whatsapp\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("khidma_webhook_events_total{channel=\"telegram\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "# TYPE khidma_send_failures_total counter\nkhidma_send_failures_total 0\n"
            ),
            "{text}"
        );
        assert_eq!(metrics.get(Counter::WebhookEvents, "whatsapp"), 2);
    }
}
