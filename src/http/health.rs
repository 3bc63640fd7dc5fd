//! For operators: liveness, readiness and the counters.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::kb::KbHandle;
use crate::metrics::Metrics;
use crate::state::ConversationStore;

/// The process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The process can serve: a knowledge base is loaded and the state store
/// answers.
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
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}
