//! The messages of a turn, as every layer sees them: what a citizen sent
//! ([`Incoming`], whatever the channel) and what the bot answers
//! ([`Reply`], which each channel sends in its own format).

use serde::{Deserialize, Serialize};

use crate::conversation::Action;
use crate::i18n::Lang;
use crate::kb::{EntryId, GeoPoint};
use crate::language::text::is_blank;

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
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub conversation_id: String,
    pub language: Lang,
    pub action: Action,
    pub entry_id: Option<EntryId>,
    pub candidates: Vec<EntryId>,
    pub messages: Vec<OutgoingMessage>,
    /// How the citizen felt writing the message, -1.0 (angry) to 1.0
    /// (pleased) (`language::sentiment`); `None` when it showed no feeling
    /// or was a button press. For the experience events, not sent to the
    /// citizen.
    pub sentiment: Option<f32>,
    /// How sure the bot was of what it answered; none when it answered
    /// nothing (`dialogue::confidence`).
    pub confidence: Option<crate::cx::Confidence>,
}

impl Incoming {
    /// Whether the message carries nothing at all: no visible text (only
    /// spaces or zero-width characters), no button, attachment or location.
    pub fn says_nothing(&self) -> bool {
        is_blank(&self.text)
            && self.button.is_none()
            && self.attachment.is_none()
            && self.location.is_none()
    }

    /// The message as consecutive parts whose text has at most `max_chars`
    /// characters, cut after a space where one is near: a platform may
    /// allow longer messages than khidma reads at once (WhatsApp 65,536
    /// characters), and cutting one short would lose what the citizen
    /// wrote. The button, attachment and location go with the first part.
    pub fn into_parts(self, max_chars: usize) -> Vec<Incoming> {
        let max_chars = max_chars.max(1);
        if self.text.chars().count() <= max_chars {
            return vec![self];
        }
        let mut texts = Vec::new();
        let mut rest = self.text.as_str();
        while !rest.is_empty() {
            let cut = part_end(rest, max_chars);
            texts.push(rest[..cut].to_owned());
            rest = &rest[cut..];
        }
        let mut first = Some(self);
        texts
            .into_iter()
            .map(|text| match first.take() {
                Some(first) => Incoming { text, ..first },
                None => Incoming {
                    text,
                    ..Incoming::default()
                },
            })
            .collect()
    }
}

/// Where the first part of `text` ends: after at most `max_chars`
/// characters, after the last space in the second half of them if any.
fn part_end(text: &str, max_chars: usize) -> usize {
    let Some((end, _)) = text.char_indices().nth(max_chars) else {
        return text.len();
    };
    let half = text
        .char_indices()
        .nth(max_chars / 2)
        .map_or(0, |(at, _)| at);
    match text[half..end].rfind(char::is_whitespace) {
        Some(space) => {
            let at = half + space;
            at + text[at..].chars().next().map_or(1, char::len_utf8)
        }
        None => end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(text: &str) -> Incoming {
        Incoming {
            text: text.to_owned(),
            ..Incoming::default()
        }
    }

    #[test]
    fn zero_width_text_says_nothing_but_a_button_or_a_letter_does() {
        assert!(text("\u{200B}\u{200B}").says_nothing());
        assert!(!text("\u{200B}ا").says_nothing());
        let pressed = Incoming {
            button: Some("entry:water-bill".to_owned()),
            ..text("\u{200B}")
        };
        assert!(!pressed.says_nothing());
    }

    #[test]
    fn a_long_message_is_cut_into_parts_that_keep_every_character() {
        let long = format!("{} {}", "ماء".repeat(30), "كهرباء ".repeat(20));
        let parts = text(&long).into_parts(40);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|part| part.text.chars().count() <= 40));
        let joined: String = parts.iter().map(|part| part.text.as_str()).collect();
        assert_eq!(joined, long);
        assert_eq!(text("short").into_parts(40), [text("short")]);
    }
}
