//! How problems in editors' files are reported: each with its file, line
//! and dotted key, phrased for a content editor, whichever file of the
//! knowledge base (entries, lexicon, districts) it is in.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the knowledge base, phrased for a content editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbIssue {
    pub severity: Severity,
    /// Relative to the knowledge-base folder.
    pub file: PathBuf,
    pub line: Option<usize>,
    pub key: String,
    pub message: String,
}

impl fmt::Display for KbIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}: {}", self.key, self.message)
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
            issues.push(KbIssue {
                severity: Severity::Error,
                file: file_name.into(),
                line: None,
                key: "(file)".to_owned(),
                message: format!("cannot be read: {err}"),
            });
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
        message: String,
    ) {
        let line = span.map(|span| line_of(self.source, span.start));
        self.issues.push(KbIssue {
            severity,
            file: self.file.to_path_buf(),
            line,
            key: key.to_owned(),
            message,
        });
    }

    pub(super) fn error(&mut self, span: Range<usize>, key: &str, message: impl Into<String>) {
        self.push(Severity::Error, Some(span), key, message.into());
    }

    /// The file as `T`; none after a syntax or shape error, reported.
    pub(super) fn parse<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        toml::from_str(self.source)
            .map_err(|err| self.toml_error(&err))
            .ok()
    }

    /// A TOML syntax or shape error, with the key it concerns.
    pub(super) fn toml_error(&mut self, err: &toml::de::Error) {
        let span = err.span().unwrap_or(0..0);
        let key = key_at(self.source, span.start);
        self.error(span, &key, err.message().trim().to_owned());
    }

    pub(super) fn warning(
        &mut self,
        span: Option<Range<usize>>,
        key: &str,
        message: impl Into<String>,
    ) {
        self.push(Severity::Warning, span, key, message.into());
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
        (None, None) => "(file)".to_owned(),
    }
}

pub(super) fn io_issue(relative: &Path, err: &std::io::Error) -> KbIssue {
    KbIssue {
        severity: Severity::Error,
        file: relative.to_path_buf(),
        line: None,
        key: "(file)".to_owned(),
        message: format!("cannot be read: {err}"),
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
