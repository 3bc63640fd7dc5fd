//! Decides what the bot does with a message and words the reply. Knows
//! nothing of HTTP, platforms or storage: a channel hands it a message and a
//! conversation, it hands back a [`Reply`] and the updated conversation.

mod button;
mod choice;
mod closing;
mod confidence;
mod context;
mod correction;
mod decide;
pub mod language;
mod location;
mod render;
mod returning;
pub mod switch;
pub mod topic;

pub use button::{ButtonAction, RATING_SCORES};
pub use decide::{Decision, decide};
pub use render::{rating_request, resolved_closing};

// The messages a turn takes and gives belong to every layer; dialogue is
// where most code meets them.
pub use crate::message::{Attachment, Button, Incoming, OutgoingMessage, Reply};

use crate::conversation::{
    Action, Conversation, Handoff, Rating, RatingRequest, Speaker, Turn, now_ms,
};
use crate::i18n::{Lang, Localizer, Msg};
use crate::kb::{GeoPoint, KnowledgeBase};
use crate::language::sentiment;

/// Handles one message: picks the language, decides, words the reply and
/// records both sides in `conversation`.
pub fn respond(
    incoming: &Incoming,
    conversation: &mut Conversation,
    kb: &KnowledgeBase,
    localizer: &Localizer,
) -> Reply {
    let now = now_ms();
    topic::expire(conversation, now);
    let lang = language::choose(
        incoming
            .forced_language
            .or_else(|| switch::requested(&incoming.text)),
        conversation.language.or(conversation.memory.language),
        incoming.language_hint,
        language::detect(&incoming.text),
    );
    conversation.language = Some(lang);
    // A pressed button's title is the bot's words, not the citizen's.
    let feeling = if incoming.button.is_some() {
        None
    } else {
        sentiment::read(&incoming.text)
    };
    let sentiment = feeling.map(|feeling| feeling.score);
    note_area(incoming, conversation, kb);
    if let Some(attachment) = incoming.attachment {
        let mut reply = respond_to_attachment(attachment, incoming, lang, conversation, localizer);
        reply.sentiment = sentiment;
        return reply;
    }
    let button = incoming.button.as_deref().and_then(ButtonAction::parse);
    let frustrated = feeling.is_some_and(|feeling| feeling.frustrated);
    let decision = decide(
        &incoming.text,
        button.as_ref(),
        frustrated,
        conversation,
        kb,
    );
    let chosen = button.is_some()
        || matches!(decision, Decision::Answer { entry } if conversation.offered.contains(&kb.entry(entry).id));
    let confidence = confidence::band(&decision, &incoming.text, chosen, kb);
    let rendered = render::render(&decision, lang, kb, localizer);
    if decision == Decision::Forget {
        // Erased: the reply is all that is left, and the store deletes
        // the memory it finds empty.
        *conversation = Conversation::new(conversation.id.clone());
        return Reply {
            conversation_id: conversation.id.to_string(),
            language: lang,
            action: rendered.action,
            entry_id: None,
            candidates: Vec::new(),
            messages: rendered.messages,
            sentiment,
            confidence: None,
        };
    }
    apply(&decision, &incoming.text, &rendered, conversation, kb);
    // After deciding: a greeting is a welcome back only for a citizen
    // remembered from before this message.
    conversation.memory.language = Some(lang);

    conversation.record(Turn {
        at_ms: now,
        speaker: Speaker::Citizen,
        text: incoming.text.clone(),
        action: None,
        entry_id: None,
    });
    if !rendered.messages.is_empty() {
        conversation.record(Turn {
            at_ms: now,
            speaker: Speaker::Bot,
            text: rendered
                .messages
                .iter()
                .map(|message| message.text.as_str())
                .collect::<Vec<_>>()
                .join("\n\n"),
            action: Some(rendered.action),
            entry_id: rendered.entry_id.clone(),
        });
    }
    Reply {
        conversation_id: conversation.id.to_string(),
        language: lang,
        action: rendered.action,
        entry_id: rendered.entry_id,
        candidates: rendered.candidates,
        messages: rendered.messages,
        sentiment,
        confidence,
    }
}

/// A photo, voice note or the like: recorded for agents, answered with a
/// kind word that only text is read for now, and no decision taken.
fn respond_to_attachment(
    attachment: Attachment,
    incoming: &Incoming,
    lang: Lang,
    conversation: &mut Conversation,
    localizer: &Localizer,
) -> Reply {
    let now = now_ms();
    let caption = incoming.text.trim();
    conversation.record(Turn {
        at_ms: now,
        speaker: Speaker::Citizen,
        text: if caption.is_empty() {
            format!("[{}]", attachment.name())
        } else {
            format!("[{}] {caption}", attachment.name())
        },
        action: None,
        entry_id: None,
    });
    let with_humans = conversation.handoff.is_with_humans();
    let (action, message) = if with_humans {
        (
            Action::Agent,
            OutgoingMessage {
                text: localizer.text(lang, Msg::AttachmentForAgent),
                buttons: Vec::new(),
            },
        )
    } else {
        (
            Action::Fallback,
            OutgoingMessage {
                text: localizer.text(lang, Msg::AttachmentNotRead),
                buttons: vec![
                    Button {
                        id: ButtonAction::TalkToAgent.id(),
                        title: localizer.text(lang, Msg::ButtonTalkToAgent),
                    },
                    Button {
                        id: ButtonAction::MainTopics.id(),
                        title: localizer.text(lang, Msg::ButtonMainTopics),
                    },
                ],
            },
        )
    };
    conversation.record(Turn {
        at_ms: now,
        speaker: Speaker::Bot,
        text: message.text.clone(),
        action: Some(action),
        entry_id: None,
    });
    Reply {
        conversation_id: conversation.id.to_string(),
        language: lang,
        action,
        entry_id: None,
        candidates: Vec::new(),
        messages: vec![message],
        sentiment: None,
        confidence: None,
    }
}

/// Remembers where a citizen shared their location from or said they are,
/// and completes a waiting case that did not say where it is when the
/// citizen now does (the desk then moves it to that area's incident).
fn note_area(incoming: &Incoming, conversation: &mut Conversation, kb: &KnowledgeBase) {
    let shared = incoming
        .location
        .filter(GeoPoint::is_valid)
        .map(|point| kb.area_at(point));
    let said = location::read(&incoming.text, kb).map(|located| located.area);
    let area = said.or(shared);
    if area.is_some() {
        conversation.shared_area = area.clone();
        conversation.memory.area = area.clone();
    }
    if let Handoff::Waiting {
        area: waiting @ None,
        ..
    } = &mut conversation.handoff
    {
        *waiting = area;
    }
}

/// What the decision changes in the conversation.
fn apply(
    decision: &Decision,
    text: &str,
    rendered: &render::Rendered,
    conversation: &mut Conversation,
    kb: &KnowledgeBase,
) {
    conversation.offered = rendered.candidates.clone();
    conversation.thread.buttons = if rendered.candidates.is_empty() {
        rendered
            .messages
            .iter()
            .flat_map(|message| &message.buttons)
            .map(|button| button.id.clone())
            .collect()
    } else {
        Vec::new()
    };
    let (decision, correction) = match decision {
        Decision::Correction { rejected, then } => (then.as_ref(), Some(rejected.as_slice())),
        decision => (decision, None),
    };
    topic::note(decision, text, correction, conversation, kb);
    if !matches!(decision, Decision::RelayToAgent { .. }) {
        conversation.consecutive_fallbacks = match decision {
            Decision::Fallback | Decision::OfferPerson { .. } => {
                conversation.consecutive_fallbacks + 1
            }
            _ => 0,
        };
    }
    // A rating (or a comment) is asked for once: any other reply starts a
    // fresh bot turn.
    let rating_request = conversation.rating_request.take();
    conversation.awaiting_comment = matches!(decision, Decision::AskComment)
        && conversation
            .ratings
            .back()
            .is_some_and(|rating| rating.comment.is_none());
    match decision {
        Decision::Commented => {
            if let Some(rating) = conversation.ratings.back_mut() {
                rating.comment = Some(text.trim().to_owned());
            }
        }
        Decision::Answer { entry } | Decision::FollowUp { entry } => {
            let id = kb.entry(*entry).id.clone();
            conversation.memory.note_answer(&id, now_ms());
            conversation.last_entry = Some(id);
        }
        Decision::Closing {
            ask_rating: true, ..
        } => {
            // The bot's answers: the desk names the team when it stores
            // the rating.
            conversation.rating_request = Some(RatingRequest {
                agent: None,
                team: None,
            });
            conversation.bot_rating_asked = true;
        }
        Decision::Rated { score } => {
            if let Some(request) = rating_request {
                conversation.record_rating(Rating {
                    agent: request.agent,
                    team: request.team,
                    score: *score,
                    at_ms: now_ms(),
                    comment: None,
                });
            }
        }
        Decision::Escalate {
            entry,
            reason,
            priority,
        } => {
            let entry_id = entry.map(|entry| kb.entry(entry).id.clone());
            // The matched entry routes the case; without one, what the
            // citizen asked about last.
            let category = entry
                .or_else(|| {
                    conversation
                        .last_entry
                        .as_ref()
                        .and_then(|id| kb.ordinal(id.as_str()))
                })
                .map(|entry| kb.entry(entry).category.clone());
            if entry_id.is_some() {
                conversation.last_entry = entry_id.clone();
            }
            conversation.memory.note_escalation(
                entry_id.as_ref(),
                *priority == crate::conversation::Priority::Urgent,
                now_ms(),
            );
            let area = kb
                .area_named_in(text)
                .cloned()
                .or_else(|| conversation.shared_area.clone())
                .or_else(|| conversation.memory.area.clone());
            conversation.handoff = Handoff::Waiting {
                reason: *reason,
                priority: *priority,
                entry_id,
                since_ms: now_ms(),
                acknowledged: false,
                category,
                team: None,
                area,
                incident_id: None,
                breaches: Vec::new(),
            };
        }
        Decision::RelayToAgent { .. } => {
            if let Handoff::Waiting { acknowledged, .. } | Handoff::WithAgent { acknowledged, .. } =
                &mut conversation.handoff
            {
                *acknowledged = true;
            }
        }
        _ => {}
    }
}
