//! `POST /api/v1/agent/conversations/{id}/template`: an agent's reply that
//! the citizen's closed 24-hour window refused goes again as the
//! `agent_reply` WhatsApp template, at the agent's word (the console offers
//! it when a reply's delivery says `template: {sent: false}`).

use actix_web::{HttpResponse, web};

use super::agent::{AuthenticatedAgent, conversation_id};
use super::error::{ApiError, ErrorBody};
use super::openapi::{AgentRefusals, NotTheirs};
use crate::agents::AgentService;

#[utoipa::path(post, path = "/api/v1/agent/conversations/{id}/template", tag = "agents", security(("agent_token" = [])),
    params(("id" = String, Path, description = "`<channel>:<user id>`")),
    responses(
        (status = 200, description = "Whether the template reached the citizen (`template.sent`), or why not (`failure`)", body = Object,
         example = json!({"delivered": true, "template": {"purpose": "agent_reply", "sent": true}})),
        AgentRefusals,
        NotTheirs,
        (status = 409, description = "Not possible in its current state", body = ErrorBody),
    ))]
pub async fn send_reply_template(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    id: web::Path<String>,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let delivery = agents
        .send_reply_template(&agent, &conversation_id(&id)?)
        .await?;
    Ok(HttpResponse::Ok().json(delivery))
}
