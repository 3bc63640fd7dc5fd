//! Facebook Messenger: signed webhooks from Meta (as WhatsApp), replies
//! through the Send API as plain text with quick replies.

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
use crate::message::{Attachment, Incoming};

pub const NAME: &str = "messenger";

const TEXT_LIMIT: usize = 2000;
const MAX_QUICK_REPLIES: usize = 13;
const QUICK_REPLY_TITLE_LIMIT: usize = 20;

pub struct Messenger {
    app_secret: Secret,
    verify_token: Secret,
    page_token: Secret,
    messages_url: String,
    outbound: Arc<Outbound>,
}

impl Messenger {
    pub fn from_env(env: &ChannelEnv, outbound: Arc<Outbound>) -> anyhow::Result<Option<Self>> {
        let Some([app_secret, verify_token, page_token]) = required(
            env,
            [
                "MESSENGER_APP_SECRET",
                "MESSENGER_VERIFY_TOKEN",
                "MESSENGER_PAGE_TOKEN",
            ],
        )?
        else {
            return Ok(None);
        };
        let base = api_base(env, "MESSENGER_API_BASE", meta::GRAPH_API_BASE);
        Ok(Some(Self {
            app_secret,
            verify_token,
            page_token,
            messages_url: format!("{base}/me/messages"),
            outbound,
        }))
    }
}

#[async_trait]
impl Channel for Messenger {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn send(&self, to: &str, outgoing: &Outgoing<'_>) -> Result<Vec<String>, SendError> {
        for bubble in bubbles(outgoing.messages, Markup::Plain, TEXT_LIMIT, TEXT_LIMIT) {
            let mut content = json!({"text": bubble.text});
            if !bubble.buttons.is_empty() {
                let quick_replies: Vec<Value> = bubble
                    .buttons
                    .iter()
                    .take(MAX_QUICK_REPLIES)
                    .map(|button| {
                        json!({
                            "content_type": "text",
                            "title": shorten(&button.title, QUICK_REPLY_TITLE_LIMIT),
                            "payload": button.id,
                        })
                    })
                    .collect();
                content["quick_replies"] = json!(quick_replies);
            }
            // The page token goes in the Authorization header, which the
            // Graph API accepts as well as `?access_token=`, so that it stays
            // out of URLs and their logs.
            let body = json!({
                "recipient": {"id": to},
                "messaging_type": "RESPONSE",
                "message": content,
            });
            self.outbound
                .post(
                    NAME,
                    &self.messages_url,
                    Some(&self.page_token),
                    &body,
                    meta::classify,
                )
                .await?;
        }
        Ok(Vec::new())
    }
}

#[async_trait]
impl Platform for Messenger {
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
    messaging: Vec<Messaging>,
}

#[derive(Deserialize)]
struct Messaging {
    sender: Party,
    timestamp: Option<i64>,
    message: Option<Message>,
    postback: Option<Postback>,
}

#[derive(Deserialize)]
struct Party {
    id: String,
}

#[derive(Deserialize)]
struct Message {
    mid: String,
    text: Option<String>,
    quick_reply: Option<QuickReply>,
    #[serde(default)]
    attachments: Vec<AttachmentBody>,
    #[serde(default)]
    is_echo: bool,
}

#[derive(Deserialize)]
struct QuickReply {
    payload: String,
}

#[derive(Deserialize)]
struct AttachmentBody {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    payload: Option<Value>,
}

#[derive(Deserialize)]
struct Postback {
    mid: Option<String>,
    title: Option<String>,
    payload: String,
}

fn attachment(kind: &str) -> Attachment {
    match kind {
        "image" => Attachment::Image,
        "audio" => Attachment::Audio,
        "video" => Attachment::Video,
        "file" => Attachment::Document,
        "location" => Attachment::Location,
        _ => Attachment::Other,
    }
}

pub(super) fn parse(body: &[u8]) -> Result<Vec<Event>, ChannelError> {
    let notification: Notification =
        serde_json::from_slice(body).map_err(|err| ChannelError::malformed(NAME, err))?;
    if notification.object != "page" {
        return Err(ChannelError::malformed(
            NAME,
            format!("object is {:?}, not page", notification.object),
        ));
    }
    let mut events = Vec::new();
    for messaging in notification
        .entry
        .into_iter()
        .flat_map(|entry| entry.messaging)
    {
        let user = messaging.sender.id;
        if let Some(message) = messaging.message {
            // Our own messages come back as echoes.
            if message.is_echo {
                continue;
            }
            let incoming = match (message.text, message.attachments.first()) {
                (Some(text), _) => Incoming {
                    text,
                    button: message.quick_reply.map(|quick| quick.payload),
                    ..Incoming::default()
                },
                (None, found) => Incoming {
                    attachment: Some(
                        found.map_or(Attachment::Other, |body| attachment(&body.kind)),
                    ),
                    location: found.and_then(|body| {
                        let coordinates = body.payload.as_ref()?.get("coordinates");
                        geo_point(coordinates, "lat", "long")
                    }),
                    ..Incoming::default()
                },
            };
            events.push(Event::Message(InboundMessage {
                message_id: message.mid,
                user,
                incoming,
                confirm: None,
            }));
        } else if let Some(postback) = messaging.postback {
            // Older postbacks carry no `mid`: the sender and time identify
            // them as well.
            let message_id = postback.mid.unwrap_or_else(|| {
                format!(
                    "postback:{user}:{}",
                    messaging.timestamp.unwrap_or_default()
                )
            });
            events.push(Event::Message(InboundMessage {
                message_id,
                user,
                incoming: Incoming {
                    text: postback.title.unwrap_or_default(),
                    button: Some(postback.payload),
                    ..Incoming::default()
                },
                confirm: None,
            }));
        }
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_are_skipped_and_attachments_get_a_kind() {
        let body = br#"{"object":"page","entry":[{"id":"3","time":1,"messaging":[
            {"sender":{"id":"61"},"recipient":{"id":"3"},"timestamp":1,"message":{"mid":"m_1","is_echo":true,"text":"ours"}},
            {"sender":{"id":"61"},"recipient":{"id":"3"},"timestamp":2,"message":{"mid":"m_2","attachments":[{"type":"image","payload":{"url":"u"}}]}}
        ]}]}"#;
        let events = parse(body).unwrap();
        assert_eq!(events.len(), 1);
        let Event::Message(message) = &events[0] else {
            panic!()
        };
        assert_eq!(message.message_id, "m_2");
        assert_eq!(message.incoming.attachment, Some(Attachment::Image));
        assert!(parse(br#"{"object":"whatsapp_business_account","entry":[]}"#).is_err());
    }

    #[test]
    fn a_shared_location_carries_its_coordinates() {
        let body = br#"{"object":"page","entry":[{"id":"3","time":1,"messaging":[
            {"sender":{"id":"61"},"recipient":{"id":"3"},"timestamp":2,"message":{"mid":"m_3","attachments":[{"type":"location","payload":{"coordinates":{"lat":24.75,"long":46.71}}}]}}
        ]}]}"#;
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
}
