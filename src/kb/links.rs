//! What entries and the lexicon say about each other, checked once every
//! file is read: `related` ids, the entries escalation rules name, and ids
//! used by more than one file.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use super::diagnostics::{Problem, did_you_mean};
use super::entry::EntryId;
use super::lexicon::{self, LexiconSource};
use super::load::Parsed;
use super::report::{FileReport, KEY_FILE_NAME, KbIssue, Severity};

/// Each entry's `related` ids, checked against every file of the base.
pub(super) fn resolve_related(
    parsed: &[Parsed],
    existing_ids: &HashSet<String>,
    issues: &mut Vec<KbIssue>,
) -> Vec<Vec<EntryId>> {
    let mut related_by_entry = Vec::with_capacity(parsed.len());
    for item in parsed {
        let mut report = FileReport::new(&item.entry.source, &item.source);
        let mut related = Vec::new();
        for target in &item.related {
            let raw = target.get_ref();
            if raw == item.entry.id.as_str() {
                report.error(
                    target.span(),
                    "related",
                    Problem::new("check-related-self").with("id", raw.as_str()),
                );
            } else if !existing_ids.contains(raw.as_str()) {
                report.error(
                    target.span(),
                    "related",
                    unknown_entry("check-related-unknown", raw, existing_ids),
                );
            } else {
                let id = EntryId::parse(raw).expect("existing ids were parsed from file names");
                if related.contains(&id) {
                    report.warning(
                        Some(target.span()),
                        "related",
                        Problem::new("check-related-twice").with("id", raw.as_str()),
                    );
                } else {
                    related.push(id);
                }
            }
        }
        issues.append(&mut report.issues);
        related_by_entry.push(related);
    }
    related_by_entry
}

/// `id` is not an entry: said with the id the editor probably meant.
fn unknown_entry(message: &'static str, id: &str, existing_ids: &HashSet<String>) -> Problem {
    Problem::new(message)
        .with("id", id)
        .suggesting(did_you_mean(id, existing_ids.iter().map(String::as_str)))
}

/// An escalation rule must point at an entry that exists and escalates: it
/// is the entry whose answer (safety steps, what happens next) the citizen
/// receives.
pub(super) fn check_escalation_rules(
    lexicon: &LexiconSource,
    parsed: &[Parsed],
    existing_ids: &HashSet<String>,
    issues: &mut Vec<KbIssue>,
) {
    for (rule, &line) in lexicon.escalate.iter().zip(&lexicon.escalate_lines) {
        let id = rule.entry.as_str();
        let problem = match parsed.iter().find(|item| item.entry.id == rule.entry) {
            // Its file exists but has errors of its own, reported there.
            None if existing_ids.contains(id) => None,
            None => Some(unknown_entry("check-rule-entry-unknown", id, existing_ids)),
            Some(item) if item.entry.escalate.is_none() => {
                Some(Problem::new("check-rule-entry-calm").with("id", id))
            }
            Some(_) => None,
        };
        if let Some(problem) = problem {
            issues.push(KbIssue {
                severity: Severity::Error,
                file: PathBuf::from(lexicon::FILE_NAME),
                line: Some(line),
                key: "escalate.entry".to_owned(),
                problem,
            });
        }
    }
}

/// One error per id used by more than one file, on the first file and
/// naming them all; returns those ids.
pub(super) fn check_unique_ids<'a>(
    parsed: &'a [Parsed],
    issues: &mut Vec<KbIssue>,
) -> HashSet<&'a str> {
    let mut files_by_id: BTreeMap<&str, Vec<&Path>> = BTreeMap::new();
    for item in parsed {
        files_by_id
            .entry(item.entry.id.as_str())
            .or_default()
            .push(&item.entry.source);
    }
    files_by_id.retain(|_, files| files.len() > 1);
    for (id, files) in &files_by_id {
        let names: Vec<String> = files
            .iter()
            .map(|file| file.display().to_string())
            .collect();
        issues.push(KbIssue {
            severity: Severity::Error,
            file: files[0].to_path_buf(),
            line: None,
            key: KEY_FILE_NAME.to_owned(),
            problem: Problem::new("check-duplicate-id")
                .with("id", *id)
                .with("files", names.join(", ")),
        });
    }
    files_by_id.into_keys().collect()
}
