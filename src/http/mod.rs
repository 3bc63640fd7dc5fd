//! The HTTP surface. Only this module knows actix-web; handlers turn requests
//! into calls on [`crate::pipeline::Pipeline`] and the agents' service, and
//! results into the JSON contract.

mod admin;
mod agent;
mod console;
mod dashboard;
mod desk;
mod error;
mod health;
mod limits;
mod messages;
mod observe;
mod openapi;
pub mod probe;
mod public;
mod replies;
mod reports;
mod supervisor;
mod templates;
mod webhooks;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::Method;
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, guard, web};

use crate::agents::AgentService;
use crate::channels::Channels;
use crate::configuration::{LimitSettings, ServerSettings, SupervisorTokens};
use crate::handoff::{HandoffStore, Teams};
use crate::i18n::Localizer;
use crate::kb::KbHandle;
use crate::metrics::Metrics;
use crate::pipeline::Pipeline;
use crate::privacy::Privacy;
use crate::reports::ReportSource;
use crate::reports::observatory::ObservatoryFetcher;
use crate::state::ConversationStore;
use error::{ApiError, Code, without_values};
use limits::Limits;

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
    pub reports: ReportSource,
    pub observatory: Arc<ObservatoryFetcher>,
    /// Records citizen-experience events; its store, once open, is what
    /// reports read.
    pub recorder: crate::cx::Recorder,
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
    limits: &LimitSettings,
) -> std::io::Result<Server> {
    let max_body_bytes = settings.max_body_bytes;
    let limits = web::Data::new(Limits::new(limits));
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
    let reports = web::Data::new(services.reports);
    let observatory = web::Data::from(services.observatory);
    let recorder = web::Data::new(services.recorder);
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(actix_web::middleware::from_fn(observe::observe))
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
            .app_data(limits.clone())
            .app_data(privacy.clone())
            .app_data(supervisors.clone())
            .app_data(reports.clone())
            .app_data(observatory.clone())
            .app_data(recorder.clone())
            .configure(configure(max_body_bytes))
    })
    .listen(listener)?;
    if settings.workers > 0 {
        server = server.workers(settings.workers);
    }
    Ok(Server(server.run()))
}

/// Declares every route once: [`ROUTES`] lists them (the OpenAPI document
/// must describe each, `tests/api/openapi.rs`), and `register` serves
/// them, each as `METHOD "path" => handler`, with `, web_chat` for the
/// routes under the per-client web-chat limit.
macro_rules! routes {
    ($($method:ident $path:literal => $handler:path $(, $limit:ident)?;)*) => {
        /// Every (method, path) the server answers.
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path),)*];

        fn register(cfg: &mut web::ServiceConfig) {
            $(cfg.service(routes!(@resource $method $path $handler $(, $limit)?));)*
        }
    };
    (@resource $method:ident $path:literal $handler:path) => {
        web::resource($path)
            .guard(guard::Method(Method::$method))
            .route(web::method(Method::$method).to($handler))
    };
    (@resource $method:ident $path:literal $handler:path, $limit:ident) => {
        routes!(@resource $method $path $handler).wrap(from_fn(limits::$limit))
    };
}

routes! {
    GET "/healthz" => health::healthz;
    GET "/readyz" => health::readyz;
    GET "/metrics" => health::metrics;
    GET "/openapi.json" => openapi::document;
    GET "/webhooks/{channel}" => webhooks::subscribe;
    POST "/webhooks/{channel}" => webhooks::receive;
    GET "/agent" => console::page;
    GET "/agent/" => console::page;
    GET "/agent/{file}" => console::asset;
    GET "/agent/strings/{lang}" => console::strings;
    GET "/dashboard" => dashboard::page;
    GET "/dashboard/" => dashboard::page;
    GET "/dashboard/{file}" => dashboard::asset;
    GET "/dashboard/strings/{lang}" => dashboard::strings;
    GET "/performance" => dashboard::performance;
    GET "/observatory" => dashboard::observatory;
    POST "/api/v1/messages" => messages::post_message, web_chat;
    GET "/api/v1/conversations/{id}/messages" => messages::agent_messages, web_chat;
    GET "/api/v1/console/role" => console::role;
    GET "/api/v1/agent/me" => agent::me;
    GET "/api/v1/agent/queue" => agent::queue;
    GET "/api/v1/agent/incidents" => agent::incidents;
    GET "/api/v1/agent/incidents/{id}" => agent::incident;
    POST "/api/v1/agent/incidents/{id}/updates" => agent::post_incident_update;
    POST "/api/v1/agent/incidents/{id}/resolve" => agent::resolve_incident;
    GET "/api/v1/agent/events" => agent::events;
    GET "/api/v1/agent/ratings" => agent::ratings;
    GET "/api/v1/agent/conversations/{id}" => agent::conversation;
    POST "/api/v1/agent/conversations/{id}/claim" => agent::claim;
    POST "/api/v1/agent/conversations/{id}/messages" => agent::send;
    POST "/api/v1/agent/conversations/{id}/resolve" => agent::resolve;
    POST "/api/v1/agent/conversations/{id}/notes" => agent::note;
    POST "/api/v1/agent/conversations/{id}/transfer" => desk::transfer;
    GET "/api/v1/agent/presence" => desk::presence;
    PUT "/api/v1/agent/presence" => desk::set_presence;
    POST "/api/v1/agent/conversations/{id}/template" => templates::send_reply_template;
    GET "/api/v1/agent/replies" => replies::replies;
    GET "/api/v1/agent/entries" => replies::entries;
    DELETE "/api/v1/admin/conversations/{id}" => admin::erase;
    GET "/api/v1/admin/conversations/{id}/export" => admin::export;
    GET "/api/v1/reports/summary" => reports::summary;
    GET "/api/v1/reports/timeseries" => reports::timeseries;
    GET "/api/v1/reports/hours" => reports::hours;
    GET "/api/v1/reports/topics" => reports::topics;
    GET "/api/v1/reports/districts" => reports::districts;
    GET "/api/v1/reports/teams" => reports::teams;
    GET "/api/v1/reports/unanswered" => reports::unanswered;
    GET "/api/v1/reports/alerts" => reports::alerts;
    GET "/api/v1/reports/export.csv" => reports::export;
    GET "/api/v1/public/cx" => public::cx;
    GET "/api/v1/public/observatory" => public::observatory;
    GET "/api/v1/supervisor/events" => supervisor::events;
    GET "/api/v1/supervisor/desk" => supervisor::desk;
    POST "/api/v1/supervisor/conversations/{id}/transfer" => supervisor::transfer;
}

/// Registers every route, and how requests that do not fit one are
/// answered: always in the one error shape. `max_body_bytes` bounds JSON
/// bodies.
fn configure(max_body_bytes: usize) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(
            web::JsonConfig::default()
                .limit(max_body_bytes)
                .error_handler(json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .configure(register)
        .default_service(web::to(not_found));
    }
}

/// Bad JSON is the client's mistake: a 400 (413 when too large) in the one
/// error shape, never actix's plain-text default. Messages name fields but
/// never repeat the values sent.
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
            ApiError::new(Code::InvalidRequest, without_values(&cause.to_string()))
        }
        JsonPayloadError::Deserialize(cause) => ApiError::new(
            Code::MalformedJson,
            format!(
                "the body is not valid JSON: {}",
                without_values(&cause.to_string())
            ),
        ),
        _ => ApiError::new(Code::InvalidBody, "the body could not be read"),
    };
    api_error.into()
}

/// A query string that does not fit its handler: a 400 in the one shape.
fn query_error(err: QueryPayloadError, _request: &HttpRequest) -> actix_web::Error {
    let QueryPayloadError::Deserialize(cause) = &err else {
        return ApiError::new(Code::InvalidRequest, "the query string does not fit").into();
    };
    ApiError::new(
        Code::InvalidRequest,
        format!(
            "the query string does not fit: {}",
            without_values(&cause.to_string())
        ),
    )
    .into()
}

/// A path segment that is not an id of its kind names nothing: a 404.
fn path_error(_err: PathError, _request: &HttpRequest) -> actix_web::Error {
    ApiError::new(Code::NotFound, "nothing here has that id").into()
}

/// The `Authorization: Bearer` value: for web chat a portal key or a
/// session token, for the agent and admin APIs a token.
fn bearer(request: &HttpRequest) -> Option<&str> {
    request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        Code::NotFound,
        "no such route; GET /openapi.json lists them",
    ))
}
