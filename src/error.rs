//! The one JSON error shape of the HTTP API, `{"error": {"code", "message"}}`,
//! with a stable machine-readable `code` per kind of failure.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::channels::ChannelError;
use crate::channels::web::InvalidMessage;
use crate::handoff::HandoffError;
use crate::state::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("conversation state is temporarily unavailable; retry shortly")]
    StoreUnavailable(#[source] StoreError),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. } => code,
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed(_) => "method_not_allowed",
            ApiError::Conflict { code, .. } => code,
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::StoreUnavailable(_) => "store_unavailable",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(_) => ApiError::StoreUnavailable(err),
            StoreError::Corrupt(_) => ApiError::Internal(err.into()),
        }
    }
}

impl From<HandoffError> for ApiError {
    fn from(err: HandoffError) -> Self {
        match err {
            HandoffError::NotFound(message) => ApiError::NotFound(message),
            HandoffError::Forbidden(message) => ApiError::Forbidden(message),
            HandoffError::Conflict { code, message } => ApiError::Conflict { code, message },
            HandoffError::Store(err) => err.into(),
        }
    }
}

impl From<InvalidMessage> for ApiError {
    fn from(err: InvalidMessage) -> Self {
        let code = match err {
            InvalidMessage::UserId(_) => "invalid_user_id",
            InvalidMessage::Location => "invalid_location",
            InvalidMessage::EmptyText => "empty_text",
            InvalidMessage::TextTooLong(_) => "text_too_long",
            InvalidMessage::Language(_) => "invalid_language",
        };
        ApiError::bad_request(code, err.to_string())
    }
}

impl From<ChannelError> for ApiError {
    fn from(err: ChannelError) -> Self {
        let message = err.to_string();
        match err {
            ChannelError::Disabled(_) | ChannelError::Unknown(_) => ApiError::NotFound(message),
            ChannelError::NoHandshake(_) => ApiError::MethodNotAllowed(message),
            ChannelError::MissingCredential(_) => ApiError::Unauthorized(message),
            ChannelError::BadCredential(_) => ApiError::Forbidden(message),
            ChannelError::BadHandshake(_) => ApiError::bad_request("invalid_handshake", message),
            ChannelError::Malformed { .. } => ApiError::bad_request("invalid_webhook", message),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: String,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::StoreUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => tracing::error!(error = ?cause, "request failed"),
            ApiError::StoreUnavailable(cause) => {
                tracing::warn!(error = %cause, "state store unavailable")
            }
            _ => {}
        }
        HttpResponse::build(self.status_code()).json(ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
            },
        })
    }
}
