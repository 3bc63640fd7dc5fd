//! What citizens call each category folder (`knowledge_base/categories.toml`):
//! the names on the topic buttons of a menu and in "these are the services
//! of ...". Folder names are ids, kebab-case English; an agency names its
//! topics in both languages here. The format is documented in
//! `knowledge_base/README.md`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::diagnostics::{Problem, did_you_mean};
use super::load::MAX_TITLE_CHARS;
use super::report::{FileReport, KEY_FILE, KbIssue, read_optional};
use crate::i18n::Lang;

pub const FILE_NAME: &str = "categories.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawName {
    ar: Spanned<String>,
    en: Spanned<String>,
}

/// One category's name in each language, checked for shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryName {
    pub ar: String,
    pub en: String,
}

impl CategoryName {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        }
    }
}

/// Reads `dir/categories.toml` for the category folders found. No such
/// file, or a category it does not name, is a warning (citizens would see the folder name); a
/// name for no folder, an empty name or one too long for a button is an
/// error.
pub fn read(
    dir: &Path,
    folders: &[String],
    issues: &mut Vec<KbIssue>,
) -> HashMap<String, CategoryName> {
    let Some(source) = read_optional(dir, FILE_NAME, issues) else {
        if !folders.is_empty() && !dir.join(FILE_NAME).exists() {
            let mut report = FileReport::new(Path::new(FILE_NAME), "");
            report.warning(
                None,
                KEY_FILE,
                Problem::new("check-categories-missing").with("names", folders.join(", ")),
            );
            issues.append(&mut report.issues);
        }
        return HashMap::new();
    };
    let mut report = FileReport::new(Path::new(FILE_NAME), &source);
    let Some(raw) = report.parse::<BTreeMap<String, Spanned<RawName>>>() else {
        issues.append(&mut report.issues);
        return HashMap::new();
    };
    let mut names = HashMap::new();
    let mentioned: Vec<String> = raw.keys().cloned().collect();
    for (category, raw) in raw {
        let span = raw.span();
        let raw = raw.into_inner();
        if !folders.contains(&category) {
            report.error(
                span,
                &category,
                Problem::new("check-category-name-unknown")
                    .with("name", category.as_str())
                    .suggesting(did_you_mean(&category, folders.iter().map(String::as_str))),
            );
            continue;
        }
        let mut valid = true;
        for (name, lang) in [(&raw.ar, "ar"), (&raw.en, "en")] {
            let key = format!("{category}.{lang}");
            let length = name.get_ref().trim().chars().count();
            if length == 0 {
                report.error(name.span(), &key, Problem::new("check-category-name-empty"));
                valid = false;
            } else if length > MAX_TITLE_CHARS {
                report.error(
                    name.span(),
                    &key,
                    Problem::new("check-title-too-long")
                        .with("length", length)
                        .with("max", MAX_TITLE_CHARS),
                );
                valid = false;
            }
        }
        if valid {
            let name = CategoryName {
                ar: raw.ar.get_ref().trim().to_owned(),
                en: raw.en.get_ref().trim().to_owned(),
            };
            names.insert(category, name);
        }
    }
    // A name written wrongly has its error already.
    for folder in folders.iter().filter(|folder| !mentioned.contains(folder)) {
        report.warning(
            None,
            folder,
            Problem::new("check-category-unnamed").with("name", folder.as_str()),
        );
    }
    issues.append(&mut report.issues);
    names
}
