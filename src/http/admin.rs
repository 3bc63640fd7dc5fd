//! The supervisors' API, `/api/v1/admin/...`: erasure and export of
//! everything stored about one citizen. Every call needs `Authorization:
//! Bearer <token>` with a token from `KHIDMA_SUPERVISOR_TOKENS`; no token
//! is a `401`, an agent's token a `403`.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde_json::json;

use super::error::{ApiError, Code, ErrorBody};
use super::limits::Limits;
use crate::configuration::SupervisorTokens;
use crate::conversation::ConversationId;
use crate::handoff::Teams;
use crate::privacy::Privacy;

/// The supervisor whose token the request carries (their name).
pub struct AuthenticatedSupervisor(pub(super) String);

impl FromRequest for AuthenticatedSupervisor {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(authenticate(request).map(AuthenticatedSupervisor))
    }
}

/// Checks the token under the same per-client limit of wrong tokens as the
/// agents'. An agent's token is not wrong, only not enough: a `403`.
fn authenticate(request: &HttpRequest) -> Result<String, ApiError> {
    let limits = request
        .app_data::<web::Data<Limits>>()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no limits are registered")))?;
    let token = limits.bearer(request, "supervisor")?;
    let supervisors = request
        .app_data::<web::Data<SupervisorTokens>>()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no supervisors are registered")))?;
    if let Some(name) = supervisors.find(token) {
        return Ok(name.to_owned());
    }
    let is_agent = request
        .app_data::<web::Data<Teams>>()
        .and_then(|teams| teams.authenticate(token))
        .is_some();
    if is_agent {
        return Err(ApiError::new(
            Code::Forbidden,
            "only supervisors may do this",
        ));
    }
    Err(limits.wrong_token(request, "supervisor"))
}

fn conversation_id(raw: String) -> Result<ConversationId, ApiError> {
    ConversationId::try_from(raw)
        .map_err(|reason| ApiError::new(Code::InvalidConversationId, reason))
}

/// Erases everything stored about one citizen, in every store; the
/// erasure is audited in the log under the conversation's pseudonym.
#[utoipa::path(delete, path = "/api/v1/admin/conversations/{id}", tag = "supervisors",
    security(("supervisor_token" = [])),
    params(("id" = String, Path, description = "`<channel>:<user id>`, e.g. `web:citizen-42`")),
    responses(
        (status = 200, description = "Erased (erasing what is not there succeeds too)", body = Object,
            example = json!({"conversation_id": "web:citizen-42", "erased": true})),
        (status = 400, description = "Not a conversation id", body = ErrorBody),
        (status = 401, description = "No supervisor token, or a wrong one", body = ErrorBody),
        (status = 403, description = "An agent's token", body = ErrorBody),
        (status = 429, description = "Too many wrong tokens from this address; see Retry-After", body = ErrorBody),
        (status = 503, description = "A store is unavailable", body = ErrorBody),
    ))]
pub async fn erase(
    AuthenticatedSupervisor(supervisor): AuthenticatedSupervisor,
    id: web::Path<String>,
    privacy: web::Data<Privacy>,
) -> Result<HttpResponse, ApiError> {
    let id = conversation_id(id.into_inner())?;
    privacy.erase(&id, &supervisor).await?;
    Ok(HttpResponse::Ok().json(json!({ "conversation_id": id, "erased": true })))
}

/// Everything stored about one citizen, as JSON (`conversation`, `memory`,
/// `inbox`, `message_ids`, `history`, `outbox`, `queues`, `incidents`,
/// `ratings`); audited like an erasure.
#[utoipa::path(get, path = "/api/v1/admin/conversations/{id}/export", tag = "supervisors",
    security(("supervisor_token" = [])),
    params(("id" = String, Path, description = "`<channel>:<user id>`")),
    responses(
        (status = 200, description = "Everything stored about the citizen", body = Object),
        (status = 400, description = "Not a conversation id", body = ErrorBody),
        (status = 401, description = "No supervisor token, or a wrong one", body = ErrorBody),
        (status = 403, description = "An agent's token", body = ErrorBody),
        (status = 429, description = "Too many wrong tokens from this address; see Retry-After", body = ErrorBody),
        (status = 503, description = "A store is unavailable", body = ErrorBody),
    ))]
pub async fn export(
    AuthenticatedSupervisor(supervisor): AuthenticatedSupervisor,
    id: web::Path<String>,
    privacy: web::Data<Privacy>,
) -> Result<HttpResponse, ApiError> {
    let id = conversation_id(id.into_inner())?;
    Ok(HttpResponse::Ok().json(privacy.export(&id, &supervisor).await?))
}
