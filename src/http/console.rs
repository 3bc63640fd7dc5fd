//! The agents' console, `GET /agent`: a page, its ES modules and style
//! sheet, all compiled into the binary (no network beyond khidma itself),
//! and its sentences in Arabic and English from
//! `locales/<lang>/console.ftl`.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, web};

use serde_json::json;

use super::error::{ApiError, Code, ErrorBody};
use super::limits::Limits;
use crate::configuration::SupervisorTokens;
use crate::handoff::Teams;
use crate::i18n::{Lang, Localizer};

const PAGE: &str = include_str!("../../console/index.html");

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

/// Whose token the console was given: an agent's opens the queue, a
/// supervisor's the desk. Asked first at sign-in, so that neither kind of
/// token is refused on its way in; a token nobody holds is a `401`,
/// counted like any wrong token.
#[utoipa::path(get, path = "/api/v1/console/role", tag = "agents",
    security(("agent_token" = []), ("supervisor_token" = [])),
    responses(
        (status = 200, description = "`{\"role\": \"agent\"|\"supervisor\", \"name\": ...}`", body = Object),
        (status = 401, description = "No token, or one nobody holds", body = ErrorBody),
        (status = 429, description = "Too many wrong tokens from this address", body = ErrorBody),
    ))]
pub async fn role(
    request: HttpRequest,
    limits: web::Data<Limits>,
    teams: web::Data<Teams>,
    supervisors: web::Data<SupervisorTokens>,
) -> Result<HttpResponse, ApiError> {
    let token = limits.bearer(&request, "agent or supervisor")?;
    if let Some(agent) = teams.authenticate(token) {
        return Ok(HttpResponse::Ok().json(json!({"role": "agent", "name": agent.name})));
    }
    if let Some(name) = supervisors.find(token) {
        return Ok(HttpResponse::Ok().json(json!({"role": "supervisor", "name": name})));
    }
    Err(limits.wrong_token(&request, "agent or supervisor"))
}

/// Every file the page loads, by its name under `/agent/`. A module the
/// browser imports must be listed here (a test checks that each file of
/// `console/` is).
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "console.js",
        include_str!("../../console/console.js"),
        JAVASCRIPT,
    ),
    ("api.js", include_str!("../../console/api.js"), JAVASCRIPT),
    (
        "conversation.js",
        include_str!("../../console/conversation.js"),
        JAVASCRIPT,
    ),
    ("dom.js", include_str!("../../console/dom.js"), JAVASCRIPT),
    (
        "events.js",
        include_str!("../../console/events.js"),
        JAVASCRIPT,
    ),
    (
        "incident.js",
        include_str!("../../console/incident.js"),
        JAVASCRIPT,
    ),
    (
        "presence.js",
        include_str!("../../console/presence.js"),
        JAVASCRIPT,
    ),
    (
        "queue.js",
        include_str!("../../console/queue.js"),
        JAVASCRIPT,
    ),
    (
        "replies.js",
        include_str!("../../console/replies.js"),
        JAVASCRIPT,
    ),
    (
        "session.js",
        include_str!("../../console/session.js"),
        JAVASCRIPT,
    ),
    (
        "state.js",
        include_str!("../../console/state.js"),
        JAVASCRIPT,
    ),
    (
        "ticks.js",
        include_str!("../../console/ticks.js"),
        JAVASCRIPT,
    ),
    ("sla.js", include_str!("../../console/sla.js"), JAVASCRIPT),
    (
        "strings.js",
        include_str!("../../console/strings.js"),
        JAVASCRIPT,
    ),
    (
        "alerts.js",
        include_str!("../../console/alerts.js"),
        JAVASCRIPT,
    ),
    (
        "notes.js",
        include_str!("../../console/notes.js"),
        JAVASCRIPT,
    ),
    (
        "outcome.js",
        include_str!("../../console/outcome.js"),
        JAVASCRIPT,
    ),
    (
        "supervisor.js",
        include_str!("../../console/supervisor.js"),
        JAVASCRIPT,
    ),
    (
        "transfer.js",
        include_str!("../../console/transfer.js"),
        JAVASCRIPT,
    ),
    (
        "console.css",
        include_str!("../../console/console.css"),
        "text/css; charset=utf-8",
    ),
];

/// Everything the page loads comes from khidma itself; no inline script or
/// style, no frames, no plugins.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The prefix of the console's messages in `locales/`.
const MESSAGE_PREFIX: &str = "console-";

fn etag_of(body: &str) -> String {
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

fn secure(builder: &mut HttpResponseBuilder) {
    builder
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"));
}

/// `body` with security headers and an ETag; the browser revalidates each
/// time (`no-cache`) and gets a `304` while the binary is the same. The
/// dashboard's pages (`dashboard.rs`) are served the same way.
pub(super) fn respond(
    request: &HttpRequest,
    body: String,
    content_type: &'static str,
) -> HttpResponse {
    let etag = etag_of(&body);
    let unchanged = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    let mut builder = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    secure(&mut builder);
    builder
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((
            header::ETAG,
            HeaderValue::from_str(&etag).expect("an ETag is ASCII"),
        ));
    if unchanged {
        builder.finish()
    } else {
        builder.content_type(content_type).body(body)
    }
}

/// The agents' console page (also at `/agent/`).
#[utoipa::path(get, path = "/agent", tag = "console",
    responses((status = 200, description = "The console's HTML page", content_type = "text/html", body = String)))]
pub async fn page(request: HttpRequest) -> HttpResponse {
    respond(&request, PAGE.to_owned(), "text/html; charset=utf-8")
}

/// A script module or the style sheet.
#[utoipa::path(get, path = "/agent/{file}", tag = "console",
    params(("file" = String, Path, description = "A file of `console/`")),
    responses(
        (status = 200, description = "The file", content_type = "text/javascript", body = String),
        (status = 404, description = "No such file", body = ErrorBody),
    ))]
pub async fn asset(
    request: HttpRequest,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (_, body, content_type) = ASSETS
        .iter()
        .find(|(file, _, _)| *file == name.as_str())
        .ok_or_else(|| ApiError::new(Code::NotFound, "the console has no such file"))?;
    Ok(respond(&request, (*body).to_owned(), content_type))
}

/// Every `console-*` message in `ar` or `en`, as one JSON object.
#[utoipa::path(get, path = "/agent/strings/{lang}", tag = "console",
    params(("lang" = String, Path, description = "`ar` or `en`")),
    responses(
        (status = 200, description = "The console's labels, by message id", body = Object),
        (status = 404, description = "No such language", body = ErrorBody),
    ))]
pub async fn strings(
    request: HttpRequest,
    lang: web::Path<String>,
    localizer: web::Data<Localizer>,
) -> Result<HttpResponse, ApiError> {
    strings_with_prefix(&request, &lang, &localizer, MESSAGE_PREFIX)
}

/// Every message whose id starts with `prefix`, in `lang` (`ar` or `en`),
/// as one JSON object: the labels a page of ours shows (the console's, the
/// dashboard's).
pub(super) fn strings_with_prefix(
    request: &HttpRequest,
    lang: &str,
    localizer: &Localizer,
    prefix: &str,
) -> Result<HttpResponse, ApiError> {
    let lang: Lang = match lang {
        "ar" => Lang::Ar,
        "en" => Lang::En,
        _ => {
            return Err(ApiError::new(
                Code::NotFound,
                "no strings in that language: use ar or en",
            ));
        }
    };
    let messages = localizer.messages_with_prefix(lang, prefix);
    let body = serde_json::to_string(&messages).map_err(ApiError::internal)?;
    Ok(respond(request, body, "application/json; charset=utf-8"))
}
