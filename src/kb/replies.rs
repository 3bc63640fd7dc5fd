//! Ready replies: editors' bilingual snippets in `replies/<id>.toml`, which
//! agents search from the reply box and insert, with the citizen's name,
//! the case and the agent filled in. They are loaded, checked and
//! hot-reloaded with the knowledge base, so a broken reply is reported by
//! `khidma check` like a broken entry (file, line and key).

mod search;

use std::collections::HashSet;
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::diagnostics::{Problem, did_you_mean};
use super::entry::{EntryId, MAX_ID_LEN};
use super::load::KbIssue;
use super::report::{FileReport, KEY_FILE_NAME, io_issue};
use crate::i18n::Lang;

pub use search::ReplyIndex;

/// The folder of the knowledge base that holds ready replies, not entries.
pub const FOLDER: &str = "replies";
/// The console lists replies by title; a long one no longer reads as a name.
pub const MAX_REPLY_TITLE_CHARS: usize = 40;
/// What khidma can fill in a reply's text, written `{citizen_name}`.
pub const PLACEHOLDERS: [&str; 3] = ["citizen_name", "case_id", "agent_name"];
/// A brace pair longer than this is text, not a misspelt placeholder.
const MAX_PLACEHOLDER_CHARS: usize = 40;

/// One ready reply as the loader checked it: both languages are present.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reply {
    pub id: EntryId,
    pub tags: Vec<String>,
    pub ar: ReplySide,
    pub en: ReplySide,
}

/// One language's side of a ready reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplySide {
    pub title: Option<String>,
    pub text: String,
}

impl Reply {
    pub fn side(&self, lang: Lang) -> &ReplySide {
        match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        }
    }
}

/// The values of a reply's placeholders for one conversation; a value
/// that is not known leaves its placeholder as written.
#[derive(Debug, Clone, Default)]
pub struct Filling {
    pub citizen_name: Option<String>,
    pub case_id: Option<String>,
    pub agent_name: Option<String>,
}

impl Filling {
    fn value(&self, name: &str) -> Option<&str> {
        match name {
            "citizen_name" => self.citizen_name.as_deref(),
            "case_id" => self.case_id.as_deref(),
            "agent_name" => self.agent_name.as_deref(),
            _ => None,
        }
    }

    /// `text` with every placeholder it knows a value for replaced.
    pub fn fill(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for (range, name) in placeholders(text) {
            if let Some(value) = self.value(name) {
                out.push_str(&text[copied..range.start]);
                out.push_str(value);
                copied = range.end;
            }
        }
        out.push_str(&text[copied..]);
        out
    }
}

/// Every `{...}` in `text` that reads as a placeholder: its byte range and
/// the name inside, trimmed. Longer brace pairs and ones across lines are
/// the editor's own text.
fn placeholders(text: &str) -> Vec<(Range<usize>, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|offset| from + offset) {
        let inside = &text[open + 1..];
        let Some(length) = inside.find(['}', '{', '\n']) else {
            break;
        };
        if inside[length..].starts_with('}') && length <= MAX_PLACEHOLDER_CHARS {
            let name = inside[..length].trim();
            if !name.is_empty() {
                found.push((open..open + length + 2, name));
            }
            from = open + length + 2;
        } else {
            from = open + 1;
        }
    }
    found
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReply {
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    ar: Option<Spanned<RawSide>>,
    en: Option<Spanned<RawSide>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSide {
    title: Option<Spanned<String>>,
    text: Spanned<String>,
}

/// Reads every `replies/<id>.toml`; a knowledge base without the folder has
/// no ready replies. Problems go to `issues`; only replies without an error
/// are returned.
pub fn read(dir: &Path, issues: &mut Vec<KbIssue>) -> Vec<Reply> {
    let folder = dir.join(FOLDER);
    let children = match fs::read_dir(&folder) {
        Ok(children) => children,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(err) => {
            issues.push(io_issue(Path::new(FOLDER), &err));
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = children
        .filter_map(Result::ok)
        .map(|child| child.path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "toml"))
        .filter(|path| {
            !path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    let mut replies = Vec::new();
    for path in paths {
        let relative = Path::new(FOLDER).join(path.file_name().unwrap_or_default());
        match fs::read_to_string(&path) {
            Ok(source) => replies.extend(parse(&relative, &source, issues)),
            Err(err) => issues.push(io_issue(&relative, &err)),
        }
    }
    replies
}

fn parse(relative: &Path, source: &str, issues: &mut Vec<KbIssue>) -> Option<Reply> {
    let mut report = FileReport::new(relative, source);
    let stem = relative
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = EntryId::parse(&stem).ok();
    if id.is_none() {
        report.push(
            super::Severity::Error,
            None,
            KEY_FILE_NAME,
            Problem::new("check-file-name-invalid")
                .with("name", stem.as_str())
                .with("max", MAX_ID_LEN),
        );
    }
    let raw = report.parse::<RawReply>();
    let reply = raw.and_then(|raw| {
        let tags = check_tags(&mut report, raw.tags);
        let ar = check_side(&mut report, source, "ar", raw.ar);
        let en = check_side(&mut report, source, "en", raw.en);
        Some(Reply {
            id: id?,
            tags,
            ar: ar?,
            en: en?,
        })
    });
    let failed = report
        .issues
        .iter()
        .any(|issue| issue.severity == super::Severity::Error);
    issues.append(&mut report.issues);
    reply.filter(|_| !failed)
}

fn check_tags(report: &mut FileReport<'_>, tags: Vec<Spanned<String>>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    for tag in tags {
        let text = tag.get_ref().trim().to_owned();
        if text.is_empty() {
            report.error(tag.span(), "tags", Problem::new("check-reply-tag-empty"));
        } else if seen.insert(text.clone()) {
            kept.push(text);
        }
    }
    kept
}

fn check_side(
    report: &mut FileReport<'_>,
    source: &str,
    lang: &'static str,
    side: Option<Spanned<RawSide>>,
) -> Option<ReplySide> {
    let Some(side) = side else {
        report.push(
            super::Severity::Error,
            None,
            lang,
            Problem::new("check-reply-language-missing").with("lang", lang),
        );
        return None;
    };
    let side = side.into_inner();
    let title = side.title.and_then(|title| {
        let text = title.get_ref().trim().to_owned();
        let length = text.chars().count();
        if length > MAX_REPLY_TITLE_CHARS {
            report.error(
                title.span(),
                &format!("{lang}.title"),
                Problem::new("check-reply-title-too-long")
                    .with("length", length)
                    .with("max", MAX_REPLY_TITLE_CHARS),
            );
        }
        (!text.is_empty()).then_some(text)
    });
    let text_key = format!("{lang}.text");
    let text = side.text.get_ref().trim().to_owned();
    if text.is_empty() {
        report.error(
            side.text.span(),
            &text_key,
            Problem::new("check-reply-text-empty"),
        );
    }
    let span = side.text.span();
    for (range, name) in placeholders(side.text.get_ref()) {
        if PLACEHOLDERS.contains(&name) {
            continue;
        }
        // Where it is written: the parsed text lost its quotes and escapes.
        let written = &side.text.get_ref()[range];
        let at = source
            .get(span.clone())
            .and_then(|raw| raw.find(written))
            .map_or(span.start, |offset| span.start + offset);
        report.error(
            at..at,
            &text_key,
            Problem::new("check-reply-placeholder-unknown")
                .with("name", name)
                .with(
                    "allowed",
                    PLACEHOLDERS.map(|known| format!("{{{known}}}")).join(", "),
                )
                .suggesting(did_you_mean(name, PLACEHOLDERS)),
        );
    }
    Some(ReplySide { title, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues_of(source: &str) -> (Option<Reply>, Vec<KbIssue>) {
        let mut issues = Vec::new();
        let reply = parse(Path::new("replies/greeting.toml"), source, &mut issues);
        (reply, issues)
    }

    #[test]
    fn a_reply_fills_the_placeholders_it_knows_and_leaves_other_braces() {
        let filling = Filling {
            citizen_name: Some("Huda".to_owned()),
            case_id: Some("KH-1".to_owned()),
            agent_name: None,
        };
        assert_eq!(
            filling.fill("Hello { citizen_name }, case {case_id}; {agent_name} {"),
            "Hello Huda, case KH-1; {agent_name} {"
        );
        assert_eq!(filling.fill("{{citizen_name}}"), "{Huda}");
    }

    #[test]
    fn an_unknown_placeholder_is_an_error_on_its_line_with_a_suggestion() {
        let source = "[ar]\ntext = \"مرحبًا {citizen_name}\"\n[en]\ntitle = \"Hi\"\ntext = \"\"\"\nHello\n{citizen_nam}\"\"\"\n";
        let (reply, issues) = issues_of(source);
        assert!(reply.is_none());
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].key, "en.text");
        assert_eq!(issues[0].line, Some(7));
        assert_eq!(issues[0].problem.suggestion(), Some("citizen_name"));
    }

    #[test]
    fn both_languages_and_a_text_are_required() {
        let (reply, issues) = issues_of("[en]\ntext = \"  \"\n");
        assert!(reply.is_none());
        let ids: Vec<_> = issues.iter().map(|issue| issue.problem.id()).collect();
        assert_eq!(
            ids,
            ["check-reply-language-missing", "check-reply-text-empty"]
        );
        assert_eq!(issues[0].key, "ar");
        let (reply, issues) = issues_of(
            "tags = [\"hello\"]\n[ar]\ntext = \"أهلًا\"\n[en]\ntitle = \"Hi\"\ntext = \"Hi\"\n",
        );
        assert!(issues.is_empty(), "{issues:?}");
        let reply = reply.unwrap();
        assert_eq!(reply.en.title.as_deref(), Some("Hi"));
        assert_eq!(reply.ar.title, None);
        assert_eq!(reply.tags, ["hello"]);
    }
}
