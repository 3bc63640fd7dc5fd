//! Telegram Bot API: webhooks carrying the secret token we registered,
//! replies through `sendMessage` in HTML parse mode with inline keyboards.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::markup::{Markup, bubbles};
use super::outbound::{Outbound, Verdict, by_status};
use super::{
    Channel, ChannelError, Event, InboundMessage, Outgoing, Platform, SendError, api_base,
    geo_point, required,
};
use crate::configuration::{ChannelEnv, Secret};
use crate::i18n::Lang;
use crate::message::{Attachment, Button, Incoming};

pub const NAME: &str = "telegram";

const API_BASE: &str = "https://api.telegram.org";
const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";
/// One update is one message; Telegram's own text limit keeps it small.
const MAX_BODY_BYTES: usize = 1024 * 1024;
const TEXT_LIMIT: usize = 4096;

/// A button's `callback_data`: 1 to 64 bytes. Only ASCII is accepted, so
/// that the byte limit is also a character limit and nothing is cut
/// mid-letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackData(String);

impl CallbackData {
    pub const MAX_BYTES: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() || raw.len() > Self::MAX_BYTES {
            return Err(format!(
                "callback data must be 1 to {} bytes, not {}",
                Self::MAX_BYTES,
                raw.len()
            ));
        }
        if !raw.is_ascii() {
            return Err("callback data must be ASCII".to_owned());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub struct Telegram {
    secret_token: Secret,
    /// `<base>/bot<token>`: it holds the token, so it is never logged.
    bot_url: Secret,
    outbound: Arc<Outbound>,
}

impl Telegram {
    pub fn from_env(env: &ChannelEnv, outbound: Arc<Outbound>) -> anyhow::Result<Option<Self>> {
        let Some([bot_token, secret_token]) =
            required(env, ["TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN"])?
        else {
            return Ok(None);
        };
        let valid_secret = (1..=256).contains(&secret_token.expose().len())
            && secret_token
                .expose()
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-');
        if !valid_secret {
            // Telegram's setWebhook refuses any other secret, so no update
            // would ever carry it.
            anyhow::bail!("TELEGRAM_SECRET_TOKEN must be 1 to 256 of A-Z, a-z, 0-9, _ and -");
        }
        let base = api_base(env, "TELEGRAM_API_BASE", API_BASE);
        Ok(Some(Self {
            secret_token,
            bot_url: Secret::new(format!("{base}/bot{}", bot_token.expose())),
            outbound,
        }))
    }

    async fn call(&self, method: &str, body: &Value) -> Result<(), SendError> {
        let url = format!("{}/{method}", self.bot_url.expose());
        self.outbound.post(NAME, &url, None, body, classify).await?;
        Ok(())
    }
}

fn keyboard(buttons: &[Button]) -> Option<Value> {
    let rows: Vec<Value> = buttons
        .iter()
        .filter_map(|button| match CallbackData::parse(&button.id) {
            Ok(data) => Some(json!([{"text": button.title, "callback_data": data.as_str()}])),
            Err(reason) => {
                tracing::error!(button = %button.id, %reason, "a button was left out of a Telegram keyboard");
                None
            }
        })
        .collect();
    (!rows.is_empty()).then(|| json!({"inline_keyboard": rows}))
}

/// Telegram answers `{"ok": false, "error_code", "description",
/// "parameters": {"retry_after"}}`; `retry_after` is the delay it asks for.
fn classify(status: StatusCode, answer: &Value) -> Verdict {
    let reason = || {
        format!(
            "HTTP {}: {}",
            status.as_u16(),
            answer["description"].as_str().unwrap_or("no description")
        )
    };
    if let Some(seconds) = answer["parameters"]["retry_after"].as_u64() {
        return Verdict::Retry {
            after: Some(Duration::from_secs(seconds)),
            reason: reason(),
        };
    }
    by_status(status, reason)
}

#[async_trait]
impl Channel for Telegram {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(&self, to: &str, outgoing: &Outgoing<'_>) -> Result<Vec<String>, SendError> {
        for bubble in bubbles(
            outgoing.messages,
            Markup::TelegramHtml,
            TEXT_LIMIT,
            TEXT_LIMIT,
        ) {
            let mut body = json!({
                "chat_id": to,
                "text": bubble.text,
                "parse_mode": "HTML",
                "link_preview_options": {"is_disabled": true},
            });
            if let Some(keyboard) = keyboard(bubble.buttons) {
                body["reply_markup"] = keyboard;
            }
            self.call("sendMessage", &body).await?;
        }
        Ok(Vec::new())
    }
}

#[async_trait]
impl Platform for Telegram {
    fn max_body_bytes(&self) -> usize {
        MAX_BODY_BYTES
    }

    fn credential_header(&self) -> &'static str {
        SECRET_HEADER
    }

    fn verify(&self, credential: Option<&str>, _body: &[u8]) -> Result<(), ChannelError> {
        let token = credential.ok_or(ChannelError::MissingCredential(SECRET_HEADER))?;
        if bool::from(
            token
                .as_bytes()
                .ct_eq(self.secret_token.expose().as_bytes()),
        ) {
            Ok(())
        } else {
            Err(ChannelError::BadCredential(SECRET_HEADER))
        }
    }

    fn parse(&self, body: &[u8]) -> Result<Vec<Event>, ChannelError> {
        parse(body)
    }

    /// Stops the spinner on the pressed button.
    async fn confirm(&self, token: &str) -> Result<(), SendError> {
        self.call("answerCallbackQuery", &json!({"callback_query_id": token}))
            .await
    }
}

#[derive(Deserialize)]
struct Update {
    update_id: i64,
    message: Option<Message>,
    callback_query: Option<CallbackQuery>,
}

#[derive(Deserialize)]
struct User {
    id: i64,
    language_code: Option<String>,
}

#[derive(Deserialize)]
struct Chat {
    id: i64,
}

#[derive(Deserialize)]
struct Message {
    from: Option<User>,
    chat: Chat,
    text: Option<String>,
    caption: Option<String>,
    photo: Option<Value>,
    voice: Option<Value>,
    audio: Option<Value>,
    video: Option<Value>,
    video_note: Option<Value>,
    document: Option<Value>,
    sticker: Option<Value>,
    location: Option<Value>,
    contact: Option<Value>,
}

#[derive(Deserialize)]
struct CallbackQuery {
    id: String,
    from: User,
    message: Option<CallbackMessage>,
    data: Option<String>,
}

#[derive(Deserialize)]
struct CallbackMessage {
    chat: Chat,
}

/// A profile language khidma speaks (`ar`, `ar-SA`, `en-GB`), as a hint.
fn hint(user: Option<&User>) -> Option<Lang> {
    let code = user?.language_code.as_deref()?;
    let primary = code.split(['-', '_']).next()?;
    primary.parse().ok()
}

fn attachment(message: &Message) -> Option<Attachment> {
    let kinds = [
        (&message.photo, Attachment::Image),
        (&message.voice, Attachment::Audio),
        (&message.audio, Attachment::Audio),
        (&message.video, Attachment::Video),
        (&message.video_note, Attachment::Video),
        (&message.document, Attachment::Document),
        (&message.sticker, Attachment::Sticker),
        (&message.location, Attachment::Location),
        (&message.contact, Attachment::Contact),
    ];
    kinds
        .into_iter()
        .find(|(field, _)| field.is_some())
        .map(|(_, kind)| kind)
}

pub(super) fn parse(body: &[u8]) -> Result<Vec<Event>, ChannelError> {
    let update: Update =
        serde_json::from_slice(body).map_err(|err| ChannelError::malformed(NAME, err))?;
    let message_id = update.update_id.to_string();
    if let Some(message) = update.message {
        let language_hint = hint(message.from.as_ref());
        let found = attachment(&message);
        let location = geo_point(message.location.as_ref(), "latitude", "longitude");
        let incoming = match (message.text, found) {
            (Some(text), _) => Incoming {
                text,
                language_hint,
                ..Incoming::default()
            },
            (None, found) => Incoming {
                text: message.caption.unwrap_or_default(),
                language_hint,
                attachment: Some(found.unwrap_or(Attachment::Other)),
                location,
                ..Incoming::default()
            },
        };
        return Ok(vec![Event::Message(InboundMessage {
            message_id,
            user: message.chat.id.to_string(),
            incoming,
            confirm: None,
        })]);
    }
    if let Some(query) = update.callback_query {
        let chat = query
            .message
            .as_ref()
            .map_or(query.from.id, |message| message.chat.id);
        return Ok(vec![Event::Message(InboundMessage {
            message_id,
            user: chat.to_string(),
            incoming: Incoming {
                text: String::new(),
                button: query.data,
                language_hint: hint(Some(&query.from)),
                ..Incoming::default()
            },
            confirm: Some(query.id),
        })]);
    }
    // Edits, membership changes and the like ask for no answer.
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_location_carries_its_coordinates() {
        let body = br#"{"update_id":9,"message":{"message_id":1,"chat":{"id":42},"location":{"latitude":24.75,"longitude":46.71}}}"#;
        let Event::Message(message) = &parse(body).unwrap()[0] else {
            panic!()
        };
        assert_eq!(message.incoming.attachment, Some(Attachment::Location));
        assert_eq!(
            message.incoming.location,
            Some(crate::kb::GeoPoint {
                latitude: 24.75,
                longitude: 46.71
            })
        );
    }

    #[test]
    fn callback_data_is_short_ascii() {
        assert!(CallbackData::parse("entry:passport-renewal").is_ok());
        assert!(CallbackData::parse(&"a".repeat(64)).is_ok());
        assert!(CallbackData::parse(&"a".repeat(65)).is_err());
        assert!(CallbackData::parse("").is_err());
        assert!(CallbackData::parse("entry:جواز").is_err());
    }

    #[test]
    fn retry_after_is_the_delay_telegram_asks_for() {
        let answer = json!({"ok": false, "error_code": 429, "description": "Too Many Requests",
                            "parameters": {"retry_after": 3}});
        assert_eq!(
            classify(StatusCode::TOO_MANY_REQUESTS, &answer),
            Verdict::Retry {
                after: Some(Duration::from_secs(3)),
                reason: "HTTP 429: Too Many Requests".to_owned()
            }
        );
        let refused = json!({"ok": false, "error_code": 400, "description": "chat not found"});
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, &refused),
            Verdict::Rejected(_)
        ));
    }

    #[test]
    fn language_code_is_a_hint_and_media_gets_a_kind() {
        let body = br#"{"update_id":7,"message":{"message_id":1,"from":{"id":5,"is_bot":false,"first_name":"K","language_code":"ar-SA"},"chat":{"id":-100,"type":"group"},"date":1,"voice":{"file_id":"f"}}}"#;
        let Event::Message(message) = &parse(body).unwrap()[0] else {
            panic!()
        };
        assert_eq!(message.user, "-100");
        assert_eq!(message.message_id, "7");
        assert_eq!(message.incoming.language_hint, Some(Lang::Ar));
        assert_eq!(message.incoming.attachment, Some(Attachment::Audio));
        assert!(
            parse(br#"{"update_id":8,"edited_message":{}}"#)
                .unwrap()
                .is_empty()
        );
        assert!(parse(br#"{"message":{}}"#).is_err());
    }
}
