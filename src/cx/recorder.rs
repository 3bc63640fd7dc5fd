//! The one way the application records events: [`Recorder::record`] puts an
//! event in a bounded buffer and returns at once, and a background task
//! writes what the buffer holds in batches. A citizen's turn never waits on
//! the event store and never fails because of it: while the store is down
//! or slow, the batch in hand is retried with backoff and new events wait
//! in the buffer; once that is full, new ones are dropped and counted
//! (`khidma_cx_events_dropped_total`). An outage is logged once, when it
//! starts and when it ends, with no personal data.
//!
//! The task also opens the store when it could not be opened at start
//! (events then wait in the buffer like in any outage), and sweeps it every
//! hour for retention.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use jiff::tz::TimeZone;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::{CxEvent, EventStore};
use crate::configuration::CxSettings;
use crate::conversation::now_ms;
use crate::metrics::Metrics;

/// Waits between attempts while the store fails: from this...
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// ...doubling up to this.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How often a store that would not open is tried again, with no events.
const REOPEN_EVERY: Duration = Duration::from_secs(5);
/// How often old texts and events are swept.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);
/// On shutdown, how long the last events may take to be written before
/// they are given up (and counted as dropped).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Records events; cheap to clone. Made by [`Recorder::start`], or
/// [`Recorder::off`] when `cx.enabled` is false.
#[derive(Clone)]
pub struct Recorder {
    sender: Option<mpsc::Sender<CxEvent>>,
    metrics: Arc<Metrics>,
    store: Arc<OnceLock<EventStore>>,
    /// Whether the first attempt to open the store is over: until then a
    /// store not yet open is starting, not down.
    tried: Arc<AtomicBool>,
}

/// Stops the recorder's task, after it wrote what it holds.
pub struct RecorderTask {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Recorder {
    /// Records nothing: `cx.enabled = false`.
    pub fn off(metrics: Arc<Metrics>) -> Self {
        Self {
            sender: None,
            metrics,
            store: Arc::new(OnceLock::new()),
            tried: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Starts the writing task, which opens the store (and keeps trying
    /// while it cannot: events wait in the buffer as in any outage).
    pub fn start(
        settings: &CxSettings,
        time_zone: TimeZone,
        metrics: Arc<Metrics>,
    ) -> (Self, RecorderTask) {
        let (sender, receiver) = mpsc::channel(settings.buffer.get());
        let slot = Arc::new(OnceLock::new());
        let tried = Arc::new(AtomicBool::new(false));
        let (stop, stopped) = watch::channel(false);
        let writer = Writer {
            receiver,
            slot: slot.clone(),
            tried: tried.clone(),
            settings: settings.clone(),
            time_zone,
            metrics: metrics.clone(),
            stopped,
            failing: false,
        };
        let task = tokio::spawn(writer.run());
        (
            Self {
                sender: Some(sender),
                metrics,
                store: slot,
                tried,
            },
            RecorderTask { stop, task },
        )
    }

    /// Records an event, or drops and counts it when the buffer is full.
    /// Never waits.
    pub fn record(&self, event: CxEvent) {
        let Some(sender) = &self.sender else {
            return;
        };
        if sender.try_send(event).is_err() {
            self.metrics.cx_dropped(1);
        }
    }

    /// Whether events are recorded at all.
    pub fn enabled(&self) -> bool {
        self.sender.is_some()
    }

    /// The event store, once it is open.
    pub fn store(&self) -> Option<&EventStore> {
        self.store.get()
    }

    /// Whether the store has been tried at least once (so that one not
    /// open is down rather than starting).
    pub fn tried_to_open(&self) -> bool {
        self.tried.load(Ordering::Relaxed)
    }

    /// The event store, waiting up to `within` for it to open; none when
    /// it does not (or events are not recorded).
    pub async fn ready(&self, within: Duration) -> Option<EventStore> {
        if !self.enabled() {
            return None;
        }
        let waited = tokio::time::timeout(within, async {
            loop {
                if let Some(store) = self.store.get() {
                    return store.clone();
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        waited.await.ok()
    }
}

impl RecorderTask {
    /// Writes what is buffered (for at most a few seconds), then ends.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(err) = self.task.await {
            tracing::error!(error = %err, "the event recorder ended abnormally");
        }
    }
}

struct Writer {
    receiver: mpsc::Receiver<CxEvent>,
    slot: Arc<OnceLock<EventStore>>,
    tried: Arc<AtomicBool>,
    settings: CxSettings,
    time_zone: TimeZone,
    metrics: Arc<Metrics>,
    stopped: watch::Receiver<bool>,
    /// In an outage: logged when it starts and when it ends, not per try.
    failing: bool,
}

impl Writer {
    async fn run(mut self) {
        let batch_size = self.settings.batch.get();
        let mut batch: Vec<CxEvent> = Vec::with_capacity(batch_size);
        // Open the store (or sweep it) at start; then sweep hourly, or try
        // opening again while it would not open.
        let mut next_sweep = tokio::time::Instant::now();
        loop {
            tokio::select! {
                received = self.receiver.recv_many(&mut batch, batch_size) => {
                    if received == 0 {
                        break;
                    }
                }
                _ = self.stopped.changed() => break,
                _ = tokio::time::sleep_until(next_sweep) => {
                    let after = match self.open().await {
                        Ok(store) => {
                            self.sweep(&store).await;
                            SWEEP_EVERY
                        }
                        Err(error) => {
                            self.failed(&error);
                            REOPEN_EVERY
                        }
                    };
                    next_sweep = tokio::time::Instant::now() + after;
                    continue;
                }
            }
            // Fill the batch for at most `flush_ms`: fewer, larger writes.
            let deadline = tokio::time::Instant::now() + self.settings.flush_interval();
            while batch.len() < batch_size {
                let room = batch_size - batch.len();
                match tokio::time::timeout_at(deadline, self.receiver.recv_many(&mut batch, room))
                    .await
                {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            if !self.write(&mut batch).await {
                break;
            }
        }
        self.drain(batch).await;
    }

    /// Writes the batch, retrying with backoff until it is written (true)
    /// or the recorder is stopped (false, the batch kept for `drain`).
    async fn write(&mut self, batch: &mut Vec<CxEvent>) -> bool {
        let mut backoff = FIRST_BACKOFF;
        loop {
            match self.try_write(batch).await {
                Ok(()) => return true,
                Err(error) => self.failed(&error),
            }
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = self.stopped.changed() => return false,
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    async fn try_write(&mut self, batch: &mut Vec<CxEvent>) -> Result<(), String> {
        let store = self.open().await?;
        store.insert(batch).await.map_err(|err| err.to_string())?;
        self.metrics.cx_written(batch.len());
        batch.clear();
        if self.failing {
            self.failing = false;
            tracing::info!("the event store answers again; buffered events were written");
        }
        Ok(())
    }

    /// The store, opening it if that failed before.
    async fn open(&self) -> Result<EventStore, String> {
        if let Some(store) = self.slot.get() {
            return Ok(store.clone());
        }
        let opened = EventStore::open(&self.settings, self.time_zone.clone()).await;
        self.tried.store(true, Ordering::Relaxed);
        let store = opened.map_err(|err| err.to_string())?;
        tracing::info!("the event store is open");
        Ok(self.slot.get_or_init(|| store).clone())
    }

    fn failed(&mut self, error: &str) {
        self.metrics.cx_write_failed();
        if !self.failing {
            self.failing = true;
            // The error is the driver's: it names no citizen (events are
            // bound as parameters, never written into the statement).
            tracing::error!(
                error,
                "the event store fails: events wait in memory, then are dropped and counted"
            );
        }
    }

    /// On shutdown: what is held and buffered, written within a grace
    /// period; what is left is counted as dropped.
    async fn drain(mut self, mut batch: Vec<CxEvent>) {
        self.receiver.close();
        while self.receiver.recv_many(&mut batch, usize::MAX).await > 0 {}
        if batch.is_empty() {
            return;
        }
        let held = batch.len();
        let written = tokio::time::timeout(SHUTDOWN_GRACE, self.try_write(&mut batch)).await;
        if !matches!(written, Ok(Ok(()))) {
            self.metrics.cx_dropped(held);
            tracing::error!(
                events = held,
                "events could not be written before shutdown and were lost"
            );
        }
    }

    /// Retention: texts blanked, then old events deleted.
    async fn sweep(&self, store: &EventStore) {
        let now = now_ms();
        let before =
            |retention: Duration| now - i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
        let texts = before(self.settings.text_retention());
        let events = before(self.settings.event_retention());
        if let Err(err) = store.sweep(texts, events).await {
            tracing::warn!(error = %err, "the event store's retention sweep failed; it runs again in an hour");
        }
    }
}
