//! Settings that come from the environment only, because they are secret
//! or hold secrets: their `Debug` never shows them, so they cannot reach
//! logs.

use std::collections::HashMap;
use std::fmt;

use subtle::ConstantTimeEq;

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

/// `name:token,name:token` from one environment variable. `Debug` shows
/// the names only.
fn parse_named(variable: &str, raw: &str) -> Result<Vec<(String, Secret)>, String> {
    let mut named: Vec<(String, Secret)> = Vec::new();
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
            .ok_or_else(|| format!("{variable} must be name:token pairs separated by commas"))?;
        if named.iter().any(|(known, _)| known == name) {
            return Err(format!("{variable} names {name:?} twice"));
        }
        named.push((name.to_owned(), Secret::new(token)));
    }
    Ok(named)
}

/// The name whose token is `presented`. Every token is compared, in
/// constant time, so timing tells nothing about which one nearly matched.
fn find_named<'a>(named: &'a [(String, Secret)], presented: &str) -> Option<&'a str> {
    let mut found = None;
    for (name, token) in named {
        if bool::from(token.expose().as_bytes().ct_eq(presented.as_bytes())) {
            found = Some(name.as_str());
        }
    }
    found
}

/// A list of named tokens from one environment variable, in the
/// `name:token,name:token` format of `KHIDMA_AGENT_TOKENS`.
macro_rules! named_tokens {
    ($(#[$doc:meta])* $type:ident, $variable:literal) => {
        $(#[$doc])*
        #[derive(Clone, Default, PartialEq)]
        pub struct $type(Vec<(String, Secret)>);

        impl $type {
            pub const VARIABLE: &'static str = $variable;

            pub fn parse(raw: &str) -> Result<Self, String> {
                parse_named($variable, raw).map(Self)
            }

            /// The variable's value, when set; none: nobody holds a token.
            fn from_env(env: &HashMap<String, String>) -> Result<Self, String> {
                env.get($variable)
                    .map(|raw| Self::parse(raw))
                    .transpose()
                    .map(Option::unwrap_or_default)
            }

            pub fn iter(&self) -> impl Iterator<Item = (&str, &Secret)> {
                self.0.iter().map(|(name, token)| (name.as_str(), token))
            }

            /// The name of the holder of `presented`, compared in constant
            /// time.
            pub fn find(&self, presented: &str) -> Option<&str> {
                find_named(&self.0, presented)
            }
        }

        impl fmt::Debug for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list()
                    .entries(self.0.iter().map(|(name, _)| name))
                    .finish()
            }
        }
    };
}

named_tokens!(
    /// Who may use the agent API.
    AgentTokens,
    "KHIDMA_AGENT_TOKENS"
);
named_tokens!(
    /// Who may erase and export a citizen's data (`/api/v1/admin/...`).
    SupervisorTokens,
    "KHIDMA_SUPERVISOR_TOKENS"
);
named_tokens!(
    /// Trusted portal backends that authenticate citizens themselves: they
    /// may post and read web chat for any user, without the citizen's
    /// session.
    WebchatKeys,
    "KHIDMA_WEBCHAT_KEYS"
);

/// Credentials for the citizens' and supervisors' side, from the
/// environment only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Access {
    pub supervisor_tokens: SupervisorTokens,
    pub webchat_keys: WebchatKeys,
}

impl Access {
    pub fn from_env(env: &HashMap<String, String>) -> Result<Self, String> {
        Ok(Self {
            supervisor_tokens: SupervisorTokens::from_env(env)?,
            webchat_keys: WebchatKeys::from_env(env)?,
        })
    }
}

impl AgentTokens {
    pub(super) fn load(env: &HashMap<String, String>) -> Result<Self, String> {
        Self::from_env(env)
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

    /// 32 bytes from the operating system's random source, as hex.
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        // Without the OS's random source nothing secret can be made; that
        // happens only on a broken system.
        getrandom::fill(&mut bytes).expect("the operating system's random source works");
        Self(hex::encode(bytes))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configuration::tests::env;

    #[test]
    fn named_tokens_come_from_the_environment_and_never_show_in_debug() {
        let agents = AgentTokens::load(&env(&[(
            "KHIDMA_AGENT_TOKENS",
            "sara:t0k3n-a, omar:t0k3n-b",
        )]))
        .unwrap();
        let named: Vec<_> = agents.iter().collect();
        assert_eq!(named[0].0, "sara");
        assert_eq!(named[1].1.expose(), "t0k3n-b");
        assert_eq!(agents.find("t0k3n-b"), Some("omar"));
        assert_eq!(agents.find("t0k3n"), None);
        assert!(!format!("{agents:?}").contains("t0k3n"));

        for bad in ["sara", "sara:", ":x", "a:1,a:2"] {
            let err = AgentTokens::parse(bad).unwrap_err();
            assert!(!err.contains(":1"), "{err}");
            assert!(err.contains("KHIDMA_AGENT_TOKENS"), "{err}");
        }
    }

    #[test]
    fn supervisors_and_portals_have_tokens_of_their_own() {
        let access = Access::from_env(&env(&[
            ("KHIDMA_SUPERVISOR_TOKENS", "lina:sup-1"),
            ("KHIDMA_WEBCHAT_KEYS", "portal:key-1"),
        ]))
        .unwrap();
        assert_eq!(access.supervisor_tokens.find("sup-1"), Some("lina"));
        assert_eq!(access.supervisor_tokens.find("key-1"), None);
        assert_eq!(access.webchat_keys.find("key-1"), Some("portal"));
        let shown = format!("{access:?}");
        assert!(!shown.contains("sup-1") && !shown.contains("key-1"));

        let err = Access::from_env(&env(&[("KHIDMA_WEBCHAT_KEYS", "portal")])).unwrap_err();
        assert!(err.contains("KHIDMA_WEBCHAT_KEYS"), "{err}");
        let unset = Access::from_env(&HashMap::new()).unwrap();
        assert_eq!(unset.supervisor_tokens.iter().count(), 0);
    }
}
