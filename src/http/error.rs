//! The API's one error table and its one JSON shape,
//! `{"error": {"code", "message"}}`. Every code is listed once below with
//! its HTTP status and type; the domain's errors carry no status and are
//! mapped here, each variant to a code.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::RETRY_AFTER;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::agents::AgentError;
use crate::channels::ChannelError;
use crate::channels::web::{InvalidMessage, WebChatError};
use crate::cx::CxError;
use crate::state::StoreError;

/// Who is to blame, which says what is logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// The request was wrong; nothing to log.
    Request,
    /// No or wrong credentials; nothing to log.
    Auth,
    /// Something khidma depends on is down: logged as a warning.
    System,
    /// A bug: logged as an error, with its cause.
    Internal,
}

macro_rules! error_codes {
    ($($variant:ident => $code:literal, $status:ident, $kind:ident;)*) => {
        /// Every error code the API answers with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            #[cfg(test)]
            const ALL: &[Code] = &[$(Code::$variant,)*];

            fn details(self) -> (&'static str, StatusCode, ErrorType) {
                match self {
                    $(Code::$variant => ($code, StatusCode::$status, ErrorType::$kind),)*
                }
            }
        }
    };
}

error_codes! {
    MalformedJson => "malformed_json", BAD_REQUEST, Request;
    InvalidRequest => "invalid_request", BAD_REQUEST, Request;
    InvalidBody => "invalid_body", BAD_REQUEST, Request;
    UnsupportedContentType => "unsupported_content_type", BAD_REQUEST, Request;
    PayloadTooLarge => "payload_too_large", PAYLOAD_TOO_LARGE, Request;
    InvalidUserId => "invalid_user_id", BAD_REQUEST, Request;
    InvalidConversationId => "invalid_conversation_id", BAD_REQUEST, Request;
    InvalidLocation => "invalid_location", BAD_REQUEST, Request;
    InvalidLanguage => "invalid_language", BAD_REQUEST, Request;
    EmptyText => "empty_text", BAD_REQUEST, Request;
    TextTooLong => "text_too_long", BAD_REQUEST, Request;
    InvalidHandshake => "invalid_handshake", BAD_REQUEST, Request;
    InvalidWebhook => "invalid_webhook", BAD_REQUEST, Request;
    Unauthorized => "unauthorized", UNAUTHORIZED, Auth;
    Forbidden => "forbidden", FORBIDDEN, Auth;
    InvalidSession => "invalid_session", UNAUTHORIZED, Auth;
    NotFound => "not_found", NOT_FOUND, Request;
    TooManyRequests => "too_many_requests", TOO_MANY_REQUESTS, Request;
    MethodNotAllowed => "method_not_allowed", METHOD_NOT_ALLOWED, Request;
    NotWaiting => "not_waiting", CONFLICT, Request;
    Claimed => "claimed", CONFLICT, Request;
    NotYours => "not_yours", CONFLICT, Request;
    IncidentResolved => "incident_resolved", CONFLICT, Request;
    UnknownTeam => "unknown_team", BAD_REQUEST, Request;
    UnknownAgent => "unknown_agent", BAD_REQUEST, Request;
    AlreadyThere => "already_there", CONFLICT, Request;
    ChannelOff => "channel_off", CONFLICT, Request;
    InvalidPeriod => "invalid_period", BAD_REQUEST, Request;
    InvalidReportOption => "invalid_report_option", BAD_REQUEST, Request;
    EventStoreUnavailable => "event_store_unavailable", SERVICE_UNAVAILABLE, System;
    StoreUnavailable => "store_unavailable", SERVICE_UNAVAILABLE, System;
    Internal => "internal", INTERNAL_SERVER_ERROR, Internal;
}

impl Code {
    pub fn name(self) -> &'static str {
        self.details().0
    }

    pub fn status(self) -> StatusCode {
        self.details().1
    }

    pub fn kind(self) -> ErrorType {
        self.details().2
    }
}

/// An error answer: its code, the message the client reads, and for
/// system and internal errors the cause, which only the logs see.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    code: Code,
    message: String,
    #[source]
    cause: Option<anyhow::Error>,
    /// For a `429`: when the client may try again (`Retry-After`).
    retry_after: Option<Duration>,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            cause: None,
            retry_after: None,
        }
    }

    pub fn retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    /// The code's name, for logs that must not carry the message (it may
    /// quote what the client sent).
    pub fn code_name(&self) -> &'static str {
        self.code.name()
    }

    /// A bug: the client reads only that it happened.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self::caused_by(Code::Internal, cause.into())
    }

    /// `err` answered as `code`. The client reads the error's own words
    /// for its mistakes, a fixed sentence for ours; the logs get the cause.
    fn caused_by(code: Code, err: anyhow::Error) -> Self {
        match code.kind() {
            ErrorType::Request | ErrorType::Auth => Self::new(code, err.to_string()),
            ErrorType::System => Self {
                cause: Some(err),
                ..Self::new(
                    code,
                    "conversation state is temporarily unavailable; retry shortly",
                )
            },
            ErrorType::Internal => Self {
                cause: Some(err),
                ..Self::new(code, "internal error")
            },
        }
    }
}

impl From<CxError> for ApiError {
    fn from(err: CxError) -> Self {
        Self {
            cause: Some(err.into()),
            ..Self::new(
                Code::EventStoreUnavailable,
                "the figures are temporarily unavailable; retry shortly",
            )
        }
    }
}

fn store_code(err: &StoreError) -> Code {
    match err {
        StoreError::Unavailable(_) => Code::StoreUnavailable,
        StoreError::Corrupt(_) => Code::Internal,
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        ApiError::caused_by(store_code(&err), err.into())
    }
}

impl From<AgentError> for ApiError {
    fn from(err: AgentError) -> Self {
        let code = match &err {
            AgentError::NoConversation(_)
            | AgentError::NeverHandedOver(_)
            | AgentError::NoIncident(_) => Code::NotFound,
            AgentError::NotInTeam { .. } | AgentError::NotInIncidentTeam { .. } => Code::Forbidden,
            AgentError::NotWaiting(_) => Code::NotWaiting,
            AgentError::Claimed { .. } => Code::Claimed,
            AgentError::NotYours(_) => Code::NotYours,
            AgentError::IncidentResolved(_) => Code::IncidentResolved,
            AgentError::NoTeam(_) => Code::UnknownTeam,
            AgentError::NoAgent(_) => Code::UnknownAgent,
            AgentError::Unchanged(_) => Code::AlreadyThere,
            AgentError::ChannelOff(_) => Code::ChannelOff,
            AgentError::Store(store) => store_code(store),
        };
        ApiError::caused_by(code, err.into())
    }
}

impl From<ChannelError> for ApiError {
    fn from(err: ChannelError) -> Self {
        let code = match err {
            ChannelError::Disabled(_) | ChannelError::Unknown(_) => Code::NotFound,
            ChannelError::NoHandshake(_) => Code::MethodNotAllowed,
            ChannelError::MissingCredential(_) => Code::Unauthorized,
            ChannelError::BadCredential(_) => Code::Forbidden,
            ChannelError::BadHandshake(_) => Code::InvalidHandshake,
            ChannelError::Malformed { .. } => Code::InvalidWebhook,
        };
        let message = match &err {
            ChannelError::Unknown(_) => "there is no such channel".to_owned(),
            // The reason may quote the body, which holds a citizen's words.
            ChannelError::Malformed { channel, reason } => {
                format!(
                    "the body is not a {channel} webhook: {}",
                    without_values(reason)
                )
            }
            other => other.to_string(),
        };
        ApiError::new(code, message)
    }
}

/// A serde error message without the values it quotes (`invalid type:
/// string "my id number is ...", expected u64` becomes `invalid type,
/// expected u64`): what a caller sent is not repeated back, nor logged.
/// Field names, which are the API's own words, stay.
pub fn without_values(message: &str) -> String {
    let (what, place) = match message.rsplit_once(" at line ") {
        Some((what, place)) => (what, Some(place)),
        None => (message, None),
    };
    let quoted_value = ["invalid type", "invalid value", "unknown variant"]
        .iter()
        .find(|kind| what.starts_with(*kind));
    let what = match (quoted_value, what.split_once(", expected ")) {
        (Some(kind), Some((_, expected))) => format!("{kind}, expected {expected}"),
        (Some(kind), None) => (*kind).to_owned(),
        (None, _) => what.to_owned(),
    };
    match place {
        Some(place) => format!("{what} at line {place}"),
        None => what,
    }
}

impl From<WebChatError> for ApiError {
    fn from(err: WebChatError) -> Self {
        match err {
            WebChatError::Session(session) => {
                ApiError::new(Code::InvalidSession, session.to_string())
            }
            WebChatError::Store(store) => store.into(),
        }
    }
}

impl From<InvalidMessage> for ApiError {
    fn from(err: InvalidMessage) -> Self {
        let code = match err {
            InvalidMessage::UserId(_) => Code::InvalidUserId,
            InvalidMessage::Location => Code::InvalidLocation,
            InvalidMessage::EmptyText => Code::EmptyText,
            InvalidMessage::TextTooLong(_) => Code::TextTooLong,
            InvalidMessage::Language => Code::InvalidLanguage,
        };
        ApiError::new(code, err.to_string())
    }
}

/// Every error answer: `{"error": {"code", "message"}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail<'a> {
    /// One of the codes of `src/http/error.rs`, e.g. `invalid_request`.
    code: &'a str,
    /// What went wrong, for the developer; it never repeats the values sent.
    message: &'a str,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        match (self.code.kind(), &self.cause) {
            (ErrorType::Internal, cause) => tracing::error!(error = ?cause, "request failed"),
            (ErrorType::System, Some(cause)) => {
                tracing::warn!(error = %cause, "state store unavailable");
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        if let Some(wait) = self.retry_after {
            // Whole seconds, rounded up: `Retry-After: 0` would invite a
            // retry that is refused again.
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response.insert_header((RETRY_AFTER, seconds.max(1).to_string()));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: self.code.name(),
                message: &self.message,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_lose_the_values_they_quote_but_keep_field_names() {
        let cases = [
            (
                "invalid type: string \"050 123 4567\", expected u64 at line 1 column 20",
                "invalid type, expected u64 at line 1 column 20",
            ),
            (
                "unknown variant `my secret`, expected `ar` or `en`",
                "unknown variant, expected `ar` or `en`",
            ),
            (
                "missing field `text` at line 1 column 2",
                "missing field `text` at line 1 column 2",
            ),
            (
                "unknown field `lang`, expected `user_id`",
                "unknown field `lang`, expected `user_id`",
            ),
        ];
        for (message, said) in cases {
            assert_eq!(without_values(message), said);
        }
    }

    #[test]
    fn each_code_is_listed_once_and_only_errors_have_error_statuses() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|code| code.name()).collect();
        names.sort_unstable();
        let listed = names.len();
        names.dedup();
        assert_eq!(names.len(), listed, "a code is listed twice");
        for code in Code::ALL {
            let status = code.status();
            assert!(
                status.is_client_error() || status.is_server_error(),
                "{code:?}"
            );
            assert_eq!(
                status.is_server_error(),
                matches!(code.kind(), ErrorType::System | ErrorType::Internal),
                "{code:?}: a 5xx is khidma's fault, a 4xx the client's"
            );
        }
    }
}
