//! `[limits]`: how much one client (one IP address) may ask of the server.
//! The defaults leave a person, the console and the test and evaluation
//! runs alone, and stop floods and token guessing; `0` turns a limit off.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LimitSettings {
    /// Web-chat requests (messages and outbox reads) one client may make at
    /// once, before the steady rate applies.
    pub web_chat_burst: u32,
    /// Web-chat requests one client may make per minute after its burst.
    pub web_chat_per_minute: u32,
    /// Wrong agent tokens one client may send at once; after that every
    /// agent API call from it answers `429` until the allowance refills.
    pub agent_auth_failures_burst: u32,
    /// Wrong agent tokens one client may send per minute after its burst.
    pub agent_auth_failures_per_minute: u32,
    /// Take the client's address from `Forwarded` or `X-Forwarded-For`:
    /// only behind a proxy that sets them, or every client could pick its
    /// own address.
    pub trust_forwarded_for: bool,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            web_chat_burst: 300,
            web_chat_per_minute: 1200,
            agent_auth_failures_burst: 10,
            agent_auth_failures_per_minute: 10,
            trust_forwarded_for: false,
        }
    }
}
