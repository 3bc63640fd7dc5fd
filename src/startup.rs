//! Builds the application from settings, for `khidma serve`, `khidma ask`
//! and the integration tests alike.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::agents::AgentService;
use crate::agents::assignment::AutoAssignment;
use crate::channels::{Channels, Outbound, Web, web};
use crate::configuration::Settings;
use crate::cx::{Recorder, RecorderTask};
use crate::handoff::{
    Desk, HandoffRetention, HandoffStore, MemoryHandoffStore, RedisHandoffStore, Teams,
};
use crate::http::{self, Server, Services};
use crate::i18n::Localizer;
use crate::kb::last_good::LastGood;
use crate::kb::{
    self, Degraded, DegradedReason, KbError, KbHandle, KnowledgeBase, RetrievalOptions,
};
use crate::metrics::Metrics;
use crate::pipeline::Pipeline;
use crate::privacy::Privacy;
use crate::reports::ReportSource;
use crate::reports::observatory::ObservatoryFetcher;
use crate::state::{ConversationStore, Limits, MemoryStore, RedisOptions, RedisStore};
use crate::worker::{Worker, WorkerHandle};

/// Everything a message needs, with no server around it: the knowledge
/// base, the locales, the stores and the desk.
struct Core {
    kb: KbHandle,
    localizer: Arc<Localizer>,
    store: Arc<dyn ConversationStore>,
    handoff_store: Arc<dyn HandoffStore>,
    teams: Arc<Teams>,
    desk: Arc<Desk>,
    metrics: Arc<Metrics>,
    recorder: Recorder,
    /// Writes the recorder's events; none when nothing is recorded.
    recorder_task: Option<RecorderTask>,
}

/// `record`: whether this use of the core records citizen-experience
/// events (the server does; `khidma ask`, a developer's try, does not).
fn build_core(settings: &Settings, record: bool) -> anyhow::Result<Core> {
    let kb = load_kb(settings)?;
    let metrics = Arc::new(Metrics::new().with_knowledge_base(kb.clone()));
    let (recorder, recorder_task) = if record && settings.cx.enabled {
        let time_zone = jiff::tz::TimeZone::get(&settings.handoff.time_zone)
            .with_context(|| format!("the time zone {}", settings.handoff.time_zone))?;
        let (recorder, task) = Recorder::start(&settings.cx, time_zone, metrics.clone());
        (recorder, Some(task))
    } else {
        (Recorder::off(metrics.clone()), None)
    };
    let localizer = Arc::new(
        Localizer::load(&settings.locales.dir)
            .with_context(|| format!("loading locales from {}", settings.locales.dir.display()))?
            .with_emergency_number(&settings.handoff.emergency_number),
    );
    let (store, handoff_store) = build_stores(settings, &metrics)?;
    let teams = Arc::new(Teams::from_settings(&settings.handoff)?);
    let desk = Desk::new(
        handoff_store.clone(),
        teams.clone(),
        localizer.clone(),
        kb.clone(),
        settings.handoff.incident_window(),
        recorder.clone(),
    );
    Ok(Core {
        kb,
        localizer,
        store,
        handoff_store,
        teams,
        desk: Arc::new(desk),
        metrics,
        recorder,
        recorder_task,
    })
}

/// The turn pipeline with no messaging platform, for `khidma ask`: web
/// chat's turns send nothing.
pub fn build_pipeline(settings: &Settings) -> anyhow::Result<Pipeline> {
    Ok(bare_pipeline(settings, build_core(settings, false)?))
}

fn bare_pipeline(settings: &Settings, core: Core) -> Pipeline {
    let web = Web::new(
        core.handoff_store,
        core.store.clone(),
        settings.access.webchat_keys.clone(),
    );
    Pipeline::new(
        core.kb,
        core.localizer,
        core.store,
        core.desk,
        Channels::web_only(Arc::new(web)),
        core.metrics,
    )
}

/// Erasure and export with no server around them, for `khidma erase`
/// (within a tokio runtime: the event store is opened in the background).
pub fn build_privacy(settings: &Settings) -> anyhow::Result<(Privacy, Option<RecorderTask>)> {
    let mut core = build_core(settings, true)?;
    let handoff = core.handoff_store.clone();
    let recorder = core.recorder.clone();
    let task = core.recorder_task.take();
    let pipeline = Arc::new(bare_pipeline(settings, core));
    Ok((Privacy::new(pipeline, handoff, recorder), task))
}

/// Redis when `REDIS_URL` is set, this process's memory otherwise: the
/// conversations, and the handoff state beside them.
fn build_stores(
    settings: &Settings,
    metrics: &Arc<Metrics>,
) -> anyhow::Result<(Arc<dyn ConversationStore>, Arc<dyn HandoffStore>)> {
    let state = &settings.state;
    let retention = &settings.retention;
    let handoff = HandoffRetention::from_settings(&settings.handoff, retention);
    match &state.redis_url {
        Some(url) => {
            let options = RedisOptions::from_settings(state, retention);
            let store = RedisStore::observed(url.expose(), options, Some(metrics.clone()))
                .context("setting up the redis state store")?;
            tracing::info!(
                redis = %store.address(),
                key_prefix = state.key_prefix.as_str(),
                "using redis for conversation state"
            );
            let handoff_store = RedisHandoffStore::with_retention(store.clone(), handoff);
            Ok((Arc::new(store), Arc::new(handoff_store)))
        }
        None => Ok((
            Arc::new(
                MemoryStore::new(state.idle_ttl(), state.dedup_ttl())
                    .with_memory_retention(state.memory_retention())
                    .with_waiting_ttl(retention.waiting())
                    .with_limits(Limits {
                        max_conversations: retention.in_memory_max_conversations.get(),
                        max_bytes: retention.in_memory_max_bytes.get(),
                    }),
            ),
            Arc::new(MemoryHandoffStore::with_retention(handoff)),
        )),
    }
}

/// The knowledge base from its folder; when that does not load and
/// `kb.last_good_dir` is set, the copy saved at the last successful load,
/// reported degraded. Each successful load refreshes that copy.
fn load_kb(settings: &Settings) -> anyhow::Result<KbHandle> {
    let dir = &settings.kb.dir;
    let last_good = settings.kb.last_good_dir.clone().map(LastGood::new);
    let (failure, errors): (anyhow::Error, Vec<String>) =
        match KnowledgeBase::load(dir, RetrievalOptions::default()) {
            Ok(kb) => {
                for warning in kb.warnings() {
                    tracing::warn!(%warning, "knowledge base warning");
                }
                if let Some(last_good) = &last_good {
                    last_good.keep(dir);
                }
                return Ok(KbHandle::new(kb));
            }
            Err(KbError::Invalid(failed)) => {
                for error in &failed.errors {
                    tracing::error!(%error, "knowledge base error");
                }
                let errors = failed.errors.iter().map(ToString::to_string).collect();
                let context = format!("the knowledge base in {} does not load", dir.display());
                (anyhow::Error::new(failed).context(context), errors)
            }
            Err(err) => {
                let errors = vec![err.to_string()];
                (
                    anyhow::Error::new(err).context("building the search index"),
                    errors,
                )
            }
        };
    let Some(last_good) = last_good else {
        return Err(failure);
    };
    let kb =
        KnowledgeBase::load(last_good.dir(), RetrievalOptions::default()).with_context(|| {
            format!(
                "{failure:#}; nor does its last good copy in {}",
                last_good.dir().display()
            )
        })?;
    tracing::error!(
        knowledge_base = %dir.display(),
        last_good_dir = %last_good.dir().display(),
        entries = kb.entries().len(),
        "the knowledge base does not load: its last good copy is served until the files are fixed"
    );
    Ok(KbHandle::degraded(
        kb,
        Degraded::new(DegradedReason::StartedFromLastGood, &errors),
    ))
}

/// Looks for citizens waiting too long a few times per `every` (at least
/// every 30 s); which instance sends an update does not matter.
fn spawn_waiting_updates(
    agents: Arc<AgentService>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    let period = (every / 4).clamp(Duration::from_millis(100), Duration::from_secs(30));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            match agents.update_unclaimed(every).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "waiting citizens were updated"),
                Err(err) => tracing::warn!(error = %err, "waiting updates failed"),
            }
        }
    })
}

/// Looks for silent agents' cases a few times per `idle` (at least every
/// 30 s); a case is returned by whichever instance finds it first.
fn spawn_idle_returns(agents: Arc<AgentService>, idle: Duration) -> tokio::task::JoinHandle<()> {
    let period = (idle / 4).clamp(Duration::from_millis(100), Duration::from_secs(30));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            if let Err(err) = agents.return_idle(idle).await {
                tracing::warn!(error = %err, "returning silent agents' cases failed");
            }
        }
    })
}

pub struct Application {
    port: u16,
    server: Server,
    worker: WorkerHandle,
    /// Sends waiting citizens their updates; stopped with the server.
    updates: Option<tokio::task::JoinHandle<()>>,
    /// Gives out cases of teams that assign automatically; stopped with
    /// the server.
    assignment: Option<tokio::task::JoinHandle<()>>,
    /// Returns silent agents' cases to the queue; stopped with the server.
    idle_returns: Option<tokio::task::JoinHandle<()>>,
    /// Evaluates the supervisors' alerts; stopped with the server.
    alerts: Option<tokio::task::JoinHandle<()>>,
    /// Watches service-level targets; stopped with the server.
    service_levels: Option<tokio::task::JoinHandle<()>>,
    /// Writes citizen-experience events; flushed after the worker stops.
    recorder: Option<RecorderTask>,
    store: Arc<dyn ConversationStore>,
    _watcher: Option<kb::watch::KbWatcher>,
}

impl Application {
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let started = std::time::Instant::now();
        let mut core = build_core(&settings, true)?;
        let recorder_task = core.recorder_task.take();
        let watcher = if settings.kb.watch {
            Some(
                kb::watch(
                    &settings.kb.dir,
                    core.kb.clone(),
                    RetrievalOptions::default(),
                    settings.kb.reload_debounce(),
                    settings.kb.last_good_dir.clone().map(LastGood::new),
                )
                .context("watching the knowledge base folder")?,
            )
        } else {
            None
        };
        let metrics = core.metrics.clone();
        let outbound = Arc::new(
            Outbound::new(&settings.outbound, metrics.clone())
                .context("building the HTTP client for the platforms")?,
        );
        let web = Arc::new(Web::new(
            core.handoff_store.clone(),
            core.store.clone(),
            settings.access.webchat_keys.clone(),
        ));
        let channels = Channels::from_settings(&settings, outbound, core.localizer.clone(), web)
            .context("configuring the messaging channels")?;
        let listener = TcpListener::bind(settings.server.bind)
            .with_context(|| format!("binding {}", settings.server.bind))?;
        let address = listener.local_addr()?;
        let kb = core.kb.current();
        tracing::info!(
            address = %address,
            knowledge_base = %settings.kb.dir.display(),
            entries = kb.entries().len(),
            index_build_ms = kb.build_time().as_secs_f64() * 1000.0,
            startup_ms = started.elapsed().as_secs_f64() * 1000.0,
            store = core.store.kind(),
            "khidma is listening; conversation state is kept {}",
            match core.store.kind() {
                "redis" => "in redis (shared by every instance)",
                _ => "in memory (single process, lost on exit)",
            }
        );
        tracing::info!(channels = ?channels.names(), "messaging channels on");
        let platforms: Vec<&'static str> = channels
            .names()
            .into_iter()
            .filter(|name| *name != web::NAME)
            .collect();
        metrics.show_channels(&platforms);
        let pipeline = Arc::new(Pipeline::new(
            core.kb.clone(),
            core.localizer.clone(),
            core.store.clone(),
            core.desk.clone(),
            channels.clone(),
            metrics.clone(),
        ));
        let worker = Worker::new(pipeline.clone()).spawn(settings.outbound.worker_concurrency);
        let agents = Arc::new(
            AgentService::new(
                core.desk.clone(),
                core.store.clone(),
                pipeline.clone(),
                core.localizer.clone(),
                settings.handoff.incident_send_concurrency,
            )
            .with_auto_assignment(AutoAssignment::from_settings(&settings.handoff.teams)),
        );
        let updates = settings
            .handoff
            .unclaimed_update()
            .map(|every| spawn_waiting_updates(agents.clone(), every));
        let assignment = crate::agents::assignment::spawn(agents.clone());
        let idle_returns = settings
            .handoff
            .idle_return()
            .map(|idle| spawn_idle_returns(agents.clone(), idle));
        let time_zone = jiff::tz::TimeZone::get(&settings.handoff.time_zone)
            .context("reading handoff.time_zone")?;
        let service_levels = crate::agents::service_levels::spawn(
            agents.clone(),
            &settings,
            core.recorder.clone(),
            core.teams.clone(),
            core.localizer.clone(),
        );
        let alerts = crate::cx::alerts::spawn(
            &settings.cx,
            core.recorder.clone(),
            core.handoff_store.clone(),
            core.teams.clone(),
            core.localizer.clone(),
        );
        let store = core.store.clone();
        let privacy = Arc::new(Privacy::new(
            pipeline.clone(),
            core.handoff_store.clone(),
            core.recorder.clone(),
        ));
        let services = Services {
            pipeline,
            agents,
            teams: core.teams,
            channels,
            store: core.store,
            handoff: core.handoff_store,
            kb: core.kb,
            localizer: core.localizer,
            metrics,
            privacy,
            supervisors: settings.access.supervisor_tokens.clone(),
            reports: ReportSource::recorded(
                settings.cx.clone(),
                time_zone.clone(),
                core.recorder.clone(),
            ),
            observatory: Arc::new(
                ObservatoryFetcher::new(settings.cx.observatory.clone())
                    .context("building the HTTP client for the observatory")?,
            ),
            recorder: core.recorder,
        };
        let server = http::serve(listener, services, &settings.server, &settings.limits)?;
        Ok(Self {
            port: address.port(),
            server,
            worker,
            updates,
            assignment,
            idle_returns,
            alerts,
            service_levels,
            recorder: recorder_task,
            store,
            _watcher: watcher,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The conversation store, for tests that check what was recorded.
    pub fn store(&self) -> Arc<dyn ConversationStore> {
        self.store.clone()
    }

    /// Serves until the server stops (on a signal), then lets the webhook
    /// worker finish the turns it has started, then writes the events they
    /// recorded.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.stopped().await;
        for task in [
            self.updates,
            self.assignment,
            self.idle_returns,
            self.alerts,
            self.service_levels,
        ]
        .into_iter()
        .flatten()
        {
            task.abort();
        }
        self.worker.stop().await;
        if let Some(recorder) = self.recorder {
            recorder.stop().await;
        }
        served
    }
}
