//! Which language to answer in: detected per message from its script, pinned
//! in the conversation, switched only when the citizen clearly switches.

use crate::i18n::Lang;
use crate::kb::arabizi::is_arabizi;
use crate::language::text::{is_arabic_letter, words};

/// What one message says about its language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detected {
    pub lang: Lang,
    /// Words written in `lang`.
    pub words: usize,
    /// Share of all letters that are in `lang`'s script (Arabizi counts as
    /// Arabic), 0.5..=1.
    pub share: f32,
    /// Arabic read from Latin letters.
    pub arabizi: bool,
}

/// Script first: Arabic letters against Latin letters, the majority wins.
/// Latin letters count as Arabic when the message is Arabizi.
pub fn detect(text: &str) -> Option<Detected> {
    let arabizi = is_arabizi(text);
    let (mut arabic_letters, mut latin_letters) = (0usize, 0usize);
    let (mut arabic_words, mut latin_words) = (0usize, 0usize);
    for word in words(text) {
        let arabic = word.chars().filter(|&c| is_arabic_letter(c)).count();
        let latin = word.chars().filter(|c| c.is_alphabetic()).count() - arabic;
        arabic_letters += arabic;
        latin_letters += latin;
        if arabic > latin {
            arabic_words += 1;
        } else if latin > 0 {
            latin_words += 1;
        }
    }
    if arabizi {
        arabic_letters += latin_letters;
        arabic_words += latin_words;
        latin_letters = 0;
        latin_words = 0;
    }
    let total = arabic_letters + latin_letters;
    if total == 0 {
        return None;
    }
    let (lang, letters, words) = if arabic_letters >= latin_letters {
        (Lang::Ar, arabic_letters, arabic_words)
    } else {
        (Lang::En, latin_letters, latin_words)
    };
    Some(Detected {
        lang,
        words,
        share: letters as f32 / total as f32,
        arabizi: arabizi && lang == Lang::Ar,
    })
}

/// A citizen "clearly switches" with at least this many words in the other
/// language making up at least this share of the message, so that a pinned
/// Arabic conversation survives "OTP" or "login".
const SWITCH_MIN_WORDS: usize = 2;
const SWITCH_MIN_SHARE: f32 = 0.75;

/// The language to answer in. `forced` is a client's explicit choice;
/// `hint` a platform's profile language, used until the text says more.
pub fn choose(
    forced: Option<Lang>,
    pinned: Option<Lang>,
    hint: Option<Lang>,
    detected: Option<Detected>,
) -> Lang {
    if let Some(lang) = forced {
        return lang;
    }
    match (pinned, detected) {
        (None, Some(detected)) => detected.lang,
        // English that happens to read as Arabizi ("We're in Al Malqa,
        // villa 22") is far likelier than an English speaker turning to
        // Arabizi; asking for Arabic still switches.
        (Some(Lang::En), Some(detected)) if detected.arabizi => Lang::En,
        (Some(pinned), Some(detected))
            if detected.lang != pinned
                && detected.words >= SWITCH_MIN_WORDS
                && detected.share >= SWITCH_MIN_SHARE =>
        {
            detected.lang
        }
        (Some(pinned), _) => pinned,
        (None, None) => hint.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(text: &str) -> Option<Lang> {
        detect(text).map(|detected| detected.lang)
    }

    #[test]
    fn script_decides_and_mixed_text_goes_by_majority() {
        assert_eq!(lang("أريد تجديد جواز السفر"), Some(Lang::Ar));
        assert_eq!(lang("How do I renew my passport?"), Some(Lang::En));
        assert_eq!(
            lang("ما عم اقدر اعمل login عالبوابة، الباسورد القديم ما عم يمشي"),
            Some(Lang::Ar)
        );
        assert_eq!(
            lang("my iqama اقامة expired two months ago"),
            Some(Lang::En)
        );
        assert_eq!(lang("👍 123"), None);
    }

    #[test]
    fn arabizi_is_arabic() {
        assert_eq!(lang("el kahraba ma2tou3a 3anna"), Some(Lang::Ar));
        assert_eq!(lang("ana abi a3ref wain el maktab"), Some(Lang::Ar));
        assert_eq!(lang("I need 2 copies of my certificate"), Some(Lang::En));
    }

    #[test]
    fn a_pinned_language_changes_only_on_a_clear_switch() {
        let otp = detect("OTP");
        assert_eq!(choose(None, Some(Lang::Ar), None, otp), Lang::Ar);
        let english = detect("I want to pay my water bill");
        assert_eq!(choose(None, Some(Lang::Ar), None, english), Lang::En);
        assert_eq!(
            choose(Some(Lang::Ar), Some(Lang::En), None, english),
            Lang::Ar
        );
        assert_eq!(choose(None, None, Some(Lang::En), None), Lang::En);
        let arabizi = detect("el may ma2tou3a 3anna men el sob7");
        assert_eq!(choose(None, None, None, arabizi), Lang::Ar);
        assert_eq!(choose(None, Some(Lang::En), None, arabizi), Lang::En);
        assert_eq!(choose(None, None, None, None), Lang::Ar);
    }
}
