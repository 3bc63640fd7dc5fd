//! Web chat over REST: `POST /api/v1/messages` answers a citizen's message
//! in the response; `GET /api/v1/conversations/{id}/messages` reads what
//! agents sent since. Both need the conversation's session (or a portal's
//! key); the wire types and the session rules are the web channel's.

use actix_web::http::header::AUTHORIZATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::error::{ApiError, Code};
use crate::channels::Web;
use crate::channels::web::{MessageReply, MessageRequest, WebChatError, admit};
use crate::conversation::ConversationId;
use crate::pipeline::Pipeline;

/// The `Authorization: Bearer` value: for web chat a portal key or a
/// session token, for the admin API a supervisor's token.
pub(super) fn bearer(request: &HttpRequest) -> Option<&str> {
    request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AfterCursor {
    #[serde(default)]
    after: u64,
}

/// What agents sent a web-chat citizen after `after` (a cursor from an
/// earlier answer; 0 or absent for all).
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
