//! Text as both languages write it: which script a letter belongs to, how a
//! message splits into words, and the one spelling of an Arabic word that
//! indexing and every reader of citizens' messages agree on.

use unicode_normalization::UnicodeNormalization;

pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06FA}'..='\u{06FF}')
}

/// Harakat, Quranic annotation marks and superscript alef: they decorate a
/// word without changing which word it is.
pub fn is_arabic_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}'
    )
}

const TATWEEL: char = '\u{0640}';

fn is_presentation_form(c: char) -> bool {
    matches!(c, '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Maps Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII.
pub fn ascii_digit(c: char) -> Option<char> {
    match c {
        '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x0660, 10),
        '\u{06F0}'..='\u{06F9}' => char::from_digit(c as u32 - 0x06F0, 10),
        _ => None,
    }
}

/// Brings the many spellings of one Arabic word to one form.
pub fn normalize_arabic(word: &str) -> String {
    let folded: String = if word.chars().any(is_presentation_form) {
        word.nfkc().collect()
    } else {
        word.to_owned()
    };
    folded
        .chars()
        .filter(|&c| c != TATWEEL && !is_arabic_mark(c))
        .map(|c| match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ى' | 'ئ' | 'ی' => 'ي',
            'ة' => 'ه',
            'ؤ' => 'و',
            'ک' => 'ك',
            other => ascii_digit(other).unwrap_or(other),
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Arabic,
    Latin,
}

pub fn script_of(c: char) -> Script {
    if is_arabic_letter(c) || is_arabic_mark(c) || c == TATWEEL || is_presentation_form(c) {
        Script::Arabic
    } else {
        Script::Latin
    }
}

fn is_word_char(c: char) -> bool {
    // Arabic letters and ASCII first: Unicode's tables are a binary search.
    is_arabic_letter(c)
        || c.is_ascii_alphanumeric()
        || c.is_alphanumeric()
        || is_arabic_mark(c)
        || c == '\''
}

/// Splits text into words, also where the script changes inside a run of
/// letters (`الـKG`, `عالـportal`). Digits belong to no script and stay with
/// the word they touch, which keeps Arabizi words (`ma2tou3a`) whole.
pub fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut begin: Option<usize> = None;
    let mut current: Option<Script> = None;
    for (index, c) in text.char_indices() {
        if !is_word_char(c) {
            if let Some(start) = begin.take() {
                out.push(&text[start..index]);
            }
            current = None;
            continue;
        }
        let script = if is_arabic_letter(c) {
            Some(Script::Arabic)
        } else {
            (!c.is_numeric()).then(|| script_of(c))
        };
        match (begin, current, script) {
            (None, _, _) => {
                begin = Some(index);
                current = script;
            }
            (Some(start), Some(seen), Some(now)) if seen != now => {
                out.push(&text[start..index]);
                begin = Some(index);
                current = Some(now);
            }
            (Some(_), None, Some(now)) => current = Some(now),
            _ => {}
        }
    }
    if let Some(start) = begin {
        out.push(&text[start..]);
    }
    out.into_iter()
        .map(|word| word.trim_matches('\''))
        .filter(|word| !word.is_empty())
        .collect()
}

/// Characters that take no room and show nothing: zero-width spaces and
/// joiners, direction marks, embeddings, overrides and isolates, the
/// byte-order mark, the soft hyphen and the Hangul fillers. Text made of
/// them alone says nothing, and inside an id they hide what it is (a
/// right-to-left override shows `abc` as `cba`).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
    )
}

/// Whether text shows nothing: empty, or only spaces and invisible
/// characters.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

#[cfg(test)]
mod invisible_tests {
    use super::*;

    #[test]
    fn text_of_only_zero_width_and_direction_characters_is_blank() {
        for text in [
            "",
            "  ",
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}",
            "\u{FEFF} \u{2060}",
            "\u{202E}\u{200F}\n",
        ] {
            assert!(is_blank(text), "{text:?}");
        }
        for text in ["ماء", "a\u{200B}", "\u{200D}١", "🙂"] {
            assert!(!is_blank(text), "{text:?}");
        }
    }
}
