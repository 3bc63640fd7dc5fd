//! The supervisors' desk API, `/api/v1/supervisor/...`: the live stream of
//! alerts (`cx::alerts`) from every instance, as server-sent events; the
//! desk at a glance (`desk`); moving any case to a team or an agent
//! (`transfer`). Supervisor token as for `/api/v1/admin/...`: none is a
//! `401`, an agent's a `403`.

use std::convert::Infallible;
use std::time::Duration;

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use utoipa::ToSchema;

use super::admin::AuthenticatedSupervisor;
use super::error::{ApiError, Code, ErrorBody};
use crate::agents::{AgentService, DeskOverview, Mover, TransferTarget};
use crate::conversation::ConversationId;
use crate::handoff::{Event, HandoffStore};

/// The longest reason a transfer keeps, in characters: a sentence or two
/// for the next agent, not a report.
const MAX_REASON_CHARS: usize = 500;

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

/// Every team's line, the agents with their presence and load, and every
/// open case with the targets it missed.
#[utoipa::path(get, path = "/api/v1/supervisor/desk", tag = "supervisors",
    security(("supervisor_token" = [])),
    responses(
        (status = 200, description = "The desk now", body = DeskOverview),
        (status = 401, description = "No supervisor token, or a wrong one", body = ErrorBody),
        (status = 403, description = "An agent's token", body = ErrorBody),
        (status = 429, description = "Too many wrong tokens from this address; see Retry-After", body = ErrorBody),
        (status = 503, description = "The state store is unavailable", body = ErrorBody),
    ))]
pub async fn desk(
    _supervisor: AuthenticatedSupervisor,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(agents.desk_overview().await?))
}

/// Where a supervisor moves a case: `team` or `agent` (one of them), and
/// why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisorTransfer {
    #[serde(default)]
    team: Option<String>,
    #[serde(default)]
    agent: Option<String>,
    /// Shown in the transcript to the agents; at most 500 characters.
    reason: String,
}

/// Moves any open case to a team's queue (keeping its place by priority
/// and waiting time) or gives it to an agent.
#[utoipa::path(post, path = "/api/v1/supervisor/conversations/{id}/transfer", tag = "supervisors",
    security(("supervisor_token" = [])),
    params(("id" = String, Path, description = "`<channel>:<user id>`")),
    request_body = SupervisorTransfer,
    responses(
        (status = 200, description = "`{\"handoff\": ...}`: where the case is now", body = Object),
        (status = 400, description = "Bad input: neither or both of `team` and `agent`, an empty or long reason, an unknown team or agent", body = ErrorBody),
        (status = 401, description = "No supervisor token, or a wrong one", body = ErrorBody),
        (status = 403, description = "An agent's token", body = ErrorBody),
        (status = 404, description = "No such conversation", body = ErrorBody),
        (status = 409, description = "Not with the humans, or already there", body = ErrorBody),
        (status = 429, description = "Too many wrong tokens from this address; see Retry-After", body = ErrorBody),
        (status = 503, description = "The state store is unavailable", body = ErrorBody),
    ))]
pub async fn transfer(
    AuthenticatedSupervisor(supervisor): AuthenticatedSupervisor,
    id: web::Path<String>,
    body: web::Json<SupervisorTransfer>,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let SupervisorTransfer {
        team,
        agent,
        reason,
    } = body.into_inner();
    let target = match (team, agent) {
        (Some(team), None) => TransferTarget::Team(team),
        (None, Some(agent)) => TransferTarget::Agent(agent),
        _ => {
            return Err(ApiError::new(
                Code::InvalidRequest,
                "name either a team or an agent",
            ));
        }
    };
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ApiError::new(Code::EmptyText, "reason must not be empty"));
    }
    let length = reason.chars().count();
    if length > MAX_REASON_CHARS {
        return Err(ApiError::new(
            Code::TextTooLong,
            format!("reason is {length} characters; the limit is {MAX_REASON_CHARS}"),
        ));
    }
    let id = ConversationId::try_from(id.into_inner()).map_err(|reason| {
        ApiError::new(
            Code::NotFound,
            format!("no such conversation: a conversation id {reason}"),
        )
    })?;
    let handoff = agents
        .transfer(Mover::Supervisor(&supervisor), &id, target, reason)
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "handoff": handoff })))
}
