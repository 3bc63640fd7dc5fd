//! Settings that come from the environment only, because they are secret
//! or hold secrets: their `Debug` never shows them, so they cannot reach
//! logs.

use std::collections::HashMap;
use std::fmt;

/// A Redis connection URL; it may carry a password, so `Debug` hides it.
#[derive(Clone, PartialEq)]
pub struct RedisUrl(String);

impl RedisUrl {
    /// The scheme is checked here; `RedisStore::new` checks the rest.
    pub fn parse(raw: String) -> Result<Self, String> {
        // TLS (`rediss://`) would need one of the redis crate's TLS features.
        const SCHEMES: &[&str] = &["redis://", "redis+unix://", "unix://"];
        if SCHEMES.iter().any(|scheme| raw.starts_with(scheme)) {
            Ok(Self(raw))
        } else {
            // Not the URL itself: it may hold a password.
            Err(format!(
                "REDIS_URL must start with one of {}",
                SCHEMES.join(", ")
            ))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RedisUrl(<redacted>)")
    }
}

/// `name:token,name:token`: who may use the agent API. `Debug` shows the
/// names only.
#[derive(Clone, Default, PartialEq)]
pub struct AgentTokens(Vec<(String, Secret)>);

impl AgentTokens {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut agents: Vec<(String, Secret)> = Vec::new();
        for pair in raw
            .split(',')
            .map(str::trim)
            .filter(|pair| !pair.is_empty())
        {
            let (name, token) = pair
                .split_once(':')
                .map(|(name, token)| (name.trim(), token.trim()))
                .filter(|(name, token)| !name.is_empty() && !token.is_empty())
                // Not the pair itself: it holds a token.
                .ok_or("KHIDMA_AGENT_TOKENS must be name:token pairs separated by commas")?;
            if agents.iter().any(|(known, _)| known == name) {
                return Err(format!("KHIDMA_AGENT_TOKENS names agent {name:?} twice"));
            }
            agents.push((name.to_owned(), Secret::new(token)));
        }
        Ok(Self(agents))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Secret)> {
        self.0.iter().map(|(name, token)| (name.as_str(), token))
    }
}

impl fmt::Debug for AgentTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| name))
            .finish()
    }
}

/// A value that must not reach logs: `Debug` prints `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Environment prefixes of the messaging platforms; a new platform adds its
/// own here.
pub const CHANNEL_ENV_PREFIXES: &[&str] = &["WHATSAPP_", "TELEGRAM_", "MESSENGER_"];

/// The platforms' environment variables (`WHATSAPP_APP_SECRET`, ...), kept
/// as given; each channel reads and validates its own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelEnv(std::collections::BTreeMap<String, Secret>);

impl ChannelEnv {
    pub fn from_env(env: &HashMap<String, String>) -> Self {
        Self(
            env.iter()
                .filter(|(name, value)| {
                    !value.is_empty()
                        && CHANNEL_ENV_PREFIXES
                            .iter()
                            .any(|prefix| name.starts_with(prefix))
                })
                .map(|(name, value)| (name.clone(), Secret::new(value.as_str())))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&Secret> {
        self.0.get(name)
    }
}
