//! Builds the application from settings, for `khidma serve`, `khidma ask`
//! and the integration tests alike.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use tracing_actix_web::TracingLogger;

use crate::bot::Bot;
use crate::channels::{Channels, Outbound};
use crate::configuration::Settings;
use crate::handoff::{
    AgentService, Desk, HandoffStore, MemoryHandoffStore, RedisHandoffStore, Teams,
};
use crate::i18n::Localizer;
use crate::kb::{self, KbError, KbHandle, KnowledgeBase, RetrievalOptions};
use crate::metrics::Metrics;
use crate::state::{ConversationStore, MemoryStore, RedisStore};
use crate::worker::{Worker, WorkerHandle};

/// Loads the knowledge base and the locales and sets up state: everything a
/// message needs, with no server around it.
pub fn build_bot(settings: &Settings) -> anyhow::Result<Bot> {
    let kb = load_kb(settings)?;
    let localizer = Arc::new(
        Localizer::load(&settings.locales.dir)
            .with_context(|| format!("loading locales from {}", settings.locales.dir.display()))?
            .with_emergency_number(&settings.handoff.emergency_number),
    );
    let (store, handoff_store) = build_stores(settings)?;
    let teams = Teams::from_settings(&settings.handoff)?;
    let kb = KbHandle::new(kb);
    let desk = Desk::new(
        handoff_store,
        teams,
        localizer.clone(),
        kb.clone(),
        settings.handoff.incident_window(),
    );
    Ok(Bot::new(kb, store, localizer).with_desk(Arc::new(desk)))
}

/// Redis when `REDIS_URL` is set, this process's memory otherwise: the
/// conversations, and the handoff state beside them.
fn build_stores(
    settings: &Settings,
) -> anyhow::Result<(Arc<dyn ConversationStore>, Arc<dyn HandoffStore>)> {
    let state = &settings.state;
    let handoff = &settings.handoff;
    match &state.redis_url {
        Some(url) => {
            let store = RedisStore::new(url.expose(), state.redis_options())
                .context("setting up the redis state store")?;
            tracing::info!(
                redis = %store.address(),
                key_prefix = state.key_prefix.as_str(),
                "using redis for conversation state"
            );
            let handoff_store =
                RedisHandoffStore::new(store.clone(), handoff.history_limit, handoff.history_ttl());
            Ok((Arc::new(store), Arc::new(handoff_store)))
        }
        None => Ok((
            Arc::new(
                MemoryStore::new(state.idle_ttl(), state.dedup_ttl())
                    .with_memory_retention(state.memory_retention()),
            ),
            Arc::new(MemoryHandoffStore::new(handoff.history_limit)),
        )),
    }
}

fn load_kb(settings: &Settings) -> anyhow::Result<KnowledgeBase> {
    let dir = &settings.kb.dir;
    match KnowledgeBase::load(dir, RetrievalOptions::default()) {
        Ok(kb) => {
            for warning in kb.warnings() {
                tracing::warn!(%warning, "knowledge base warning");
            }
            Ok(kb)
        }
        Err(KbError::Invalid(failed)) => {
            for error in &failed.errors {
                tracing::error!(%error, "knowledge base error");
            }
            Err(anyhow::Error::new(failed).context(format!(
                "the knowledge base in {} does not load",
                dir.display()
            )))
        }
        Err(err) => Err(anyhow::Error::new(err).context("building the search index")),
    }
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

pub struct Application {
    port: u16,
    server: Server,
    worker: WorkerHandle,
    /// Sends waiting citizens their updates; stopped with the server.
    updates: Option<tokio::task::JoinHandle<()>>,
    store: Arc<dyn ConversationStore>,
    _watcher: Option<kb::watch::KbWatcher>,
}

impl Application {
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let started = std::time::Instant::now();
        let bot = build_bot(&settings)?;
        let watcher = if settings.kb.watch {
            Some(
                kb::watch(
                    &settings.kb.dir,
                    bot.kb().clone(),
                    RetrievalOptions::default(),
                    settings.kb.reload_debounce(),
                )
                .context("watching the knowledge base folder")?,
            )
        } else {
            None
        };
        let metrics = Arc::new(Metrics::default());
        let outbound = Arc::new(
            Outbound::new(&settings.outbound, metrics.clone())
                .context("building the HTTP client for the platforms")?,
        );
        let channels = Channels::from_settings(&settings, outbound, bot.localizer().clone())
            .context("configuring the messaging channels")?;
        let listener = TcpListener::bind(settings.server.bind)
            .with_context(|| format!("binding {}", settings.server.bind))?;
        let address = listener.local_addr()?;
        let kb = bot.kb().current();
        tracing::info!(
            address = %address,
            knowledge_base = %settings.kb.dir.display(),
            entries = kb.entries().len(),
            index_build_ms = kb.build_time().as_secs_f64() * 1000.0,
            startup_ms = started.elapsed().as_secs_f64() * 1000.0,
            store = bot.store().kind(),
            "khidma is listening; conversation state is kept {}",
            match bot.store().kind() {
                "redis" => "in redis (shared by every instance)",
                _ => "in memory (single process, lost on exit)",
            }
        );
        tracing::info!(channels = ?channels.names(), "messaging channels on");
        let worker = Worker::new(bot.clone(), channels.clone(), metrics.clone())
            .spawn(settings.outbound.worker_concurrency);
        let max_body_bytes = settings.server.max_body_bytes;
        let store = bot.store().clone();
        let agents = web::Data::new(AgentService::new(
            bot.desk()
                .context("build_bot gives the bot a desk")?
                .clone(),
            store.clone(),
            channels.clone(),
            bot.localizer().clone(),
            settings.handoff.incident_send_concurrency,
        ));
        let updates = settings
            .handoff
            .unclaimed_update()
            .map(|every| spawn_waiting_updates(agents.clone().into_inner(), every));
        let data = web::Data::new(bot);
        let channels = web::Data::new(channels);
        let metrics = web::Data::from(metrics);
        let mut server = HttpServer::new(move || {
            App::new()
                .wrap(TracingLogger::default())
                .app_data(data.clone())
                .app_data(channels.clone())
                .app_data(metrics.clone())
                .app_data(agents.clone())
                .configure(crate::http::configure(max_body_bytes))
        })
        .listen(listener)?;
        if settings.server.workers > 0 {
            server = server.workers(settings.server.workers);
        }
        Ok(Self {
            port: address.port(),
            server: server.run(),
            worker,
            updates,
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
    /// worker finish the turns it has started.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(updates) = self.updates {
            updates.abort();
        }
        self.worker.stop().await;
        served
    }
}
