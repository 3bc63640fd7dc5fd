//! Web chat over REST: `POST /api/v1/messages` answers a citizen's message
//! in the response; `GET /api/v1/conversations/{id}/messages` reads what
//! agents sent since. The wire types are the web channel's.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::error::{ApiError, Code};
use crate::channels::Web;
use crate::channels::web::{MessageReply, MessageRequest};
use crate::conversation::ConversationId;
use crate::pipeline::Pipeline;

pub async fn post_message(
    pipeline: web::Data<Pipeline>,
    request: web::Json<MessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let (conversation_id, incoming) = request.into_inner().into_message()?;
    let reply = pipeline.answer(&conversation_id, &incoming).await?;
    Ok(HttpResponse::Ok().json(MessageReply::from(reply)))
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
    id: web::Path<String>,
    query: web::Query<AfterCursor>,
    channel: web::Data<Web>,
) -> Result<HttpResponse, ApiError> {
    let conversation_id = ConversationId::try_from(id.into_inner())
        .map_err(|reason| ApiError::new(Code::InvalidConversationId, reason))?;
    let page = channel.outbox(conversation_id, query.after).await?;
    Ok(HttpResponse::Ok().json(page))
}
