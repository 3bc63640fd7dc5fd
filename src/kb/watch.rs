//! Hot reload: editors' changes go live without a restart, and a broken edit
//! never takes the bot down.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::{KbError, KbHandle, KnowledgeBase, RetrievalOptions};

/// Keeps watching while it is alive.
pub type KbWatcher = Debouncer<RecommendedWatcher, RecommendedCache>;

/// Watches `dir` and swaps a freshly built knowledge base into `handle` once
/// the files have been quiet for `debounce` (an editor's save or a `git pull`
/// touches many files at once). When the new files do not load, the last good
/// knowledge base stays in service and every error is logged.
pub fn watch(
    dir: &Path,
    handle: KbHandle,
    options: RetrievalOptions,
    debounce: Duration,
) -> notify_debouncer_full::notify::Result<KbWatcher> {
    let reload_dir: PathBuf = dir.to_path_buf();
    let mut debouncer = new_debouncer(debounce, None, move |result: DebounceEventResult| {
        match result {
            // Reading the files to reload them opens them, and inotify
            // reports opens: only changes may trigger a reload, or every
            // reload would trigger the next.
            Ok(events) => {
                if events
                    .iter()
                    .any(|event| !matches!(event.kind, EventKind::Access(_)))
                {
                    reload(&reload_dir, &handle, options);
                }
            }
            Err(errors) => {
                for error in errors {
                    tracing::warn!(%error, "watching the knowledge base failed");
                }
            }
        }
    })?;
    debouncer.watch(dir, RecursiveMode::Recursive)?;
    Ok(debouncer)
}

fn reload(dir: &Path, handle: &KbHandle, options: RetrievalOptions) {
    match KnowledgeBase::load(dir, options) {
        Ok(kb) => {
            for warning in kb.warnings() {
                tracing::warn!(%warning, "knowledge base warning");
            }
            tracing::info!(
                entries = kb.entries().len(),
                build_ms = kb.build_time().as_secs_f64() * 1000.0,
                "knowledge base reloaded"
            );
            handle.replace(kb);
        }
        Err(KbError::Invalid(failed)) => {
            for error in &failed.errors {
                tracing::error!(%error, "knowledge base error");
            }
            tracing::error!(
                errors = failed.errors.len(),
                "knowledge base reload rejected; the last good version stays in service"
            );
        }
        Err(err) => tracing::error!(
            error = %err,
            "knowledge base reload failed; the last good version stays in service"
        ),
    }
}
