//! Messaging platforms. Only this module knows their JSON: a [`Channel`]
//! checks that a webhook request came from its platform, turns the body
//! into platform-neutral [`Event`]s, and sends a [`Reply`]'s messages back
//! in the platform's own format. A new platform is one file implementing
//! the trait plus one line in [`Channels::from_settings`].

mod markup;
mod messenger;
mod meta;
mod outbound;
mod telegram;
mod whatsapp;

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;

pub use outbound::{Outbound, SendError};

use crate::configuration::{ChannelEnv, Secret, Settings};
use crate::conversation::{ConversationId, DeliveryFailure, now_ms};
use crate::dialogue::{Incoming, Reply};
use crate::i18n::Localizer;
use crate::kb::GeoPoint;
use crate::metrics::{Counter, Metrics};
use crate::state::{ConversationStore, Enqueued, Envelope, StoreError};

/// The coordinates in a platform's location object, named `lat_key` and
/// `lon_key`; none when absent or out of range (the message is still read).
fn geo_point(value: Option<&serde_json::Value>, lat_key: &str, lon_key: &str) -> Option<GeoPoint> {
    let value = value?;
    let point = GeoPoint {
        latitude: value.get(lat_key)?.as_f64()?,
        longitude: value.get(lon_key)?.as_f64()?,
    };
    point.is_valid().then_some(point)
}

#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error("the {0} channel is not configured on this server")]
    Disabled(&'static str),
    #[error("there is no channel named {0:?}")]
    Unknown(String),
    #[error("{0} does not use a subscription handshake")]
    NoHandshake(&'static str),
    #[error("the {0} header is missing")]
    MissingCredential(&'static str),
    #[error("the {0} does not match")]
    BadCredential(&'static str),
    #[error("invalid subscription handshake: {0}")]
    BadHandshake(&'static str),
    #[error("the body is not a {channel} webhook: {reason}")]
    Malformed {
        channel: &'static str,
        reason: String,
    },
}

impl ChannelError {
    fn malformed(channel: &'static str, reason: impl ToString) -> Self {
        Self::Malformed {
            channel,
            reason: reason.to_string(),
        }
    }
}

/// A citizen's message, as every platform's webhook yields it.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    /// The platform's id of the message (or update): the de-duplication key.
    pub message_id: String,
    /// The platform's id of the citizen, for the conversation id.
    pub user: String,
    pub incoming: Incoming,
    /// Something the platform wants confirmed once the message is safe
    /// (Telegram's callback query id), sent through [`Channel::confirm`].
    pub confirm: Option<String>,
}

/// What one webhook delivery carried.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Message(InboundMessage),
    /// The platform reports that a message we sent did not arrive.
    DeliveryFailed {
        message_id: String,
        code: Option<i64>,
        detail: String,
    },
}

#[async_trait]
pub trait Channel: Send + Sync + 'static {
    /// The name in paths, conversation ids and metrics: `whatsapp`.
    fn name(&self) -> &'static str;

    /// Largest webhook body accepted, in bytes.
    fn max_body_bytes(&self) -> usize;

    /// The request header that carries the platform's proof of origin.
    fn credential_header(&self) -> &'static str;

    /// Answers a `GET` subscription handshake (`hub.challenge`) with the
    /// body to return.
    fn handshake(&self, query: &HashMap<String, String>) -> Result<String, ChannelError> {
        let _ = query;
        Err(ChannelError::NoHandshake(self.name()))
    }

    /// Checks the credential header against the exact body bytes, in
    /// constant time.
    fn verify(&self, credential: Option<&str>, body: &[u8]) -> Result<(), ChannelError>;

    /// Every event of a delivery, in order.
    fn parse(&self, body: &[u8]) -> Result<Vec<Event>, ChannelError>;

    /// Sends a reply's messages, in order, to the platform user `to`.
    async fn send(&self, to: &str, reply: &Reply) -> Result<(), SendError>;

    /// Confirms an [`InboundMessage::confirm`] token; best effort.
    async fn confirm(&self, token: &str) -> Result<(), SendError> {
        let _ = token;
        Ok(())
    }
}

/// Names of every platform khidma can speak, configured or not.
const PLATFORMS: [&str; 3] = [whatsapp::NAME, telegram::NAME, messenger::NAME];

/// The configured channels, by name.
#[derive(Clone, Default)]
pub struct Channels {
    channels: Vec<Arc<dyn Channel>>,
}

/// A channel's settings: every variable set, or none (the channel is off).
/// Some set and some not is a mistake worth refusing to start over.
fn required<const N: usize>(
    env: &ChannelEnv,
    names: [&str; N],
) -> anyhow::Result<Option<[Secret; N]>> {
    let found: Vec<Option<&Secret>> = names.iter().map(|name| env.get(name)).collect();
    if found.iter().all(Option::is_none) {
        return Ok(None);
    }
    let missing: Vec<&str> = names
        .iter()
        .zip(&found)
        .filter(|(_, value)| value.is_none())
        .map(|(name, _)| *name)
        .collect();
    if !missing.is_empty() {
        anyhow::bail!(
            "{} set but {} missing: set all of them or none",
            names.join(", "),
            missing.join(", ")
        );
    }
    Ok(Some(std::array::from_fn(|index| {
        found[index].expect("every value is present").clone()
    })))
}

fn api_base(env: &ChannelEnv, name: &str, default: &str) -> String {
    env.get(name)
        .map_or(default, Secret::expose)
        .trim_end_matches('/')
        .to_owned()
}

impl Channels {
    pub fn from_settings(
        settings: &Settings,
        outbound: Arc<Outbound>,
        localizer: Arc<Localizer>,
    ) -> anyhow::Result<Self> {
        let env = &settings.channels;
        let mut channels: Vec<Arc<dyn Channel>> = Vec::new();
        if let Some(channel) = whatsapp::WhatsApp::from_env(env, outbound.clone(), localizer)? {
            channels.push(Arc::new(channel));
        }
        if let Some(channel) = telegram::Telegram::from_env(env, outbound.clone())? {
            channels.push(Arc::new(channel));
        }
        if let Some(channel) = messenger::Messenger::from_env(env, outbound)? {
            channels.push(Arc::new(channel));
        }
        Ok(Self { channels })
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.channels.iter().map(|channel| channel.name()).collect()
    }

    pub fn get(&self, name: &str) -> Result<&Arc<dyn Channel>, ChannelError> {
        self.channels
            .iter()
            .find(|channel| channel.name() == name)
            .ok_or_else(|| match PLATFORMS.iter().find(|known| **known == name) {
                Some(known) => ChannelError::Disabled(known),
                None => ChannelError::Unknown(name.to_owned()),
            })
    }
}

/// Makes a verified delivery durable: every message is enqueued (or found
/// to be a re-delivery), every failed status logged and counted. When this
/// returns `Ok` the webhook may be acknowledged; on `Err` nothing new was
/// recorded as seen past the failing message, so the platform's retry
/// handles the rest.
pub async fn accept(
    channel: &Arc<dyn Channel>,
    events: Vec<Event>,
    store: &dyn ConversationStore,
    metrics: &Metrics,
) -> Result<(), StoreError> {
    let name = channel.name();
    for event in events {
        metrics.increment(Counter::WebhookEvents, name);
        match event {
            Event::Message(message) => {
                let Ok(conversation_id) = ConversationId::new(name, &message.user) else {
                    tracing::warn!(
                        channel = name,
                        "a message without a usable user id was skipped"
                    );
                    continue;
                };
                let envelope = Envelope {
                    conversation_id,
                    message_id: format!("{name}:{}", message.message_id),
                    incoming: message.incoming,
                    received_at_ms: now_ms(),
                };
                match store.enqueue(&envelope).await? {
                    Enqueued::New => {}
                    Enqueued::Duplicate => {
                        metrics.increment(Counter::WebhookDuplicates, name);
                        tracing::info!(channel = name, message_id = %envelope.message_id, "re-delivered message ignored");
                    }
                }
                if let Some(token) = message.confirm {
                    let channel = channel.clone();
                    tokio::spawn(async move {
                        if let Err(err) = channel.confirm(&token).await {
                            tracing::warn!(channel = channel.name(), error = %err, "confirming a button press failed");
                        }
                    });
                }
            }
            Event::DeliveryFailed {
                message_id,
                code,
                detail,
            } => {
                metrics.increment(Counter::FailedStatuses, name);
                tracing::warn!(channel = name, %message_id, code, %detail, "the platform could not deliver a message we sent");
            }
        }
    }
    Ok(())
}

impl SendError {
    /// How the failure is recorded on the conversation.
    pub fn failure(&self) -> DeliveryFailure {
        match self {
            SendError::OutsideWindow(_) => DeliveryFailure::OutsideWindow,
            SendError::Rejected(_) => DeliveryFailure::Rejected,
            SendError::GaveUp(_) => DeliveryFailure::Unreachable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> ChannelEnv {
        ChannelEnv::from_env(
            &pairs
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_channel_is_on_with_all_its_settings_off_with_none_and_refused_with_some() {
        let names = ["TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN"];
        assert!(required(&env(&[]), names).unwrap().is_none());
        let [token, secret] = required(
            &env(&[
                ("TELEGRAM_BOT_TOKEN", "1:a"),
                ("TELEGRAM_SECRET_TOKEN", "s"),
            ]),
            names,
        )
        .unwrap()
        .unwrap();
        assert_eq!((token.expose(), secret.expose()), ("1:a", "s"));
        let err = required(&env(&[("TELEGRAM_BOT_TOKEN", "1:a")]), names).unwrap_err();
        assert!(
            err.to_string().contains("TELEGRAM_SECRET_TOKEN missing"),
            "{err}"
        );
    }
}
