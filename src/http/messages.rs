//! Web chat over REST: `POST /api/v1/messages` answers a citizen's message
//! in the response; `GET /api/v1/conversations/{id}/messages` reads what
//! agents sent since. The wire types are the web channel's.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{ApiError, Code, ErrorBody};
use crate::channels::Web;
use crate::channels::web::{MessageReply, MessageRequest, OutboxPage};
use crate::conversation::ConversationId;
use crate::pipeline::Pipeline;

/// A citizen's web-chat message, answered in the response. Each reply
/// message's `text` is Markdown.
#[utoipa::path(post, path = "/api/v1/messages", tag = "web chat",
    request_body = MessageRequest,
    responses(
        (status = 200, description = "The bot's reply", body = MessageReply),
        (status = 400, description = "Bad input", body = ErrorBody),
        (status = 413, description = "The body is larger than `server.max_body_bytes`", body = ErrorBody),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = ErrorBody),
        (status = 503, description = "The state store is unavailable", body = ErrorBody),
    ))]
pub async fn post_message(
    pipeline: web::Data<Pipeline>,
    request: web::Json<MessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let (conversation_id, incoming) = request.into_inner().into_message()?;
    let reply = pipeline.answer(&conversation_id, &incoming).await?;
    Ok(HttpResponse::Ok().json(MessageReply::from(reply)))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AfterCursor {
    /// The `cursor` of an earlier page; 0 or absent for all.
    #[serde(default)]
    after: u64,
}

/// What agents sent a web-chat citizen after `after` (a cursor from an
/// earlier answer; 0 or absent for all).
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "web chat",
    params(("id" = String, Path, description = "`web:<user_id>`"), AfterCursor),
    responses(
        (status = 200, description = "What agents sent the citizen after the cursor", body = OutboxPage),
        (status = 400, description = "Bad input", body = ErrorBody),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = ErrorBody),
        (status = 503, description = "The state store is unavailable", body = ErrorBody),
    ))]
pub async fn agent_messages(
    id: web::Path<String>,
    query: web::Query<AfterCursor>,
    channel: web::Data<Web>,
) -> Result<HttpResponse, ApiError> {
    let conversation_id = ConversationId::try_from(id.into_inner())
        .map_err(|reason| ApiError::new(Code::InvalidConversationId, reason))?;
    let page = channel.outbox(conversation_id, query.after).await?;
    Ok(HttpResponse::Ok().json(page))
}
