//! One knowledge-base entry as the loader checked it: its id, category,
//! escalation, related entries and its Arabic and English sides.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// A knowledge-base entry id: the file stem, lowercase kebab-case ASCII,
/// unique across the whole knowledge base. It travels in button ids and
/// Telegram `callback_data` (64 bytes at most), hence the length cap.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EntryId(String);

pub const MAX_ID_LEN: usize = 48;

impl EntryId {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if is_kebab_case(raw) && raw.len() <= MAX_ID_LEN {
            Ok(Self(raw.to_owned()))
        } else {
            Err(format!(
                "{raw:?} is not a valid id: use lowercase ASCII letters, digits and single dashes, at most {MAX_ID_LEN} characters"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for EntryId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        EntryId::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl std::borrow::Borrow<str> for EntryId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `utilities`, `traffic-fines`: lowercase kebab-case, like ids.
pub fn is_kebab_case(raw: &str) -> bool {
    !raw.is_empty()
        && !raw.starts_with('-')
        && !raw.ends_with('-')
        && !raw.contains("--")
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Escalation {
    /// Cannot wait (power, water, gas...): answer with safety steps, then hand
    /// the conversation to an agent at the top of the queue.
    Urgent,
    /// Answer, then hand to an agent at normal priority.
    Agent,
}

/// One language's side of an entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalizedEntry {
    pub title: String,
    pub questions: Vec<String>,
    pub keywords: Vec<String>,
    /// Markdown, rendered by each channel in its own markup.
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: EntryId,
    pub category: String,
    pub escalate: Option<Escalation>,
    pub related: Vec<EntryId>,
    pub ar: Option<LocalizedEntry>,
    pub en: Option<LocalizedEntry>,
    /// Where the entry came from, relative to the knowledge-base folder.
    pub source: PathBuf,
}

impl Entry {
    pub fn localized(&self, lang: Lang) -> Option<&LocalizedEntry> {
        match lang {
            Lang::Ar => self.ar.as_ref(),
            Lang::En => self.en.as_ref(),
        }
    }

    /// The side to show a citizen who speaks `lang`, and the language it is
    /// in: the entry's own translation when it has one, the other otherwise.
    /// The loader guarantees that at least one side exists.
    pub fn localized_or_other(&self, lang: Lang) -> (&LocalizedEntry, Lang) {
        match self.localized(lang) {
            Some(content) => (content, lang),
            None => (
                self.localized(lang.other())
                    .expect("the loader rejects entries with neither [ar] nor [en]"),
                lang.other(),
            ),
        }
    }

    pub fn sides(&self) -> impl Iterator<Item = (Lang, &LocalizedEntry)> {
        Lang::ALL
            .into_iter()
            .filter_map(|lang| self.localized(lang).map(|side| (lang, side)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_must_be_lowercase_kebab_case_ascii() {
        assert!(EntryId::parse("electricity-outage").is_ok());
        assert!(EntryId::parse("form-2").is_ok());
        for bad in [
            "",
            "Electricity",
            "water_bill",
            "-lead",
            "trail-",
            "double--dash",
            "مياه",
            "a b",
        ] {
            assert!(EntryId::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(EntryId::parse(&"a".repeat(MAX_ID_LEN + 1)).is_err());
    }
}
