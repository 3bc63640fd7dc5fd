//! Arabic spellings the cue lists do not write out: a word with a pronoun
//! suffix, its feminine ة then written ت (ريحته); and one-letter typos, a
//! letter typed twice (الكهربااء، تسرييب) or one left out (مقطوة for
//! مقطوعة). An emergency written in a hurry is still an emergency. As for
//! English, typos only in words of five letters or more, and the first
//! letter must be right: shorter Arabic words are one letter away from too
//! many others.

use std::borrow::Cow;

use super::{Found, Words, deletions, unique};
use crate::language::cues::WordId;

const MIN_LETTERS: usize = 5;

/// The word with one of two same letters in a row dropped (a key pressed
/// twice). Any other letter too many would too often make another word:
/// تانية (second) without its ن is تايه (lost).
fn undoubled(word: &str) -> Vec<String> {
    let letters: Vec<char> = word.chars().collect();
    (1..letters.len())
        .filter(|&at| letters[at] == letters[at - 1])
        .map(|skip| without(&letters, skip))
        .collect()
}

/// The letters but the one at `skip`.
pub(super) fn without(letters: &[char], skip: usize) -> String {
    letters
        .iter()
        .enumerate()
        .filter(|&(at, _)| at != skip)
        .map(|(_, &letter)| letter)
        .collect()
}

impl Words {
    /// `word` without each pronoun suffix it may carry, at least three
    /// letters left. A feminine ة is written ت before a suffix (ريحته,
    /// "its smell", is ريحة with ه): the stem is tried both ways.
    pub(super) fn without_suffix<'a>(
        &'a self,
        word: &'a str,
    ) -> impl Iterator<Item = Cow<'a, str>> + 'a {
        self.suffixes
            .iter()
            .filter_map(move |suffix| {
                word.strip_suffix(suffix.as_str())
                    .filter(|stem| stem.chars().count() >= 3)
            })
            .flat_map(|stem| {
                let feminine = stem
                    .strip_suffix('ت')
                    .map(|bare| Cow::Owned(format!("{bare}ه")));
                std::iter::once(Cow::Borrowed(stem)).chain(feminine)
            })
    }

    /// Registers the listed word `key` under each of its one-letter-short
    /// spellings.
    pub(super) fn note_arabic_deletions(&mut self, key: &str, id: WordId) {
        if key.chars().count() >= MIN_LETTERS {
            for deletion in deletions(key) {
                unique(&mut self.arabic_deletions, deletion, id);
            }
        }
    }

    /// The listed word a misspelt Arabic word stands for, if only one does.
    pub(super) fn arabic_misspelt(&self, word: &str) -> Option<Found> {
        if word.chars().count() < MIN_LETTERS {
            return None;
        }
        // Grammar words (negators, "since") are short and common: a typo is
        // never read as one.
        let content = |found: &Found| found.id > self.function_words;
        // A letter typed twice: the word without it is a cue.
        let extra = undoubled(word)
            .into_iter()
            .filter_map(|shorter| self.arabic(&shorter))
            .find(content);
        // One letter missing: the word (without its clitics) is a cue
        // without one of its letters.
        extra.or_else(|| {
            self.stripped(word).iter().find_map(|stripped| {
                let id = self
                    .arabic_deletions
                    .get(stripped.base)
                    .copied()
                    .flatten()?;
                Some(Found::of(stripped, id)).filter(content)
            })
        })
    }
}
