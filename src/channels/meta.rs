//! What WhatsApp and Messenger share as Meta platforms: the `hub.challenge`
//! subscription handshake, the `X-Hub-Signature-256` HMAC over the raw body,
//! and the Graph API's error envelope.

use std::collections::HashMap;

use hmac::{Hmac, KeyInit, Mac};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::ChannelError;
use super::outbound::{Verdict, by_status};
use crate::configuration::Secret;

/// The Graph API version the channels are written against.
pub const GRAPH_API_BASE: &str = "https://graph.facebook.com/v23.0";

pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

/// Meta's payloads go up to 3 MB; a little room on top.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Answers `GET ?hub.mode=subscribe&hub.challenge=..&hub.verify_token=..`
/// with the challenge when the token is ours.
pub fn handshake(
    query: &HashMap<String, String>,
    verify_token: &Secret,
) -> Result<String, ChannelError> {
    if query.get("hub.mode").map(String::as_str) != Some("subscribe") {
        return Err(ChannelError::BadHandshake("hub.mode must be subscribe"));
    }
    let challenge = query
        .get("hub.challenge")
        .filter(|challenge| !challenge.is_empty())
        .ok_or(ChannelError::BadHandshake("hub.challenge is missing"))?;
    let token = query
        .get("hub.verify_token")
        .ok_or(ChannelError::BadHandshake("hub.verify_token is missing"))?;
    if !bool::from(token.as_bytes().ct_eq(verify_token.expose().as_bytes())) {
        return Err(ChannelError::BadCredential("hub.verify_token"));
    }
    Ok(challenge.clone())
}

/// Checks `sha256=<hex>` against the HMAC-SHA256 of the exact body bytes
/// (Meta signs the bytes it sent, `\u`-escapes and all; parsed and
/// re-serialised JSON would not match), in constant time.
pub fn verify_signature(
    header: Option<&str>,
    body: &[u8],
    app_secret: &Secret,
) -> Result<(), ChannelError> {
    let header = header.ok_or(ChannelError::MissingCredential(SIGNATURE_HEADER))?;
    let signature = header
        .strip_prefix("sha256=")
        .and_then(|hex_digits| hex::decode(hex_digits).ok())
        .ok_or(ChannelError::BadCredential(SIGNATURE_HEADER))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.expose().as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(body);
    mac.verify_slice(&signature)
        .map_err(|_| ChannelError::BadCredential(SIGNATURE_HEADER))
}

/// Graph error codes worth retrying: rate limits (WhatsApp 130429
/// throughput, 131056 pair rate, 80007 and 4 call limits, Messenger 613)
/// and temporary service errors (1, 2, 131000).
const RETRYABLE: &[i64] = &[130429, 131056, 80007, 4, 613, 1, 2, 131000];

/// WhatsApp's "more than 24 hours since the customer last replied".
pub const OUTSIDE_WINDOW: i64 = 131047;
/// Messenger's "sent outside of allowed window" (code 10).
const MESSENGER_OUTSIDE_WINDOW_SUBCODE: i64 = 2018278;

/// Reads a Graph API answer: branch on `error.code`, not on the HTTP status
/// or the message text.
pub fn classify(status: StatusCode, answer: &Value) -> Verdict {
    let error = &answer["error"];
    let code = error["code"].as_i64();
    let reason = || {
        format!(
            "HTTP {}, code {}: {}",
            status.as_u16(),
            code.map_or_else(|| "none".to_owned(), |code| code.to_string()),
            error["message"].as_str().unwrap_or("no message")
        )
    };
    match code {
        _ if status.is_success() => Verdict::Done,
        Some(OUTSIDE_WINDOW) => Verdict::OutsideWindow(reason()),
        Some(10) if error["error_subcode"].as_i64() == Some(MESSENGER_OUTSIDE_WINDOW_SUBCODE) => {
            Verdict::OutsideWindow(reason())
        }
        Some(code) if RETRYABLE.contains(&code) => Verdict::Retry {
            after: None,
            reason: reason(),
        },
        Some(_) if status.is_client_error() => Verdict::Rejected(reason()),
        _ => by_status(status, reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn secret(value: &str) -> Secret {
        Secret::new(value)
    }

    fn sign(body: &[u8], key: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(body);
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn the_signature_must_match_the_exact_bytes() {
        let body = br#"{"text":"\u0645\u0631\u062d\u0628\u0627"}"#;
        let header = sign(body, "app-secret");
        assert!(verify_signature(Some(&header), body, &secret("app-secret")).is_ok());
        let decoded = r#"{"text":"مرحبا"}"#.as_bytes();
        assert!(matches!(
            verify_signature(Some(&header), decoded, &secret("app-secret")),
            Err(ChannelError::BadCredential(_))
        ));
        assert!(matches!(
            verify_signature(None, body, &secret("app-secret")),
            Err(ChannelError::MissingCredential(_))
        ));
        assert!(verify_signature(Some("sha256=zz"), body, &secret("app-secret")).is_err());
        assert!(verify_signature(Some(&header[7..]), body, &secret("app-secret")).is_err());
    }

    #[test]
    fn the_handshake_echoes_the_challenge_only_for_our_token() {
        let query = |token: &str| -> HashMap<String, String> {
            [
                ("hub.mode", "subscribe"),
                ("hub.challenge", "1158201444"),
                ("hub.verify_token", token),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
        };
        assert_eq!(
            handshake(&query("ours"), &secret("ours")).unwrap(),
            "1158201444"
        );
        assert!(matches!(
            handshake(&query("theirs"), &secret("ours")),
            Err(ChannelError::BadCredential(_))
        ));
        assert!(handshake(&HashMap::new(), &secret("ours")).is_err());
    }

    #[test]
    fn graph_errors_are_read_by_code() {
        let error = |code: i64| json!({"error": {"code": code, "message": "m"}});
        assert_eq!(classify(StatusCode::OK, &json!({})), Verdict::Done);
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, &error(131047)),
            Verdict::OutsideWindow(_)
        ));
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, &error(130429)),
            Verdict::Retry { .. }
        ));
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, &error(131056)),
            Verdict::Retry { .. }
        ));
        assert!(matches!(
            classify(StatusCode::FORBIDDEN, &error(80007)),
            Verdict::Retry { .. }
        ));
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, &error(100)),
            Verdict::Rejected(_)
        ));
        assert!(matches!(
            classify(StatusCode::INTERNAL_SERVER_ERROR, &json!(null)),
            Verdict::Retry { .. }
        ));
        let messenger = json!({"error": {"code": 10, "error_subcode": 2018278, "message": "m"}});
        assert!(matches!(
            classify(StatusCode::BAD_REQUEST, &messenger),
            Verdict::OutsideWindow(_)
        ));
    }
}
