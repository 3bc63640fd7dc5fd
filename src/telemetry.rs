//! Logging: `tracing` to stderr, filtered by `RUST_LOG`, as text for people
//! or as one JSON object per line for log collectors (`KHIDMA_LOG_FORMAT`).
//!
//! Logs carry no personal data: no phone numbers, chat or user ids, and no
//! text a citizen wrote. A conversation appears as its [`Pseudonym`], a
//! keyed hash that is the same on every line (and every instance sharing
//! `KHIDMA_LOG_KEY`), so one conversation's lines still correlate.

use std::fmt;
use std::io::IsTerminal;
use std::sync::OnceLock;

use hmac::{KeyInit, Mac};
use tracing_subscriber::EnvFilter;

use crate::configuration::Secret;
use crate::conversation::ConversationId;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line per event, coloured on a terminal only.
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, the
    /// event's fields (`message` among them) and its `span` and `spans`.
    Json,
}

impl LogFormat {
    /// `KHIDMA_LOG_FORMAT`: `text` (the default) or `json`.
    pub fn parse(value: Option<&str>) -> Result<Self, String> {
        match value.map(str::trim) {
            None | Some("" | "text") => Ok(Self::Text),
            Some("json") => Ok(Self::Json),
            Some(other) => Err(format!(
                "KHIDMA_LOG_FORMAT is {other:?}; use \"text\" or \"json\""
            )),
        }
    }
}

/// Logs to stderr (stdout belongs to `khidma ask` and `check` output),
/// filtered by `RUST_LOG`, else at `default_level`; tantivy only speaks up
/// when something is wrong. `log_key` (`KHIDMA_LOG_KEY`) keys the
/// conversations' pseudonyms; without it, a random key is drawn, so the
/// pseudonyms of one process correlate but not those of two.
pub fn init(default_level: &str, format: LogFormat, log_key: Option<&str>) {
    set_pseudonym_key(log_key);
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{default_level},tantivy=warn")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(true)
            .try_init(),
    };
}

static PSEUDONYM_KEY: OnceLock<Vec<u8>> = OnceLock::new();

/// The first call wins; the tests' apps share their process's key.
fn set_pseudonym_key(secret: Option<&str>) {
    PSEUDONYM_KEY.get_or_init(|| match secret.filter(|secret| !secret.is_empty()) {
        Some(secret) => secret.as_bytes().to_vec(),
        None => random_key(),
    });
}

/// A key of this process only, as unguessable as any secret.
fn random_key() -> Vec<u8> {
    Secret::random().expose().as_bytes().to_vec()
}

/// How a conversation appears in logs: its channel, and a keyed hash of its
/// id (the first 64 bits of HMAC-SHA-256, in hex), e.g.
/// `whatsapp:3f9c0a7d51e2b864`.
pub struct Pseudonym<'a>(&'a ConversationId);

impl<'a> Pseudonym<'a> {
    pub fn of(id: &'a ConversationId) -> Self {
        Self(id)
    }
}

impl fmt::Display for Pseudonym<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = PSEUDONYM_KEY.get_or_init(random_key);
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
            .expect("HMAC takes a key of any length");
        mac.update(self.0.as_str().as_bytes());
        let digest = mac.finalize().into_bytes();
        write!(f, "{}:{}", self.0.channel(), hex::encode(&digest[..8]))
    }
}

impl fmt::Debug for Pseudonym<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pseudonym_is_stable_and_hides_the_id() {
        let id = ConversationId::new("whatsapp", "966500000001").unwrap();
        let other = ConversationId::new("whatsapp", "966500000002").unwrap();
        let shown = Pseudonym::of(&id).to_string();
        assert_eq!(shown, Pseudonym::of(&id).to_string());
        assert_ne!(shown, Pseudonym::of(&other).to_string());
        assert!(shown.starts_with("whatsapp:"), "{shown}");
        assert_eq!(shown.len(), "whatsapp:".len() + 16, "{shown}");
        assert!(!shown.contains("9665"), "{shown}");
    }

    #[test]
    fn the_log_format_is_text_or_json() {
        assert_eq!(LogFormat::parse(None), Ok(LogFormat::Text));
        assert_eq!(LogFormat::parse(Some("json")), Ok(LogFormat::Json));
        assert!(LogFormat::parse(Some("xml")).is_err());
    }
}
