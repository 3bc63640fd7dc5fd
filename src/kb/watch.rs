//! Hot reload: editors' changes go live without a restart, and a broken edit
//! never takes the bot down: it is reported (`KbHandle::status`) while the
//! last good version stays in service.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::last_good::LastGood;
use super::{KbError, KbHandle, KnowledgeBase, RetrievalOptions};

/// Keeps watching while it is alive.
pub type KbWatcher = Debouncer<RecommendedWatcher, RecommendedCache>;

/// Watches `dir` and swaps a freshly built knowledge base into `handle` once
/// the files have been quiet for `debounce` (an editor's save or a `git pull`
/// touches many files at once). When the new files do not load, the last good
/// knowledge base stays in service, every error is logged, and the handle
/// reports itself degraded until the files load again. Each successful
/// reload is copied to `last_good`, when set.
pub fn watch(
    dir: &Path,
    handle: KbHandle,
    options: RetrievalOptions,
    debounce: Duration,
    last_good: Option<LastGood>,
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
                    reload(&reload_dir, &handle, options, last_good.as_ref());
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

fn reload(dir: &Path, handle: &KbHandle, options: RetrievalOptions, last_good: Option<&LastGood>) {
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
            if let Some(last_good) = last_good {
                last_good.keep(dir);
            }
        }
        Err(KbError::Invalid(failed)) => {
            for error in &failed.errors {
                tracing::error!(%error, "knowledge base error");
            }
            tracing::error!(
                errors = failed.errors.len(),
                "knowledge base reload rejected; the last good version stays in service"
            );
            handle.reload_failed(&failed.errors);
        }
        Err(err) => {
            tracing::error!(
                error = %err,
                "knowledge base reload failed; the last good version stays in service"
            );
            handle.reload_failed(&[err]);
        }
    }
}
