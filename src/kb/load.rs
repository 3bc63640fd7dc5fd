//! Reads `<category>/<id>.toml` files into [`Entry`] values, collecting every
//! problem (not just the first) with the file, line and key it concerns, so
//! that an editor can fix a whole pull request in one pass.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::areas::{self, AreaSource};
use super::categories::{self, CategoryName};
use super::diagnostics::Problem;
use super::entry::{Entry, EntryId, Escalation, LocalizedEntry, MAX_ID_LEN, is_kebab_case};
use super::lexicon::{self, LexiconSource};
use super::links;
use super::replies::{self, Reply};
use super::report::{FileReport, KEY_FILE_NAME, KEY_FOLDER, KEY_FOLDER_NAME, io_issue};
pub use super::report::{KbIssue, Severity};

/// Button and list-row titles are cut beyond this on WhatsApp.
pub const MAX_TITLE_CHARS: usize = 24;
/// Longer answers still load, but read badly on a phone.
pub const ANSWER_SOFT_LIMIT_CHARS: usize = 700;

/// The entries of a knowledge base that loaded cleanly, with its lexicon and
/// any warnings.
#[derive(Debug)]
pub struct Loaded {
    pub entries: Vec<Entry>,
    pub lexicon: LexiconSource,
    pub areas: Vec<AreaSource>,
    /// What citizens call each category (`categories.toml`).
    pub category_names: HashMap<String, CategoryName>,
    /// The agents' ready replies (`replies/`).
    pub replies: Vec<Reply>,
    pub warnings: Vec<KbIssue>,
}

/// Everything wrong with a knowledge base that failed to load.
#[derive(Debug, thiserror::Error)]
#[error("the knowledge base has {} error(s); first: {}", .errors.len(), .errors[0])]
pub struct LoadFailed {
    pub errors: Vec<KbIssue>,
    pub warnings: Vec<KbIssue>,
    /// Entries that have no error of their own.
    pub fine: usize,
}

impl LoadFailed {
    /// How many files the errors are in.
    pub fn files(&self) -> usize {
        self.errors
            .iter()
            .map(|issue| &issue.file)
            .collect::<HashSet<_>>()
            .len()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    escalate: Option<Escalation>,
    #[serde(default)]
    related: Vec<Spanned<String>>,
    ar: Option<RawSide>,
    en: Option<RawSide>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSide {
    title: Spanned<String>,
    questions: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    keywords: Vec<Spanned<String>>,
    answer: Spanned<String>,
}

/// The text of an optional file at the top of the knowledge base
/// (`lexicon.toml`, `areas.toml`): none when there is no such file, or when
/// it cannot be read, which an issue then says.
fn check_side(report: &mut FileReport<'_>, lang: &str, side: RawSide) -> LocalizedEntry {
    let title = side.title.get_ref().trim().to_owned();
    let title_key = format!("{lang}.title");
    if title.is_empty() {
        report.error(
            side.title.span(),
            &title_key,
            Problem::new("check-title-empty"),
        );
    } else if title.chars().count() > MAX_TITLE_CHARS {
        report.error(
            side.title.span(),
            &title_key,
            Problem::new("check-title-too-long")
                .with("length", title.chars().count())
                .with("max", MAX_TITLE_CHARS),
        );
    }

    let questions_key = format!("{lang}.questions");
    let questions_span = side.questions.span();
    let questions: Vec<String> = side
        .questions
        .into_inner()
        .into_iter()
        .filter_map(|question| {
            let text = question.get_ref().trim().to_owned();
            if text.is_empty() {
                report.error(
                    question.span(),
                    &questions_key,
                    Problem::new("check-question-empty"),
                );
                None
            } else {
                Some(text)
            }
        })
        .collect();
    if questions.is_empty() {
        report.error(
            questions_span,
            &questions_key,
            Problem::new("check-questions-none"),
        );
    }

    let keywords_key = format!("{lang}.keywords");
    let keywords = side
        .keywords
        .into_iter()
        .filter_map(|keyword| {
            let text = keyword.get_ref().trim().to_owned();
            if text.is_empty() {
                report.error(
                    keyword.span(),
                    &keywords_key,
                    Problem::new("check-keyword-empty"),
                );
                None
            } else {
                Some(text)
            }
        })
        .collect();

    let answer_key = format!("{lang}.answer");
    let answer = side.answer.get_ref().trim().to_owned();
    if answer.is_empty() {
        report.error(
            side.answer.span(),
            &answer_key,
            Problem::new("check-answer-empty"),
        );
    } else if answer.chars().count() > ANSWER_SOFT_LIMIT_CHARS {
        report.warning(
            Some(side.answer.span()),
            &answer_key,
            Problem::new("check-answer-long")
                .with("length", answer.chars().count())
                .with("max", ANSWER_SOFT_LIMIT_CHARS),
        );
    }

    LocalizedEntry {
        title,
        questions,
        keywords,
        answer,
    }
}

/// An entry whose `related` ids still have to be checked against the whole
/// knowledge base.
pub(super) struct Parsed {
    pub(super) entry: Entry,
    pub(super) related: Vec<Spanned<String>>,
    pub(super) source: String,
}

fn parse_entry(
    relative: &Path,
    category: &str,
    stem: &str,
    source: String,
    issues: &mut Vec<KbIssue>,
) -> Option<Parsed> {
    let mut report = FileReport::new(relative, &source);
    let id = match EntryId::parse(stem) {
        Ok(id) => Some(id),
        Err(_) => {
            report.push(
                Severity::Error,
                None,
                KEY_FILE_NAME,
                Problem::new("check-file-name-invalid")
                    .with("name", stem)
                    .with("max", MAX_ID_LEN),
            );
            None
        }
    };
    let raw: RawEntry = match toml::from_str(&source) {
        Ok(raw) => raw,
        Err(err) => {
            report.toml_error(&err);
            issues.append(&mut report.issues);
            return None;
        }
    };

    let ar = raw.ar.map(|side| check_side(&mut report, "ar", side));
    let en = raw.en.map(|side| check_side(&mut report, "en", side));
    match (&ar, &en) {
        (None, None) => report.error(0..0, "ar, en", Problem::new("check-no-language")),
        (None, Some(_)) => report.warning(None, "ar", Problem::new("check-missing-arabic")),
        (Some(_), None) => report.warning(None, "en", Problem::new("check-missing-english")),
        (Some(_), Some(_)) => {}
    }

    let failed = report
        .issues
        .iter()
        .any(|issue| issue.severity == Severity::Error);
    issues.append(&mut report.issues);
    if failed {
        return None;
    }
    Some(Parsed {
        entry: Entry {
            id: id?,
            category: category.to_owned(),
            escalate: raw.escalate,
            related: Vec::new(),
            ar,
            en,
            source: relative.to_path_buf(),
        },
        related: raw.related,
        source,
    })
}

fn sorted_dir(path: &Path) -> std::io::Result<Vec<fs::DirEntry>> {
    let mut children = fs::read_dir(path)?.collect::<Result<Vec<_>, _>>()?;
    children.sort_by_key(|child| child.file_name());
    Ok(children)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with('.'))
}

/// Loads every entry under `dir`. Returns the entries when there is no error
/// at all; otherwise every error and warning found.
pub fn load_dir(dir: &Path) -> Result<Loaded, LoadFailed> {
    let mut issues = Vec::new();
    let mut parsed = Vec::new();
    let mut existing_ids = HashSet::new();
    let mut folders = Vec::new();

    let categories = match sorted_dir(dir) {
        Ok(children) => children,
        Err(err) => {
            return Err(LoadFailed {
                errors: vec![folder_issue(dir, &err)],
                warnings: Vec::new(),
                fine: 0,
            });
        }
    };
    for category_dir in categories {
        let category_path = category_dir.path();
        // Ready replies are not entries: `replies::read` loads them.
        if !category_path.is_dir()
            || is_hidden(&category_path)
            || category_dir.file_name() == replies::FOLDER
        {
            continue;
        }
        let category = category_dir.file_name().to_string_lossy().into_owned();
        let relative_category = PathBuf::from(&category);
        if !is_kebab_case(&category) {
            issues.push(KbIssue {
                severity: Severity::Error,
                file: relative_category.clone(),
                line: None,
                key: KEY_FOLDER_NAME.to_owned(),
                problem: Problem::new("check-category-invalid").with("name", category.as_str()),
            });
            continue;
        }
        let files = match sorted_dir(&category_path) {
            Ok(files) => files,
            Err(err) => {
                issues.push(io_issue(&relative_category, &err));
                continue;
            }
        };
        folders.push(category.clone());
        for file in files {
            let path = file.path();
            let relative = relative_category.join(file.file_name());
            if is_hidden(&path) || path.extension().is_none_or(|ext| ext != "toml") {
                continue;
            }
            if path.is_dir() {
                continue;
            }
            let source = match fs::read_to_string(&path) {
                Ok(source) => source,
                Err(err) => {
                    issues.push(io_issue(&relative, &err));
                    continue;
                }
            };
            let stem = path
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default();
            // A file that fails to parse still exists: entries naming it in
            // `related` are not wrong, and saying so would bury the real error.
            if EntryId::parse(&stem).is_ok() {
                existing_ids.insert(stem.clone());
            }
            if let Some(entry) = parse_entry(&relative, &category, &stem, source, &mut issues) {
                parsed.push(entry);
            }
        }
    }

    let duplicated = links::check_unique_ids(&parsed, &mut issues);
    let related_by_entry = links::resolve_related(&parsed, &existing_ids, &mut issues);

    let lexicon = lexicon::read(dir, &mut issues);
    let areas = areas::read(dir, &mut issues);
    let category_names = categories::read(dir, &folders, &mut issues);
    let replies = replies::read(dir, &mut issues);
    links::check_escalation_rules(&lexicon, &parsed, &existing_ids, &mut issues);

    let (errors, warnings): (Vec<_>, Vec<_>) = issues
        .into_iter()
        .partition(|issue| issue.severity == Severity::Error);
    if !errors.is_empty() {
        let fine = parsed
            .iter()
            .filter(|item| !duplicated.contains(item.entry.id.as_str()))
            .filter(|item| !errors.iter().any(|error| error.file == item.entry.source))
            .count();
        return Err(LoadFailed {
            errors,
            warnings,
            fine,
        });
    }
    if parsed.is_empty() {
        return Err(LoadFailed {
            errors: vec![folder_problem(
                dir,
                Problem::new("check-kb-empty").with("dir", dir.display().to_string()),
            )],
            warnings,
            fine: 0,
        });
    }
    let entries = parsed
        .into_iter()
        .zip(related_by_entry)
        .map(|(item, related)| Entry {
            related,
            ..item.entry
        })
        .collect();
    Ok(Loaded {
        entries,
        lexicon,
        areas,
        category_names,
        replies,
        warnings,
    })
}

fn folder_problem(dir: &Path, problem: Problem) -> KbIssue {
    KbIssue {
        severity: Severity::Error,
        file: dir.to_path_buf(),
        line: None,
        key: KEY_FOLDER.to_owned(),
        problem,
    }
}

/// The knowledge-base folder itself cannot be listed: said plainly when it
/// does not exist or is a file.
fn folder_issue(dir: &Path, err: &std::io::Error) -> KbIssue {
    let shown = dir.display().to_string();
    match err.kind() {
        std::io::ErrorKind::NotFound => {
            folder_problem(dir, Problem::new("check-kb-missing").with("dir", shown))
        }
        std::io::ErrorKind::NotADirectory => folder_problem(
            dir,
            Problem::new("check-kb-not-a-folder").with("dir", shown),
        ),
        _ => io_issue(dir, err),
    }
}
