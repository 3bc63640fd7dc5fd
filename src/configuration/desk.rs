//! What the agents' desk needs per team beyond routing and hours: its
//! service levels (`[handoff.teams.sla]`) and how its cases are given out
//! (claimed by agents, or assigned automatically under a capacity).

use std::num::NonZeroUsize;
use std::time::Duration;

use serde::Deserialize;

use super::HandoffSettings;

impl HandoffSettings {
    /// How often the service-level watch runs (`sla_watch_ms`).
    pub fn sla_watch(&self) -> Duration {
        Duration::from_millis(self.sla_watch_ms.max(10))
    }
}

/// A team's service-level targets, in seconds of the team's business
/// hours (always, for a team with no hours). A target not set is not
/// watched; an urgent target not set falls back to the normal one.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SlaSettings {
    /// From escalation to a person's first message to the citizen.
    #[serde(default)]
    pub first_reply_secs: Option<u64>,
    /// From escalation to resolution.
    #[serde(default)]
    pub resolution_secs: Option<u64>,
    #[serde(default)]
    pub urgent_first_reply_secs: Option<u64>,
    #[serde(default)]
    pub urgent_resolution_secs: Option<u64>,
    /// The team a case that missed a target moves up to; none: it stays,
    /// and supervisors are alerted.
    #[serde(default)]
    pub escalate_to: Option<String>,
}

/// How a team's waiting cases reach its agents.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AssignmentSettings {
    /// Round-robin to available agents under their capacity, instead of
    /// agents claiming from the queue.
    #[serde(default)]
    pub auto: bool,
    /// Cases an agent has at once before automatic assignment passes
    /// them by.
    #[serde(default)]
    pub capacity: Option<NonZeroUsize>,
}
