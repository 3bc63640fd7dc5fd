//! What an editor's mistake is, in plain words: a [`Problem`] names a
//! sentence of `locales/<lang>/check.ftl` with its arguments, and is worded
//! in Arabic or English only when shown. TOML's own errors ("invalid basic
//! string, expected `\"`", "unknown field `anwser`") are translated here,
//! with "did you mean" for misspelt keys, values and ids, and an unclosed
//! quote is traced back to where it opens rather than where the file ends.

use std::ops::Range;

use crate::i18n::{Arg, Lang, editor_text};

/// One problem, ready to be worded in either language.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    id: &'static str,
    args: Vec<(&'static str, Arg)>,
    /// The key, value or id the editor probably meant.
    suggestion: Option<String>,
}

impl Problem {
    pub fn new(id: &'static str) -> Self {
        Self {
            id,
            args: Vec::new(),
            suggestion: None,
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    pub fn suggesting(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }

    /// The message id in `check.ftl`.
    pub fn id(&self) -> &'static str {
        self.id
    }

    pub fn suggestion(&self) -> Option<&str> {
        self.suggestion.as_deref()
    }

    pub fn text(&self, lang: Lang) -> String {
        let mut text = editor_text(lang, self.id, &self.args);
        if let Some(suggestion) = &self.suggestion {
            text.push(' ');
            text.push_str(&editor_text(
                lang,
                "check-did-you-mean",
                &[("suggestion", Arg::from(suggestion.as_str()))],
            ));
        }
        text
    }
}

/// The candidate closest to `written`, when it is close enough to be a
/// slip of the keyboard: at most one edit in four letters (at least one).
pub fn did_you_mean<'a>(
    written: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let written_lower = written.to_lowercase();
    let allowed = (written.chars().count() / 4).max(1);
    candidates
        .into_iter()
        .filter(|candidate| *candidate != written)
        .map(|candidate| {
            let distance = strsim::damerau_levenshtein(&written_lower, &candidate.to_lowercase());
            (distance, candidate)
        })
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.to_owned())
}

/// The names a serde message quotes in backticks: "unknown field `anwser`,
/// expected one of `title`, `answer`" gives `anwser`, `title`, `answer`.
fn quoted(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

/// How a serde type description reads to an editor.
fn form(description: &str) -> Arg {
    let description = description.trim();
    let phrase = if description.contains("string") || description.contains("char") {
        "check-type-text"
    } else if description.contains("sequence") || description.contains("array") {
        "check-type-list"
    } else if description.contains("bool") {
        "check-type-yes-no"
    } else if [
        "integer", "float", "f64", "f32", "i64", "u64", "usize", "number",
    ]
    .iter()
    .any(|kind| description.contains(kind))
    {
        "check-type-number"
    } else if ["map", "struct", "table"]
        .iter()
        .any(|kind| description.contains(kind))
    {
        "check-type-section"
    } else {
        return Arg::Text(description.to_owned());
    };
    Arg::Phrase(phrase)
}

/// A TOML error in plain words, and where it is: the byte span to report.
pub fn toml_problem(source: &str, err: &toml::de::Error) -> (Range<usize>, Problem) {
    let message = err.message().trim();
    let span = err.span().unwrap_or(0..0);
    if let Some(problem) = shape_problem(message) {
        return (span, problem);
    }
    if let Some((opening, quote)) = unclosed_quote(source)
        && opening <= span.start
    {
        let id = if quote.len() == 3 {
            "check-unclosed-long-text"
        } else {
            "check-unclosed-string"
        };
        return (
            opening..opening + quote.len(),
            Problem::new(id).with("quote", quote),
        );
    }
    let description = message.split(", expected").next().unwrap_or(message);
    let id = match description {
        "key with no value"
        | "missing assignment between key-value pairs"
        | "extra assignment between key-value pairs"
        | "missing value for key"
        | "invalid key-value pair" => "check-missing-equals",
        "duplicate key" => "check-duplicate-key",
        "missing comma between array elements" => "check-missing-comma",
        "invalid unquoted key" | "unquoted keys cannot be empty" => "check-key-needs-quotes",
        "string values must be quoted" => "check-value-needs-quotes",
        "unclosed array" | "unclosed inline table" | "unclosed table" | "unclosed array table" => {
            "check-unclosed-bracket"
        }
        _ => return (span, Problem::new("check-syntax").with("detail", message)),
    };
    (span, Problem::new(id))
}

/// The errors of a file that is valid TOML (or JSON) but not of the
/// expected shape, as serde words them: an unknown key or value, a missing
/// key, a value of the wrong form.
pub fn shape_problem(message: &str) -> Option<Problem> {
    let names = quoted(message);
    if message.starts_with("unknown field") {
        let (key, allowed) = names.split_first()?;
        let problem = if allowed.is_empty() {
            Problem::new("check-unknown-key-none").with("key", *key)
        } else {
            Problem::new("check-unknown-key")
                .with("key", *key)
                .with("allowed", allowed.join(", "))
        };
        return Some(problem.suggesting(did_you_mean(key, allowed.iter().copied())));
    }
    if message.starts_with("unknown variant") {
        let (value, allowed) = names.split_first()?;
        return Some(
            Problem::new("check-unknown-value")
                .with("value", *value)
                .with("allowed", allowed.join(", "))
                .suggesting(did_you_mean(value, allowed.iter().copied())),
        );
    }
    if message.starts_with("missing field") {
        return Some(Problem::new("check-missing-key").with("key", *names.first()?));
    }
    if message.starts_with("duplicate key") {
        return Some(Problem::new("check-duplicate-key"));
    }
    let rest = message.strip_prefix("invalid type:")?;
    let (found, expected) = rest.split_once(", expected ")?;
    // "integer `7`": the kind, without the value the editor can see.
    let found = found.split('`').next().unwrap_or(found);
    Some(
        Problem::new("check-wrong-type")
            .with("expected", form(expected))
            .with("found", form(found)),
    )
}

/// The first quote in `source` that opens a string and never closes it:
/// its byte offset and the quote (`"`, `'`, `"""` or `'''`). A one-line
/// string ends at its line's end; a multi-line one runs to the end of the
/// file, which is where TOML reports it, far from the mistake.
pub fn unclosed_quote(source: &str) -> Option<(usize, &'static str)> {
    let bytes = source.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // Only ASCII bytes are matched, so `at` is on a character boundary
        // whenever the source is sliced.
        let (quote, escapes) = match bytes[at] {
            b'#' => {
                at += source[at..].find('\n').unwrap_or(source.len() - at);
                continue;
            }
            b'"' if source[at..].starts_with("\"\"\"") => ("\"\"\"", true),
            b'"' => ("\"", true),
            b'\'' if source[at..].starts_with("'''") => ("'''", false),
            b'\'' => ("'", false),
            _ => {
                at += 1;
                continue;
            }
        };
        let text = &source[at + quote.len()..];
        match closing(text, quote, escapes) {
            // A long text that swallowed a section header or a key's line
            // lost its closing quotes: the next long text's opening closed it.
            Some(length) if quote.len() == 3 && text[..length].lines().any(looks_like_toml) => {
                return Some((at, quote));
            }
            Some(length) => at += quote.len() + length + quote.len(),
            None => return Some((at, quote)),
        }
    }
    None
}

/// A line that reads as TOML rather than text: `[en]`, `[[escalate]]`,
/// `title = "..."`, `questions = [`.
fn looks_like_toml(line: &str) -> bool {
    let line = line.trim();
    let header = line.starts_with('[')
        && line.ends_with(']')
        && line
            .trim_matches(['[', ']'])
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
    let assignment = line.split_once(" = ").is_some_and(|(key, value)| {
        !key.is_empty()
            && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && value.starts_with(['"', '['])
    });
    header || assignment
}

/// How many bytes of `text` come before the `quote` that closes a string,
/// if it closes (a one-line string must close on its line).
fn closing(text: &str, quote: &str, escapes: bool) -> Option<usize> {
    let multi_line = quote.len() == 3;
    let mut chars = text.char_indices();
    while let Some((offset, c)) = chars.next() {
        if escapes && c == '\\' {
            chars.next();
        } else if c == '\n' && !multi_line {
            return None;
        } else if text[offset..].starts_with(quote) {
            return Some(offset);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slip_of_the_keyboard_is_suggested_and_a_different_word_is_not() {
        let keys = ["title", "questions", "keywords", "answer"];
        assert_eq!(did_you_mean("anwser", keys).as_deref(), Some("answer"));
        assert_eq!(did_you_mean("keyword", keys).as_deref(), Some("keywords"));
        assert_eq!(did_you_mean("Title", keys).as_deref(), Some("title"));
        assert_eq!(did_you_mean("colour", keys), None);
        assert_eq!(
            did_you_mean("urgnet", ["urgent", "agent"]).as_deref(),
            Some("urgent")
        );
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        let source = "# it's a comment\ntitle = \"Water \\\" bill\"\nanswer = \"\"\"\nline\n";
        assert_eq!(
            unclosed_quote(source),
            Some((source.find("\"\"\"").unwrap(), "\"\"\""))
        );
        let source = "a = 'x'\nb = \"open\nc = \"fine\"\n";
        assert_eq!(
            unclosed_quote(source),
            Some((source.find("\"open").unwrap(), "\""))
        );
        assert_eq!(
            unclosed_quote("a = \"\"\"\nx \"quoted\"\n\"\"\"\nb = ''\n"),
            None
        );
        let source = "answer = \"\"\"\nنص\n[en]\ntitle = \"x\"\nanswer = \"\"\"\ntext\n\"\"\"\n";
        assert_eq!(unclosed_quote(source), Some((9, "\"\"\"")));
    }

    #[test]
    fn the_code_names_every_check_message_and_each_exists_in_both_languages() {
        let sources = [
            include_str!("diagnostics.rs"),
            include_str!("load.rs"),
            include_str!("links.rs"),
            include_str!("lexicon.rs"),
            include_str!("lexicon/source.rs"),
            include_str!("areas.rs"),
            include_str!("categories.rs"),
            include_str!("replies.rs"),
            include_str!("report.rs"),
            include_str!("../main.rs"),
        ];
        let mut named = std::collections::BTreeSet::new();
        for source in sources {
            for piece in source.split("\"check-").skip(1) {
                let name = piece.split('"').next().unwrap_or_default();
                // Skips this test's own patterns.
                if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                    named.insert(format!("check-{name}"));
                }
            }
        }
        for id in &named {
            for lang in Lang::ALL {
                assert_ne!(&editor_text(lang, id, &[]), id, "{lang}: {id} is missing");
            }
        }
        let resource = fluent_bundle::FluentResource::try_new(
            include_str!("../../locales/en/check.ftl").to_owned(),
        )
        .expect("check.ftl parses");
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(message) = entry {
                assert!(
                    named.contains(message.id.name),
                    "{} is never used",
                    message.id.name
                );
            }
        }
    }
}
