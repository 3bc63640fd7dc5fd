//! Which English words exist: a word a citizen wrote that is in the
//! dictionary is spelt right, so retrieval never takes it for a typo of a
//! knowledge-base word one letter away ("rent" is not "tent"), and one that
//! is not may be a phrasal verb run together ("signup").
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

/// The particles of English phrasal verbs that phones and forms run into
/// their verb ("signup", "login", "topup").
const PARTICLES: [&str; 8] = ["up", "in", "out", "off", "on", "down", "back", "over"];

/// A word that is no English word but a verb and its particle run together
/// ("signup"), as the two words ("sign", "up"); none for any other word.
pub fn phrasal_parts(word: &str) -> Option<(&str, &str)> {
    if is_english_word(word) {
        return None;
    }
    PARTICLES.iter().find_map(|particle| {
        let verb = word.strip_suffix(particle)?;
        (verb.len() >= 3 && is_english_word(verb)).then(|| (verb, &word[verb.len()..]))
    })
}

#[cfg(test)]
mod tests {
    use super::{is_english_word, phrasal_parts};

    #[test]
    fn a_verb_and_its_particle_run_together_come_apart() {
        assert_eq!(phrasal_parts("signup"), Some(("sign", "up")));
        assert_eq!(phrasal_parts("login"), Some(("log", "in")));
        assert_eq!(phrasal_parts("topup"), Some(("top", "up")));
        // Words of their own, and words that merely end like a particle.
        for word in ["checkup", "begin", "protein", "cousin", "jellyfsh", "7ason"] {
            assert_eq!(phrasal_parts(word), None, "{word}");
        }
    }

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
