//! The citizen-experience events a bot turn makes for the desk: a case
//! opened, a rating and its comment (`cx`). Recorded after the commit,
//! with the turn's announcements.

use super::{EscalationEvent, Report};
use crate::conversation::{Conversation, Handoff, Rating, now_ms};
use crate::cx::{CxEvent, EventKind};

pub(super) fn escalated_event(
    conversation: &Conversation,
    escalation: &EscalationEvent,
    team: &str,
    report: Option<&Report>,
) -> CxEvent {
    let id = &conversation.id;
    let mut event = CxEvent::new(EventKind::Escalated, now_ms(), id, id.channel());
    event.language = conversation.language;
    event.reason = Some(escalation.reason);
    event.priority = Some(escalation.priority);
    event.team = Some(team.to_owned());
    event.entry = escalation.entry_id.as_ref().map(|entry| entry.to_string());
    if let Handoff::Waiting { category, .. } = &conversation.handoff {
        event.category = category.clone();
    }
    event.district = escalation.area.as_ref().map(|area| area.id.clone());
    event.incident = report.map(|report| report.incident.id.clone());
    event
}

/// A new rating is `rated` (and `commented` when it came with a comment);
/// the same rating stored again with a comment is `commented`.
pub(super) fn rating_events(
    before: Option<&Rating>,
    rating: &Rating,
    conversation: &Conversation,
) -> Vec<CxEvent> {
    let id = &conversation.id;
    let event = |kind| {
        let mut event = CxEvent::new(kind, now_ms(), id, id.channel());
        event.language = conversation.language;
        event.rating = Some(rating.score);
        event.agent = rating.agent.clone();
        event.team = rating.team.clone();
        event
    };
    let same_rating = before.is_some_and(|before| {
        before.at_ms == rating.at_ms && before.score == rating.score && before.agent == rating.agent
    });
    let mut events = Vec::new();
    if !same_rating {
        events.push(event(EventKind::Rated));
    }
    if let Some(comment) = &rating.comment
        && before.and_then(|before| before.comment.as_ref()) != Some(comment)
    {
        let mut commented = event(EventKind::Commented);
        commented.text = Some(comment.clone());
        events.push(commented);
    }
    events
}
