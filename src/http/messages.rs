//! The web-chat channel: `POST /api/v1/messages`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::bot::Bot;
use crate::conversation::ConversationId;
use crate::dialogue::Incoming;
use crate::error::ApiError;
use crate::i18n::Lang;

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
}

impl MessageRequest {
    fn validate(self) -> Result<(ConversationId, Incoming), ApiError> {
        let conversation_id = ConversationId::new("web", &self.user_id).map_err(|reason| {
            ApiError::bad_request("invalid_user_id", format!("user_id {reason}"))
        })?;
        if self.text.trim().is_empty() {
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
        Ok((
            conversation_id,
            Incoming {
                text: self.text,
                button: self.button.filter(|button| !button.is_empty()),
                forced_language,
                language_hint: None,
                attachment: None,
            },
        ))
    }
}

pub async fn post_message(
    bot: web::Data<Bot>,
    request: web::Json<MessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let (conversation_id, incoming) = request.into_inner().validate()?;
    let reply = bot.handle(&conversation_id, &incoming).await?;
    Ok(HttpResponse::Ok().json(reply))
}
