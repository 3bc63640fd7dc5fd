//! A reply to options the bot offered (clarify buttons, a topic menu): by
//! number ("2", "٢"), ordinal or counting word in either language and the
//! dialects ("the second one", "التانية", "اللي تحت"), by title, or by a
//! close paraphrase of one title ("the water one").

use super::button::ButtonAction;
use crate::kb::KnowledgeBase;
use crate::language::conversation::{Message, Position, WORDS};
use crate::language::text::normalize_arabic;

/// A paraphrase picks an option when that option's words explain at least
/// this share of the message...
const PARAPHRASE_MIN_COVERAGE: f32 = 0.5;
/// ...and clearly more than any other option does (a share of the best).
const PARAPHRASE_MIN_LEAD: f32 = 0.25;

/// The button of the last reply that a message picks by position ("2",
/// "the first one"), when that reply offered buttons but no choices (an
/// answer's related entries, a greeting's topics). Buttons that hand the
/// citizen to a person (an outage entry, "talk to a person") are not
/// picked this way: a number meant for choices the bot did not offer must
/// not put anyone in the urgent queue.
pub fn picked_button(text: &str, buttons: &[String], kb: &KnowledgeBase) -> Option<ButtonAction> {
    let position = WORDS.choice.position(&Message::read(text).words())?;
    let id = match position {
        Position::Nth(n) => buttons.get(n.checked_sub(1)?)?,
        Position::Last => buttons.last()?,
    };
    match ButtonAction::parse(id)? {
        ButtonAction::Entry(entry) => kb
            .get(&entry)
            .filter(|entry| entry.escalate.is_none())
            .map(|_| ButtonAction::Entry(entry)),
        button @ (ButtonAction::Topic(_) | ButtonAction::MainTopics) => Some(button),
        _ => None,
    }
}

/// Whether the message is nothing but a position ("2", "the second one"):
/// with nothing to pick from, it is no question either.
pub fn names_a_position(text: &str) -> bool {
    WORDS
        .choice
        .position(&Message::read(text).words())
        .is_some()
}

/// The offered entry the message picks, if it picks one.
pub fn picked(text: &str, offered: &[usize], kb: &KnowledgeBase) -> Option<usize> {
    if offered.is_empty() {
        return None;
    }
    let message = Message::read(text);
    if let Some(position) = WORDS.choice.position(&message.words()) {
        return match position {
            Position::Nth(n) => n.checked_sub(1).and_then(|i| offered.get(i)).copied(),
            Position::Last => offered.last().copied(),
        };
    }
    by_title(text, offered, kb).or_else(|| by_paraphrase(text, offered, kb))
}

fn by_title(text: &str, offered: &[usize], kb: &KnowledgeBase) -> Option<usize> {
    let wanted = normalize_arabic(text.trim()).to_lowercase();
    offered.iter().copied().find(|&entry| {
        kb.entry(entry)
            .sides()
            .any(|(_, side)| normalize_arabic(&side.title).to_lowercase() == wanted)
    })
}

/// The option whose questions, keywords and title explain the message
/// best, when one clearly does: a citizen answering "which of these?"
/// names it in their own words. An option the message does not explain
/// at least half of is no pick: the citizen moved on to something else.
fn by_paraphrase(text: &str, offered: &[usize], kb: &KnowledgeBase) -> Option<usize> {
    let query = kb.read(text);
    if query.is_empty() {
        return None;
    }
    let mut hits = kb.search_among(&query, offered);
    hits.sort_by(|a, b| b.coverage.total_cmp(&a.coverage));
    let best = hits.first()?;
    let runner_up = hits.get(1).map_or(0.0, |hit| hit.coverage);
    let clear = best.coverage >= PARAPHRASE_MIN_COVERAGE
        && best.coverage - runner_up >= PARAPHRASE_MIN_LEAD * best.coverage;
    // Another entry that explains the message better means a new question.
    let elsewhere = kb
        .search(&query, 1)
        .first()
        .is_some_and(|top| !offered.contains(&top.entry) && top.coverage > best.coverage);
    (clear && !elsewhere).then_some(best.entry)
}
