//! WhatsApp Cloud API: signed webhooks from Meta, replies through
//! `POST <base>/<phone number id>/messages`.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{Value, json};

use super::markup::{Markup, bubbles, shorten};
use super::outbound::Outbound;
use super::{
    Channel, ChannelError, Event, InboundMessage, Outgoing, Platform, SendError, api_base,
    geo_point, meta, required,
};
use crate::configuration::{ChannelEnv, Secret};
use crate::i18n::{Lang, Localizer, Msg};
use crate::message::{Attachment, Button, Incoming};

pub const NAME: &str = "whatsapp";

const TEXT_LIMIT: usize = 4096;
/// The body of a message with buttons or a list.
const INTERACTIVE_LIMIT: usize = 1024;
const MAX_REPLY_BUTTONS: usize = 3;
const REPLY_TITLE_LIMIT: usize = 20;
const MAX_LIST_ROWS: usize = 10;
const ROW_TITLE_LIMIT: usize = 24;
const LIST_BUTTON_LIMIT: usize = 20;

pub struct WhatsApp {
    app_secret: Secret,
    verify_token: Secret,
    access_token: Secret,
    messages_url: String,
    outbound: Arc<Outbound>,
    localizer: Arc<Localizer>,
}

impl WhatsApp {
    pub fn from_env(
        env: &ChannelEnv,
        outbound: Arc<Outbound>,
        localizer: Arc<Localizer>,
    ) -> anyhow::Result<Option<Self>> {
        let Some([app_secret, verify_token, access_token, phone_number_id]) = required(
            env,
            [
                "WHATSAPP_APP_SECRET",
                "WHATSAPP_VERIFY_TOKEN",
                "WHATSAPP_ACCESS_TOKEN",
                "WHATSAPP_PHONE_NUMBER_ID",
            ],
        )?
        else {
            return Ok(None);
        };
        let base = api_base(env, "WHATSAPP_API_BASE", meta::GRAPH_API_BASE);
        Ok(Some(Self {
            app_secret,
            verify_token,
            access_token,
            messages_url: format!("{base}/{}/messages", phone_number_id.expose()),
            outbound,
            localizer,
        }))
    }

    /// The request body for one message, addressed to `to`.
    fn payload(&self, to: &str, text: &str, buttons: &[Button], language: Lang) -> Value {
        let mut payload = json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
        });
        // Business-scoped user ids (`US.13491208655302741918`) are sent as
        // `recipient`; phone numbers as `to`, with their `+`.
        if to.chars().all(|c| c.is_ascii_digit()) {
            payload["to"] = json!(format!("+{to}"));
        } else {
            payload["recipient"] = json!(to);
        }
        if buttons.is_empty() {
            payload["type"] = json!("text");
            payload["text"] = json!({"preview_url": false, "body": text});
        } else if buttons.len() <= MAX_REPLY_BUTTONS {
            let buttons: Vec<Value> = buttons
                .iter()
                .map(|button| {
                    json!({"type": "reply", "reply": {
                        "id": button.id,
                        "title": shorten(&button.title, REPLY_TITLE_LIMIT),
                    }})
                })
                .collect();
            payload["type"] = json!("interactive");
            payload["interactive"] = json!({
                "type": "button",
                "body": {"text": text},
                "action": {"buttons": buttons},
            });
        } else {
            if buttons.len() > MAX_LIST_ROWS {
                tracing::warn!(
                    offered = buttons.len(),
                    "a WhatsApp list holds {MAX_LIST_ROWS} rows; the rest were left out"
                );
            }
            let rows: Vec<Value> = buttons
                .iter()
                .take(MAX_LIST_ROWS)
                .map(|button| json!({"id": button.id, "title": shorten(&button.title, ROW_TITLE_LIMIT)}))
                .collect();
            let label = self.localizer.text(language, Msg::ButtonChoices);
            payload["type"] = json!("interactive");
            payload["interactive"] = json!({
                "type": "list",
                "body": {"text": text},
                "action": {
                    "button": shorten(&label, LIST_BUTTON_LIMIT),
                    "sections": [{"rows": rows}],
                },
            });
        }
        payload
    }
}

#[async_trait]
impl Channel for WhatsApp {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(&self, to: &str, outgoing: &Outgoing<'_>) -> Result<(), SendError> {
        for bubble in bubbles(
            outgoing.messages,
            Markup::WhatsApp,
            TEXT_LIMIT,
            INTERACTIVE_LIMIT,
        ) {
            let payload = self.payload(to, &bubble.text, bubble.buttons, outgoing.language);
            self.outbound
                .post(
                    NAME,
                    &self.messages_url,
                    Some(&self.access_token),
                    &payload,
                    meta::classify,
                )
                .await?;
        }
        Ok(())
    }
}

#[async_trait]
impl Platform for WhatsApp {
    fn max_body_bytes(&self) -> usize {
        meta::MAX_BODY_BYTES
    }

    fn credential_header(&self) -> &'static str {
        meta::SIGNATURE_HEADER
    }

    fn handshake(&self, query: &HashMap<String, String>) -> Result<String, ChannelError> {
        meta::handshake(query, &self.verify_token)
    }

    fn verify(&self, credential: Option<&str>, body: &[u8]) -> Result<(), ChannelError> {
        meta::verify_signature(credential, body, &self.app_secret)
    }

    fn parse(&self, body: &[u8]) -> Result<Vec<Event>, ChannelError> {
        parse(body)
    }
}

#[derive(Deserialize)]
struct Notification {
    object: String,
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    field: String,
    value: Value,
}

#[derive(Deserialize, Default)]
struct ChangeValue {
    #[serde(default)]
    contacts: Vec<Contact>,
    #[serde(default)]
    messages: Vec<Message>,
    #[serde(default)]
    statuses: Vec<Status>,
    #[serde(default)]
    errors: Vec<PlatformError>,
}

#[derive(Deserialize)]
struct Contact {
    wa_id: Option<String>,
    user_id: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    id: String,
    from: Option<String>,
    from_user_id: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    text: Option<TextBody>,
    interactive: Option<Interactive>,
    button: Option<TemplateButton>,
    #[serde(default)]
    image: Option<Media>,
    #[serde(default)]
    video: Option<Media>,
    #[serde(default)]
    document: Option<Media>,
    #[serde(default)]
    location: Option<Value>,
}

#[derive(Deserialize)]
struct TextBody {
    body: String,
}

#[derive(Deserialize)]
struct Interactive {
    button_reply: Option<Choice>,
    list_reply: Option<Choice>,
}

#[derive(Deserialize)]
struct Choice {
    id: String,
    title: String,
}

#[derive(Deserialize)]
struct TemplateButton {
    payload: Option<String>,
    text: String,
}

#[derive(Deserialize)]
struct Media {
    caption: Option<String>,
}

#[derive(Deserialize)]
struct Status {
    id: String,
    status: String,
    #[serde(default)]
    errors: Vec<PlatformError>,
}

#[derive(Deserialize)]
struct PlatformError {
    code: Option<i64>,
    title: Option<String>,
    message: Option<String>,
}

impl PlatformError {
    fn describe(&self) -> String {
        self.message
            .as_deref()
            .or(self.title.as_deref())
            .unwrap_or("no detail")
            .to_owned()
    }
}

fn malformed(reason: impl ToString) -> ChannelError {
    ChannelError::malformed(NAME, reason)
}

pub(super) fn parse(body: &[u8]) -> Result<Vec<Event>, ChannelError> {
    let notification: Notification = serde_json::from_slice(body).map_err(malformed)?;
    if notification.object != "whatsapp_business_account" {
        return Err(malformed(format!(
            "object is {:?}, not whatsapp_business_account",
            notification.object
        )));
    }
    let mut events = Vec::new();
    for change in notification
        .entry
        .into_iter()
        .flat_map(|entry| entry.changes)
    {
        if change.field != "messages" {
            tracing::debug!(field = %change.field, "WhatsApp change ignored");
            continue;
        }
        let value: ChangeValue = serde_json::from_value(change.value).map_err(malformed)?;
        for error in &value.errors {
            tracing::warn!(code = error.code, detail = %error.describe(), "WhatsApp reported an error");
        }
        for message in value.messages {
            if let Some(inbound) = inbound(message, &value.contacts) {
                events.push(Event::Message(inbound));
            }
        }
        for status in value.statuses {
            if status.status == "failed" {
                let error = status.errors.first();
                events.push(Event::DeliveryFailed {
                    message_id: status.id,
                    code: error.and_then(|error| error.code),
                    detail: error.map_or_else(|| "no detail".to_owned(), PlatformError::describe),
                });
            }
        }
    }
    Ok(events)
}

/// The user's business-scoped id when WhatsApp sends one (users with a
/// username may have no phone number), else their phone number.
fn user(message: &Message, contacts: &[Contact]) -> Option<String> {
    let contact = contacts
        .iter()
        .find(|contact| contact.wa_id.is_some() && contact.wa_id == message.from)
        .or(contacts.first().filter(|_| contacts.len() == 1));
    message
        .from_user_id
        .clone()
        .or_else(|| contact.and_then(|contact| contact.user_id.clone()))
        .or_else(|| message.from.clone())
}

fn inbound(message: Message, contacts: &[Contact]) -> Option<InboundMessage> {
    let Some(user) = user(&message, contacts) else {
        tracing::warn!(message_id = %message.id, "WhatsApp message without a sender skipped");
        return None;
    };
    let caption = |media: &Option<Media>| {
        media
            .as_ref()
            .and_then(|media| media.caption.clone())
            .unwrap_or_default()
    };
    let incoming = match message.kind.as_str() {
        "text" => Incoming {
            text: message.text.map(|text| text.body).unwrap_or_default(),
            ..Incoming::default()
        },
        "interactive" => {
            let Some(choice) = message
                .interactive
                .and_then(|interactive| interactive.button_reply.or(interactive.list_reply))
            else {
                tracing::info!(message_id = %message.id, "a WhatsApp interactive reply of another kind was skipped");
                return None;
            };
            Incoming {
                text: choice.title,
                button: Some(choice.id),
                ..Incoming::default()
            }
        }
        "button" => {
            let button = message.button?;
            Incoming {
                text: button.text,
                button: button.payload,
                ..Incoming::default()
            }
        }
        // A reaction to one of our messages asks for no answer.
        "reaction" => return None,
        kind => {
            let (attachment, text) = match kind {
                "image" => (Attachment::Image, caption(&message.image)),
                "video" => (Attachment::Video, caption(&message.video)),
                "document" => (Attachment::Document, caption(&message.document)),
                "audio" | "voice" => (Attachment::Audio, String::new()),
                "sticker" => (Attachment::Sticker, String::new()),
                "location" => (Attachment::Location, String::new()),
                "contacts" => (Attachment::Contact, String::new()),
                _ => (Attachment::Other, String::new()),
            };
            Incoming {
                text,
                attachment: Some(attachment),
                location: geo_point(message.location.as_ref(), "latitude", "longitude"),
                ..Incoming::default()
            }
        }
    };
    Some(InboundMessage {
        message_id: message.id,
        user,
        incoming,
        confirm: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification(value: Value) -> Vec<u8> {
        json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
            {"field": "messages", "value": value}
        ]}]})
        .to_string()
        .into_bytes()
    }

    #[test]
    fn the_business_scoped_user_id_wins_over_the_phone_number() {
        let body = notification(json!({
            "contacts": [{"wa_id": "966500000001", "user_id": "US.1349"}],
            "messages": [{"from": "966500000001", "id": "wamid.1", "timestamp": "1",
                          "type": "text", "text": {"body": "hi"}}]
        }));
        let events = parse(&body).unwrap();
        let Event::Message(message) = &events[0] else {
            panic!("{events:?}")
        };
        assert_eq!(message.user, "US.1349");

        let body = notification(json!({
            "messages": [{"from_user_id": "US.77", "id": "wamid.2", "timestamp": "1",
                          "type": "text", "text": {"body": "hi"}}]
        }));
        let Event::Message(message) = &parse(&body).unwrap()[0] else {
            panic!()
        };
        assert_eq!(message.user, "US.77");
    }

    #[test]
    fn media_and_choices_become_neutral_messages() {
        let body = notification(json!({"messages": [
            {"from": "1", "id": "a", "type": "image", "image": {"id": "m", "caption": "receipt"}},
            {"from": "1", "id": "b", "type": "location", "location": {"latitude": 1.0, "longitude": 2.0}},
            {"from": "1", "id": "c", "type": "interactive",
             "interactive": {"type": "list_reply", "list_reply": {"id": "topic:traffic", "title": "Traffic"}}},
            {"from": "1", "id": "d", "type": "reaction", "reaction": {"emoji": "👍"}}
        ]}));
        let incoming: Vec<Incoming> = parse(&body)
            .unwrap()
            .into_iter()
            .map(|event| match event {
                Event::Message(message) => message.incoming,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(incoming.len(), 3, "reactions ask for no answer");
        assert_eq!(incoming[0].attachment, Some(Attachment::Image));
        assert_eq!(incoming[0].text, "receipt");
        assert_eq!(incoming[1].attachment, Some(Attachment::Location));
        assert_eq!(
            incoming[1].location,
            Some(crate::kb::GeoPoint {
                latitude: 1.0,
                longitude: 2.0
            })
        );
        assert_eq!(incoming[0].location, None);
        assert_eq!(incoming[2].button.as_deref(), Some("topic:traffic"));
    }

    #[test]
    fn other_objects_and_shapes_are_malformed() {
        assert!(parse(b"not json").is_err());
        assert!(parse(br#"{"object":"page","entry":[]}"#).is_err());
        assert!(parse(&notification(json!({"messages": [{"id": 5}]}))).is_err());
        assert!(
            parse(br#"{"object":"whatsapp_business_account","entry":[]}"#)
                .unwrap()
                .is_empty()
        );
    }
}
