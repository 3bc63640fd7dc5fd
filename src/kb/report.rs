//! How problems in editors' files are reported: each with its file, line
//! and dotted key, and a [`Problem`] worded for a content editor in Arabic
//! or English, whichever file of the knowledge base (entries, lexicon,
//! districts) it is in.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::diagnostics::{Problem, toml_problem};
use crate::i18n::{Arg, Lang, editor_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// The `key` of a problem with a file's name rather than its content.
pub const KEY_FILE_NAME: &str = "(file name)";
/// The `key` of a problem with a folder's name.
pub const KEY_FOLDER_NAME: &str = "(folder name)";
/// The `key` of a problem with a whole file (it cannot be read).
pub const KEY_FILE: &str = "(file)";
/// The `key` of a problem with the knowledge-base folder itself.
pub const KEY_FOLDER: &str = "(folder)";

/// One problem found in the knowledge base. Its `Display` is the English
/// line `check` prints (what logs and `/readyz` show); [`KbIssue::render`]
/// words it in either language.
#[derive(Debug, Clone, PartialEq)]
pub struct KbIssue {
    pub severity: Severity,
    /// Relative to the knowledge-base folder.
    pub file: PathBuf,
    pub line: Option<usize>,
    pub key: String,
    pub problem: Problem,
}

impl KbIssue {
    /// What is wrong, without where.
    pub fn message(&self, lang: Lang) -> String {
        self.problem.text(lang)
    }

    /// The whole line: severity, file, line, key and what is wrong.
    pub fn render(&self, lang: Lang) -> String {
        let id = match (self.severity, self.line.is_some()) {
            (Severity::Error, true) => "check-error-at-line",
            (Severity::Error, false) => "check-error-in-file",
            (Severity::Warning, true) => "check-warning-at-line",
            (Severity::Warning, false) => "check-warning-in-file",
        };
        let key = match self.key.as_str() {
            KEY_FILE_NAME => Arg::Phrase("check-key-file-name"),
            KEY_FOLDER_NAME => Arg::Phrase("check-key-folder-name"),
            KEY_FILE => Arg::Phrase("check-key-file"),
            KEY_FOLDER => Arg::Phrase("check-key-folder"),
            key => Arg::from(key),
        };
        let mut args = vec![
            ("file", Arg::from(self.file.display().to_string())),
            ("key", key),
            ("message", Arg::from(self.message(lang))),
        ];
        if let Some(line) = self.line {
            args.push(("line", Arg::Count(line)));
        }
        editor_text(lang, id, &args)
    }
}

impl fmt::Display for KbIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

pub(super) fn read_optional(
    dir: &Path,
    file_name: &str,
    issues: &mut Vec<KbIssue>,
) -> Option<String> {
    match std::fs::read_to_string(dir.join(file_name)) {
        Ok(source) => Some(source),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => {
            issues.push(io_issue(Path::new(file_name), &err));
            None
        }
    }
}

/// Collects issues for one file, turning byte spans into line numbers.
pub(super) struct FileReport<'a> {
    file: &'a Path,
    source: &'a str,
    pub(super) issues: Vec<KbIssue>,
}

impl<'a> FileReport<'a> {
    pub(super) fn new(file: &'a Path, source: &'a str) -> Self {
        Self {
            file,
            source,
            issues: Vec::new(),
        }
    }

    pub(super) fn push(
        &mut self,
        severity: Severity,
        span: Option<Range<usize>>,
        key: &str,
        problem: Problem,
    ) {
        let line = span.map(|span| line_of(self.source, span.start));
        self.issues.push(KbIssue {
            severity,
            file: self.file.to_path_buf(),
            line,
            key: key.to_owned(),
            problem,
        });
    }

    pub(super) fn error(&mut self, span: Range<usize>, key: &str, problem: Problem) {
        self.push(Severity::Error, Some(span), key, problem);
    }

    /// The file as `T`; none after a syntax or shape error, reported.
    pub(super) fn parse<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        toml::from_str(self.source)
            .map_err(|err| self.toml_error(&err))
            .ok()
    }

    /// A TOML syntax or shape error in plain words, with the key it
    /// concerns.
    pub(super) fn toml_error(&mut self, err: &toml::de::Error) {
        let (span, problem) = toml_problem(self.source, err);
        let key = key_at(self.source, span.start);
        self.error(span, &key, problem);
    }

    pub(super) fn warning(&mut self, span: Option<Range<usize>>, key: &str, problem: Problem) {
        self.push(Severity::Warning, span, key, problem);
    }
}

pub(super) fn line_of(source: &str, offset: usize) -> usize {
    let offset = offset.min(source.len());
    source.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Names the key a TOML error points at (`en.title`), by reading the source
/// around the error: toml reports a span but not the dotted key path.
fn key_at(source: &str, offset: usize) -> String {
    let offset = offset.min(source.len());
    let mut key = None;
    let mut table = None;
    // Walk back from the error's line: the nearest `key =` names the key
    // (array items sit on lines below it), the nearest `[table]` its section.
    let current_line_end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    let lines = source[..current_line_end].lines().rev();
    for line in lines {
        let trimmed = line.trim_start();
        // `[table]` or `[[array of tables]]`
        if let Some(header) = trimmed.strip_prefix('[') {
            let header = header.trim_start_matches('[');
            table = header.split(']').next().map(|t| t.trim().to_owned());
            break;
        }
        if key.is_none()
            && let Some((candidate, _)) = trimmed.split_once('=')
        {
            let candidate = candidate.trim();
            if !candidate.is_empty()
                && candidate
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                key = Some(candidate.to_owned());
            }
        }
    }
    match (table, key) {
        (Some(table), Some(key)) => format!("{table}.{key}"),
        (Some(table), None) => table,
        (None, Some(key)) => key,
        (None, None) => KEY_FILE.to_owned(),
    }
}

pub(super) fn io_issue(relative: &Path, err: &std::io::Error) -> KbIssue {
    KbIssue {
        severity: Severity::Error,
        file: relative.to_path_buf(),
        line: None,
        key: KEY_FILE.to_owned(),
        problem: Problem::new("check-cannot-read").with("reason", err.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_key_of_an_error_inside_a_table_and_a_multiline_array() {
        let source =
            "escalate = \"urgent\"\n[ar]\ntitle = \"x\"\nquestions = [\n  \"a\",\n  3,\n]\n";
        let offset = source.find('3').unwrap();
        assert_eq!(key_at(source, offset), "ar.questions");
        assert_eq!(key_at(source, 2), "escalate");
        assert_eq!(line_of(source, offset), 6);
    }
}
