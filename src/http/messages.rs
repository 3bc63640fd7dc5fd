//! Web chat over REST: `POST /api/v1/messages` answers a citizen's message
//! in the response; `GET /api/v1/conversations/{id}/messages` reads what
//! agents sent since. Both need the conversation's session (or a portal's
//! key); the wire types and the session rules are the web channel's.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::bearer;
use super::error::{ApiError, Code, ErrorBody};
use crate::channels::Web;
use crate::channels::web::{MessageReply, MessageRequest, OutboxPage, WebChatError, admit};
use crate::conversation::ConversationId;
use crate::pipeline::Pipeline;

/// A citizen's web-chat message, answered in the response. Each reply
/// message's `text` is Markdown. The first reply of a new conversation
/// carries its `session`, which later messages must send back.
#[utoipa::path(post, path = "/api/v1/messages", tag = "web chat",
    request_body = MessageRequest,
    responses(
        (status = 200, description = "The bot's reply", body = MessageReply),
        (status = 400, description = "Bad input", body = ErrorBody),
        (status = 401, description = "The conversation's session (or a portal key) is missing or wrong", body = ErrorBody),
        (status = 413, description = "The body is larger than `server.max_body_bytes`", body = ErrorBody),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = ErrorBody),
        (status = 503, description = "The state store is unavailable", body = ErrorBody),
    ))]
pub async fn post_message(
    request: HttpRequest,
    pipeline: web::Data<Pipeline>,
    channel: web::Data<Web>,
    body: web::Json<MessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let message = body.into_inner().into_message()?;
    let caller = channel.caller(bearer(&request), message.session);
    let (reply, session) = pipeline
        .answer_admitted(
            &message.conversation_id,
            &message.incoming,
            |conversation| admit(conversation, &caller).map_err(WebChatError::from),
        )
        .await?;
    Ok(HttpResponse::Ok().json(MessageReply::from(reply).with_session(session)))
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
        (status = 401, description = "No `Authorization: Bearer` with the conversation's session or a portal key", body = ErrorBody),
        (status = 429, description = "Too many requests from this address; see Retry-After", body = ErrorBody),
        (status = 503, description = "The state store is unavailable", body = ErrorBody),
    ))]
pub async fn agent_messages(
    request: HttpRequest,
    id: web::Path<String>,
    query: web::Query<AfterCursor>,
    channel: web::Data<Web>,
) -> Result<HttpResponse, ApiError> {
    let conversation_id = ConversationId::try_from(id.into_inner())
        .map_err(|reason| ApiError::new(Code::InvalidConversationId, reason))?;
    let caller = channel.caller(bearer(&request), None);
    let page = channel
        .outbox(conversation_id, query.after, &caller)
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
