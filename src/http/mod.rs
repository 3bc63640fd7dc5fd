//! The HTTP surface. Only this module knows actix-web; handlers turn requests
//! into calls on [`crate::pipeline::Pipeline`] and the agents' service, and
//! results into the JSON contract.

mod agent;
mod console;
mod health;
mod messages;
mod webhooks;

use actix_web::error::JsonPayloadError;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;

/// Registers every route. `max_body_bytes` bounds JSON bodies.
pub fn configure(max_body_bytes: usize) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(
            web::JsonConfig::default()
                .limit(max_body_bytes)
                .error_handler(json_error),
        )
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(health::metrics))
        .route("/webhooks/{channel}", web::get().to(webhooks::subscribe))
        .route("/webhooks/{channel}", web::post().to(webhooks::receive))
        .route("/agent", web::get().to(console::page))
        .route("/agent/", web::get().to(console::page))
        .route("/agent/console.js", web::get().to(console::script))
        .route("/agent/console.css", web::get().to(console::style))
        .route("/agent/strings/{lang}", web::get().to(console::strings))
        .route("/api/v1/messages", web::post().to(messages::post_message))
        .route(
            "/api/v1/conversations/{id}/messages",
            web::get().to(messages::agent_messages),
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

/// Bad JSON is the client's mistake: a 400 in the one error shape, never
/// actix's plain-text default.
fn json_error(err: JsonPayloadError, _request: &HttpRequest) -> actix_web::Error {
    let api_error = match &err {
        JsonPayloadError::OverflowKnownLength { length, limit } => ApiError::bad_request(
            "payload_too_large",
            format!("the body is {length} bytes; the limit is {limit}"),
        ),
        JsonPayloadError::Overflow { limit } => ApiError::bad_request(
            "payload_too_large",
            format!("the body is larger than the limit of {limit} bytes"),
        ),
        JsonPayloadError::ContentType => ApiError::bad_request(
            "unsupported_content_type",
            "send the body as application/json",
        ),
        JsonPayloadError::Deserialize(cause) if cause.is_data() => {
            ApiError::bad_request("invalid_request", cause.to_string())
        }
        JsonPayloadError::Deserialize(cause) => ApiError::bad_request(
            "malformed_json",
            format!("the body is not valid JSON: {cause}"),
        ),
        other => ApiError::bad_request("invalid_body", other.to_string()),
    };
    api_error.into()
}

async fn not_found(request: HttpRequest) -> HttpResponse {
    actix_web::ResponseError::error_response(&ApiError::NotFound(format!(
        "no route for {} {}",
        request.method(),
        request.path()
    )))
}
