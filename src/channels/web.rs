//! Web chat: a citizen's message arrives as the body of
//! `POST /api/v1/messages` and is answered in the response; what agents
//! (and the bot, on their behalf) send later goes to the citizen's outbox,
//! which the web client reads with
//! `GET /api/v1/conversations/{id}/messages?after=<cursor>`: the outbox is
//! this channel's send. Both need the conversation's session (`session`).
//! The types here are the REST API's wire format (`docs/web-chat.md`),
//! kept apart from the dialogue's own types so that the public JSON
//! changes only on purpose.

mod session;

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Channel, MAX_TEXT_CHARS, Outgoing, SendError};
use crate::configuration::WebchatKeys;
use crate::conversation::{Action, ConversationId, now_ms};
use crate::handoff::{HandoffStore, OutboxMessage};
use crate::i18n::Lang;
use crate::kb::{EntryId, GeoPoint};
use crate::language::text::is_blank;
use crate::message::{Attachment, Incoming, Reply};
use crate::state::{ConversationStore, StoreError};
pub use session::{SessionError, WebCaller, admit};

pub const NAME: &str = "web";

pub struct Web {
    /// The outboxes live with the rest of the handoff state.
    outbox: Arc<dyn HandoffStore>,
    /// Where a conversation's session is, to check an outbox's reader.
    conversations: Arc<dyn ConversationStore>,
    portal_keys: WebchatKeys,
}

/// Why a web-chat request was not served.
#[derive(Debug, thiserror::Error)]
pub enum WebChatError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Web {
    pub fn new(
        outbox: Arc<dyn HandoffStore>,
        conversations: Arc<dyn ConversationStore>,
        portal_keys: WebchatKeys,
    ) -> Self {
        Self {
            outbox,
            conversations,
            portal_keys,
        }
    }

    /// Who is calling: `bearer` from `Authorization: Bearer`, `session`
    /// from the body.
    /// Whether `bearer` is a portal's key: a trusted backend that speaks
    /// for many citizens.
    pub fn is_portal(&self, bearer: Option<&str>) -> bool {
        bearer.is_some_and(|key| self.portal_keys.find(key).is_some())
    }

    pub fn caller(&self, bearer: Option<&str>, session: Option<String>) -> WebCaller {
        WebCaller::identify(&self.portal_keys, bearer, session)
    }

    /// What was sent to the citizen after `after` (a cursor from an earlier
    /// page; 0 for all), for the holder of the conversation's session or a
    /// portal.
    pub async fn outbox(
        &self,
        conversation_id: ConversationId,
        after: u64,
        caller: &WebCaller,
    ) -> Result<OutboxPage, WebChatError> {
        let conversation = self.conversations.get(&conversation_id).await?;
        session::check_reader(conversation.as_ref(), caller)?;
        let messages = self.outbox.outbox(&conversation_id, after).await?;
        let cursor = messages.last().map_or(after, |message| message.cursor);
        Ok(OutboxPage {
            conversation_id,
            messages,
            cursor,
        })
    }
}

#[async_trait]
impl Channel for Web {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(&self, to: &str, outgoing: &Outgoing<'_>) -> Result<Vec<String>, SendError> {
        let id = ConversationId::new(NAME, to).map_err(SendError::Rejected)?;
        let at_ms = now_ms();
        for message in outgoing.messages {
            let message = OutboxMessage {
                cursor: 0,
                at_ms,
                speaker: outgoing.speaker.clone(),
                text: message.text.clone(),
                buttons: message.buttons.clone(),
            };
            self.outbox.push_outbox(&id, &message).await?;
        }
        Ok(Vec::new())
    }
}

/// The body of `POST /api/v1/messages`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    /// The citizen's id in the web client: printable, no spaces, nothing
    /// zero-width or direction-changing, at most 128 characters.
    #[schema(example = "citizen-1")]
    user_id: String,
    /// What the citizen wrote, at most 4,096 characters; not empty (nor only
    /// zero-width characters) unless `location` is sent.
    #[schema(example = "ابي اجدد جواز السفر")]
    text: String,
    /// `ar` or `en`: answer in this language.
    #[serde(default)]
    language: Option<String>,
    /// The `id` of a button from an earlier reply, when the citizen pressed
    /// one (its title goes in `text`).
    #[serde(default)]
    button: Option<String>,
    /// Where the citizen is, when the web client shares it; `text` may then
    /// be empty.
    #[serde(default)]
    #[schema(value_type = Option<Object>, example = json!({"latitude": 24.75, "longitude": 46.71}))]
    location: Option<GeoPoint>,
    /// The `session` of the conversation's first reply; none on the first
    /// message.
    #[serde(default)]
    session: Option<String>,
}

/// A web-chat message, checked: its conversation, the message, and the
/// session it carried.
pub struct WebMessage {
    pub conversation_id: ConversationId,
    pub incoming: Incoming,
    pub session: Option<String>,
}

/// Why a well-formed body is not a message.
#[derive(Debug, thiserror::Error)]
pub enum InvalidMessage {
    #[error("user_id {0}")]
    UserId(String),
    #[error("latitude must be between -90 and 90, longitude between -180 and 180")]
    Location,
    #[error("text must not be empty")]
    EmptyText,
    #[error("text is {0} characters; the limit is {MAX_TEXT_CHARS}")]
    TextTooLong(usize),
    #[error("language is not supported: use \"ar\" or \"en\"")]
    Language,
}

impl MessageRequest {
    /// The conversation and the message, checked before anything is
    /// touched.
    pub fn into_message(self) -> Result<WebMessage, InvalidMessage> {
        let conversation_id =
            ConversationId::new(NAME, &self.user_id).map_err(InvalidMessage::UserId)?;
        if let Some(location) = &self.location
            && !location.is_valid()
        {
            return Err(InvalidMessage::Location);
        }
        let blank = is_blank(&self.text);
        if blank && self.location.is_none() {
            return Err(InvalidMessage::EmptyText);
        }
        let length = self.text.chars().count();
        if length > MAX_TEXT_CHARS {
            return Err(InvalidMessage::TextTooLong(length));
        }
        let forced_language = match self.language.as_deref() {
            None => None,
            Some("ar") => Some(Lang::Ar),
            Some("en") => Some(Lang::En),
            Some(_) => return Err(InvalidMessage::Language),
        };
        let location_only = self.location.is_some() && blank;
        Ok(WebMessage {
            conversation_id,
            incoming: Incoming {
                text: self.text,
                button: self.button.filter(|button| !button.is_empty()),
                forced_language,
                language_hint: None,
                attachment: location_only.then_some(Attachment::Location),
                location: self.location,
            },
            session: self.session.filter(|session| !session.is_empty()),
        })
    }
}

/// The answer to `POST /api/v1/messages`, and what `khidma ask` prints.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageReply {
    /// `web:<user_id>`.
    conversation_id: String,
    /// `ar` or `en`.
    #[schema(value_type = String, example = "ar")]
    language: Lang,
    /// `answer`, `clarify`, `escalate`, `fallback` or `agent`.
    #[schema(value_type = String, example = "answer")]
    action: Action,
    /// The knowledge-base entry answered from (or that escalated).
    #[schema(value_type = Option<String>)]
    entry_id: Option<EntryId>,
    /// For `clarify`: the entries offered, best first.
    #[schema(value_type = Vec<String>)]
    candidates: Vec<EntryId>,
    messages: Vec<ReplyMessage>,
    /// Issued with the first reply of a new web conversation: later
    /// messages and outbox reads must carry it.
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<String>,
}

impl MessageReply {
    pub fn with_session(mut self, session: Option<String>) -> Self {
        self.session = session;
        self
    }
}

/// One chat bubble: Markdown text, and the buttons under it.
#[derive(Debug, Serialize, ToSchema)]
struct ReplyMessage {
    /// Markdown (`**bold**`, lists, links): render it.
    text: String,
    buttons: Vec<ReplyButton>,
}

/// Pressing it sends its `title` as `text` and its `id` as `button`.
#[derive(Debug, Serialize, ToSchema)]
struct ReplyButton {
    id: String,
    title: String,
}

impl From<Reply> for MessageReply {
    fn from(reply: Reply) -> Self {
        Self {
            conversation_id: reply.conversation_id,
            language: reply.language,
            action: reply.action,
            entry_id: reply.entry_id,
            candidates: reply.candidates,
            messages: reply
                .messages
                .into_iter()
                .map(|message| ReplyMessage {
                    text: message.text,
                    buttons: message
                        .buttons
                        .into_iter()
                        .map(|button| ReplyButton {
                            id: button.id,
                            title: button.title,
                        })
                        .collect(),
                })
                .collect(),
            session: None,
        }
    }
}

/// The answer to `GET /api/v1/conversations/{id}/messages`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxPage {
    #[schema(value_type = String)]
    conversation_id: ConversationId,
    /// Each with `cursor`, `at_ms`, `speaker` (`agent` or `bot`), `text`
    /// (Markdown) and `buttons`.
    #[schema(value_type = Vec<Object>)]
    messages: Vec<OutboxMessage>,
    /// The `after` of the next page.
    cursor: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Button, OutgoingMessage};

    #[test]
    fn a_reply_keeps_the_public_json_shape() {
        let reply = Reply {
            conversation_id: "web:a".to_owned(),
            language: Lang::Ar,
            action: Action::Clarify,
            entry_id: None,
            candidates: vec![EntryId::parse("water-bill").unwrap()],
            messages: vec![OutgoingMessage {
                text: "which one?".to_owned(),
                buttons: vec![Button {
                    id: "entry:water-bill".to_owned(),
                    title: "Water bill".to_owned(),
                }],
            }],
            sentiment: Some(0.5),
            confidence: None,
        };
        assert_eq!(
            serde_json::to_value(MessageReply::from(reply)).unwrap(),
            serde_json::json!({
                "conversation_id": "web:a",
                "language": "ar",
                "action": "clarify",
                "entry_id": null,
                "candidates": ["water-bill"],
                "messages": [{"text": "which one?",
                              "buttons": [{"id": "entry:water-bill", "title": "Water bill"}]}],
            })
        );
    }
}
