//! The agent API, `/api/v1/agent/...`, for the agents' console: every call
//! needs `Authorization: Bearer <token>` (`KHIDMA_AGENT_TOKENS`).

use std::convert::Infallible;
use std::future::{Ready, ready};
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::http::header::CACHE_CONTROL;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use utoipa::ToSchema;

use super::error::{ApiError, Code, ErrorBody};
use super::limits::Limits;
use super::openapi::{AgentRefusals, NotTheirs};
use crate::agents::{AgentService, IncidentView, QueueItem, View};
use crate::channels::MAX_TEXT_CHARS;
use crate::conversation::{ConversationId, Outcome};
use crate::handoff::{Agent, HandoffStore, IncidentId, Teams};

/// A comment line this often keeps proxies from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The agent whose token the request carries: a handler that takes one
/// answers `401` to anyone else, before reading the rest of the request.
pub struct AuthenticatedAgent(pub(super) Agent);

impl FromRequest for AuthenticatedAgent {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(authenticate(request).map(AuthenticatedAgent))
    }
}

/// Checks the token, under the client's limit of wrong tokens.
fn authenticate(request: &HttpRequest) -> Result<Agent, ApiError> {
    let teams = request
        .app_data::<web::Data<Teams>>()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no teams are registered")))?;
    let limits = request
        .app_data::<web::Data<Limits>>()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no limits are registered")))?;
    let token = limits.bearer(request, "agent")?;
    teams
        .authenticate(token)
        .ok_or_else(|| limits.wrong_token(request, "agent"))
}

pub(super) fn conversation_id(raw: &str) -> Result<ConversationId, ApiError> {
    ConversationId::try_from(raw.to_owned()).map_err(|reason| {
        ApiError::new(
            Code::NotFound,
            format!("no such conversation: a conversation id {reason}"),
        )
    })
}

/// The agent behind the token and their teams: the console's login check.
#[utoipa::path(get, path = "/api/v1/agent/me", tag = "agents", security(("agent_token" = [])),
    responses(
        (status = 200, description = "The agent's name and teams", body = Object),
        AgentRefusals,
    ))]
pub async fn me(AuthenticatedAgent(agent): AuthenticatedAgent) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "name": agent.name, "teams": agent.teams }))
}

#[utoipa::path(get, path = "/api/v1/agent/queue", tag = "agents", security(("agent_token" = [])),
    responses(
        (status = 200, description = "Waiting conversations of the agent's teams", body = Queue),
        AgentRefusals,
    ))]
pub async fn queue(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let conversations = agents.queue(&agent).await?;
    Ok(HttpResponse::Ok().json(Queue { conversations }))
}

/// The answer to `GET queue`.
#[derive(Serialize, ToSchema)]
pub struct Queue {
    /// Urgent first, then longest waiting.
    conversations: Vec<QueueItem>,
}

#[utoipa::path(get, path = "/api/v1/agent/conversations/{id}", tag = "agents", security(("agent_token" = [])),
    params(("id" = String, Path, description = "`<channel>:<user id>`")),
    responses(
        (status = 200, description = "The conversation, its transcript and history", body = View),
        AgentRefusals,
        NotTheirs,
    ))]
pub async fn conversation(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    id: web::Path<String>,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let view = agents.view(&agent, &conversation_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/claim", tag = "agents", security(("agent_token" = [])),
    params(("id" = String, Path, description = "`<channel>:<user id>`")),
    responses(
        (status = 200, description = "`{\"handoff\": ...}`: the agent has it", body = Object),
        AgentRefusals,
        NotTheirs,
        (status = 409, description = "Not possible in its current state", body = ErrorBody),
    ))]
pub async fn claim(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    id: web::Path<String>,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let handoff = agents.claim(&agent, &conversation_id(&id)?).await?;
    Ok(HttpResponse::Ok().json(json!({ "handoff": handoff })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentMessage {
    text: String,
}

/// An agent's text must say something and fit in one platform message.
fn check_length(name: &str, text: &str) -> Result<(), ApiError> {
    let length = text.chars().count();
    if length > MAX_TEXT_CHARS {
        return Err(ApiError::new(
            Code::TextTooLong,
            format!("{name} is {length} characters; the limit is {MAX_TEXT_CHARS}"),
        ));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/messages", tag = "agents", security(("agent_token" = [])),
    params(("id" = String, Path, description = "`<channel>:<user id>`")),
    request_body = AgentMessage,
    responses(
        (status = 200, description = "Whether the message reached the citizen", body = Object),
        AgentRefusals,
        (status = 400, description = "Bad input", body = ErrorBody),
        NotTheirs,
        (status = 409, description = "Not possible in its current state", body = ErrorBody),
    ))]
pub async fn send(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    id: web::Path<String>,
    body: web::Json<AgentMessage>,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let text = body.into_inner().text;
    if text.trim().is_empty() {
        return Err(ApiError::new(Code::EmptyText, "text must not be empty"));
    }
    check_length("text", &text)?;
    let delivery = agents.send(&agent, &conversation_id(&id)?, &text).await?;
    Ok(HttpResponse::Ok().json(delivery))
}

#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/resolve", tag = "agents", security(("agent_token" = [])),
    params(("id" = String, Path, description = "`<channel>:<user id>`")),
    responses(
        (status = 200, description = "Back to the bot, which asks for a rating; whether that reached the citizen", body = Object),
        AgentRefusals,
        NotTheirs,
        (status = 409, description = "Not possible in its current state", body = ErrorBody),
    ))]
pub async fn resolve(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    id: web::Path<String>,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let delivery = agents
        .resolve(&agent, &conversation_id(&id)?, Outcome::Solved)
        .await?;
    Ok(HttpResponse::Ok().json(delivery))
}

#[utoipa::path(get, path = "/api/v1/agent/incidents", tag = "agents", security(("agent_token" = [])),
    responses(
        (status = 200, description = "Open incidents of the agent's teams", body = OpenIncidents),
        AgentRefusals,
    ))]
pub async fn incidents(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let incidents = agents.incidents(&agent).await?;
    Ok(HttpResponse::Ok().json(OpenIncidents { incidents }))
}

/// The answer to `GET incidents`.
#[derive(Serialize, ToSchema)]
pub struct OpenIncidents {
    incidents: Vec<IncidentView>,
}

#[utoipa::path(get, path = "/api/v1/agent/incidents/{id}", tag = "agents", security(("agent_token" = [])),
    params(("id" = String, Path, description = "`inc-<number>`")),
    responses(
        (status = 200, description = "The incident, its citizens and updates", body = IncidentView),
        AgentRefusals,
        NotTheirs,
    ))]
pub async fn incident(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    id: web::Path<IncidentId>,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let incident = agents.incident(&agent, &id).await?;
    Ok(HttpResponse::Ok().json(incident))
}

/// A status update in Arabic, English or both.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentUpdateBody {
    #[serde(default)]
    ar: Option<String>,
    #[serde(default)]
    en: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/agent/incidents/{id}/updates", tag = "agents", security(("agent_token" = [])),
    params(("id" = String, Path, description = "`inc-<number>`")),
    request_body = IncidentUpdateBody,
    responses(
        (status = 200, description = "`{\"update\", \"sent\", \"failed\", \"deliveries\"}`", body = Object),
        AgentRefusals,
        (status = 400, description = "Bad input", body = ErrorBody),
        NotTheirs,
        (status = 409, description = "Not possible in its current state", body = ErrorBody),
    ))]
pub async fn post_incident_update(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    id: web::Path<IncidentId>,
    body: web::Json<IncidentUpdateBody>,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let IncidentUpdateBody { ar, en } = body.into_inner();
    let written = |text: Option<String>| text.filter(|text| !text.trim().is_empty());
    let (ar, en) = (written(ar), written(en));
    if ar.is_none() && en.is_none() {
        return Err(ApiError::new(
            Code::EmptyText,
            "write the update in ar, en or both",
        ));
    }
    for (name, text) in [("ar", &ar), ("en", &en)] {
        if let Some(text) = text {
            check_length(name, text)?;
        }
    }
    let (update, broadcast) = agents.post_incident_update(&agent, &id, ar, en).await?;
    Ok(HttpResponse::Ok().json(json!({
        "update": update,
        "sent": broadcast.sent,
        "failed": broadcast.failed,
        "deliveries": broadcast.deliveries,
    })))
}

#[utoipa::path(post, path = "/api/v1/agent/incidents/{id}/resolve", tag = "agents", security(("agent_token" = [])),
    params(("id" = String, Path, description = "`inc-<number>`")),
    responses(
        (status = 200, description = "`{\"sent\", \"failed\", \"deliveries\"}`: every citizen was told", body = Object),
        AgentRefusals,
        NotTheirs,
        (status = 409, description = "Not possible in its current state", body = ErrorBody),
    ))]
pub async fn resolve_incident(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    id: web::Path<IncidentId>,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let broadcast = agents.resolve_incident(&agent, &id).await?;
    Ok(HttpResponse::Ok().json(broadcast))
}

#[utoipa::path(get, path = "/api/v1/agent/ratings", tag = "agents", security(("agent_token" = [])),
    responses(
        (status = 200, description = "`{\"ratings\": [...]}`: citizens' ratings of the agent's teams, and of the bot's answers on their topics (`agent` null)", body = Object),
        AgentRefusals,
    ))]
pub async fn ratings(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let ratings = agents.ratings(&agent).await?;
    Ok(HttpResponse::Ok().json(json!({ "ratings": ratings })))
}

/// Server-sent events for the agent's teams, from every instance. The
/// first line is a comment, sent at once: the subscription is live.
#[utoipa::path(get, path = "/api/v1/agent/events", tag = "agents", security(("agent_token" = [])),
    responses(
        (status = 200, description = "Server-sent events of the agent's teams: `event: <kind>` and `data: <JSON>` (escalations, citizen messages, claims, incidents), and `: keep-alive` comments", content_type = "text/event-stream", body = String),
        AgentRefusals,
    ))]
pub async fn events(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    handoff: web::Data<dyn HandoffStore>,
) -> Result<HttpResponse, ApiError> {
    let receiver = handoff.subscribe().await?;
    let keep_alive = tokio::time::interval(KEEP_ALIVE);
    let stream = futures_util::stream::unfold(
        (receiver, keep_alive, agent),
        |(mut receiver, mut keep_alive, agent)| async move {
            let chunk = loop {
                tokio::select! {
                    event = receiver.recv() => match event {
                        Ok(event) if agent.teams.iter().any(|team| event.is_for_team(team)) => {
                            match serde_json::to_string(&event) {
                                Ok(data) => break format!("event: {}\ndata: {data}\n\n", event.kind()),
                                Err(err) => tracing::error!(error = %err, "an event could not be written"),
                            }
                        }
                        Ok(_) => {}
                        Err(RecvError::Lagged(missed)) => break format!(": {missed} events missed; reload the queue\n\n"),
                        Err(RecvError::Closed) => return None,
                    },
                    _ = keep_alive.tick() => break ": keep-alive\n\n".to_owned(),
                }
            };
            Some((
                Ok::<_, Infallible>(web::Bytes::from(chunk)),
                (receiver, keep_alive, agent),
            ))
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((CACHE_CONTROL, "no-cache"))
        .streaming(stream))
}
