//! WhatsApp Cloud API: signed webhooks from Meta, replies through
//! `POST <base>/<phone number id>/messages`.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::{Value, json};

use super::markup::{Markup, bubbles, shorten};
use super::outbound::Outbound;
use super::templates::whatsapp_template;
use super::{
    Channel, ChannelError, Event, InboundMessage, Outgoing, Platform, Purpose, SendError,
    TemplateSend, Tick, api_base, geo_point, meta, required,
};
use crate::configuration::{ChannelEnv, Secret, TemplateSettings};
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
    templates: TemplateSettings,
}

impl WhatsApp {
    pub fn from_env(
        env: &ChannelEnv,
        outbound: Arc<Outbound>,
        localizer: Arc<Localizer>,
        templates: TemplateSettings,
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
            templates,
        }))
    }

    /// Posts one message and returns the `wamid` WhatsApp gave it.
    async fn post(&self, payload: &Value) -> Result<Vec<String>, SendError> {
        let answer = self
            .outbound
            .post(
                NAME,
                &self.messages_url,
                Some(&self.access_token),
                payload,
                meta::classify,
            )
            .await?;
        Ok(answer["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|message| message["id"].as_str().map(str::to_owned))
            .collect())
    }

    /// The request body for one message, addressed to `to`.
    fn payload(&self, to: &str, text: &str, buttons: &[Button], language: Lang) -> Value {
        let mut payload = addressed(to);
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

/// A message's envelope, addressed to `to`: business-scoped user ids
/// (`US.13491208655302741918`) are sent as `recipient`; phone numbers as
/// `to`, with their `+`.
fn addressed(to: &str) -> Value {
    let mut payload = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
    });
    if to.chars().all(|c| c.is_ascii_digit()) {
        payload["to"] = json!(format!("+{to}"));
    } else {
        payload["recipient"] = json!(to);
    }
    payload
}

#[async_trait]
impl Channel for WhatsApp {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(&self, to: &str, outgoing: &Outgoing<'_>) -> Result<Vec<String>, SendError> {
        let mut ids = Vec::new();
        for bubble in bubbles(
            outgoing.messages,
            Markup::WhatsApp,
            TEXT_LIMIT,
            INTERACTIVE_LIMIT,
        ) {
            let payload = self.payload(to, &bubble.text, bubble.buttons, outgoing.language);
            ids.extend(self.post(&payload).await?);
        }
        Ok(ids)
    }

    fn has_template(&self, purpose: Purpose) -> bool {
        purpose.template(&self.templates).is_some()
    }

    async fn send_template(
        &self,
        to: &str,
        send: &TemplateSend<'_>,
    ) -> Result<Option<Vec<String>>, SendError> {
        let Some(template) = send.purpose.template(&self.templates) else {
            return Ok(None);
        };
        let mut payload = addressed(to);
        payload["type"] = json!("template");
        payload["template"] = whatsapp_template(template, send);
        self.post(&payload).await.map(Some)
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
            let tick = match status.status.as_str() {
                "sent" => Tick::Sent,
                "delivered" => Tick::Delivered,
                "read" => Tick::Read,
                "failed" => {
                    let error = status.errors.first();
                    events.push(Event::DeliveryFailed {
                        message_id: status.id,
                        code: error.and_then(|error| error.code),
                        detail: error
                            .map_or_else(|| "no detail".to_owned(), PlatformError::describe),
                    });
                    continue;
                }
                other => {
                    tracing::debug!(status = other, "WhatsApp status ignored");
                    continue;
                }
            };
            events.push(Event::Status {
                message_id: status.id,
                tick,
            });
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
mod tests;
