//! The boundaries ARCHITECTURE.md states, checked by reading `src/`: which
//! module may name which crate or call which store operation.

use std::path::Path;

use crate::helpers::repo_path;

/// Every Rust file under `src/`, as (path relative to `src/`, code with
/// comment lines left out).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, root: &Path, found: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, found);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                let code: String = std::fs::read_to_string(&path)
                    .unwrap()
                    .lines()
                    .filter(|line| !line.trim_start().starts_with("//"))
                    .map(|line| format!("{line}\n"))
                    .collect();
                let relative = path.strip_prefix(root).unwrap().to_string_lossy();
                found.push((relative.replace('\\', "/"), code));
            }
        }
    }
    let root = repo_path("src");
    let mut found = Vec::new();
    walk(&root, &root, &mut found);
    assert!(found.len() > 40, "src/ was not found: {found:?}");
    found
}

/// Whether `code` holds `needle` as a whole word at its end (`.await` but
/// not `.awaiting`).
fn mentions(code: &str, needle: &str) -> bool {
    code.match_indices(needle).any(|(at, _)| {
        !code[at + needle.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    })
}

/// The files outside `allowed` (path prefixes) whose code mentions any of
/// `needles`.
fn offenders(allowed: &[&str], needles: &[&str]) -> Vec<String> {
    sources()
        .into_iter()
        .filter(|(path, _)| !allowed.iter().any(|prefix| path.starts_with(prefix)))
        .filter(|(_, code)| needles.iter().any(|needle| mentions(code, needle)))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn only_http_knows_actix() {
    let found = offenders(&["http/"], &["actix_web", "tracing_actix_web"]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn only_kb_knows_tantivy() {
    let found = offenders(&["kb/"], &["tantivy::"]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn only_the_event_store_knows_sqlx() {
    let found = offenders(&["cx/store"], &["sqlx"]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn only_the_redis_stores_know_redis() {
    // `::redis::` is the crate; `self::redis::` is the module.
    let found: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _)| !path.starts_with("state/redis") && !path.starts_with("handoff/redis"))
        .filter(|(_, code)| {
            code.match_indices("::redis::")
                .any(|(at, _)| !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_'))
        })
        .map(|(path, _)| path)
        .collect();
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn only_channels_talk_to_the_platforms() {
    let found = offenders(&["channels/"], &["reqwest"]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn the_dialogue_does_no_io() {
    let io = [
        "async fn",
        ".await",
        "tokio",
        "std::fs",
        "std::net",
        "crate::state",
        "crate::handoff",
        "crate::channels",
        "crate::pipeline",
        "crate::http",
    ];
    let found: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _)| path.starts_with("dialogue/"))
        .filter(|(_, code)| io.iter().any(|needle| mentions(code, needle)))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn only_the_pipeline_takes_and_commits_a_conversations_lease() {
    // Every turn, whoever starts it, goes through pipeline.rs: the lease,
    // the send, the commit, then the announcements, in that order.
    // (kb/ commits its search index, not a lease.)
    let found = offenders(
        &["pipeline.rs", "state/", "kb/"],
        &[".acquire(", ".commit("],
    );
    assert_eq!(found, Vec::<String>::new());
    // The desk defines how to announce; only the pipeline does it.
    let found = offenders(&["pipeline.rs", "handoff/"], &[".announce("]);
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn storage_and_channels_know_messages_not_the_dialogue() {
    let found: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _)| path.starts_with("state/") || path.starts_with("channels/"))
        .filter(|(_, code)| mentions(code, "crate::dialogue"))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn built_in_language_knowledge_knows_no_knowledge_base() {
    let found: Vec<String> = sources()
        .into_iter()
        .filter(|(path, _)| path.starts_with("language/"))
        .filter(|(_, code)| mentions(code, "crate::kb") || mentions(code, "crate::dialogue"))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(found, Vec::<String>::new());
}
