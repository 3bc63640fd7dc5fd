//! The web-chat channel: `POST /api/v1/messages`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::conversation::ConversationId;
use crate::dialogue::{Attachment, Incoming};
use crate::error::ApiError;
use crate::handoff::AgentService;
use crate::i18n::Lang;
use crate::kb::GeoPoint;
use crate::pipeline::Pipeline;

/// Longest message accepted, in characters; WhatsApp's own limit.
pub const MAX_TEXT_CHARS: usize = 4096;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    user_id: String,
    text: String,
    #[serde(default)]
    language: Option<String>,
    /// The `id` of a button from an earlier reply, when the citizen pressed
    /// one (its title goes in `text`).
    #[serde(default)]
    button: Option<String>,
    /// Where the citizen is, when the web client shares it; `text` may then
    /// be empty.
    #[serde(default)]
    location: Option<GeoPoint>,
}

impl MessageRequest {
    fn validate(self) -> Result<(ConversationId, Incoming), ApiError> {
        let conversation_id = ConversationId::new("web", &self.user_id).map_err(|reason| {
            ApiError::bad_request("invalid_user_id", format!("user_id {reason}"))
        })?;
        if let Some(location) = &self.location
            && !location.is_valid()
        {
            return Err(ApiError::bad_request(
                "invalid_location",
                "latitude must be between -90 and 90, longitude between -180 and 180",
            ));
        }
        if self.text.trim().is_empty() && self.location.is_none() {
            return Err(ApiError::bad_request(
                "empty_text",
                "text must not be empty",
            ));
        }
        let length = self.text.chars().count();
        if length > MAX_TEXT_CHARS {
            return Err(ApiError::bad_request(
                "text_too_long",
                format!("text is {length} characters; the limit is {MAX_TEXT_CHARS}"),
            ));
        }
        let forced_language = match self.language.as_deref() {
            None => None,
            Some("ar") => Some(Lang::Ar),
            Some("en") => Some(Lang::En),
            Some(other) => {
                return Err(ApiError::bad_request(
                    "invalid_language",
                    format!("language {other:?} is not supported: use \"ar\" or \"en\""),
                ));
            }
        };
        let location_only = self.location.is_some() && self.text.trim().is_empty();
        Ok((
            conversation_id,
            Incoming {
                text: self.text,
                button: self.button.filter(|button| !button.is_empty()),
                forced_language,
                language_hint: None,
                attachment: location_only.then_some(Attachment::Location),
                location: self.location,
            },
        ))
    }
}

pub async fn post_message(
    pipeline: web::Data<Pipeline>,
    request: web::Json<MessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let (conversation_id, incoming) = request.into_inner().validate()?;
    let reply = pipeline.answer(&conversation_id, &incoming).await?;
    Ok(HttpResponse::Ok().json(reply))
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
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let conversation_id = ConversationId::try_from(id.into_inner())
        .map_err(|reason| ApiError::bad_request("invalid_conversation_id", reason))?;
    let messages = agents
        .desk()
        .store()
        .outbox(&conversation_id, query.after)
        .await?;
    let cursor = messages
        .last()
        .map_or(query.after, |message| message.cursor);
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "conversation_id": conversation_id,
        "messages": messages,
        "cursor": cursor,
    })))
}
