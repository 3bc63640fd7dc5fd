//! Negation and contrast: the part of a message the citizen rejects ("مش
//! عايز X، عايز Y", "not lost, I want to renew", "الجواز لا، الهوية") must
//! not vote for its entry. A negated clause is dropped only when the
//! message keeps another clause with content, and only when the negation
//! rejects something: a negated wish, a denied claim ("مش ضايع"), a
//! dismissal ("ولا حاجة"). Reported problems stay: "ما في مي", "ما وصلت
//! المي", "the power is not working". The word lists are in
//! `data/negation.toml`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use serde::Deserialize;

use super::dialect::{is_function_word, normalize, normalized_words, standard_readings};
use super::text::words;

const NEGATION: &str = include_str!("data/negation.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNegation {
    negation: RawLists,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLists {
    copular: String,
    verbal: String,
    existential: String,
    existence: String,
    either: String,
    intent: String,
    restart: String,
    report: String,
    services: String,
    problems: String,
    dismissals: Vec<String>,
    boundaries: String,
    contrasts: String,
}

struct Lists {
    copular: HashSet<String>,
    verbal: HashSet<String>,
    existential: HashSet<String>,
    existence: HashSet<String>,
    either: HashSet<String>,
    intent: HashSet<String>,
    restart: HashSet<String>,
    report: HashSet<String>,
    services: HashSet<String>,
    problems: HashSet<String>,
    dismissals: Vec<Vec<String>>,
    boundaries: HashSet<String>,
    contrasts: HashSet<String>,
}

fn set(list: &str) -> HashSet<String> {
    list.split_whitespace().map(normalize).collect()
}

static LISTS: LazyLock<Lists> = LazyLock::new(|| {
    let raw = toml::from_str::<RawNegation>(NEGATION)
        .expect("negation.toml is valid")
        .negation;
    Lists {
        copular: set(&raw.copular),
        verbal: set(&raw.verbal),
        existential: set(&raw.existential),
        existence: set(&raw.existence),
        either: set(&raw.either),
        intent: set(&raw.intent),
        restart: set(&raw.restart),
        report: set(&raw.report),
        services: set(&raw.services),
        problems: set(&raw.problems),
        dismissals: raw.dismissals.iter().map(|p| normalized_words(p)).collect(),
        boundaries: set(&raw.boundaries),
        contrasts: set(&raw.contrasts),
    }
});

/// Words before ما that make it "what" or part of a conjunction (بعد ما،
/// بدون ما), not a negator.
const MA_NOT_NEGATING_AFTER: &[&str] = &[
    "بعد",
    "قبل",
    "لما",
    "كل",
    "زي",
    "مثل",
    "متل",
    "حسب",
    "اول",
    "بدون",
    "غير",
    "الا",
    "عند",
    "حين",
    "طول",
    "مهما",
    "بين",
    "ربما",
    "وقت",
    "قد",
    "كيف",
    "شو",
    "متى",
    "ريثما",
];
/// Words after ما that make it a question (ما هو، ما هي).
const MA_QUESTION_BEFORE: &[&str] = &["هو", "هي", "هم", "هن", "ذا", "هذا", "هذه", "الذي", "التي"];

/// "or" before a final negator makes a yes-or-no question ("ولا لا").
const OR: &[&str] = &[
    "ولا", "لو", "او", "ام", "والا", "or", "walla", "wala", "aw", "ola",
];

struct Token {
    start: usize,
    end: usize,
    word: String,
    /// Punctuation between this word and the one before ends a clause.
    breaks: bool,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for word in words(text) {
        let start = word.as_ptr() as usize - text.as_ptr() as usize;
        let gap = &text[out.last().map_or(0, |t| t.end)..start];
        let breaks = gap.chars().any(|c| {
            matches!(
                c,
                ',' | '،'
                    | '.'
                    | '؟'
                    | '?'
                    | '!'
                    | '؛'
                    | ';'
                    | ':'
                    | '\n'
                    | '–'
                    | '—'
                    | '…'
                    | '('
                    | ')'
            )
        }) || (gap.contains('-') && gap.contains(' '));
        out.push(Token {
            start,
            end: start + word.len(),
            word: normalize(word),
            breaks,
        });
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Copular,
    Verbal,
    Existential,
    /// A negated wish written as one word (مابدي، مابغيتش).
    Intent,
}

/// What to do with a negated scope.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Verdict {
    Keep,
    Drop,
    /// An absence of something that is not a service ("no X today"): a
    /// rejection only if a contrasting clause follows ("but Y").
    DropIfContrast,
}

fn without_waw(word: &str) -> Option<&str> {
    word.strip_prefix('و')
        .filter(|rest| rest.chars().count() >= 2)
}

/// Arabic that reads as a verb: an imperfect, or a marker before one.
fn looks_verbal(word: &str, person_letters: &str) -> bool {
    let mut letters = word.chars();
    match (letters.next(), letters.next()) {
        (Some(first), Some(second)) if !word.starts_with("ال") => {
            person_letters.contains(first)
                || (matches!(first, 'ب' | 'ح' | 'ه')
                    && "يتنا".contains(second)
                    && word.chars().count() >= 4)
        }
        _ => false,
    }
}

fn is_content(word: &str) -> bool {
    !is_function_word(word) && !word.chars().all(|c| c.is_numeric())
}

fn is_service(word: &str) -> bool {
    let lists = &*LISTS;
    let bare = ["ال", "بال", "وال", "فال", "لل", "عال", "ل", "ب"]
        .iter()
        .find_map(|prefix| {
            word.strip_prefix(prefix)
                .filter(|rest| lists.services.contains(*rest))
        });
    lists.services.contains(word)
        || bare.is_some()
        || standard_readings(word)
            .iter()
            .any(|reading| lists.services.contains(reading))
}

/// The negator at `at`, if any: its kind and how many words it spans.
fn negator_at(tokens: &[Token], at: usize, end: usize) -> Option<(Kind, usize)> {
    let lists = &*LISTS;
    let word = tokens[at].word.as_str();
    let next = (at + 1 < end).then(|| tokens[at + 1].word.as_str());
    let existence = next.is_some_and(|next| lists.existence.contains(next));
    let stripped = without_waw(word).filter(|rest| {
        lists.copular.contains(*rest)
            || lists.verbal.contains(*rest)
            || lists.existential.contains(*rest)
    });
    let word = stripped.unwrap_or(word);
    if lists.existential.contains(word) {
        return Some((Kind::Existential, 1));
    }
    if lists.copular.contains(word) {
        return Some(if existence {
            (Kind::Existential, 2)
        } else {
            (Kind::Copular, 1)
        });
    }
    if lists.verbal.contains(word) {
        if word == "ما" {
            let previous = at.checked_sub(1).map(|i| tokens[i].word.as_str());
            let next = next?;
            if previous.is_some_and(|p| MA_NOT_NEGATING_AFTER.contains(&p))
                || MA_QUESTION_BEFORE.contains(&next)
                || next.starts_with("ال")
            {
                return None;
            }
        }
        return Some(if existence {
            (Kind::Existential, 2)
        } else {
            (Kind::Verbal, 1)
        });
    }
    if lists.either.contains(word) {
        let next = next?;
        return Some(if existence {
            (Kind::Existential, 2)
        } else if looks_verbal(next, "ايتن") {
            (Kind::Verbal, 1)
        } else {
            (Kind::Copular, 1)
        });
    }
    // Negation written onto the word: مابدي، مافيه، ماعرفتش، مبيشتغلش.
    let rest = word.strip_prefix("ما")?;
    if lists.intent.contains(rest) {
        return Some((Kind::Intent, 1));
    }
    if lists.existence.contains(rest) {
        return Some((Kind::Existential, 1));
    }
    let inner = rest
        .strip_suffix('ش')
        .filter(|inner| inner.chars().count() >= 3)?;
    Some(if lists.intent.contains(inner) {
        (Kind::Intent, 1)
    } else {
        (Kind::Verbal, 1)
    })
}

fn has_dismissal(tokens: &[Token]) -> bool {
    LISTS.dismissals.iter().any(|phrase| {
        tokens.windows(phrase.len()).any(|window| {
            window
                .iter()
                .zip(phrase)
                .all(|(token, word)| token.word == *word)
        })
    })
}

fn verdict(kind: Kind, scope: &[Token]) -> Verdict {
    let lists = &*LISTS;
    let wish = scope
        .iter()
        .take(2)
        .any(|token| lists.intent.contains(&token.word));
    if kind == Kind::Intent || wish || has_dismissal(scope) {
        return Verdict::Drop;
    }
    let first = scope
        .iter()
        .map(|token| token.word.as_str())
        .find(|word| is_content(word));
    match (kind, first) {
        (_, None) | (Kind::Verbal | Kind::Intent, _) => Verdict::Keep,
        (Kind::Existential, Some(word)) if is_service(word) => Verdict::Keep,
        (Kind::Existential, Some(word)) if lists.problems.contains(word) => Verdict::Drop,
        (Kind::Existential, Some(_)) => Verdict::DropIfContrast,
        (Kind::Copular, Some(word)) => {
            let english_progressive = word.len() > 4 && word.ends_with("ing");
            if lists.report.contains(word)
                || is_service(word)
                || english_progressive
                || looks_verbal(word, "ي")
            {
                Verdict::Keep
            } else {
                Verdict::Drop
            }
        }
    }
}

/// The message with its rejected parts removed, or the text unchanged when
/// nothing is rejected or nothing with content would remain.
pub fn without_rejected(text: &str) -> Cow<'_, str> {
    let lists = &*LISTS;
    let tokens = tokens(text);
    // Clauses as [start, end) token ranges.
    let mut clauses: Vec<(usize, usize)> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        if index == 0 || token.breaks || lists.boundaries.contains(&token.word) {
            clauses.push((index, index + 1));
        } else if let Some(last) = clauses.last_mut() {
            last.1 = index + 1;
        }
    }
    let mut dropped = vec![false; tokens.len()];
    let mut pending: Vec<(usize, usize, usize)> = Vec::new();
    for (clause, &(start, end)) in clauses.iter().enumerate() {
        // "الجواز لا، الهوية": a clause that ends in a negator rejects itself.
        let last = &tokens[end - 1].word;
        let trailing = lists.either.contains(last) || lists.copular.contains(last) || last == "no";
        // "... ولا لا؟", "yes or no": a question, not a rejection.
        let or_not = end - start >= 2 && OR.contains(&tokens[end - 2].word.as_str());
        if end - start >= 2
            && trailing
            && !or_not
            && tokens[start..end - 1].iter().any(|t| is_content(&t.word))
        {
            dropped[start..end].fill(true);
            continue;
        }
        let mut at = start;
        while at < end {
            let Some((kind, span)) = negator_at(&tokens, at, end) else {
                at += 1;
                continue;
            };
            let scope_start = at + span;
            let mut scope_end = scope_start;
            let mut seen_content = false;
            while scope_end < end {
                let word = &tokens[scope_end].word;
                if seen_content && lists.restart.contains(word) {
                    break;
                }
                seen_content |= is_content(word);
                scope_end += 1;
            }
            match verdict(kind, &tokens[scope_start..scope_end]) {
                Verdict::Keep => {}
                Verdict::Drop => dropped[at..scope_end].fill(true),
                Verdict::DropIfContrast => pending.push((clause, at, scope_end)),
            }
            at = scope_end.max(at + 1);
        }
    }
    for (clause, from, to) in pending {
        let contrasted = clauses[clause + 1..].iter().any(|&(start, end)| {
            lists.contrasts.contains(&tokens[start].word)
                && (start..end).any(|i| !dropped[i] && is_content(&tokens[i].word))
        });
        if contrasted {
            dropped[from..to].fill(true);
        }
    }
    let remains = tokens
        .iter()
        .zip(&dropped)
        .any(|(token, &gone)| !gone && is_content(&token.word));
    if !dropped.contains(&true) || !remains {
        return Cow::Borrowed(text);
    }
    let mut kept = String::with_capacity(text.len());
    let mut from = 0;
    for (token, _) in tokens.iter().zip(&dropped).filter(|(_, gone)| **gone) {
        kept.push_str(&text[from..token.start]);
        from = token.end;
    }
    kept.push_str(&text[from..]);
    Cow::Owned(kept.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
#[path = "negation_tests.rs"]
mod tests;
