//! Which English words exist: a word a citizen wrote that is in the
//! dictionary is spelt right, so retrieval never takes it for a typo of a
//! knowledge-base word one letter away ("rent" is not "tent").
//!
//! `data/english_words.txt` is every lowercase word of SCOWL's American and
//! British "small" lists (size 35, about 41,000 words with their
//! inflections), as Debian's wamerican-small and wbritish-small packages
//! ship them; `data/english_words.COPYRIGHT` is their licence.

use std::collections::HashSet;
use std::sync::LazyLock;

static ENGLISH: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("data/english_words.txt").lines().collect());

/// Whether `word` (lowercase) is an English word.
pub fn is_english_word(word: &str) -> bool {
    ENGLISH.contains(word)
}

#[cfg(test)]
mod tests {
    use super::is_english_word;

    #[test]
    fn words_and_their_forms_are_known_and_typos_are_not() {
        for word in [
            "rent",
            "tent",
            "jellyfish",
            "approves",
            "licence",
            "license",
            "centre",
        ] {
            assert!(is_english_word(word), "{word}");
        }
        for typo in ["jellyfsh", "pasport", "licnese", "Rent"] {
            assert!(!is_english_word(typo), "{typo}");
        }
    }
}
