//! Corrections: "no, I meant...", "مو هذا، قصدي...", "not that", "غلط",
//! "مو تجديد، جوازي ضاع". The bot never offers the rejected entry again
//! while the citizen corrects it: it answers what they say they meant, or
//! offers the other likely readings of their question; a second correction
//! in a row offers a person.

use super::choice;
use super::decide::{Decision, decide_question, for_entry};
use super::topic::{self, EntryText};
use crate::conversation::{Conversation, Priority};
use crate::kb::KnowledgeBase;
use crate::language::conversation::{Message, WORDS};

/// Other readings offered after "not that": as many as a clarify offers.
const ALTERNATIVES: usize = 3;
/// A negation opening the message ("مو تجديد") names what was wrong in a
/// few words; a long one is a sentence of its own ("مو قادر ادخل...").
const NEGATED_MAX_WORDS: usize = 3;

/// What a correction says.
#[derive(Debug, Clone, PartialEq, Default)]
struct Said {
    /// What the citizen meant, if they said it.
    meant: Vec<String>,
    /// What they said was wrong ("renewal" in "not renewal, ..."), if they
    /// named it.
    wrong: Vec<String>,
    /// Read from a negation alone, so only a correction if `wrong` names
    /// what the bot offered.
    weak: bool,
}

fn joined(clauses: &[Vec<String>]) -> Vec<String> {
    clauses.iter().flatten().cloned().collect()
}

/// Splits "X, but Y" / "X قصدي Y" at the first `but` or `meant` phrase.
fn split_meant(words: &[String]) -> (Vec<String>, Option<Vec<String>>) {
    let correction = &WORDS.correction;
    for at in 0..words.len() {
        if let Some(len) = correction
            .meant
            .at(words, at)
            .or_else(|| correction.but.at(words, at))
        {
            return (words[..at].to_vec(), Some(words[at + len..].to_vec()));
        }
    }
    (words.to_vec(), None)
}

/// Reads a message as a correction, if it is one.
fn read(text: &str) -> Option<Said> {
    let correction = &WORDS.correction;
    let clauses = Message::read(text).clauses;
    // "I meant X" wherever it is: what comes before was wrong.
    for (index, clause) in clauses.iter().enumerate() {
        if let Some((at, len)) = correction.meant.find(clause) {
            let mut meant = clause[at + len..].to_vec();
            meant.extend(joined(&clauses[index + 1..]));
            let mut before = joined(&clauses[..index]);
            before.extend_from_slice(&clause[..at]);
            return Some(Said {
                meant,
                wrong: strip_openings(&before),
                weak: false,
            });
        }
    }
    let all = joined(&clauses);
    let first_len = clauses.first()?.len();
    let mut at = 0;
    let mut refused = false;
    loop {
        if let Some(len) = correction.softeners.at(&all, at) {
            at += len;
        } else if let Some(len) = correction.refusals.at(&all, at) {
            // A bare "no" counts on its own or before another cue.
            let alone = at + len >= first_len;
            let before_cue = correction.rejections.at(&all, at + len).is_some()
                || correction.negations.at(&all, at + len).is_some();
            if !(alone || before_cue) {
                return None;
            }
            refused = true;
            at += len;
        } else {
            break;
        }
    }
    if let Some(len) = correction.rejections.at(&all, at) {
        let (_, meant) = split_meant(&all[at + len..]);
        return Some(Said {
            meant: meant.unwrap_or_else(|| all[at + len..].to_vec()),
            wrong: Vec::new(),
            weak: false,
        });
    }
    if let Some(len) = correction.negations.at(&all, at) {
        // "not X, Y": X ends at the clause's end or at "but"/"I meant".
        let clause_end = first_len.max(at + len);
        let (wrong, meant) = split_meant(&all[at + len..clause_end]);
        let meant = meant.unwrap_or_else(|| all[clause_end..].to_vec());
        if wrong.len() > NEGATED_MAX_WORDS {
            return None;
        }
        return Some(Said {
            meant,
            wrong,
            weak: true,
        });
    }
    refused.then(|| Said {
        meant: all[at..].to_vec(),
        ..Said::default()
    })
}

/// `words` without the correction's own opening words.
fn strip_openings(words: &[String]) -> Vec<String> {
    let correction = &WORDS.correction;
    correction.softeners.remove(
        &correction.refusals.remove(
            &correction
                .rejections
                .remove(&correction.negations.remove(words)),
        ),
    )
}

/// The entries the citizen rejected earlier in this run of corrections.
pub(super) fn rejected(conversation: &Conversation, kb: &KnowledgeBase) -> Vec<usize> {
    conversation
        .thread
        .rejected
        .iter()
        .filter_map(|id| kb.ordinal(id.as_str()))
        .collect()
}

/// `decision` without the rejected entries: the next reading that fits,
/// the clarify's other options, or a fallback.
pub(super) fn without_rejected(
    decision: Decision,
    text: &str,
    rejected: &[usize],
    kb: &KnowledgeBase,
) -> Decision {
    match decision {
        Decision::Answer { entry } if rejected.contains(&entry) => kb
            .search(&kb.read(text), ALTERNATIVES + rejected.len())
            .iter()
            .find(|hit| !rejected.contains(&hit.entry) && kb.calibration().fits(hit))
            .map_or(Decision::Fallback, |hit| for_entry(kb, hit.entry)),
        Decision::Clarify { mut candidates } => {
            candidates.retain(|entry| !rejected.contains(entry));
            match candidates.as_slice() {
                [] => Decision::Fallback,
                [only] => for_entry(kb, *only),
                _ => Decision::Clarify { candidates },
            }
        }
        other => other,
    }
}

/// The other readings of `asked` the citizen has not rejected, best first.
fn alternatives(asked: &str, rejected: &[usize], kb: &KnowledgeBase) -> Vec<usize> {
    if asked.trim().is_empty() {
        return Vec::new();
    }
    kb.search(&kb.read(asked), ALTERNATIVES + rejected.len())
        .into_iter()
        .filter(|hit| {
            hit.named_at_all()
                && !rejected.contains(&hit.entry)
                && kb.entry(hit.entry).escalate.is_none()
        })
        .take(ALTERNATIVES)
        .map(|hit| hit.entry)
        .collect()
}

/// What the citizen says they meant, read on its own and, failing that,
/// against the topic's related entries.
fn meant(
    text: &str,
    topic: Option<usize>,
    rejected: &[usize],
    kb: &KnowledgeBase,
) -> Option<Decision> {
    let decision = without_rejected(decide_question(text, &[], kb), text, rejected, kb);
    if matches!(
        decision,
        Decision::Answer { .. } | Decision::Clarify { .. } | Decision::Escalate { .. }
    ) {
        return Some(decision);
    }
    let topic = topic?;
    let (words, _) = topic::content(kb, text);
    topic::better_related(kb, topic, &words, rejected, false).map(|entry| for_entry(kb, entry))
}

/// The decision for a message that corrects the bot's last reply, if it is
/// one.
pub(super) fn decide(
    text: &str,
    conversation: &Conversation,
    kb: &KnowledgeBase,
) -> Option<Decision> {
    let topic = topic::current(conversation, kb);
    let offered: Vec<usize> = conversation
        .offered
        .iter()
        .filter_map(|id| kb.ordinal(id.as_str()))
        .collect();
    if topic.is_none() && offered.is_empty() {
        return None;
    }
    let said = read(text)?;
    let meant_text = said.meant.join(" ");
    // "No, I meant the water is pouring through the ceiling" is an
    // emergency before it is a correction.
    if !meant_text.is_empty()
        && matches!(
            decide_question(&meant_text, &[], kb),
            Decision::Escalate {
                priority: Priority::Urgent,
                ..
            }
        )
    {
        return None;
    }
    // "No, the second one": a pick among the options, not a rejection.
    if let Some(entry) =
        choice::picked(&meant_text, &offered, kb).filter(|_| !said.meant.is_empty())
    {
        return Some(for_entry(kb, entry));
    }
    // "No, the shop licence" when asked which licence: the bot had not
    // answered yet, so what the citizen means, if it is one of the options,
    // is their pick.
    if !said.meant.is_empty() && !offered.is_empty() {
        let decision = decide_question(&meant_text, &offered, kb);
        if matches!(decision, Decision::Answer { entry } if offered.contains(&entry)) {
            return Some(decision);
        }
    }
    // What was wrong: the options that the negated words name, else all
    // the options just offered, else the topic just answered.
    let (wrong_words, _) = topic::content(kb, &said.wrong.join(" "));
    let shown: Vec<usize> = if offered.is_empty() {
        topic.into_iter().collect()
    } else {
        offered.clone()
    };
    let named: Vec<usize> = shown
        .iter()
        .copied()
        .filter(|&entry| {
            let entry_text = EntryText::of(kb, entry);
            wrong_words
                .iter()
                .any(|word| entry_text.strength(word) >= 2)
        })
        .collect();
    if said.weak && named.is_empty() {
        // "Not X, Y" where X is not what the bot said: no correction, but
        // X is not the question either.
        return (!said.meant.is_empty())
            .then(|| super::context::read(&meant_text, &offered, conversation, kb));
    }
    let mut rejected = rejected(conversation, kb);
    for entry in if named.is_empty() { shown } else { named } {
        if !rejected.contains(&entry) {
            rejected.push(entry);
        }
    }
    let asked = conversation.thread.asked.as_str();
    let then = if conversation.thread.corrections >= 1 {
        Decision::OfferPerson {
            candidates: alternatives(
                if meant_text.is_empty() {
                    asked
                } else {
                    &meant_text
                },
                &rejected,
                kb,
            ),
        }
    } else {
        let instead = (!meant_text.is_empty())
            .then(|| meant(&meant_text, topic, &rejected, kb))
            .flatten();
        instead.unwrap_or_else(|| match alternatives(asked, &rejected, kb) {
            candidates if candidates.is_empty() => Decision::Fallback,
            candidates => Decision::Clarify { candidates },
        })
    };
    Some(Decision::Correction {
        rejected,
        then: Box::new(then),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        Message::read(text).words()
    }

    #[test]
    fn what_was_meant_follows_the_cue() {
        let said = read("sorry, not electricity, I meant the water bill").unwrap();
        assert_eq!(said.meant, words("the water bill"));
        assert_eq!(said.wrong, words("electricity"));
        assert!(!said.weak);
        let said = read("لا مو هذا، قصدي موعد في المكتب").unwrap();
        assert_eq!(said.meant, words("موعد في المكتب"));
    }

    #[test]
    fn a_rejection_alone_means_nothing_else_was_said() {
        for text in ["not that", "غلط", "No.", "that's not it", "مش ده"] {
            let said = read(text).unwrap_or_else(|| panic!("{text:?} is a correction"));
            assert!(said.meant.is_empty(), "{text:?}: {said:?}");
        }
    }

    #[test]
    fn a_leading_negation_names_what_was_wrong() {
        let said = read("مو تجديد، جوازي ضاع").unwrap();
        assert_eq!(said.wrong, words("تجديد"));
        assert_eq!(said.meant, words("جوازي ضاع"));
        assert!(said.weak);
        let said = read("not the renewal but the lost one").unwrap();
        assert_eq!(said.wrong, words("renewal"));
        assert_eq!(said.meant, words("the lost one"));
    }

    #[test]
    fn questions_that_merely_start_with_no_are_not_corrections() {
        for text in [
            "no water since the morning",
            "لا يوجد ماء في البيت",
            "مو قادر ادخل على حسابي في البوابة",
            "how do I renew my passport?",
        ] {
            assert_eq!(read(text), None, "{text:?}");
        }
    }
}
