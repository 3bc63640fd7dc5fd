//! The supervisors' API, `/api/v1/admin/...`: erasure and export of
//! everything stored about one citizen. Every call needs `Authorization:
//! Bearer <token>` with a token from `KHIDMA_SUPERVISOR_TOKENS`; no token
//! is a `401`, an agent's token a `403`.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde_json::json;

use super::error::{ApiError, Code};
use crate::configuration::SupervisorTokens;
use crate::conversation::ConversationId;
use crate::handoff::Teams;
use crate::privacy::Privacy;

/// The supervisor whose token the request carries (their name).
pub struct AuthenticatedSupervisor(String);

impl FromRequest for AuthenticatedSupervisor {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(authenticate(request).map(AuthenticatedSupervisor))
    }
}

fn authenticate(request: &HttpRequest) -> Result<String, ApiError> {
    let token = super::messages::bearer(request).ok_or_else(|| {
        ApiError::new(
            Code::Unauthorized,
            "send Authorization: Bearer <supervisor token>",
        )
    })?;
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
    Err(if is_agent {
        ApiError::new(Code::Forbidden, "only supervisors may do this")
    } else {
        ApiError::new(Code::Unauthorized, "the supervisor token is not valid")
    })
}

fn conversation_id(raw: String) -> Result<ConversationId, ApiError> {
    ConversationId::try_from(raw)
        .map_err(|reason| ApiError::new(Code::InvalidConversationId, reason))
}

/// `DELETE /api/v1/admin/conversations/{id}`: erases everything stored
/// about the citizen.
pub async fn erase(
    AuthenticatedSupervisor(supervisor): AuthenticatedSupervisor,
    id: web::Path<String>,
    privacy: web::Data<Privacy>,
) -> Result<HttpResponse, ApiError> {
    let id = conversation_id(id.into_inner())?;
    privacy.erase(&id, &supervisor).await?;
    Ok(HttpResponse::Ok().json(json!({ "conversation_id": id, "erased": true })))
}

/// `GET /api/v1/admin/conversations/{id}/export`: everything stored about
/// the citizen, as JSON.
pub async fn export(
    AuthenticatedSupervisor(supervisor): AuthenticatedSupervisor,
    id: web::Path<String>,
    privacy: web::Data<Privacy>,
) -> Result<HttpResponse, ApiError> {
    let id = conversation_id(id.into_inner())?;
    Ok(HttpResponse::Ok().json(privacy.export(&id, &supervisor).await?))
}
