//! Arabic written in Latin letters with digits ("el kahraba ma2tou3a").
//! Spelling is not standardised and short vowels are not written in Arabic
//! script, so instead of one transliteration each word is reduced to its
//! consonant skeleton, in classes of letters that Latin script cannot tell
//! apart (ت/ط, س/ص/ث, ...). An Arabizi word then matches the knowledge
//! base's Arabic words with the same skeleton.

use super::analysis::{is_arabic_letter, words};

/// Latin-script words that mark a message as Arabizi rather than English:
/// common function words and greetings. In an Arabizi message they carry no
/// topic, like stop words.
const ARABIZI_FUNCTION_WORDS: &[&str] = &[
    "el",
    "al",
    "il",
    "w",
    "wa",
    "we",
    "ana",
    "enta",
    "enti",
    "inta",
    "shu",
    "sho",
    "esh",
    "eh",
    "ya",
    "mn",
    "min",
    "men",
    "fi",
    "fe",
    "3an",
    "3ala",
    "ma",
    "mesh",
    "mish",
    "msh",
    "mafi",
    "ba3d",
    "bel",
    "bil",
    "la",
    "law",
    "walla",
    "wala",
    "wallah",
    "kif",
    "keef",
    "kaif",
    "wain",
    "wein",
    "fen",
    "fein",
    "leh",
    "leish",
    "lesh",
    "abi",
    "abgha",
    "abga",
    "bade",
    "badi",
    "biddi",
    "3ayez",
    "3ayza",
    "3awez",
    "shi",
    "ahlan",
    "marhaba",
    "salam",
    "momken",
    "mumkin",
    "lazem",
    "lazim",
    "hal",
    "ento",
    "e7na",
    "i7na",
    "hay",
    "hayda",
    "hada",
    "da",
    "di",
    "sh",
    "yalla",
    "shukran",
    "inshallah",
    "insha2allah",
    "3am",
    "ra7",
    "bas",
    "kaman",
    "3ashan",
    "3shan",
];

/// Latin-script words that only English uses, for telling English from
/// Arabizi.
const ENGLISH_FUNCTION_WORDS: &[&str] = &[
    "the", "is", "are", "my", "i", "to", "and", "of", "for", "how", "what", "can", "you", "it",
    "do", "have", "this", "on", "with", "me", "we", "our", "your", "be", "was", "there", "get",
    "need", "want", "please", "hi", "hello", "thanks", "where", "when", "why", "does", "not", "no",
    "at", "since", "from", "into", "an", "in", "by", "near", "am", "has", "had", "will", "would",
];

/// Arabizi writes the letters Latin lacks with digits: 2 ء, 3 ع, 5 خ, 6 ط,
/// 7 ح, 8 ق, 9 ص. A digit inside a word (not a number) is a strong sign.
fn has_letter_digit(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_alphabetic())
        && word
            .chars()
            .any(|c| matches!(c, '2' | '3' | '5' | '6' | '7' | '8' | '9'))
}

pub fn is_function_word(lower: &str) -> bool {
    ARABIZI_FUNCTION_WORDS.contains(&lower)
}

/// True when a message's Latin-script words read as Arabic: more Arabizi
/// markers than English function words.
pub fn is_arabizi(text: &str) -> bool {
    let mut arabizi = 0;
    let mut english = 0;
    for word in words(text) {
        if word.chars().any(is_arabic_letter) {
            continue;
        }
        let lower = word.to_lowercase();
        if has_letter_digit(&lower) || is_function_word(&lower) {
            arabizi += 1;
        } else if ENGLISH_FUNCTION_WORDS.contains(&lower.as_str()) {
            english += 1;
        }
    }
    arabizi > english
}

/// Classes of consonants, as Latin script writes them.
fn arabic_class(letter: char) -> Option<char> {
    Some(match letter {
        'ب' => 'b',
        'ت' | 'ط' => 't',
        'ث' | 'س' | 'ص' => 's',
        'ج' | 'غ' => 'g',
        'ح' | 'ه' => 'h',
        'خ' => 'x',
        'د' | 'ض' => 'd',
        'ذ' | 'ز' | 'ظ' => 'z',
        'ر' => 'r',
        'ش' => 'c',
        'ع' => '3',
        'ف' => 'f',
        'ق' | 'ء' => 'q',
        'ك' => 'k',
        'ل' => 'l',
        'م' => 'm',
        'ن' => 'n',
        // Long vowels and their seats are not consonants: Arabizi writes
        // them as vowels, or not at all.
        _ => return None,
    })
}

/// The skeleton of a normalised Arabic word.
pub fn arabic_skeleton(word: &str) -> String {
    let last_consonant = word.chars().rev().find(|&c| arabic_class(c).is_some());
    finish(
        word.chars().filter_map(arabic_class).collect(),
        last_consonant == Some('ح'),
    )
}

/// The skeletons a Latin-script Arabizi word may have. `2` is written for
/// hamza and for the qaf that city dialects pronounce as one; normalised
/// Arabic keeps qaf but drops hamza seats, so both readings are tried.
pub fn latin_skeletons(word: &str) -> Vec<String> {
    let mut skeletons = vec![latin_skeleton(word, false)];
    let mut also = |skeleton: String| {
        if !skeletons.contains(&skeleton) {
            skeletons.push(skeleton);
        }
    };
    if word.contains('2') {
        also(latin_skeleton(&word.replace('2', ""), false));
    }
    // A final h is a teh marbuta's vowel or a real ه/ح ("tasreeh").
    if word.to_lowercase().ends_with('h') {
        also(latin_skeleton(word, true));
    }
    skeletons
}

/// The skeleton of a Latin-script Arabizi word, reading `2` as qaf; a final
/// h is kept when `keep_final_h` (a 7 always is: it is written for ح only).
fn latin_skeleton(word: &str, keep_final_h: bool) -> String {
    let lower: Vec<char> = word.to_lowercase().chars().collect();
    let mut classes = Vec::new();
    let mut at = 0;
    while at < lower.len() {
        let next = lower.get(at + 1).copied();
        // Digraphs and apostrophe-marked digits first.
        let (class, width) = match (lower[at], next) {
            ('s', Some('h')) | ('c', Some('h')) => (Some('c'), 2),
            ('k', Some('h')) | ('7', Some('\'')) => (Some('x'), 2),
            ('5', _) => (Some('x'), 1),
            ('g', Some('h')) | ('3', Some('\'')) => (Some('g'), 2),
            ('t', Some('h')) => (Some('s'), 2),
            ('d', Some('h')) | ('6', Some('\'')) => (Some('z'), 2),
            ('9', Some('\'')) => (Some('d'), 2),
            (letter, _) => (
                match letter {
                    'b' | 'p' => Some('b'),
                    't' | '6' => Some('t'),
                    's' | '9' => Some('s'),
                    'j' | 'g' => Some('g'),
                    'h' | '7' => Some('h'),
                    'x' => Some('x'),
                    'd' => Some('d'),
                    'z' => Some('z'),
                    'r' => Some('r'),
                    '3' => Some('3'),
                    'f' | 'v' => Some('f'),
                    'q' | '2' | '8' => Some('q'),
                    'k' | 'c' => Some('k'),
                    'l' => Some('l'),
                    'm' => Some('m'),
                    'n' => Some('n'),
                    _ => None,
                },
                1,
            ),
        };
        classes.extend(class);
        at += width;
    }
    let sure_hah = keep_final_h || lower.last() == Some(&'7');
    finish(classes, sure_hah)
}

/// Doubled letters are written once in Arabic script (shadda), and a final
/// h is mostly the unwritten vowel of teh marbuta; not when it is surely ح
/// (`sure_hah`): "mafatee7" is مفاتيح, not مفتي.
fn finish(mut classes: Vec<char>, sure_hah: bool) -> String {
    classes.dedup();
    if !sure_hah && classes.len() > 2 && classes.last() == Some(&'h') {
        classes.pop();
    }
    classes.into_iter().collect()
}

/// Arabizi adds endings to stems the knowledge base holds bare: construct
/// teh marbuta (rokhset), plurals (mowazafeen) and pronouns (ri7to). These
/// are the skeleton endings worth trying without.
pub fn without_ending(skeleton: &str) -> Option<&str> {
    let last = skeleton.chars().last()?;
    (skeleton.chars().count() > 2 && matches!(last, 't' | 'n' | 'k' | 'h' | 'm'))
        .then(|| &skeleton[..skeleton.len() - last.len_utf8()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::analysis::{Analyzer, RetrievalOptions, normalize_arabic};

    /// The skeleton of an Arabic word's index term, as the vocabulary keeps it.
    fn arabic(word: &str) -> String {
        let mut analyzer = Analyzer::new(RetrievalOptions::default());
        arabic_skeleton(&analyzer.stem(&normalize_arabic(word)))
    }

    /// A Latin word's first skeleton.
    fn skeleton(word: &str) -> String {
        latin_skeleton(word, false)
    }

    #[test]
    fn a_final_hah_is_a_consonant_not_a_teh_marbuta() {
        assert_eq!(skeleton("mafatee7"), arabic("مفاتيح"));
        assert_ne!(skeleton("mafatee7"), arabic("مفتي"));
        assert!(latin_skeletons("tasreeh").contains(&arabic("تصريح")));
        assert!(latin_skeletons("rokhseh").contains(&arabic("رخصة")));
        assert_eq!(skeleton("mil7"), arabic("ملح"));
    }

    #[test]
    fn arabizi_and_arabic_spellings_share_a_skeleton() {
        assert_eq!(skeleton("kahraba"), arabic("الكهرباء"));
        assert_eq!(skeleton("ma2tou3a"), arabic("مقطوعة"));
        assert_eq!(skeleton("mukhalafa"), arabic("مخالفة"));
        assert_eq!(skeleton("a3tirad"), arabic("اعتراض"));
        assert_eq!(skeleton("shakwa"), arabic("شكوى"));
        assert_eq!(skeleton("jawaz"), arabic("جواز"));
        assert!(latin_skeletons("ta2shira").contains(&arabic("تأشيرة")));
        assert!(latin_skeletons("ma2tou3a").contains(&arabic("مقطوعة")));
    }

    #[test]
    fn endings_can_be_dropped_to_reach_a_stem() {
        assert_eq!(
            without_ending(&skeleton("rokhset")),
            Some(arabic("رخصة").as_str())
        );
        assert_eq!(without_ending("gz"), None);
    }

    #[test]
    fn arabizi_is_told_from_english() {
        assert!(is_arabizi("ana 3ayez a3raf el kahraba 2at3a leh"));
        assert!(is_arabizi("wain el maktab"));
        assert!(!is_arabizi("I need 2 copies of my certificate"));
        assert!(!is_arabizi("where is the office"));
        // "we" is also Arabizi "and"; English prepositions outweigh it.
        assert!(!is_arabizi("we live in Hittin"));
    }
}
