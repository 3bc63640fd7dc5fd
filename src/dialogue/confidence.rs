//! How sure the bot was of a reply, in the bands the citizen-experience
//! events carry (`cx::Confidence`): editors read the texts of low-confidence
//! answers beside fallbacks. The bands come from the knowledge base's own
//! calibration (`kb::calibration`), never from a score fitted to one
//! agency's messages: an answer is as sure as the room by which its match
//! clears that base's cut-offs.

use super::decide::Decision;
use crate::cx::Confidence;
use crate::kb::KnowledgeBase;

/// An answer whose match clears the cut-offs by less than this share of
/// the room above them is near the line: low. A product choice (a tenth of
/// the room), the same for every base.
const NEAR_THE_CUT_OFF: f32 = 0.1;
/// An answer that clears them by at least this share is well above: high.
const WELL_ABOVE: f32 = 0.4;

/// The band of a decision: what the citizen chose (`chosen`: a button, one
/// of the entries the bot offered; a follow-up, a menu) is high; a direct answer is read from its match; a clarifying
/// question is low; nothing answered (fallback, escalation, a greeting, a
/// relay to an agent) has none.
pub(super) fn band(
    decision: &Decision,
    text: &str,
    chosen: bool,
    kb: &KnowledgeBase,
) -> Option<Confidence> {
    match decision {
        Decision::Answer { .. } if chosen => Some(Confidence::High),
        Decision::Answer { entry } => Some(answer_band(text, *entry, kb)),
        Decision::FollowUp { .. } | Decision::TopicMenu { .. } => Some(Confidence::High),
        Decision::Clarify { .. } => Some(Confidence::Low),
        Decision::Correction { then, .. } => band(then, text, chosen, kb),
        _ => None,
    }
}

/// An answer's band from how far its match clears the base's cut-offs; an
/// answer the message's own match does not explain (read with the
/// conversation's context, or with the calibration off) is medium.
fn answer_band(text: &str, entry: usize, kb: &KnowledgeBase) -> Confidence {
    let calibration = kb.calibration();
    let hit = kb.judge(&kb.read(text), entry);
    let headroom = calibration.fits(&hit).then(|| calibration.headroom(&hit));
    match headroom {
        Some(headroom) if headroom >= WELL_ABOVE => Confidence::High,
        Some(headroom) if headroom < NEAR_THE_CUT_OFF => Confidence::Low,
        _ => Confidence::Medium,
    }
}
