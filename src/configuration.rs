//! Settings: built-in defaults < optional TOML file < `KHIDMA_<SECTION>__<KEY>`
//! environment variables < the documented short names (`KHIDMA_BIND`,
//! `KHIDMA_KB_DIR`, `KHIDMA_LOCALES_DIR`). The environment is
//! passed in as a map so that tests can layer it without touching the
//! process's own.

mod alerts;
mod cx;
mod desk;
mod limits;
mod outbound;
mod retention;
mod secrets;
mod whatsapp;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::num::{NonZeroU64, NonZeroUsize};
use std::path::{Path, PathBuf};
use std::time::Duration;

use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;

pub use alerts::{AlertSettings, AlertWebhook};
pub use cx::{CxSettings, DatabaseUrl, ObservatoryFeed};
pub use desk::{AssignmentSettings, SlaSettings};
pub use limits::LimitSettings;
pub use outbound::{OutboundSettings, PolicyOverrides, SendPolicy};
pub use retention::RetentionSettings;
pub use secrets::{
    Access, AgentTokens, CHANNEL_ENV_PREFIXES, ChannelEnv, RedisUrl, Secret, SupervisorTokens,
    WebchatKeys,
};
pub use whatsapp::{
    Template, TemplateLanguages, TemplateParameter, TemplateSettings, WhatsAppSettings,
};

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub kb: KbSettings,
    pub locales: LocaleSettings,
    pub state: StateSettings,
    pub outbound: OutboundSettings,
    pub handoff: HandoffSettings,
    #[serde(default)]
    pub limits: LimitSettings,
    pub retention: RetentionSettings,
    pub cx: CxSettings,
    /// Message templates for citizens whose 24-hour window closed.
    #[serde(default)]
    pub whatsapp: WhatsAppSettings,
    /// Supervisors' tokens, web-chat portal keys, the audit key: from the
    /// environment only.
    #[serde(skip)]
    pub access: Access,
    /// The messaging platforms' settings, from the environment only: they
    /// hold secrets, which never belong in a file.
    #[serde(skip)]
    pub channels: ChannelEnv,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Worker threads; 0 means one per core.
    pub workers: usize,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KbSettings {
    pub dir: PathBuf,
    /// Reload when files change.
    pub watch: bool,
    /// Quiet time after the last change before reloading.
    pub reload_debounce_ms: u64,
    /// Where the last knowledge base that loaded is copied (outside `dir`),
    /// to be served when the files do not load at start-up.
    #[serde(default)]
    pub last_good_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LocaleSettings {
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StateSettings {
    /// Conversations idle this long are forgotten (not those with an agent).
    pub idle_ttl_secs: u64,
    /// What is remembered of a citizen across conversations (language,
    /// district, last cases) is kept this long after their last message;
    /// 0 remembers nothing.
    pub memory_retention_secs: u64,
    /// How long a platform message id is remembered to refuse re-deliveries;
    /// WhatsApp retries for up to seven days.
    pub dedup_ttl_secs: u64,
    /// Prepended to every Redis key, so deployments can share one Redis.
    pub key_prefix: KeyPrefix,
    /// The longest any Redis call may take before the request fails with
    /// 503 (or the webhook asks the platform to retry).
    pub redis_timeout_ms: NonZeroU64,
    /// A turn's lease on its conversation lasts this long unless renewed;
    /// it bounds how long a crashed instance blocks a conversation.
    pub lease_ms: NonZeroU64,
    /// How long a message waits behind earlier turns of its conversation.
    pub lock_wait_ms: NonZeroU64,
    /// `REDIS_URL`, from the environment only: unset keeps state in memory.
    #[serde(skip)]
    pub redis_url: Option<RedisUrl>,
}

/// Prepended to every key, so that several deployments (or test runs) can
/// share one Redis: non-empty, printable, without spaces or braces (braces
/// would break the hash tags that keep a conversation in one Cluster slot).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct KeyPrefix(String);

impl TryFrom<String> for KeyPrefix {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        if raw.is_empty() {
            return Err("the key prefix must not be empty".to_owned());
        }
        if raw
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '{' || c == '}')
        {
            return Err(format!(
                "the key prefix {raw:?} must not contain spaces, control characters or braces"
            ));
        }
        Ok(Self(raw))
    }
}

impl KeyPrefix {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Human handoff: teams, and how long things are kept.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HandoffSettings {
    /// The team of cases whose category no team lists, and of agents that
    /// no team lists.
    pub default_team: String,
    #[serde(default)]
    pub teams: Vec<TeamSettings>,
    /// Events kept in a conversation's full history (the transcript agents
    /// read); the oldest go first.
    pub history_limit: usize,
    /// How long a history, a web-chat outbox and a team's pickup times
    /// outlive their last write.
    pub history_ttl_secs: u64,
    /// The time zone of opening hours (IANA name), unless a team has its own.
    pub time_zone: String,
    /// Where urgent cases go while their own team is closed; without one,
    /// they wait in their team's queue like the others.
    #[serde(default)]
    pub on_call_team: Option<String>,
    /// A citizen nobody has picked up for this long gets an update, and
    /// again after each further period; 0 turns updates off.
    pub unclaimed_update_secs: u64,
    /// Urgent reports of the same entry (and area) that arrive within this
    /// many seconds of an open incident's last report or status update
    /// join it, so agents see one incident rather than many cases.
    pub incident_window_secs: u64,
    /// Citizens an incident's update or closing message is sent to at once.
    /// An update to N citizens takes about N x the platform's reply time /
    /// this; more than the platforms' rate limits only buys retries.
    pub incident_send_concurrency: NonZeroUsize,
    /// The number a citizen in danger is told to call when the knowledge
    /// base has no urgent entry for what they report (112 reaches the
    /// emergency services from mobile phones in most countries).
    pub emergency_number: String,
    /// A claimed case whose agent has written nothing to the citizen for
    /// this long goes back to its team's queue, and the agent is told; 0
    /// turns this off.
    pub idle_return_secs: u64,
    /// How often the service-level watch looks for missed targets; an
    /// alert follows a due time by up to this long.
    pub sla_watch_ms: u64,
    /// `KHIDMA_AGENT_TOKENS`, from the environment only.
    #[serde(skip)]
    pub agent_tokens: AgentTokens,
}

impl HandoffSettings {
    pub fn history_ttl(&self) -> Duration {
        Duration::from_secs(self.history_ttl_secs)
    }

    pub fn incident_window(&self) -> Duration {
        Duration::from_secs(self.incident_window_secs)
    }

    pub fn unclaimed_update(&self) -> Option<Duration> {
        (self.unclaimed_update_secs > 0).then(|| Duration::from_secs(self.unclaimed_update_secs))
    }

    pub fn idle_return(&self) -> Option<Duration> {
        (self.idle_return_secs > 0).then(|| Duration::from_secs(self.idle_return_secs))
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TeamSettings {
    pub name: String,
    /// Knowledge-base categories (folder names) whose cases the team takes.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Agent names, as in `KHIDMA_AGENT_TOKENS`.
    #[serde(default)]
    pub agents: Vec<String>,
    /// `mon`..`sun` = `"HH:MM-HH:MM"`; none: always open.
    #[serde(default)]
    pub hours: std::collections::BTreeMap<String, String>,
    /// Overrides `handoff.time_zone` for this team's hours.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// `[handoff.teams.sla]`: its service levels; none, none watched.
    #[serde(default)]
    pub sla: Option<SlaSettings>,
    /// `[handoff.teams.assignment]`: claimed by agents unless set.
    #[serde(default)]
    pub assignment: AssignmentSettings,
}

impl KbSettings {
    pub fn reload_debounce(&self) -> Duration {
        Duration::from_millis(self.reload_debounce_ms)
    }
}

impl StateSettings {
    pub fn idle_ttl(&self) -> Duration {
        Duration::from_secs(self.idle_ttl_secs)
    }

    pub fn dedup_ttl(&self) -> Duration {
        Duration::from_secs(self.dedup_ttl_secs)
    }

    pub fn memory_retention(&self) -> Duration {
        Duration::from_secs(self.memory_retention_secs)
    }
}

const DEFAULTS: &str = r#"
[server]
bind = "127.0.0.1:8080"
max_body_bytes = 65536
workers = 0

[kb]
dir = "./knowledge_base"
watch = true
reload_debounce_ms = 300

[locales]
dir = "./locales"

[state]
idle_ttl_secs = 86400
memory_retention_secs = 7776000
dedup_ttl_secs = 604800
key_prefix = "khidma:"
redis_timeout_ms = 500
lease_ms = 5000
lock_wait_ms = 5000

[outbound]
timeout_ms = 5000
connect_timeout_ms = 2000
max_attempts = 5
backoff_base_ms = 500
max_backoff_ms = 20000
worker_concurrency = 32

[handoff]
default_team = "general"
teams = []
history_limit = 5000
history_ttl_secs = 2592000
time_zone = "UTC"
unclaimed_update_secs = 300
incident_window_secs = 1800
incident_send_concurrency = 8
emergency_number = "112"
idle_return_secs = 0
sla_watch_ms = 10000
"#;

/// Short environment names from the public contract, and the keys they set.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("KHIDMA_BIND", "server.bind"),
    ("KHIDMA_KB_DIR", "kb.dir"),
    ("KHIDMA_LOCALES_DIR", "locales.dir"),
];

#[derive(Debug, thiserror::Error)]
#[error(transparent)] // Else `{:#}` prints the cause's message twice.
pub struct ConfigError(#[from] config::ConfigError);

impl Settings {
    /// `file` is the `--config` argument; without it, `KHIDMA_CONFIG` names
    /// the file, and without that there is none.
    pub fn load(file: Option<&Path>, env: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let mut builder = Config::builder()
            .add_source(File::from_str(DEFAULTS, FileFormat::Toml))
            .add_source(File::from_str(retention::DEFAULTS, FileFormat::Toml))
            .add_source(File::from_str(cx::DEFAULTS, FileFormat::Toml))
            .add_source(File::from_str(alerts::DEFAULTS, FileFormat::Toml));
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| env.get("KHIDMA_CONFIG").map(PathBuf::from));
        if let Some(path) = file {
            builder = builder.add_source(File::from(path).format(FileFormat::Toml).required(true));
        }
        // Only `KHIDMA_<SECTION>__<KEY>` names go through the generic layer;
        // the short names are mapped one by one below.
        let sectioned: HashMap<String, String> = env
            .iter()
            .filter(|(name, _)| name.starts_with("KHIDMA_") && name.contains("__"))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        builder = builder.add_source(
            Environment::with_prefix("KHIDMA")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .source(Some(sectioned)),
        );
        for (name, key) in SHORT_NAMES {
            if let Some(value) = env.get(*name) {
                builder = builder.set_override(*key, value.as_str())?;
            }
        }
        let mut settings: Settings = builder.build()?.try_deserialize()?;
        settings.state.redis_url = env
            .get("REDIS_URL")
            .filter(|url| !url.is_empty())
            .map(|url| RedisUrl::parse(url.clone()))
            .transpose()
            .map_err(config::ConfigError::Message)?;
        settings.cx.database_url = env
            .get("DATABASE_URL")
            .filter(|url| !url.is_empty())
            .map(|url| DatabaseUrl::parse(url.clone()))
            .transpose()
            .map_err(config::ConfigError::Message)?;
        settings.cx.alerts.webhook =
            AlertWebhook::from_env(env).map_err(config::ConfigError::Message)?;
        settings.channels = ChannelEnv::from_env(env);
        settings.handoff.agent_tokens =
            AgentTokens::load(env).map_err(config::ConfigError::Message)?;
        settings.access = Access::from_env(env).map_err(config::ConfigError::Message)?;
        Ok(settings)
    }
}

#[cfg(test)]
mod tests;
