//! Platform webhooks, `/webhooks/{channel}`: thin. The channel verifies and
//! parses; the messages are made durable; only then does the platform get
//! its `200`. Acknowledging after the reply was sent would keep the
//! platform waiting on our send (and have it retry a slow one);
//! acknowledging before the write would lose the message to a crash.

use std::collections::HashMap;

use actix_web::http::header::CONTENT_LENGTH;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use super::error::{ApiError, Code, ErrorBody};
use crate::agents::AgentService;
use crate::channels::{self, Channels, Platform};
use crate::metrics::{Counter, Metrics};
use crate::state::ConversationStore;

/// The `hub.challenge` handshake of Meta platforms.
#[utoipa::path(get, path = "/webhooks/{channel}", tag = "webhooks",
    params(("channel" = String, Path, description = "`whatsapp` or `messenger`"),
           ("hub.mode" = String, Query), ("hub.verify_token" = String, Query), ("hub.challenge" = String, Query)),
    responses(
        (status = 200, description = "The challenge, echoed", content_type = "text/plain", body = String),
        (status = 400, description = "Wrong handshake", body = ErrorBody),
        (status = 404, description = "No such channel, or it is off", body = ErrorBody),
        (status = 405, description = "The channel has no handshake", body = ErrorBody),
    ))]
pub async fn subscribe(
    channel: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
    channels: web::Data<Channels>,
) -> Result<HttpResponse, ApiError> {
    let channel = channels.platform(&channel)?;
    let challenge = channel.handshake(&query)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(challenge))
}

/// A platform's webhook: verified against the raw body, parsed, and made
/// durable before the `200`; the reply is sent later. A text longer than
/// 4,096 characters is queued as consecutive parts; a message of only
/// spaces or zero-width characters is skipped.
#[utoipa::path(post, path = "/webhooks/{channel}", tag = "webhooks",
    params(("channel" = String, Path, description = "`whatsapp`, `telegram` or `messenger`")),
    request_body(content = Object, description = "The platform's own webhook JSON"),
    responses(
        (status = 200, description = "Stored", body = Object, example = json!({"status": "accepted"})),
        (status = 400, description = "Not a webhook of this platform", body = ErrorBody),
        (status = 401, description = "No signature or secret header", body = ErrorBody),
        (status = 403, description = "Wrong signature or secret", body = ErrorBody),
        (status = 404, description = "No such channel, or it is off", body = ErrorBody),
        (status = 413, description = "The body is larger than the platform's limit", body = ErrorBody),
        (status = 503, description = "The state store is unavailable: the platform retries", body = ErrorBody),
    ))]
pub async fn receive(
    channel: web::Path<String>,
    request: HttpRequest,
    payload: web::Payload,
    channels: web::Data<Channels>,
    store: web::Data<dyn ConversationStore>,
    metrics: web::Data<Metrics>,
    agents: web::Data<AgentService>,
) -> Result<HttpResponse, ApiError> {
    let channel = channels.platform(&channel)?;
    let events = match read_verified(channel.as_ref(), &request, payload).await {
        Ok(events) => events,
        Err(err) => {
            metrics.increment(Counter::WebhookRejected, channel.name());
            // The code only: a body that does not parse may be quoted in
            // the message, and it can hold a citizen's number or text.
            tracing::warn!(
                channel = channel.name(),
                code = err.code_name(),
                "webhook refused"
            );
            return Err(err);
        }
    };
    let ticks = channels::ticks(&events);
    channels::accept(channel, events, store.get_ref(), &metrics).await?;
    // A status is acknowledged even when its tick cannot be kept: the
    // platform would only send it again, and the message itself is safe.
    for (message_id, tick) in ticks {
        if let Err(err) = agents.mark_status(&message_id, tick).await {
            tracing::warn!(channel = channel.name(), error = %err, "a message status was not kept");
        }
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "accepted"})))
}

async fn read_verified(
    channel: &dyn Platform,
    request: &HttpRequest,
    mut payload: web::Payload,
) -> Result<Vec<channels::Event>, ApiError> {
    let limit = channel.max_body_bytes();
    let too_large = || {
        ApiError::new(
            Code::PayloadTooLarge,
            format!("the body is larger than {limit} bytes"),
        )
    };
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(4096).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|err| ApiError::new(Code::InvalidBody, err.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    let credential = request
        .headers()
        .get(channel.credential_header())
        .and_then(|value| value.to_str().ok());
    channel.verify(credential, &body)?;
    Ok(channel.parse(&body)?)
}
