//! Channels: where citizens write from and where what they read goes. Only
//! this module knows their JSON. Every [`Channel`] sends [`Outgoing`]
//! messages in its own format: web chat ([`web`]) into the citizen's
//! outbox, which the web client reads, and each messaging platform through
//! its send API. A [`Platform`] also checks that a webhook request came from
//! it and turns the body into platform-neutral [`Event`]s. A new platform
//! is one file implementing both traits plus one line in
//! [`Channels::from_settings`].

mod markup;
mod messenger;
mod meta;
mod outbound;
#[cfg(test)]
mod parse_props;
mod telegram;
mod templates;
pub mod web;
mod whatsapp;

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;

pub use outbound::Outbound;
pub use templates::{Purpose, TemplateSend};
pub use web::Web;

use crate::configuration::{ChannelEnv, Secret, Settings};
use crate::conversation::{ConversationId, DeliveryFailure, Speaker, now_ms};
use crate::i18n::{Lang, Localizer};
use crate::kb::GeoPoint;
use crate::message::{Incoming, OutgoingMessage};
use crate::metrics::{Counter, Metrics};
use crate::state::{ConversationStore, Enqueued, Envelope, StoreError};

/// Longest text a citizen or an agent may send, in characters: WhatsApp's
/// own limit, so any message fits one platform message.
pub const MAX_TEXT_CHARS: usize = 4096;

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
    /// (Telegram's callback query id), sent through [`Platform::confirm`].
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
    /// The platform reports how far a message we sent got (WhatsApp's
    /// `sent`, `delivered`, `read`); a failure is [`Event::DeliveryFailed`].
    Status {
        message_id: String,
        tick: Tick,
    },
}

/// How far a sent message got, as the console's ticks show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tick {
    Sent,
    Delivered,
    Read,
    Failed,
}

/// What a channel sends one citizen: the bot's or an agent's messages.
#[derive(Debug)]
pub struct Outgoing<'a> {
    /// The citizen's language, for the words a platform adds (a list's
    /// button label).
    pub language: Lang,
    /// Web chat shows who speaks; platforms send as the service's account.
    pub speaker: Speaker,
    pub messages: &'a [OutgoingMessage],
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// WhatsApp 131047 and Messenger's equivalent: only a template can
    /// reach the citizen now.
    #[error("outside the 24-hour window: a template is needed ({0})")]
    OutsideWindow(String),
    /// The platform refused the message; retrying would not help.
    #[error("the platform refused the message: {0}")]
    Rejected(String),
    /// Transient failures through every attempt.
    #[error("gave up: {0}")]
    GaveUp(String),
    /// The request went out and no answer came back (a timeout, a dropped
    /// connection): the platform may have delivered it, so it was not
    /// sent again.
    #[error("sent, but the platform did not confirm it: {0}")]
    Unconfirmed(String),
    /// Our own store, which holds web chat's outbox, failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where a conversation's messages go.
#[async_trait]
pub trait Channel: Send + Sync + 'static {
    /// The name in paths, conversation ids and metrics: `whatsapp`.
    fn name(&self) -> &'static str;

    /// Sends the messages, in order, to the channel's user `to`; the
    /// platform's ids of what it took (WhatsApp's `wamid`s), for its status
    /// webhooks, or none where the channel reports no statuses.
    async fn send(&self, to: &str, outgoing: &Outgoing<'_>) -> Result<Vec<String>, SendError>;

    /// Whether [`Channel::send_template`] has a template for `purpose`.
    fn has_template(&self, purpose: Purpose) -> bool {
        let _ = purpose;
        false
    }

    /// Sends the purpose's approved template in place of a message the
    /// platform's window no longer allows; `None` when this channel has no
    /// template for it (only WhatsApp has templates).
    async fn send_template(
        &self,
        to: &str,
        template: &TemplateSend<'_>,
    ) -> Result<Option<Vec<String>>, SendError> {
        let _ = (to, template);
        Ok(None)
    }
}

/// A messaging platform: its citizens' messages arrive by webhook.
#[async_trait]
pub trait Platform: Channel {
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

    /// Confirms an [`InboundMessage::confirm`] token; best effort.
    async fn confirm(&self, token: &str) -> Result<(), SendError> {
        let _ = token;
        Ok(())
    }
}

/// Names of every platform khidma can speak, configured or not.
const PLATFORMS: [&str; 3] = [whatsapp::NAME, telegram::NAME, messenger::NAME];

/// Web chat and the configured platforms, by name.
#[derive(Clone)]
pub struct Channels {
    web: Arc<Web>,
    platforms: Vec<Arc<dyn Platform>>,
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
    /// Web chat alone, as `khidma ask` needs.
    pub fn web_only(web: Arc<Web>) -> Self {
        Self {
            web,
            platforms: Vec::new(),
        }
    }

    /// Web chat and every platform whose settings are present.
    pub fn from_settings(
        settings: &Settings,
        outbound: Arc<Outbound>,
        localizer: Arc<Localizer>,
        web: Arc<Web>,
    ) -> anyhow::Result<Self> {
        let env = &settings.channels;
        let mut platforms: Vec<Arc<dyn Platform>> = Vec::new();
        if let Some(channel) = whatsapp::WhatsApp::from_env(
            env,
            outbound.clone(),
            localizer,
            settings.whatsapp.templates.clone(),
        )? {
            platforms.push(Arc::new(channel));
        }
        if let Some(channel) = telegram::Telegram::from_env(env, outbound.clone())? {
            platforms.push(Arc::new(channel));
        }
        if let Some(channel) = messenger::Messenger::from_env(env, outbound)? {
            platforms.push(Arc::new(channel));
        }
        Ok(Self { web, platforms })
    }

    pub fn names(&self) -> Vec<&'static str> {
        std::iter::once(self.web.name())
            .chain(self.platforms.iter().map(|platform| platform.name()))
            .collect()
    }

    /// The channel a conversation's messages go out on.
    pub fn get(&self, name: &str) -> Result<&dyn Channel, ChannelError> {
        if name == web::NAME {
            return Ok(self.web.as_ref());
        }
        Ok(self.platform(name)?.as_ref())
    }

    /// The platform whose webhooks arrive under `name`.
    pub fn platform(&self, name: &str) -> Result<&Arc<dyn Platform>, ChannelError> {
        self.platforms
            .iter()
            .find(|platform| platform.name() == name)
            .ok_or_else(|| match PLATFORMS.iter().find(|known| **known == name) {
                Some(known) => ChannelError::Disabled(known),
                None => ChannelError::Unknown(name.to_owned()),
            })
    }

    pub fn web(&self) -> &Arc<Web> {
        &self.web
    }
}

/// Makes a verified delivery durable: every message is enqueued (or found
/// to be a re-delivery), every failed status logged and counted. When this
/// returns `Ok` the webhook may be acknowledged; on `Err` nothing new was
/// recorded as seen past the failing message, so the platform's retry
/// handles the rest.
pub async fn accept(
    channel: &Arc<dyn Platform>,
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
                if message.incoming.says_nothing() {
                    tracing::info!(
                        channel = name,
                        "a message of only spaces or zero-width characters was skipped"
                    );
                    continue;
                }
                // A message longer than khidma reads at once is queued as
                // consecutive parts, each de-duplicated on its own id.
                let parts = message.incoming.into_parts(MAX_TEXT_CHARS);
                for (index, incoming) in parts.into_iter().enumerate() {
                    let message_id = match index {
                        0 => format!("{name}:{}", message.message_id),
                        _ => format!("{name}:{}#{}", message.message_id, index + 1),
                    };
                    let envelope = Envelope {
                        conversation_id: conversation_id.clone(),
                        message_id,
                        incoming,
                        received_at_ms: now_ms(),
                    };
                    match store.enqueue(&envelope).await? {
                        Enqueued::New => {}
                        Enqueued::Duplicate => {
                            metrics.increment(Counter::WebhookDuplicates, name);
                            tracing::info!(channel = name, message_id = %envelope.message_id, "re-delivered message ignored");
                        }
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
            // Ticks are the agents' business: the webhook handler passes
            // them on (`AgentService::mark_status`).
            Event::Status { .. } => {}
        }
    }
    Ok(())
}

/// The statuses of a delivery, as ticks for the messages they name: a
/// failure is a tick too.
pub fn ticks(events: &[Event]) -> Vec<(String, Tick)> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Status { message_id, tick } => Some((message_id.clone(), *tick)),
            Event::DeliveryFailed { message_id, .. } => Some((message_id.clone(), Tick::Failed)),
            Event::Message(_) => None,
        })
        .collect()
}

impl SendError {
    /// How the failure is recorded on the conversation.
    pub fn failure(&self) -> DeliveryFailure {
        match self {
            SendError::OutsideWindow(_) => DeliveryFailure::OutsideWindow,
            SendError::Rejected(_) => DeliveryFailure::Rejected,
            SendError::GaveUp(_) | SendError::Store(_) => DeliveryFailure::Unreachable,
            SendError::Unconfirmed(_) => DeliveryFailure::Unconfirmed,
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
