//! `lexicon.toml` as editors wrote it: read, checked for shape (every
//! problem with its line and key) and handed to [`super::Lexicon::compile`].

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::kb::diagnostics::Problem;
use crate::kb::entry::EntryId;
use crate::kb::report::{FileReport, KbIssue, read_optional};

pub const FILE_NAME: &str = "lexicon.toml";

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    #[serde(default)]
    synonyms: HashMap<String, Spanned<String>>,
    #[serde(default)]
    noise: RawNoise,
    #[serde(default)]
    escalate: Vec<Spanned<RawRule>>,
    #[serde(default)]
    frustration: RawFrustration,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFrustration {
    #[serde(default)]
    phrases: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNoise {
    #[serde(default)]
    greetings: Vec<Spanned<String>>,
    #[serde(default)]
    filler: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    entry: Spanned<String>,
    when: Spanned<Vec<String>>,
    with: Spanned<Vec<String>>,
    #[serde(default)]
    unless: Vec<String>,
}

/// One escalation rule as written: the message has a word of `when` (the
/// service: "water") with a word of `with` near it (the problem: "dry"),
/// and none of `unless` (what makes it a routine question: "bill").
#[derive(Debug, Clone, PartialEq)]
pub struct EscalationRule {
    pub entry: EntryId,
    pub when: Vec<String>,
    pub with: Vec<String>,
    pub unless: Vec<String>,
}

/// The lexicon as editors wrote it, checked for shape.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LexiconSource {
    /// (variant, replacement), both free text.
    pub synonyms: Vec<(String, String)>,
    pub greetings: Vec<String>,
    pub filler: Vec<String>,
    pub escalate: Vec<EscalationRule>,
    /// Line of each rule, for errors found later.
    pub escalate_lines: Vec<usize>,
    /// Phrases of an angry or fed-up citizen (insults, "this is useless"):
    /// a person takes over.
    pub frustration: Vec<String>,
}

/// Reads `dir/lexicon.toml`; a knowledge base without one has an empty
/// lexicon.
pub fn read(dir: &Path, issues: &mut Vec<KbIssue>) -> LexiconSource {
    let Some(source) = read_optional(dir, FILE_NAME, issues) else {
        return LexiconSource::default();
    };
    let mut report = FileReport::new(Path::new(FILE_NAME), &source);
    let Some(raw) = report.parse::<RawLexicon>() else {
        issues.append(&mut report.issues);
        return LexiconSource::default();
    };

    let mut synonyms: Vec<(String, String)> = Vec::new();
    let mut raw_synonyms: Vec<_> = raw.synonyms.into_iter().collect();
    raw_synonyms.sort_by_key(|(_, target)| target.span().start);
    for (variant, target) in raw_synonyms {
        let key = format!("synonyms.{variant}");
        if variant.trim().is_empty() {
            report.error(
                target.span(),
                "synonyms",
                Problem::new("check-synonym-empty-variant"),
            );
        } else if target.get_ref().trim().is_empty() {
            report.error(
                target.span(),
                &key,
                Problem::new("check-synonym-to-nothing"),
            );
        } else if variant.trim() == target.get_ref().trim() {
            report.error(target.span(), &key, Problem::new("check-synonym-to-itself"));
        } else {
            synonyms.push((
                variant.trim().to_owned(),
                target.get_ref().trim().to_owned(),
            ));
        }
    }

    let phrases = |list: Vec<Spanned<String>>, key: &str, report: &mut FileReport<'_>| {
        list.into_iter()
            .filter_map(|phrase| {
                let text = phrase.get_ref().trim().to_owned();
                if text.is_empty() {
                    report.error(phrase.span(), key, Problem::new("check-phrase-empty"));
                    None
                } else {
                    Some(text)
                }
            })
            .collect::<Vec<_>>()
    };
    let greetings = phrases(raw.noise.greetings, "noise.greetings", &mut report);
    let filler = phrases(raw.noise.filler, "noise.filler", &mut report);
    let frustration = phrases(raw.frustration.phrases, "frustration.phrases", &mut report);

    let mut escalate = Vec::new();
    let mut escalate_lines = Vec::new();
    for rule in raw.escalate {
        let span = rule.span();
        let rule = rule.into_inner();
        let entry = match EntryId::parse(rule.entry.get_ref()) {
            Ok(entry) => entry,
            Err(_) => {
                report.error(
                    rule.entry.span(),
                    "escalate.entry",
                    Problem::new("check-rule-entry-invalid")
                        .with("name", rule.entry.get_ref().as_str()),
                );
                continue;
            }
        };
        for (list, key) in [(&rule.when, "escalate.when"), (&rule.with, "escalate.with")] {
            if list.get_ref().iter().all(|word| word.trim().is_empty()) {
                report.error(list.span(), key, Problem::new("check-rule-no-words"));
            }
        }
        escalate_lines.push(crate::kb::report::line_of(&source, span.start));
        escalate.push(EscalationRule {
            entry,
            when: rule.when.into_inner(),
            with: rule.with.into_inner(),
            unless: rule.unless,
        });
    }
    issues.append(&mut report.issues);
    LexiconSource {
        synonyms,
        greetings,
        filler,
        escalate,
        escalate_lines,
        frustration,
    }
}
