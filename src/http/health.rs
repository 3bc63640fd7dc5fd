//! For operators: liveness, readiness and the counters.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::kb::KbHandle;
use crate::metrics::Metrics;
use crate::state::ConversationStore;

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operators",
    responses((status = 200, description = "The process is up", body = Object, example = json!({"status": "ok"}))))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The process can serve: a knowledge base is loaded and the state store
/// answers.
#[utoipa::path(get, path = "/readyz", tag = "operators",
    responses(
        (status = 200, description = "A knowledge base is loaded and the state store answers", body = Object),
        (status = 503, description = "The state store does not answer", body = Object),
    ))]
pub async fn readyz(
    kb: web::Data<KbHandle>,
    store: web::Data<dyn ConversationStore>,
) -> HttpResponse {
    let entries = kb.current().entries().len();
    let generation = kb.generation();
    match store.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({
            "status": "ready",
            "knowledge_base": {"entries": entries, "generation": generation},
            "store": {"kind": store.kind(), "status": "ok"},
        })),
        Err(err) => HttpResponse::ServiceUnavailable().json(json!({
            "status": "unavailable",
            "knowledge_base": {"entries": entries, "generation": generation},
            "store": {"kind": store.kind(), "status": "unavailable", "error": err.to_string()},
        })),
    }
}

/// Counters in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operators",
    responses((status = 200, description = "Prometheus counters", content_type = "text/plain", body = String)))]
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}
