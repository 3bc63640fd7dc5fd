//! The languages khidma speaks, and their codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The two languages khidma speaks. Arabic comes first: it is the default
/// whenever nothing in a message says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ar,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ar, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Ar => Lang::En,
            Lang::En => Lang::Ar,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unsupported language {0:?}: expected \"ar\" or \"en\"")]
pub struct UnsupportedLang(String);

impl FromStr for Lang {
    type Err = UnsupportedLang;

    /// Accepts bare codes and IETF tags such as `ar-SA` or `en_GB`, as sent by
    /// Telegram's `language_code`.
    fn from_str(tag: &str) -> Result<Self, Self::Err> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "ar" => Ok(Lang::Ar),
            "en" => Ok(Lang::En),
            _ => Err(UnsupportedLang(tag.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_regional_tags() {
        assert_eq!("ar".parse::<Lang>().unwrap(), Lang::Ar);
        assert_eq!("ar-SA".parse::<Lang>().unwrap(), Lang::Ar);
        assert_eq!("EN_gb".parse::<Lang>().unwrap(), Lang::En);
        assert!("fr".parse::<Lang>().is_err());
        assert!("".parse::<Lang>().is_err());
    }
}
