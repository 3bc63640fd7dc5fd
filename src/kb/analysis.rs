//! Text analysis shared by indexing and querying, so that a citizen's words
//! and an entry's words meet in the same form.
//!
//! Arabic: presentation forms folded (NFKC), diacritics and tatweel removed,
//! alef/hamza seats, alef maqsura and teh marbuta unified, Arabic-Indic
//! digits mapped to ASCII, then Larkey's light10 stemmer (the stemmer behind
//! Lucene's ArabicAnalyzer, which beat root stemming on TREC Arabic).
//! English: lower-cased and Snowball-stemmed. Each word is handled by its own
//! script, so one analyzer serves Arabic, English and mixed messages.

use std::collections::{HashMap, HashSet};

pub use crate::language::text::{
    Script, ascii_digit, is_arabic_letter, is_arabic_mark, normalize_arabic, script_of, words,
};
use tantivy::tokenizer::{Language, LowerCaser, RawTokenizer, Stemmer, TextAnalyzer, TokenStream};

mod tokenizer;

pub use tokenizer::KhidmaTokenizer;

/// Which steps of retrieval run. Everything is on in production; the
/// quality report (`scripts/quality-report`) switches steps on one by one to
/// show what each is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrievalOptions {
    /// Arabic normalisation and stop words; off means the plain tokenizer.
    pub normalize: bool,
    pub stem: bool,
    /// Built-in knowledge of how citizens write: dialect words, general
    /// synonyms (the thesaurus), function words.
    pub dialect: bool,
    /// Words under negation and the rejected side of a contrast ("not X,
    /// Y") do not vote for their entry.
    pub negation: bool,
    /// Built-in detection of emergencies and of requests for a person.
    pub alarms: bool,
    /// The editors' lexicon: the agency's own words, noise words, urgency
    /// rules.
    pub lexicon: bool,
    /// Guesses for words the knowledge base does not know: a typo's
    /// correction, or the base's words of the same Arabic root.
    pub fuzzy: bool,
    /// Reading Arabic written in Latin letters.
    pub arabizi: bool,
    /// Calibrated decisions; off answers with the best entry whenever any
    /// entry matches at all.
    pub calibrate: bool,
}

impl Default for RetrievalOptions {
    fn default() -> Self {
        Self::ALL
    }
}

impl RetrievalOptions {
    pub const ALL: Self = Self {
        normalize: true,
        stem: true,
        dialect: true,
        negation: true,
        alarms: true,
        lexicon: true,
        fuzzy: true,
        arabizi: true,
        calibrate: true,
    };
    pub const NONE: Self = Self {
        normalize: false,
        stem: false,
        dialect: false,
        negation: false,
        alarms: false,
        lexicon: false,
        fuzzy: false,
        arabizi: false,
        calibrate: false,
    };
}

/// Function words that say nothing about which service a citizen needs, in
/// their normalised form (after [`normalize_arabic`]). Question words are
/// here too: every FAQ entry is full of them.
const ARABIC_STOP_WORDS: &[&str] = &[
    "من",
    "في",
    "فى",
    "علي",
    "عن",
    "الي",
    "ان",
    "او",
    "ام",
    "ثم",
    "قد",
    "لقد",
    "ما",
    "ماذا",
    "لا",
    "لم",
    "لن",
    "هل",
    "هو",
    "هي",
    "هم",
    "هن",
    "انا",
    "انت",
    "انتي",
    "انتم",
    "نحن",
    "احنا",
    "هذا",
    "هذه",
    "هذي",
    "هاذا",
    "ذلك",
    "تلك",
    "التي",
    "الذي",
    "الذين",
    "اللي",
    "اللى",
    "كان",
    "كانت",
    "يكون",
    "مع",
    "كل",
    "عند",
    "لدي",
    "لي",
    "له",
    "لها",
    "لنا",
    "لك",
    "لكم",
    "به",
    "بها",
    "فيه",
    "فيها",
    "منه",
    "منها",
    "عليه",
    "عليها",
    "هناك",
    "هنا",
    "كيف",
    "متي",
    "اين",
    "لماذا",
    "وش",
    "ايش",
    "شو",
    "ايه",
    "ليش",
    "ليه",
    "وين",
    "فين",
    "ازاي",
    "شلون",
    "قديش",
    "امتي",
    "يا",
    "بس",
    "عشان",
    "علشان",
    "لان",
    "لو",
    "اذا",
    "حتي",
    "الا",
    "او",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
    "يعني",
    "طيب",
    "ممكن",
    "هاد",
    "هيدا",
    "دا",
    "دي",
    "ده",
    "كده",
    "كدا",
    "هيك",
    "انو",
    "اني",
    "انه",
    "انها",
    "بدون",
    "غير",
    "بعض",
    "اي",
    "اية",
];

const ENGLISH_STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "if", "then", "so", "of", "to", "in", "on", "at", "by",
    "for", "from", "with", "about", "as", "into", "is", "are", "was", "were", "be", "been",
    "being", "am", "i", "im", "i'm", "me", "my", "we", "our", "us", "you", "your", "he", "she",
    "his", "her", "it", "its", "it's", "they", "their", "them", "this", "that", "these", "those",
    "there", "here", "what", "which", "who", "whom", "how", "when", "where", "why", "do", "does",
    "did", "doing", "can", "could", "would", "should", "will", "shall", "may", "might", "must",
    "have", "has", "had", "just", "also", "too", "very", "any", "some", "all", "there's", "s", "t",
    "d", "ll", "ve", "re", "m", "u", "ur", "pls", "plz", "please", "hi", "hello", "hey", "thanks",
    "thank", "ok", "okay", "dear",
];

/// Lucene's light10 prefixes, checked in this order; at most one is removed.
/// `عال` (Levantine/Gulf "on the") is ours.
const PREFIXES: &[&str] = &["ال", "وال", "بال", "كال", "فال", "لل", "عال", "و"];
/// Lucene's light10 suffixes, walked once in this order; several may go.
const SUFFIXES: &[&str] = &["ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي"];

/// Larkey's light10, as in Lucene's `ArabicStemmer`, on a normalised word.
pub fn light10(word: &str) -> String {
    let mut letters: Vec<char> = word.chars().collect();
    for prefix in PREFIXES {
        let prefix: Vec<char> = prefix.chars().collect();
        // A lone و needs a word of at least four letters, the others two
        // letters left behind.
        let long_enough = if prefix.len() == 1 {
            letters.len() >= 4
        } else {
            letters.len() >= prefix.len() + 2
        };
        if long_enough && letters.starts_with(&prefix) {
            letters.drain(..prefix.len());
            break;
        }
    }
    for suffix in SUFFIXES {
        let suffix: Vec<char> = suffix.chars().collect();
        if letters.len() >= suffix.len() + 2 && letters.ends_with(&suffix) {
            letters.truncate(letters.len() - suffix.len());
        }
    }
    letters.into_iter().collect()
}

/// Whether a word is written in Latin letters only (English or Arabizi).
pub fn is_latin(word: &str) -> bool {
    word.chars().all(|c| script_of(c) == Script::Latin)
}

/// The analysis chain. Cheap to clone: stop lists are shared.
#[derive(Clone)]
pub struct Analyzer {
    options: RetrievalOptions,
    arabic_stop_words: std::sync::Arc<HashSet<String>>,
    english_stop_words: std::sync::Arc<HashSet<&'static str>>,
    english_stemmer: TextAnalyzer,
    /// Each word seen so far, analysed (see [`Analyzer::remembering`]).
    remembered: Option<HashMap<String, Option<Analysed>, foldhash::fast::RandomState>>,
}

/// A word as the index keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysed {
    /// Its normalised spelling.
    pub normalized: String,
    /// Its index term.
    pub term: String,
}

impl Analyzer {
    pub fn new(options: RetrievalOptions) -> Self {
        let arabic_stop_words = ARABIC_STOP_WORDS
            .iter()
            .map(|word| normalize_arabic(word))
            .collect();
        let english_stemmer = TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        Self {
            options,
            arabic_stop_words: std::sync::Arc::new(arabic_stop_words),
            english_stop_words: std::sync::Arc::new(ENGLISH_STOP_WORDS.iter().copied().collect()),
            english_stemmer,
            remembered: None,
        }
    }

    /// A copy that analyses each distinct word once, for reading a whole
    /// knowledge base, whose words repeat thousands of times (a third of
    /// building a large index went to stemming the same words again). Not
    /// for citizens' messages: what it remembers grows with every new word.
    pub fn remembering(&self) -> Self {
        Self {
            remembered: Some(HashMap::default()),
            ..self.clone()
        }
    }

    pub fn options(&self) -> RetrievalOptions {
        self.options
    }

    /// The index terms of `text`, in order, stop words removed.
    pub fn terms(&mut self, text: &str) -> Vec<String> {
        words(text)
            .into_iter()
            .filter_map(|word| self.analyse(word).map(|analysed| analysed.term))
            .collect()
    }

    /// One word's normalised spelling and index term; `None` for a stop
    /// word.
    pub fn analyse(&mut self, word: &str) -> Option<Analysed> {
        if let Some(known) = self.remembered.as_ref().and_then(|seen| seen.get(word)) {
            return known.clone();
        }
        let normalized = self.normalize(word);
        let analysed = (!self.is_stop_word(&normalized)).then(|| Analysed {
            term: self.stem(&normalized),
            normalized,
        });
        if let Some(seen) = &mut self.remembered {
            seen.insert(word.to_owned(), analysed.clone());
        }
        analysed
    }

    /// A word in its normalised spelling: Arabic folded as described above,
    /// Latin lower-cased, Eastern digits made ASCII. Nothing is removed.
    pub fn normalize(&self, word: &str) -> String {
        let arabic = word.chars().any(|c| script_of(c) == Script::Arabic);
        if arabic && self.options.normalize {
            normalize_arabic(word)
        } else if arabic {
            word.to_owned()
        } else {
            word.chars()
                .map(|c| ascii_digit(c).unwrap_or(c))
                .collect::<String>()
                .to_lowercase()
        }
    }

    /// Whether a normalised word is a function word in either language.
    pub fn is_stop_word(&self, normalized: &str) -> bool {
        self.options.normalize
            && (self.arabic_stop_words.contains(normalized)
                || self.english_stop_words.contains(normalized))
    }

    /// The index term of a normalised word.
    pub fn stem(&mut self, normalized: &str) -> String {
        if normalized.chars().any(|c| script_of(c) == Script::Arabic) {
            if !self.options.normalize {
                return normalized.to_owned();
            }
            // كهربا and كهرباء are one word to a citizen; a final hamza after
            // alef is the part most often dropped. Short words keep it: ماء
            // (water) must not become ما (not).
            let folded = match normalized.strip_suffix("اء") {
                Some(stem) if stem.chars().count() >= 3 => format!("{stem}ا"),
                _ => normalized.to_owned(),
            };
            return if self.options.stem {
                light10(&folded)
            } else {
                folded
            };
        }
        if !self.options.stem {
            return normalized.to_owned();
        }
        let mut stream = self.english_stemmer.token_stream(normalized);
        let mut stemmed = normalized.to_owned();
        while let Some(token) = stream.next() {
            stemmed.clone_from(&token.text);
        }
        stemmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        Analyzer::new(RetrievalOptions::default()).terms(text)
    }

    #[test]
    fn a_remembering_analyzer_reads_every_word_as_a_fresh_one_does() {
        let text = "الكهرباء مقطوعة, the Water bills فى الكهرباء water";
        let mut remembering = Analyzer::new(RetrievalOptions::default()).remembering();
        assert_eq!(remembering.terms(text), terms(text));
        assert_eq!(remembering.terms(text), terms(text), "from memory");
        assert_eq!(remembering.analyse("في"), None, "a stop word stays one");
        let word = remembering.analyse("Bills").expect("a content word");
        assert_eq!(
            (word.normalized.as_str(), word.term.as_str()),
            ("bills", "bill")
        );
    }

    #[test]
    fn diacritics_are_removed_without_splitting_words() {
        assert_eq!(normalize_arabic("الكَهْرَبَاءُ"), "الكهرباء");
        assert_eq!(words("الكَهْرَبَاءُ مقطوعة"), vec!["الكَهْرَبَاءُ", "مقطوعة"]);
        assert_eq!(terms("الكَهْرَبَاءُ"), terms("الكهرباء"));
        assert_eq!(normalize_arabic("مُسَجَّلٌ"), "مسجل");
    }

    #[test]
    fn hamza_seats_alef_maqsura_and_teh_marbuta_are_unified() {
        assert_eq!(normalize_arabic("أإآٱ"), "اااا");
        assert_eq!(normalize_arabic("مستشفى"), "مستشفي");
        assert_eq!(normalize_arabic("فاتورة"), "فاتوره");
        assert_eq!(normalize_arabic("مسؤول"), "مسوول");
        assert_eq!(terms("إقامة"), terms("اقامه"));
        assert_eq!(terms("الإنترنت"), terms("الانترنت"));
    }

    #[test]
    fn tatweel_is_removed_and_splits_nothing() {
        assert_eq!(normalize_arabic("جـــواز"), "جواز");
        assert_eq!(terms("جـــواز"), terms("جواز"));
    }

    #[test]
    fn arabic_indic_and_persian_digits_become_ascii() {
        assert_eq!(normalize_arabic("٦٠٠"), "600");
        assert_eq!(normalize_arabic("۱۲"), "12");
        assert_eq!(terms("٦٠٠ ريال"), terms("600 ريال"));
    }

    #[test]
    fn presentation_forms_are_folded() {
        // ﻻ is the lam-alef ligature; ﺟ an initial jeem.
        assert_eq!(normalize_arabic("ﻻ"), "لا");
        assert_eq!(normalize_arabic("ﺟﻮاز"), "جواز");
    }

    #[test]
    fn light10_strips_clitics_and_suffixes() {
        assert_eq!(light10("الجوازات"), "جواز");
        assert_eq!(light10("والمياه"), "ميا");
        assert_eq!(light10("بالمدرسه"), "مدرس");
        assert_eq!(light10("ولد"), "ولد");
    }

    #[test]
    fn a_final_hamza_after_alef_does_not_separate_words() {
        assert_eq!(terms("الكهرباء"), terms("الكهربا"));
        let mut analyzer = Analyzer::new(RetrievalOptions::default());
        assert_ne!(
            analyzer.stem("ماء"),
            analyzer.stem("ما"),
            "water is not a negation"
        );
    }

    #[test]
    fn stop_words_in_both_languages_are_dropped() {
        assert_eq!(terms("كيف أجدد جواز السفر؟"), terms("اجدد جواز السفر"));
        assert_eq!(
            terms("How do I renew my passport?"),
            vec!["renew", "passport"]
        );
    }

    #[test]
    fn mixed_script_words_are_split_and_each_analysed_by_its_script() {
        assert_eq!(words("الـKG"), vec!["الـ", "KG"]);
        assert_eq!(terms("عالبوابة login"), vec!["بواب", "login"]);
        assert_eq!(
            words("el kahraba ma2tou3a"),
            vec!["el", "kahraba", "ma2tou3a"]
        );
    }

    #[test]
    fn steps_can_be_switched_off_for_the_ablation() {
        let mut plain = Analyzer::new(RetrievalOptions::NONE);
        assert_eq!(plain.terms("الإقامة"), vec!["الإقامة"]);
    }
}
