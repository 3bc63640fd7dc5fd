//! The OpenAPI 3 document of every route, generated from the handlers'
//! `#[utoipa::path]` annotations and served at `GET /openapi.json`. A
//! route added to `ROUTES` (`mod.rs`) without its annotation listed here
//! fails `tests/api/openapi.rs`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

use super::error::ErrorBody;
use super::{
    admin, agent, console, dashboard, desk, health, messages, public, replies, reports, supervisor,
    templates, webhooks,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "khidma",
        description = "Arabic-first, bilingual citizen-service chatbot: web chat, platform webhooks, the agents' API, the console and operators' endpoints. Every error is `{\"error\": {\"code\", \"message\"}}`."
    ),
    paths(
        health::healthz,
        health::readyz,
        health::metrics,
        document,
        webhooks::subscribe,
        webhooks::receive,
        console::page,
        console::asset,
        console::strings,
        console::role,
        dashboard::page,
        dashboard::asset,
        dashboard::strings,
        dashboard::performance,
        dashboard::observatory,
        messages::post_message,
        messages::agent_messages,
        agent::me,
        agent::queue,
        agent::incidents,
        agent::incident,
        agent::post_incident_update,
        agent::resolve_incident,
        agent::events,
        agent::ratings,
        agent::conversation,
        agent::claim,
        agent::send,
        agent::resolve,
        agent::note,
        desk::transfer,
        desk::presence,
        desk::set_presence,
        templates::send_reply_template,
        replies::replies,
        replies::entries,
        admin::erase,
        admin::export,
        reports::summary,
        reports::timeseries,
        reports::hours,
        reports::topics,
        reports::districts,
        reports::teams,
        reports::unanswered,
        reports::alerts,
        reports::export,
        public::cx,
        public::observatory,
        supervisor::events,
        supervisor::desk,
        supervisor::transfer,
    ),
    components(schemas(ErrorBody)),
    modifiers(&AgentToken, &Aliases)
)]
struct ApiDoc;

/// `Authorization: Bearer <token>`: an agent's (`KHIDMA_AGENT_TOKENS`) or
/// a supervisor's (`KHIDMA_SUPERVISOR_TOKENS`).
struct AgentToken;

impl Modify for AgentToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "agent_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        components.add_security_scheme(
            "supervisor_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Paths served by the handler of another: `/agent/` is `/agent`, and
/// `/dashboard/` is `/dashboard`.
struct Aliases;

impl Modify for Aliases {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, operation_id) in [
            ("/agent", "page_with_slash"),
            ("/dashboard", "dashboard_page_with_slash"),
        ] {
            let Some(mut page) = openapi.paths.paths.get(path).cloned() else {
                continue;
            };
            // Operation ids are unique in a document.
            if let Some(get) = page.get.as_mut() {
                get.operation_id = Some(operation_id.to_owned());
            }
            openapi.paths.paths.insert(format!("{path}/"), page);
        }
    }
}

/// Error answers that many routes share, each in the one error shape.
macro_rules! error_responses {
    ($($(#[$doc:meta])* $name:ident { $($status:literal => $description:literal,)+ })*) => {$(
        $(#[$doc])*
        pub(super) struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                [$(($status, $description),)+]
                    .into_iter()
                    .map(|(status, description)| (status.to_owned(), error_response(description)))
                    .collect()
            }
        }
    )*};
}

error_responses! {
    /// What any agent call may answer.
    AgentRefusals {
        "401" => "No or wrong agent token",
        "429" => "Too many wrong tokens from this address lately (whatever the token); see Retry-After",
        "503" => "The state store is unavailable",
    }
    /// A conversation or incident the agent may not act on.
    NotTheirs {
        "403" => "Not in the team that has it",
        "404" => "No such conversation or incident",
    }
}

fn error_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build()
        .into()
}

static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi().to_pretty_json().unwrap_or_else(|err| {
        format!("{{\"error\": \"the document could not be written: {err}\"}}")
    })
});

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operators",
    responses((status = 200, description = "The OpenAPI 3 document of every route", body = Object)))]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT.as_str())
}
