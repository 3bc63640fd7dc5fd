//! The supervisors' live stream, `GET /api/v1/supervisor/events`: alerts
//! (`cx::alerts`) from every instance, as server-sent events. Supervisor
//! token as for `/api/v1/admin/...`: none is a `401`, an agent's a `403`.

use std::convert::Infallible;
use std::time::Duration;

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, web};
use tokio::sync::broadcast::error::RecvError;

use super::admin::AuthenticatedSupervisor;
use super::error::{ApiError, ErrorBody};
use crate::handoff::{Event, HandoffStore};

/// A comment line this often keeps proxies from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Server-sent alerts for supervisors, from every instance. The first line
/// is a comment, sent at once: the subscription is live.
#[utoipa::path(get, path = "/api/v1/supervisor/events", tag = "supervisors",
    security(("supervisor_token" = [])),
    responses(
        (status = 200, description = "Server-sent events: `event: alert` and `data: {\"type\":\"alert\",\"id\",\"at_ms\",\"rule\",\"key\",\"value\",\"baseline\",\"title\":{\"ar\",\"en\"}}` (rule `surge`, `csat_drop` or `unclaimed_urgent`; see docs/alerts.md), and `: keep-alive` comments", content_type = "text/event-stream", body = String),
        (status = 401, description = "No supervisor token, or a wrong one", body = ErrorBody),
        (status = 403, description = "An agent's token", body = ErrorBody),
        (status = 429, description = "Too many wrong tokens from this address; see Retry-After", body = ErrorBody),
        (status = 503, description = "The state store is unavailable", body = ErrorBody),
    ))]
pub async fn events(
    _supervisor: AuthenticatedSupervisor,
    handoff: web::Data<dyn HandoffStore>,
) -> Result<HttpResponse, ApiError> {
    let receiver = handoff.subscribe().await?;
    let keep_alive = tokio::time::interval(KEEP_ALIVE);
    let stream = futures_util::stream::unfold(
        (receiver, keep_alive),
        |(mut receiver, mut keep_alive)| async move {
            let chunk = loop {
                tokio::select! {
                    event = receiver.recv() => match event {
                        Ok(event @ Event::Alert(_)) => match serde_json::to_string(&event) {
                            Ok(data) => break format!("event: {}\ndata: {data}\n\n", event.kind()),
                            Err(err) => tracing::error!(error = %err, "an alert could not be written"),
                        },
                        Ok(_) => {}
                        Err(RecvError::Lagged(missed)) => break format!(": {missed} events missed\n\n"),
                        Err(RecvError::Closed) => return None,
                    },
                    _ = keep_alive.tick() => break ": keep-alive\n\n".to_owned(),
                }
            };
            Some((
                Ok::<_, Infallible>(web::Bytes::from(chunk)),
                (receiver, keep_alive),
            ))
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((CACHE_CONTROL, "no-cache"))
        .streaming(stream))
}
