//! Built-in knowledge of the dialects, Arabizi and informal English that
//! every agency's citizens write: which words carry no topic, and the
//! standard words a dialect word stands for. The data lives in
//! `src/language/data/*.toml`, compiled in and read once.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;
use toml::Spanned;

use super::text::{is_arabic_letter, normalize_arabic, words};

pub use super::morphology::cores;

const FUNCTION_WORDS: &str = include_str!("data/function_words.toml");
const READINGS: &str = include_str!("data/readings.toml");
const ARABIZI: &str = include_str!("data/arabizi.toml");

/// The spelling every lookup uses: Arabic through [`normalize_arabic`],
/// anything else lower-cased.
pub fn normalize(word: &str) -> String {
    if word.chars().any(is_arabic_letter) {
        normalize_arabic(word)
    } else {
        word.to_lowercase()
    }
}

/// A text as normalised words.
pub(crate) fn normalized_words(text: &str) -> Vec<String> {
    words(text).into_iter().map(normalize).collect()
}

struct Dialects {
    function_words: HashSet<String>,
    /// Single-word variants and their readings, most likely first.
    readings: HashMap<String, Vec<String>>,
    /// Phrases of several words, keyed by their words joined with a space.
    phrases: HashMap<String, Vec<String>>,
    /// First words of phrases, so that most words skip the phrase lookup.
    phrase_starts: HashSet<String>,
    longest_phrase: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunctionWords {
    words: HashMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReadings {
    readings: HashMap<String, Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArabizi {
    arabizi: HashMap<String, Spanned<Vec<String>>>,
}

/// `"standard words" = [variants]` lines in file order, so that a variant
/// listed twice gets the earlier line's readings first.
fn in_file_order(table: HashMap<String, Spanned<Vec<String>>>) -> Vec<(String, Vec<String>)> {
    let mut lines: Vec<_> = table.into_iter().collect();
    lines.sort_by_key(|(_, variants)| variants.span().start);
    lines
        .into_iter()
        .map(|(readings, variants)| (readings, variants.into_inner()))
        .collect()
}

impl Dialects {
    fn load() -> Self {
        let function: RawFunctionWords =
            toml::from_str(FUNCTION_WORDS).expect("function_words.toml is valid");
        let readings: RawReadings = toml::from_str(READINGS).expect("readings.toml is valid");
        let arabizi: RawArabizi = toml::from_str(ARABIZI).expect("arabizi.toml is valid");
        let mut dialects = Dialects {
            function_words: function
                .words
                .values()
                .flat_map(|list| list.split_whitespace())
                .map(normalize)
                .collect(),
            readings: HashMap::new(),
            phrases: HashMap::new(),
            phrase_starts: HashSet::new(),
            longest_phrase: 1,
        };
        dialects.function_words.extend(
            super::courtesy::single_words()
                .into_iter()
                .map(str::to_owned),
        );
        for (standard, variants) in in_file_order(readings.readings) {
            let standard = normalized_words(&standard);
            for variant in variants {
                dialects.add(&variant, &standard);
            }
        }
        // An Arabizi spelling reads as its Arabic words, then as whatever
        // those words read as (kahraba → كهربا → كهرباء).
        for (arabic, spellings) in in_file_order(arabizi.arabizi) {
            let arabic = normalized_words(&arabic);
            let mut readings = arabic.clone();
            for word in &arabic {
                readings.extend(dialects.readings.get(word).into_iter().flatten().cloned());
            }
            let function = arabic
                .iter()
                .all(|word| dialects.function_words.contains(word));
            for spelling in spellings {
                dialects.add(&spelling, &readings);
                if function && !spelling.contains(' ') {
                    dialects.function_words.insert(normalize(&spelling));
                }
            }
        }
        dialects
    }

    fn add(&mut self, variant: &str, standard: &[String]) {
        let variant = normalized_words(variant);
        let target = match variant.as_slice() {
            [] => return,
            [word] => self.readings.entry(word.clone()).or_default(),
            [first, ..] => {
                self.phrase_starts.insert(first.clone());
                self.longest_phrase = self.longest_phrase.max(variant.len());
                self.phrases.entry(variant.join(" ")).or_default()
            }
        };
        for reading in standard {
            if !variant.contains(reading) && !target.contains(reading) {
                target.push(reading.clone());
            }
        }
    }
}

static DIALECTS: LazyLock<Dialects> = LazyLock::new(Dialects::load);

/// Whether a normalised word ([`normalize`]) carries no topic in any
/// dialect, in Arabizi or in English.
pub fn is_function_word(normalized: &str) -> bool {
    let words = &DIALECTS.function_words;
    words.contains(normalized)
        || without_waw(normalized).is_some_and(|rest| rest != "لي" && words.contains(rest))
}

/// A word without the conjunction و written onto it (وبدي، وكهربا), when
/// at least two letters remain.
fn without_waw(normalized: &str) -> Option<&str> {
    normalized
        .strip_prefix('و')
        .filter(|rest| rest.chars().count() >= 2)
}

/// Arabic articles and prepositions glued to them, and the article as
/// Arabizi writes it with an apostrophe; a dialect word is found with or
/// without them (الموية، بالزربة، عالموتر، l'baladiya).
const ARTICLES: &[&str] = &["وال", "بال", "فال", "كال", "عال", "لل", "ال", "el'", "l'"];

/// Standard-Arabic (or English) readings of a normalised dialect or Arabizi
/// word, most likely first; empty when none. The word itself is never one
/// of them; a reading may be a function word itself (عايز reads أريد), which
/// a caller looking for topics skips.
pub fn standard_readings(normalized: &str) -> &'static [String] {
    let dialects = &*DIALECTS;
    if let Some(readings) = dialects.readings.get(normalized) {
        return readings;
    }
    ARTICLES
        .iter()
        .filter_map(|article| normalized.strip_prefix(article))
        .find(|rest| rest.chars().count() >= 2)
        .or_else(|| without_waw(normalized))
        .and_then(|rest| dialects.readings.get(rest))
        .map_or(&[], Vec::as_slice)
}

/// The longest phrase of several words with a standard reading that starts
/// at `words[at]` (normalised words): how many words it spans and its
/// readings. "ما في" reads "لا يوجد", "وصل الكهربا" reads "فاتورة".
pub fn phrase_at<S: AsRef<str>>(words: &[S], at: usize) -> Option<(usize, &'static [String])> {
    let dialects = &*DIALECTS;
    let first = words.get(at)?.as_ref();
    if !dialects.phrase_starts.contains(first) {
        return None;
    }
    let mut key = String::from(first);
    let mut found = None;
    for (offset, word) in words[at..].iter().enumerate().skip(1) {
        if offset >= dialects.longest_phrase {
            break;
        }
        key.push(' ');
        key.push_str(word.as_ref());
        if let Some(readings) = dialects.phrases.get(&key) {
            found = Some((offset + 1, readings.as_slice()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(word: &str, reading: &str) -> bool {
        let reading = normalize(reading);
        standard_readings(&normalize(word)).contains(&reading)
    }

    fn function(word: &str) -> bool {
        is_function_word(&normalize(word))
    }

    #[test]
    fn the_data_files_load() {
        assert!(DIALECTS.function_words.len() > 800);
        assert!(DIALECTS.readings.len() > 1000);
    }

    #[test]
    fn function_words_of_each_dialect() {
        let dialects: &[(&str, &[&str])] = &[
            ("msa", &["ماذا", "لماذا", "أريد", "هل"]),
            ("gulf", &["ابي", "ابغى", "وش", "شلون", "الحين", "مب", "حقي"]),
            (
                "egyptian",
                &["عايز", "عاوزة", "ازاي", "فين", "دلوقتي", "إمتى", "بتاعي"],
            ),
            (
                "levantine",
                &["بدي", "شو", "هلق", "هلأ", "قديش", "هيك", "تبعي"],
            ),
            (
                "iraqi",
                &["شنو", "منو", "هسه", "اكو", "ماكو", "شكد", "مالتي"],
            ),
            (
                "maghrebi",
                &[
                    "بغيت",
                    "واش",
                    "كاين",
                    "ديال",
                    "دابا",
                    "كيفاش",
                    "علاش",
                    "بزاف",
                    "برشا",
                ],
            ),
            (
                "arabizi",
                &[
                    "3ayez", "bghit", "wach", "kayn", "mafi", "mesh", "7aga", "fin",
                ],
            ),
            ("english", &["wanna", "pls", "ur", "the", "don't"]),
        ];
        for (dialect, words) in dialects {
            for word in *words {
                assert!(function(word), "{dialect}: {word}");
            }
        }
    }

    #[test]
    fn a_conjunction_written_onto_a_word_changes_nothing() {
        assert!(function("وبدي"));
        assert!(function("ويبي"));
        assert!(!function("ولي"), "a guardian is a topic");
        assert!(!function("ولد"));
        assert!(reads("وكهربا", "كهرباء"));
    }

    #[test]
    fn an_arabizi_article_with_an_apostrophe_changes_nothing() {
        assert!(reads("l'baladiya", "بلدية"));
        assert!(reads("el'benevolat", "تطوع"));
        assert!(function("m3a"));
        for time in ["bokra", "embare7", "lyoum", "lbare7"] {
            assert!(function(time), "{time}");
        }
    }

    #[test]
    fn topic_words_are_not_function_words() {
        for word in [
            "كهرباء",
            "موية",
            "جواز",
            "مخالفة",
            "kahraba",
            "passport",
            "ماء",
        ] {
            assert!(!function(word), "{word}");
        }
    }

    #[test]
    fn greetings_and_thanks_carry_no_topic() {
        for word in ["مرحبا", "شكرا", "مشكور", "hello", "thanks", "shukran"] {
            assert!(function(word), "{word}");
        }
    }

    #[test]
    fn dialect_words_read_as_standard_arabic() {
        assert!(reads("موية", "ماء"));
        assert!(reads("مي", "مياه"));
        assert!(reads("كهربا", "كهرباء"));
        assert!(reads("ضو", "كهرباء"));
        assert!(reads("كرهبة", "سيارة"));
        assert!(reads("طوموبيل", "سيارة"));
        assert!(reads("زربة", "سرعة"));
        assert!(reads("دراري", "أطفال"));
        assert!(reads("مصاري", "مال"));
        assert!(reads("بلاصة", "مكان"));
        assert!(reads("بايظ", "عطل"));
        assert!(reads("ضيعت", "فقدان"));
        assert!(reads("نخلص", "دفع"));
        assert!(reads("عايز", "أريد"));
    }

    #[test]
    fn everyday_verbs_and_things_read_as_standard_arabic() {
        for (word, reading) in [
            ("يلموا", "جمع"),
            ("يكبو", "رمي"),
            ("يشيلوا", "إزالة"),
            ("صيفطو", "إرسال"),
            ("دزيت", "إرسال"),
            ("نعاون", "مساعدة"),
            ("ينضف", "تنظيف"),
            ("اتعورت", "إصابة"),
            ("القزاز", "زجاج"),
            ("شنطتي", "حقيبة"),
        ] {
            assert!(reads(word, reading), "{word} reads {reading}");
        }
    }

    #[test]
    fn readings_come_most_likely_first_and_never_repeat_the_word() {
        let water = standard_readings(&normalize("موية"));
        assert_eq!(water.first().map(String::as_str), Some("ماء"));
        assert!(!standard_readings("كهرباء").contains(&"كهرباء".to_owned()));
    }

    #[test]
    fn words_are_found_under_an_article() {
        assert!(reads("الموية", "ماء"));
        assert!(reads("بالزربة", "سرعة"));
        assert!(reads("عالموتر", "سيارة"));
        assert!(reads("بالسبيطار", "مستشفى"));
        assert!(
            standard_readings("الو").is_empty(),
            "no reading of a lone و"
        );
    }

    #[test]
    fn spelling_of_the_data_does_not_matter() {
        // The data writes مستشفى with alef maqsura; citizens write both.
        assert!(reads("سبيطار", "مستشفي"));
        assert!(reads("سبيطار", "مستشفى"));
    }

    #[test]
    fn arabizi_reads_as_arabic() {
        assert!(reads("kahraba", "كهرباء"));
        assert!(reads("ka7raba", "كهرباء"));
        assert!(reads("mayya", "ماء"));
        assert!(reads("3ayez", "عايز"));
        assert!(reads("7aga", "حاجة"));
        assert!(reads("tomobil", "سيارة"));
        assert!(reads("drari", "أطفال"));
    }

    #[test]
    fn english_variants() {
        assert!(reads("licence", "license"));
        assert!(reads("govt", "government"));
        assert!(reads("appt", "appointment"));
        assert!(!reads("hello", "government"));
    }

    #[test]
    fn phrases_match_longest_first() {
        let message = normalized_words("ما في كهربا");
        let (length, readings) = phrase_at(&message, 0).expect("a phrase");
        assert_eq!(length, 2);
        assert!(readings.contains(&normalize("يوجد")));
        let bill = normalized_words("وصل الكهربا غالي");
        assert_eq!(phrase_at(&bill, 0).map(|(length, _)| length), Some(2));
        assert!(phrase_at(&bill, 1).is_none());
    }
}
