//! Whether the knowledge base in service is the one in the files, for
//! `/readyz` and `/metrics`: a reload that failed, or a start from the last
//! good copy, leaves the bot serving an older version, and operators must
//! see that.

use serde::Serialize;

use crate::conversation::now_ms;

/// At most this many errors are kept for `/readyz`; `khidma check` lists
/// them all.
const ERRORS_KEPT: usize = 20;

/// Why the knowledge base in service is not the one in the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DegradedReason {
    /// The files were edited and no longer load; the version before the
    /// edit stays in service.
    ReloadFailed,
    /// The files did not load at start-up; the copy saved at the last
    /// successful load is in service (`kb.last_good_dir`).
    StartedFromLastGood,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Degraded {
    pub reason: DegradedReason,
    pub since_ms: i64,
    /// How many errors the files have; the first of them follow.
    pub error_count: usize,
    pub errors: Vec<String>,
}

impl Degraded {
    pub fn new(reason: DegradedReason, errors: &[impl ToString]) -> Self {
        Self {
            reason,
            since_ms: now_ms(),
            error_count: errors.len(),
            errors: errors
                .iter()
                .take(ERRORS_KEPT)
                .map(ToString::to_string)
                .collect(),
        }
    }
}

/// A snapshot of the knowledge base's health.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KbStatus {
    /// 1 at start, one more per successful reload.
    pub generation: u64,
    pub entries: usize,
    /// Reloads rejected since start.
    pub reload_failures: u64,
    /// Set while an older version is served than the files hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub degraded: Option<Degraded>,
}

/// What the handle keeps besides the knowledge base itself.
#[derive(Debug, Default)]
pub(super) struct Health {
    pub(super) reload_failures: u64,
    pub(super) degraded: Option<Degraded>,
}
