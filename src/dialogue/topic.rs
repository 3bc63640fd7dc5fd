//! The conversation's current topic, and questions read against it.
//!
//! The topic is the entry last answered; it lasts [`TOPIC_LIFETIME_MS`]
//! from that answer, ends when the bot cannot answer something, and is
//! replaced by the next answer. A message that follows up ("how much?",
//! "وين؟", "and if I renew it late?") is read against it: the words the
//! citizen uses are looked up in the topic's own text (its questions,
//! keywords and title, and also its answer, which is what the citizen just
//! read) and in its `related` entries. The topic is answered again when
//! it explains the message at least as well as any related entry; a
//! related entry is answered when it explains a word the topic does not
//! know at all, or clearly more of the message. A message that names
//! another topic outright ("how do I renew my passport?") starts that one.
//!
//! A follow-up on the same topic gets its whole answer again, introduced
//! as such. Cutting out "the part that fits" was tried on paper and left
//! out: answers are short, and the paragraph sharing the most words with
//! "كم الرسوم؟" is "pay the fees", not the one with the amount.

use std::collections::HashSet;

use super::decide::{Decision, for_entry};
use crate::conversation::{Conversation, now_ms};
use crate::kb::{EntryTerms, KnowledgeBase};
use crate::language::conversation::{Message, WORDS};

/// A topic is current for this long after it was last answered.
pub const TOPIC_LIFETIME_MS: i64 = 30 * 60 * 1000;

/// How strongly an entry's text knows a word: in its title or keywords
/// (what it is about), or in its questions (how citizens ask, generic words
/// included); only in its answer counts 1.
const NAMED: u32 = 3;
const ASKED: u32 = 2;

/// How much more of a message a related entry must explain than the topic
/// to be answered instead, without a word the topic does not know:
/// one word of its questions against the same word in the topic's answer
/// is not enough, two are.
const RELATED_MIN_LEAD: u32 = 2;

/// Ends a topic that has not been touched for [`TOPIC_LIFETIME_MS`]; the
/// dialogue calls it with the time of the message, before deciding.
pub fn expire(conversation: &mut Conversation, now_ms: i64) {
    let thread = &mut conversation.thread;
    if thread.topic.is_some() && now_ms.saturating_sub(thread.at_ms) > TOPIC_LIFETIME_MS {
        thread.topic = None;
    }
}

/// The current topic, when it is still in the knowledge base.
pub(super) fn current(conversation: &Conversation, kb: &KnowledgeBase) -> Option<usize> {
    let id = conversation.thread.topic.as_ref()?;
    kb.ordinal(id.as_str())
}

/// A message's words that can name a topic, each with the index terms it
/// may stand for, and whether it greeted or thanked.
pub(super) fn content(kb: &KnowledgeBase, text: &str) -> (Vec<Vec<String>>, bool) {
    let query = kb.read(text);
    let words = query
        .content()
        .map(|word| word.terms.iter().map(|(term, _)| term.clone()).collect())
        .collect();
    (words, query.greeted)
}

/// How an entry's text explains a citizen's words (its analysed terms are
/// kept with the knowledge base, so reading them costs nothing per message).
pub(super) struct EntryText<'kb> {
    terms: &'kb EntryTerms,
}

impl<'kb> EntryText<'kb> {
    pub fn of(kb: &'kb KnowledgeBase, entry: usize) -> Self {
        Self {
            terms: kb.entry_terms(entry),
        }
    }

    /// [`NAMED`] when the entry's title or keywords know the word,
    /// [`ASKED`] when its questions do, 1 when only its answer does, 0
    /// otherwise.
    pub fn strength(&self, word: &[String]) -> u32 {
        let knows = |terms: &HashSet<String>| word.iter().any(|term| terms.contains(term));
        if knows(&self.terms.named) {
            NAMED
        } else if knows(&self.terms.asked) {
            ASKED
        } else if knows(&self.terms.answered) {
            1
        } else {
            0
        }
    }

    pub fn score(&self, words: &[Vec<String>]) -> u32 {
        words.iter().map(|word| self.strength(word)).sum()
    }

    /// How many of the words its questions, keywords or title know.
    pub fn described(&self, words: &[Vec<String>]) -> usize {
        words
            .iter()
            .filter(|word| self.strength(word) >= ASKED)
            .count()
    }

    /// Whether the message holds more than half of one of its titles: it
    /// names this topic ("the fine objection") rather than touching one of
    /// its words ("the objection").
    pub fn named_by(&self, words: &[Vec<String>]) -> bool {
        self.terms.titles.iter().any(|title| {
            let held = title
                .iter()
                .filter(|term| words.iter().any(|word| word.contains(term)))
                .count();
            2 * held > title.len()
        })
    }
}

/// What a message says about continuing the conversation.
pub(super) struct Cues {
    /// It asks for a detail, continues ("and..."), or points back ("it").
    pub follow_up: bool,
    /// It asks for a detail ("how much", "how long", "where"): of the
    /// topic at hand, unless it names another one outright.
    pub detail: bool,
    /// The message without those words, for retrieval.
    pub rest: String,
}

pub(super) fn cues(text: &str) -> Cues {
    let words = Message::read(text).words();
    let follow_up = &WORDS.follow_up;
    let detail = follow_up.details.contains(&words);
    let found = detail
        || follow_up.questions.contains(&words)
        || follow_up.references.contains(&words)
        || follow_up.continuations.at(&words, 0).is_some()
        || words.first().is_some_and(|first| glued_and(first));
    let mut rest = words;
    for cue in [
        &follow_up.continuations,
        &follow_up.details,
        &follow_up.questions,
        &follow_up.references,
    ] {
        rest = cue.remove(&rest);
    }
    Cues {
        follow_up: found,
        detail,
        rest: rest.join(" "),
    }
}

/// An Arabic word with "and" written onto it ("ومحتاج اروح؟", "and do I
/// have to go?"): a message opening with one continues the last. A word
/// of three letters or fewer is more often a word of its own (وين، وقت).
fn glued_and(word: &str) -> bool {
    word.strip_prefix('و')
        .is_some_and(|rest| rest.chars().count() >= 3)
}

/// The topic's related entry that explains `words` better than the topic
/// itself, if one does: it knows a word the topic is not about ("can I pay
/// it with Mada?"), from its title or keywords when the message asks for a
/// detail; or it explains clearly more of the message (for a detail: all of
/// it, where the topic does not).
pub(super) fn better_related(
    kb: &KnowledgeBase,
    topic: usize,
    words: &[Vec<String>],
    rejected: &[usize],
    detail: bool,
) -> Option<usize> {
    let own = EntryText::of(kb, topic);
    let own_score = own.score(words);
    // Words the topic is not about: unknown to it, or only mentioned in
    // passing in its answer ("a burial" in the answer on cemeteries).
    let unknown: Vec<&Vec<String>> = words.iter().filter(|w| own.strength(w) <= 1).collect();
    let mut best: Option<(usize, u32)> = None;
    for related in answerable_related(kb, topic, rejected) {
        let text = EntryText::of(kb, related);
        let score = text.score(words);
        // A detail of the topic ("how many days before?") is pulled away
        // only by what another entry is about, not by how it is asked.
        let needed = if detail { NAMED } else { ASKED };
        let names_unknown = unknown.iter().any(|word| text.strength(word) >= needed);
        // For a detail: every word is one it is asked about, and not so
        // for the topic ("what papers do I need for the burial?").
        let explains_more = if detail {
            words.iter().all(|word| text.strength(word) >= ASKED)
                && !words.iter().all(|word| own.strength(word) >= ASKED)
        } else {
            score >= own_score + RELATED_MIN_LEAD
        };
        if (names_unknown || explains_more) && best.is_none_or(|(_, seen)| score > seen) {
            best = Some((related, score));
        }
    }
    best.map(|(entry, _)| entry)
}

/// The topic's related entries that the bot answers itself (not those that
/// hand over to a person) and the citizen has not rejected.
fn answerable_related(kb: &KnowledgeBase, topic: usize, rejected: &[usize]) -> Vec<usize> {
    kb.entry(topic)
        .related
        .iter()
        .filter_map(|id| kb.ordinal(id.as_str()))
        .filter(|&entry| kb.entry(entry).escalate.is_none() && !rejected.contains(&entry))
        .collect()
}

/// `base` (what the message would get on its own) reconsidered against
/// the current topic.
pub(super) fn in_context(
    text: &str,
    base: Decision,
    conversation: &Conversation,
    kb: &KnowledgeBase,
    rejected: &[usize],
) -> Decision {
    let Some(topic) = current(conversation, kb) else {
        return base;
    };
    let standalone: Vec<usize> = match &base {
        Decision::Answer { entry } => vec![*entry],
        Decision::Clarify { candidates } => candidates.clone(),
        Decision::Fallback => Vec::new(),
        // Outages, greetings, districts: the topic has nothing to add.
        _ => return base,
    };
    let cues = cues(text);
    let (words, greeted) = content(kb, &cues.rest);
    if greeted && !cues.follow_up {
        return base;
    }
    if rejected.contains(&topic) {
        // Not that topic, but still its neighbourhood: "not renewal... I
        // lost it" is about the lost passport.
        return match (
            &base,
            better_related(kb, topic, &words, rejected, cues.detail),
        ) {
            (Decision::Fallback, Some(related)) => for_entry(kb, related),
            _ => base,
        };
    }
    let follow_up = Decision::FollowUp { entry: topic };
    if words.is_empty() {
        // Nothing but "how much?" or "and where?".
        return if cues.follow_up { follow_up } else { base };
    }
    if let Some(related) = better_related(kb, topic, &words, rejected, cues.detail) {
        return for_entry(kb, related);
    }
    let own = EntryText::of(kb, topic);
    let own_score = own.score(&words);
    let own_described = own.described(&words);
    let related = answerable_related(kb, topic, rejected);
    // An entry of its own reading that is neither the topic nor related:
    // a new topic when it explains more than the topic and, if the
    // message reads as a follow-up, names that entry outright: most of its
    // title; or, unless it asks for a detail ("and how long does the
    // objection take?" is still about the bill), two words of what it is
    // for ("and how do I register the birth?").
    let new_topic = standalone
        .iter()
        .filter(|&&entry| entry != topic && !related.contains(&entry))
        .any(|&entry| {
            let text = EntryText::of(kb, entry);
            let described = text.described(&words);
            text.score(&words) > own_score
                && (!cues.follow_up
                    || text.named_by(&words)
                    || (!cues.detail && described >= 2 && described > own_described))
        });
    if new_topic {
        base
    } else if own_score > 0 || cues.follow_up {
        follow_up
    } else {
        base
    }
}

/// What a turn's decision changes in the conversation's thread: the topic
/// it answered, or the end of the topic when the bot could not answer or
/// handed over; and the rejected entries of a run of corrections, which
/// end with the first turn that is not one.
pub(super) fn note(
    decision: &Decision,
    text: &str,
    correction: Option<&[usize]>,
    conversation: &mut Conversation,
    kb: &KnowledgeBase,
) {
    let thread = &mut conversation.thread;
    match decision {
        Decision::Answer { entry } | Decision::FollowUp { entry } => {
            let id = kb.entry(*entry).id.clone();
            if thread.topic.as_ref() != Some(&id) {
                text.clone_into(&mut thread.asked);
            }
            thread.topic = Some(id);
            thread.at_ms = now_ms();
        }
        Decision::Fallback | Decision::OfferPerson { .. } | Decision::Escalate { .. } => {
            thread.topic = None;
        }
        _ => {}
    }
    match correction {
        Some(rejected) => {
            thread.rejected = rejected
                .iter()
                .map(|&entry| kb.entry(entry).id.clone())
                .collect();
            thread.corrections += 1;
        }
        None => {
            thread.rejected.clear();
            thread.corrections = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_ups_are_told_by_their_cues() {
        let read = |text: &str| {
            let cues = cues(text);
            (cues.follow_up, cues.detail)
        };
        assert_eq!(read("how much?"), (true, true));
        assert_eq!(read("وقديش الغرامة؟"), (true, true));
        assert_eq!(read("and for my kids?"), (true, false));
        assert_eq!(read("ومحتاج اروح بنفسي؟"), (true, false));
        assert_eq!(read("do I have to go to an office for that?"), (true, true));
        assert_eq!(read("I want to renew my passport"), (false, false));
        assert_eq!(read("وين"), (true, true), "a question word of its own");
        assert_eq!(
            read("is there a fee?"),
            (true, true),
            "what every service has"
        );
        assert_eq!(read("وش الرسوم؟"), (true, true));
    }

    #[test]
    fn cue_words_are_left_out_of_what_retrieval_reads() {
        assert_eq!(cues("وكم ياخذ الاعتراض؟").rest, "ياخذ الاعتراض");
        assert_eq!(cues("and how long does it take?").rest, "long take");
        assert_eq!(cues("وكم رسومها؟").rest, "", "nothing left to name a topic");
    }
}
