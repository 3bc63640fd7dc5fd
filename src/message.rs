//! The messages of a turn, as every layer sees them: what a citizen sent
//! ([`Incoming`], whatever the channel) and what the bot answers
//! ([`Reply`], which each channel sends in its own format).

use serde::{Deserialize, Serialize};

use crate::conversation::Action;
use crate::i18n::Lang;
use crate::kb::{EntryId, GeoPoint};

/// A citizen's message as every channel delivers it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Incoming {
    pub text: String,
    /// The id of a button the citizen pressed, when they pressed one.
    pub button: Option<String>,
    /// A client's explicit language choice.
    pub forced_language: Option<Lang>,
    /// A platform's profile language (Telegram's `language_code`).
    pub language_hint: Option<Lang>,
    /// Something other than text the citizen sent (a photo, a voice note);
    /// `text` then holds its caption, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    /// Where the citizen is, when they shared a location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<GeoPoint>,
}

/// Kinds of non-text messages, as every platform has them. The bot reads
/// only text for now; it says so kindly and records what arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attachment {
    Image,
    Audio,
    Video,
    Document,
    Sticker,
    Location,
    Contact,
    Other,
}

impl Attachment {
    pub fn name(self) -> &'static str {
        match self {
            Attachment::Image => "image",
            Attachment::Audio => "audio",
            Attachment::Video => "video",
            Attachment::Document => "document",
            Attachment::Sticker => "sticker",
            Attachment::Location => "location",
            Attachment::Contact => "contact",
            Attachment::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub id: String,
    pub title: String,
}

/// One chat bubble. `text` is Markdown; channels render it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    pub text: String,
    pub buttons: Vec<Button>,
}

/// The bot's reply to one message; each channel sends it in its own format
/// (web chat's is `channels::web::MessageReply`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub conversation_id: String,
    pub language: Lang,
    pub action: Action,
    pub entry_id: Option<EntryId>,
    pub candidates: Vec<EntryId>,
    pub messages: Vec<OutgoingMessage>,
}
