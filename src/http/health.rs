//! For operators: liveness, readiness and the metrics.
//!
//! `/readyz` answers `200` with `"status": "ready"` when the knowledge base
//! in service is the one in the files and the state store answers; `200`
//! with `"status": "degraded"` while an older knowledge base is served
//! because the files do not load (a failed reload, or a start from the
//! last good copy): the bot still answers, so a load balancer keeps
//! sending it traffic, and the body says what is wrong; `503` with
//! `"status": "unavailable"` when the state store does not answer. The
//! citizen-experience event store (`"cx"`) failing makes it `degraded`,
//! not unavailable: citizens are served, events wait in memory.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::cx::Recorder;
use crate::handoff::{HandoffStore, Teams};
use crate::kb::KbHandle;
use crate::metrics::{CONTENT_TYPE, Metrics};
use crate::state::ConversationStore;

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operators",
    responses((status = 200, description = "The process is up", body = Object, example = json!({"status": "ok"}))))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Whether the process can serve, and with which knowledge base.
#[utoipa::path(get, path = "/readyz", tag = "operators",
    responses(
        (status = 200, description = "Ready: a knowledge base is loaded and the state store answers; `status` is `degraded` (still serving the last good version) when the knowledge-base files failed to load, with the error, or when the citizen-experience event store (`cx`: `ok`, `opening` at start, `unavailable` or `off`) does not answer", body = Object),
        (status = 503, description = "The state store does not answer", body = Object),
    ))]
pub async fn readyz(
    kb: web::Data<KbHandle>,
    store: web::Data<dyn ConversationStore>,
    recorder: web::Data<Recorder>,
) -> HttpResponse {
    let knowledge_base = kb.status();
    let cx = match recorder.store() {
        _ if !recorder.enabled() => "off",
        Some(events) if events.ping().await.is_ok() => "ok",
        None if !recorder.tried_to_open() => "opening",
        _ => "unavailable",
    };
    let degraded = knowledge_base.degraded.is_some() || cx == "unavailable";
    match store.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({
            "status": if degraded { "degraded" } else { "ready" },
            "knowledge_base": knowledge_base,
            "store": {"kind": store.kind(), "status": "ok"},
            "cx": cx,
        })),
        Err(err) => HttpResponse::ServiceUnavailable().json(json!({
            "status": "unavailable",
            "knowledge_base": knowledge_base,
            "store": {"kind": store.kind(), "status": "unavailable", "error": err.to_string()},
            "cx": cx,
        })),
    }
}

/// Every metric in the OpenMetrics text format; the agents' queues and
/// open incidents are read from the store first.
#[utoipa::path(get, path = "/metrics", tag = "operators",
    responses((status = 200, description = "Metrics in the OpenMetrics text format", content_type = "application/openmetrics-text", body = String)))]
pub async fn metrics(
    metrics: web::Data<Metrics>,
    teams: web::Data<Teams>,
    handoff: web::Data<dyn HandoffStore>,
) -> HttpResponse {
    metrics.observe_desk(&teams, handoff.get_ref()).await;
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .body(metrics.render())
}
