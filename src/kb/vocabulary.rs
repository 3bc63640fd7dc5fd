//! The words the knowledge base knows, indexed three more ways for words it
//! does not: by single-letter deletions (typos), by consonant skeleton
//! (Arabizi) and by Arabic root (another derived form of the same verb).

use std::collections::{HashMap, HashSet};

use super::arabizi;
use crate::language::morphology;

/// Words shorter than this are not corrected: in a three-letter Arabic root
/// every letter matters, and short English words are mostly stop words.
const MIN_FUZZY_CHARS: usize = 4;
/// Skeletons this short match too many words to mean anything.
const MIN_SKELETON_CLASSES: usize = 2;

#[derive(Debug, Default)]
pub struct Vocabulary {
    /// Normalised surface word -> its index term.
    stems: HashMap<String, String>,
    /// A word, or the word less one letter -> surface words it came from.
    deletions: HashMap<String, Vec<String>>,
    /// Consonant skeleton -> index terms of Arabic words that have it.
    skeletons: HashMap<String, HashSet<String>>,
    /// Three-letter root -> index terms of Arabic words derived from it.
    roots: HashMap<String, HashSet<String>>,
}

fn deletions_of(word: &str) -> impl Iterator<Item = String> + '_ {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len()).map(move |skip| {
        chars
            .iter()
            .enumerate()
            .filter(|(at, _)| *at != skip)
            .map(|(_, c)| c)
            .collect()
    })
}

/// Optimal string alignment distance: insertions, deletions, substitutions
/// and transpositions of neighbours, the typos people make on phones.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

impl Vocabulary {
    /// Records a normalised surface word and its index term.
    pub fn add(&mut self, word: &str, stem: &str) {
        if self.stems.contains_key(word) {
            return;
        }
        self.stems.insert(word.to_owned(), stem.to_owned());
        if word.chars().count() >= MIN_FUZZY_CHARS {
            let variants = std::iter::once(word.to_owned()).chain(deletions_of(word));
            for variant in variants {
                let sources = self.deletions.entry(variant).or_default();
                if !sources.iter().any(|source| source == word) {
                    sources.push(word.to_owned());
                }
            }
        }
        if word.chars().any(super::analysis::is_arabic_letter) {
            let skeleton = arabizi::arabic_skeleton(stem);
            if skeleton.chars().count() >= MIN_SKELETON_CLASSES {
                self.skeletons
                    .entry(skeleton)
                    .or_default()
                    .insert(stem.to_owned());
            }
            if let Some(root) = morphology::root(stem) {
                self.roots.entry(root).or_default().insert(stem.to_owned());
            }
        }
    }

    /// Index terms of known words one typo away from `word` (a normalised
    /// word the knowledge base does not know).
    pub fn corrections(&self, word: &str) -> Vec<String> {
        if word.chars().count() < MIN_FUZZY_CHARS {
            return Vec::new();
        }
        let mut found: Vec<String> = std::iter::once(word.to_owned())
            .chain(deletions_of(word))
            .filter_map(|variant| self.deletions.get(&variant))
            .flatten()
            .filter(|candidate| edit_distance(word, candidate) == 1)
            .filter_map(|candidate| self.stems.get(candidate).cloned())
            .collect();
        found.sort();
        found.dedup();
        found
    }

    /// Index terms of Arabic words derived from the same root as `stem`.
    pub fn root_matches(&self, stem: &str) -> Vec<String> {
        let mut found: Vec<String> = morphology::root(stem)
            .and_then(|root| self.roots.get(&root))
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        found.sort();
        found
    }

    /// Index terms of Arabic words an Arabizi word may stand for.
    pub fn arabizi_matches(&self, latin_word: &str) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for skeleton in arabizi::latin_skeletons(latin_word) {
            if skeleton.chars().count() < MIN_SKELETON_CLASSES {
                continue;
            }
            let whole = self.skeletons.get(&skeleton);
            let shorter = arabizi::without_ending(&skeleton)
                .filter(|shorter| {
                    // A final t is as often a construct teh marbuta
                    // ("shahadet milad") as a letter of the word: both.
                    whole.is_none()
                        || (skeleton.ends_with('t')
                            && shorter.chars().count() > MIN_SKELETON_CLASSES)
                })
                .and_then(|shorter| self.skeletons.get(shorter));
            found.extend(whole.into_iter().chain(shorter).flatten().cloned());
        }
        found.sort();
        found.dedup();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_phone_typos_as_one() {
        assert_eq!(edit_distance("electrisity", "electricity"), 1);
        assert_eq!(edit_distance("scool", "school"), 1);
        assert_eq!(edit_distance("recieve", "receive"), 1);
        assert_eq!(edit_distance("شكوه", "شكوي"), 1);
        assert_eq!(edit_distance("passport", "password"), 2);
    }

    #[test]
    fn corrections_find_words_one_typo_away_only() {
        let mut vocabulary = Vocabulary::default();
        vocabulary.add("school", "school");
        vocabulary.add("appointment", "appoint");
        vocabulary.add("passport", "passport");
        assert_eq!(vocabulary.corrections("scool"), ["school"]);
        assert_eq!(vocabulary.corrections("apointment"), ["appoint"]);
        assert!(vocabulary.corrections("password").is_empty());
        assert!(vocabulary.corrections("sch").is_empty());
    }

    #[test]
    fn arabizi_words_find_arabic_stems_by_skeleton() {
        let mut vocabulary = Vocabulary::default();
        vocabulary.add("الكهرباء", "كهربا");
        vocabulary.add("رخصه", "رخص");
        assert_eq!(vocabulary.arabizi_matches("kahraba"), ["كهربا"]);
        assert_eq!(vocabulary.arabizi_matches("rokhset"), ["رخص"]);
        assert!(vocabulary.arabizi_matches("samsung").is_empty());
    }

    #[test]
    fn a_final_t_may_be_a_construct_teh_marbuta_or_a_letter_of_the_word() {
        let mut vocabulary = Vocabulary::default();
        vocabulary.add("شهادتي", "شهادت");
        vocabulary.add("شهاده", "شهاد");
        assert_eq!(vocabulary.arabizi_matches("shahadet"), ["شهاد", "شهادت"]);
        // Too short without its t to say anything: "beit" is only بيت.
        vocabulary.add("بيت", "بيت");
        vocabulary.add("بيه", "بي");
        assert_eq!(vocabulary.arabizi_matches("beit"), ["بيت"]);
    }
}
