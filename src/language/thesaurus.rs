//! Words that mean the same thing in citizens' dealings with any public
//! service ("reserve" and "book", "رسوم" and "تكلفة"), in both languages:
//! a citizen who paraphrases still meets the editors' wording. The groups
//! live in `data/thesaurus.toml`, maintained with the project.

use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Groups {
    english: Vec<Vec<String>>,
    arabic: Vec<Vec<String>>,
}

static GROUPS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    let groups: Groups = toml::from_str(include_str!("data/thesaurus.toml"))
        .expect("data/thesaurus.toml is checked by its tests");
    groups.english.into_iter().chain(groups.arabic).collect()
});

/// Every group of words that stand for one another, as written.
pub fn groups() -> &'static [Vec<String>] {
    &GROUPS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::text::words;

    #[test]
    fn every_group_has_several_short_members_written_once() {
        assert!(groups().len() > 100);
        for group in groups() {
            assert!(group.len() >= 2, "{group:?} has nothing to stand for");
            for member in group {
                let length = words(member).len();
                assert!((1..=4).contains(&length), "{member:?} in {group:?}");
                assert_eq!(
                    group.iter().filter(|other| *other == member).count(),
                    1,
                    "{member:?} twice in {group:?}"
                );
            }
        }
    }

    #[test]
    fn both_languages_have_groups() {
        let arabic = groups()
            .iter()
            .filter(|group| {
                group[0]
                    .chars()
                    .any(crate::language::text::is_arabic_letter)
            })
            .count();
        assert!(arabic > 50 && groups().len() - arabic > 50);
    }
}
