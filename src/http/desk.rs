//! The agents' desk beyond claiming and replying: moving a case to another
//! team or agent with a reason, and saying whether one takes cases now.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::agent::{AuthenticatedAgent, conversation_id};
use super::error::{ApiError, Code, ErrorBody};
use super::openapi::{AgentRefusals, NotTheirs};
use crate::agents::{AgentService, Mover, TransferTarget};
use crate::handoff::Availability;

/// A reason is read by the receiving agent at a glance, in the transcript:
/// a sentence or two, not a report.
pub const MAX_REASON_CHARS: usize = 500;

/// Where a case goes, exactly one of `team` and `agent`, and why.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    /// A team's name: the case waits in its queue, in its place.
    #[serde(default)]
    team: Option<String>,
    /// An agent's name: they have the case at once.
    #[serde(default)]
    agent: Option<String>,
    /// Why, for the agents who take it over (at most 500 characters).
    reason: String,
}

impl TransferBody {
    /// The target and the trimmed reason, or why the body does not do.
    fn checked(self) -> Result<(TransferTarget, String), ApiError> {
        let target = match (self.team, self.agent) {
            (Some(team), None) => TransferTarget::Team(team),
            (None, Some(agent)) => TransferTarget::Agent(agent),
            _ => {
                return Err(ApiError::new(
                    Code::InvalidRequest,
                    "name exactly one of team and agent",
                ));
            }
        };
        let reason = self.reason.trim();
        if reason.is_empty() {
            return Err(ApiError::new(
                Code::EmptyText,
                "say why the case moves: reason must not be empty",
            ));
        }
        let length = reason.chars().count();
        if length > MAX_REASON_CHARS {
            return Err(ApiError::new(
                Code::TextTooLong,
                format!("reason is {length} characters; the limit is {MAX_REASON_CHARS}"),
            ));
        }
        Ok((target, reason.to_owned()))
    }
}

#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/transfer", tag = "agents", security(("agent_token" = [])),
    params(("id" = String, Path, description = "`<channel>:<user id>`")),
    request_body = TransferBody,
    responses(
        (status = 200, description = "`{\"handoff\": ...}`: where the case is now; its transcript and place in line go with it", body = Object),
        AgentRefusals,
        (status = 400, description = "Bad input, or no such team or agent (`unknown_team`, `unknown_agent`)", body = ErrorBody),
        NotTheirs,
        (status = 409, description = "Another agent has it, it is not with agents, or it is already there (`already_there`)", body = ErrorBody),
    ))]
pub async fn transfer(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    id: web::Path<String>,
    body: web::Json<TransferBody>,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let id = conversation_id(&id)?;
    let (target, reason) = body.into_inner().checked()?;
    let handoff = agents
        .transfer(Mover::Agent(&agent), &id, target, &reason)
        .await?;
    Ok(HttpResponse::Ok().json(json!({ "handoff": handoff })))
}

#[utoipa::path(get, path = "/api/v1/agent/presence", tag = "agents", security(("agent_token" = [])),
    responses(
        (status = 200, description = "`{\"agent\", \"availability\": \"available\"|\"away\", \"since_ms\"}`; an agent who never said is away", body = Object),
        AgentRefusals,
    ))]
pub async fn presence(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(agents.presence(&agent).await?))
}

/// Whether the agent takes cases now.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PresenceBody {
    /// `available` or `away`.
    #[schema(value_type = String)]
    availability: Availability,
}

#[utoipa::path(put, path = "/api/v1/agent/presence", tag = "agents", security(("agent_token" = [])),
    request_body = PresenceBody,
    responses(
        (status = 200, description = "`{\"agent\", \"availability\", \"since_ms\"}` as now set", body = Object),
        AgentRefusals,
        (status = 400, description = "Bad input", body = ErrorBody),
    ))]
pub async fn set_presence(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    body: web::Json<PresenceBody>,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let presence = agents
        .set_presence(&agent, body.into_inner().availability)
        .await?;
    Ok(HttpResponse::Ok().json(presence))
}
