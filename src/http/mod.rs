//! The HTTP surface. Only this module knows actix-web; handlers turn requests
//! into calls on [`crate::pipeline::Pipeline`] and the agents' service, and
//! results into the JSON contract.

mod admin;
mod agent;
mod console;
mod error;
mod health;
mod messages;
mod webhooks;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::error::{JsonPayloadError, QueryPayloadError};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use tracing_actix_web::TracingLogger;

use crate::agents::AgentService;
use crate::channels::Channels;
use crate::configuration::{ServerSettings, SupervisorTokens};
use crate::handoff::{HandoffStore, Teams};
use crate::i18n::Localizer;
use crate::kb::KbHandle;
use crate::metrics::Metrics;
use crate::pipeline::Pipeline;
use crate::privacy::Privacy;
use crate::state::ConversationStore;
use error::{ApiError, Code};

/// What the handlers need; each is registered as its own `web::Data`, and
/// each handler takes only what it uses.
pub struct Services {
    pub pipeline: Arc<Pipeline>,
    pub agents: Arc<AgentService>,
    pub teams: Arc<Teams>,
    pub channels: Channels,
    pub store: Arc<dyn ConversationStore>,
    pub handoff: Arc<dyn HandoffStore>,
    pub kb: KbHandle,
    pub localizer: Arc<Localizer>,
    pub metrics: Arc<Metrics>,
    pub privacy: Arc<Privacy>,
    pub supervisors: SupervisorTokens,
}

/// A running HTTP server: it serves until a signal stops it.
pub struct Server(actix_web::dev::Server);

impl Server {
    /// Waits until the server has stopped.
    pub async fn stopped(self) -> std::io::Result<()> {
        self.0.await
    }
}

/// Serves the API on `listener`, on the current runtime.
pub fn serve(
    listener: TcpListener,
    services: Services,
    settings: &ServerSettings,
) -> std::io::Result<Server> {
    let max_body_bytes = settings.max_body_bytes;
    let pipeline = web::Data::from(services.pipeline);
    let agents = web::Data::from(services.agents);
    let teams = web::Data::from(services.teams);
    let web_chat = web::Data::from(services.channels.web().clone());
    let channels = web::Data::new(services.channels);
    let store = web::Data::from(services.store);
    let handoff = web::Data::from(services.handoff);
    let kb = web::Data::new(services.kb);
    let localizer = web::Data::from(services.localizer);
    let metrics = web::Data::from(services.metrics);
    let privacy = web::Data::from(services.privacy);
    let supervisors = web::Data::new(services.supervisors);
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(TracingLogger::default())
            .app_data(pipeline.clone())
            .app_data(agents.clone())
            .app_data(teams.clone())
            .app_data(web_chat.clone())
            .app_data(channels.clone())
            .app_data(store.clone())
            .app_data(handoff.clone())
            .app_data(kb.clone())
            .app_data(localizer.clone())
            .app_data(metrics.clone())
            .app_data(privacy.clone())
            .app_data(supervisors.clone())
            .configure(configure(max_body_bytes))
    })
    .listen(listener)?;
    if settings.workers > 0 {
        server = server.workers(settings.workers);
    }
    Ok(Server(server.run()))
}

/// Registers every route. `max_body_bytes` bounds JSON bodies.
fn configure(max_body_bytes: usize) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(
            web::JsonConfig::default()
                .limit(max_body_bytes)
                .error_handler(json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(health::metrics))
        .route("/webhooks/{channel}", web::get().to(webhooks::subscribe))
        .route("/webhooks/{channel}", web::post().to(webhooks::receive))
        .route("/agent", web::get().to(console::page))
        .route("/agent/", web::get().to(console::page))
        .route("/agent/{file}", web::get().to(console::asset))
        .route("/agent/strings/{lang}", web::get().to(console::strings))
        .route("/api/v1/messages", web::post().to(messages::post_message))
        .route(
            "/api/v1/conversations/{id}/messages",
            web::get().to(messages::agent_messages),
        )
        .route(
            "/api/v1/admin/conversations/{id}",
            web::delete().to(admin::erase),
        )
        .route(
            "/api/v1/admin/conversations/{id}/export",
            web::get().to(admin::export),
        )
        .service(
            web::scope("/api/v1/agent")
                .route("/me", web::get().to(agent::me))
                .route("/queue", web::get().to(agent::queue))
                .route("/incidents", web::get().to(agent::incidents))
                .route("/incidents/{id}", web::get().to(agent::incident))
                .route(
                    "/incidents/{id}/updates",
                    web::post().to(agent::post_incident_update),
                )
                .route(
                    "/incidents/{id}/resolve",
                    web::post().to(agent::resolve_incident),
                )
                .route("/events", web::get().to(agent::events))
                .route("/ratings", web::get().to(agent::ratings))
                .route("/conversations/{id}", web::get().to(agent::conversation))
                .route("/conversations/{id}/claim", web::post().to(agent::claim))
                .route("/conversations/{id}/messages", web::post().to(agent::send))
                .route(
                    "/conversations/{id}/resolve",
                    web::post().to(agent::resolve),
                ),
        )
        .default_service(web::to(not_found));
    }
}

/// Bad JSON is the client's mistake: a 400 (413 when too large) in the one
/// error shape, never actix's plain-text default.
fn json_error(err: JsonPayloadError, _request: &HttpRequest) -> actix_web::Error {
    let api_error = match &err {
        JsonPayloadError::OverflowKnownLength { length, limit } => ApiError::new(
            Code::PayloadTooLarge,
            format!("the body is {length} bytes; the limit is {limit}"),
        ),
        JsonPayloadError::Overflow { limit } => ApiError::new(
            Code::PayloadTooLarge,
            format!("the body is larger than the limit of {limit} bytes"),
        ),
        JsonPayloadError::ContentType => ApiError::new(
            Code::UnsupportedContentType,
            "send the body as application/json",
        ),
        JsonPayloadError::Deserialize(cause) if cause.is_data() => {
            ApiError::new(Code::InvalidRequest, cause.to_string())
        }
        JsonPayloadError::Deserialize(cause) => ApiError::new(
            Code::MalformedJson,
            format!("the body is not valid JSON: {cause}"),
        ),
        other => ApiError::new(Code::InvalidBody, other.to_string()),
    };
    api_error.into()
}

/// A query string that does not fit its handler: a 400 in the one shape.
fn query_error(err: QueryPayloadError, _request: &HttpRequest) -> actix_web::Error {
    ApiError::new(Code::InvalidRequest, err.to_string()).into()
}

async fn not_found(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        Code::NotFound,
        format!("no route for {} {}", request.method(), request.path()),
    ))
}
