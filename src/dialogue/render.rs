//! Words a decision: knowledge-base answers in the conversation's language,
//! everything else from the locales.

use fluent_bundle::FluentValue;

use super::decide::{ButtonAction, Decision};
use super::{Button, OutgoingMessage};
use crate::conversation::{Action, EscalationReason};
use crate::i18n::{Lang, Localizer, Msg};
use crate::kb::{EntryId, KnowledgeBase};

pub struct Rendered {
    pub action: Action,
    pub entry_id: Option<EntryId>,
    /// Entries offered as choices.
    pub candidates: Vec<EntryId>,
    pub messages: Vec<OutgoingMessage>,
}

fn entry_button(kb: &KnowledgeBase, entry: usize, lang: Lang) -> Button {
    let entry = kb.entry(entry);
    Button {
        id: ButtonAction::Entry(entry.id.to_string()).id(),
        title: entry.localized_or_other(lang).0.title.clone(),
    }
}

fn topic_buttons(kb: &KnowledgeBase, lang: Lang, localizer: &Localizer) -> Vec<Button> {
    kb.categories()
        .map(|(category, _)| Button {
            id: ButtonAction::Topic(category.to_owned()).id(),
            title: localizer.topic(lang, category),
        })
        .collect()
}

fn agent_button(lang: Lang, localizer: &Localizer) -> Button {
    Button {
        id: ButtonAction::TalkToAgent.id(),
        title: localizer.text(lang, Msg::ButtonTalkToAgent),
    }
}

/// The entry's answer in `lang`, or in the other language with a word of
/// explanation when editors have not written this one yet.
fn answer_messages(
    kb: &KnowledgeBase,
    entry: usize,
    lang: Lang,
    localizer: &Localizer,
) -> Vec<OutgoingMessage> {
    let item = kb.entry(entry);
    let (side, written_in) = item.localized_or_other(lang);
    let text = if written_in == lang {
        side.answer.clone()
    } else {
        format!(
            "{}\n\n{}",
            localizer.text(lang, Msg::AnswerInOtherLanguage),
            side.answer
        )
    };
    let buttons = item
        .related
        .iter()
        .filter_map(|id| kb.ordinal(id.as_str()))
        .map(|related| entry_button(kb, related, lang))
        .collect();
    vec![OutgoingMessage { text, buttons }]
}

fn text_only(text: String) -> OutgoingMessage {
    OutgoingMessage {
        text,
        buttons: Vec::new(),
    }
}

pub fn render(
    decision: &Decision,
    lang: Lang,
    kb: &KnowledgeBase,
    localizer: &Localizer,
) -> Rendered {
    let id_of = |entry: usize| kb.entry(entry).id.clone();
    match decision {
        Decision::Answer { entry } => Rendered {
            action: Action::Answer,
            entry_id: Some(id_of(*entry)),
            candidates: Vec::new(),
            messages: answer_messages(kb, *entry, lang, localizer),
        },
        Decision::Clarify { candidates } => Rendered {
            action: Action::Clarify,
            entry_id: None,
            candidates: candidates.iter().map(|&entry| id_of(entry)).collect(),
            messages: vec![OutgoingMessage {
                text: localizer.text(lang, Msg::ClarifyPrompt),
                buttons: candidates
                    .iter()
                    .map(|&entry| entry_button(kb, entry, lang))
                    .collect(),
            }],
        },
        Decision::TopicMenu { category, entries } => Rendered {
            action: Action::Clarify,
            entry_id: None,
            candidates: entries.iter().map(|&entry| id_of(entry)).collect(),
            messages: vec![OutgoingMessage {
                text: localizer.text_with(
                    lang,
                    Msg::TopicMenu,
                    &[("topic", FluentValue::from(localizer.topic(lang, category)))],
                ),
                buttons: entries
                    .iter()
                    .map(|&entry| entry_button(kb, entry, lang))
                    .collect(),
            }],
        },
        Decision::MainTopics => Rendered {
            action: Action::Answer,
            entry_id: None,
            candidates: Vec::new(),
            messages: vec![OutgoingMessage {
                text: localizer.text(lang, Msg::MainTopicsPrompt),
                buttons: topic_buttons(kb, lang, localizer),
            }],
        },
        Decision::Greeting { salam } => Rendered {
            action: Action::Answer,
            entry_id: None,
            candidates: Vec::new(),
            messages: vec![OutgoingMessage {
                text: localizer.text(
                    lang,
                    if *salam {
                        Msg::GreetingReplyToSalam
                    } else {
                        Msg::Greeting
                    },
                ),
                buttons: topic_buttons(kb, lang, localizer),
            }],
        },
        Decision::Escalate { entry, reason, .. } => {
            let mut messages = entry
                .map(|entry| answer_messages(kb, entry, lang, localizer))
                .unwrap_or_default();
            // Follow-up buttons make no sense while a person takes over.
            for message in &mut messages {
                message.buttons.clear();
            }
            let handoff = match reason {
                // Life first when no entry of the base explains what to do.
                EscalationReason::DangerToLife => Some(Msg::HandoffEmergency),
                EscalationReason::Urgent => Some(Msg::HandoffUrgent),
                EscalationReason::CitizenAsked => Some(Msg::HandoffRequested),
                EscalationReason::RepeatedFallback
                | EscalationReason::Frustration
                | EscalationReason::RepeatedQuestion => Some(Msg::HandoffAfterFallbacks),
                // An agent entry's answer already explains the handoff.
                EscalationReason::AgentEntry if entry.is_some() => None,
                EscalationReason::AgentEntry => Some(Msg::HandoffAgent),
            };
            messages.extend(handoff.map(|msg| text_only(localizer.text(lang, msg))));
            Rendered {
                action: Action::Escalate,
                entry_id: entry.map(id_of),
                candidates: Vec::new(),
                messages,
            }
        }
        Decision::Fallback => {
            let mut buttons = topic_buttons(kb, lang, localizer);
            buttons.push(agent_button(lang, localizer));
            Rendered {
                action: Action::Fallback,
                entry_id: None,
                candidates: Vec::new(),
                messages: vec![OutgoingMessage {
                    text: localizer.text(lang, Msg::Fallback),
                    buttons,
                }],
            }
        }
        Decision::Rated { .. } => Rendered {
            action: Action::Answer,
            entry_id: None,
            candidates: Vec::new(),
            messages: vec![OutgoingMessage {
                text: localizer.text(lang, Msg::RatingThanks),
                buttons: vec![Button {
                    id: ButtonAction::Comment.id(),
                    title: localizer.text(lang, Msg::ButtonComment),
                }],
            }],
        },
        Decision::AskComment => Rendered {
            action: Action::Answer,
            entry_id: None,
            candidates: Vec::new(),
            messages: vec![text_only(localizer.text(lang, Msg::CommentPrompt))],
        },
        Decision::Commented => Rendered {
            action: Action::Answer,
            entry_id: None,
            candidates: Vec::new(),
            messages: vec![text_only(localizer.text(lang, Msg::CommentThanks))],
        },
        Decision::RelayToAgent { first } => Rendered {
            action: Action::Agent,
            entry_id: None,
            candidates: Vec::new(),
            messages: if *first {
                vec![text_only(localizer.text(lang, Msg::AgentAcknowledged))]
            } else {
                Vec::new()
            },
        },
    }
}

/// The message a resolve sends: thanks, and the 1-5 rating buttons.
pub fn rating_request(lang: Lang, localizer: &Localizer) -> OutgoingMessage {
    OutgoingMessage {
        text: localizer.text(lang, Msg::RatingRequest),
        buttons: super::RATING_SCORES
            .map(|score| Button {
                id: ButtonAction::Rate(score).id(),
                title: localizer.text_with(lang, Msg::ButtonRate, &[("score", score.into())]),
            })
            .collect(),
    }
}
