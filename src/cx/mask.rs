//! Masking what a citizen wrote before it is kept for editors: numbers
//! (phone, national id, case or account numbers) and e-mail addresses
//! become `#` and `@`, so the question stays readable and the person does
//! not. A name in the text stays: no rule can tell it reliably, which is
//! why the masked text is also blanked after `cx.text_retention_days`.

/// `text` with every run of digits (Western, Arabic-Indic or Persian,
/// spaces, dashes, dots and a leading `+` inside the run) replaced by one
/// `#`, whatever its length, and every e-mail address by `@`. One or two
/// digits inside a Latin word stay: in Arabizi they are letters
/// ("3ayez", "7aga"), and they identify nobody.
pub fn mask(text: &str) -> String {
    let without_emails: String = text
        .split_inclusive(char::is_whitespace)
        .map(|word| {
            let trimmed = word.trim_end();
            if trimmed.contains('@') && trimmed.contains('.') {
                format!("@{}", &word[trimmed.len()..])
            } else {
                word.to_owned()
            }
        })
        .collect();
    mask_digits(&without_emails)
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
        || ('\u{0660}'..='\u{0669}').contains(&c)
        || ('\u{06F0}'..='\u{06F9}').contains(&c)
}

/// Separators that may sit inside a written number: "050 123 4567",
/// "1-800-555", "12.5".
fn joins_digits(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '\u{00A0}' | '/')
}

fn mask_digits(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts_number = is_digit(chars[i])
            || (chars[i] == '+' && chars.get(i + 1).copied().is_some_and(is_digit));
        if !starts_number {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut j = i + 1;
        while j < chars.len() {
            if is_digit(chars[j]) {
                end = j + 1;
                j += 1;
            } else if joins_digits(chars[j]) && chars.get(j + 1).copied().is_some_and(is_digit) {
                j += 1;
            } else {
                break;
            }
        }
        let digits = chars[start..end].iter().filter(|c| is_digit(**c)).count();
        let in_latin_word = chars[..start].last().is_some_and(char::is_ascii_alphabetic)
            || chars.get(end).is_some_and(char::is_ascii_alphabetic);
        if digits <= 2 && in_latin_word {
            out.extend(&chars[start..end]);
        } else {
            out.push('#');
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn phone_and_id_numbers_are_masked_whatever_their_digits() {
        assert_eq!(mask("رقمي 0501234567 ساعدوني"), "رقمي # ساعدوني");
        assert_eq!(
            mask("call me on +966 50 123 4567 please"),
            "call me on # please"
        );
        assert_eq!(mask("هويتي ١٠٢٣٤٥٦٧٨٩"), "هويتي #");
        assert_eq!(mask("case 2024-118-77"), "case #");
        assert_eq!(mask("۰۹۱۲۳۴۵۶۷۸۹"), "#");
    }

    #[test]
    fn small_numbers_are_masked_too_but_arabizi_letters_stay() {
        assert_eq!(mask("I paid 50 riyals"), "I paid # riyals");
        assert_eq!(mask("ana 3ayez a3raf el ra2m"), "ana 3ayez a3raf el ra2m");
        assert_eq!(mask("wa7ed 2 passports"), "wa7ed # passports");
    }

    #[test]
    fn email_addresses_are_masked() {
        assert_eq!(mask("write to ali.m@example.com now"), "write to @ now");
        assert_eq!(mask("بريدي a@b.co"), "بريدي @");
    }

    #[test]
    fn text_without_numbers_is_unchanged() {
        let text = "كم رسوم تجديد الجواز؟";
        assert_eq!(mask(text), text);
    }
}
