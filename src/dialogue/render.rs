//! Words a decision: knowledge-base answers in the conversation's language,
//! everything else from the locales.

use fluent_bundle::FluentValue;

use super::button::ButtonAction;
use super::decide::Decision;
use super::{Button, OutgoingMessage};
use crate::conversation::{Action, EscalationReason, now_ms};
use crate::i18n::{Lang, Localizer, Msg};
use crate::kb::{EntryId, KnowledgeBase};
use crate::memory::{Outcome, PastCase};

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

fn topic_buttons(kb: &KnowledgeBase, lang: Lang) -> Vec<Button> {
    kb.categories()
        .map(|(category, _)| Button {
            id: ButtonAction::Topic(category.to_owned()).id(),
            title: kb.category_title(category, lang),
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
                    &[(
                        "topic",
                        FluentValue::from(kb.category_title(category, lang)),
                    )],
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
                buttons: topic_buttons(kb, lang),
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
                buttons: topic_buttons(kb, lang),
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
            let mut buttons = topic_buttons(kb, lang);
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
        Decision::Closing {
            farewell,
            ask_rating,
        } => {
            let farewell = [("farewell", FluentValue::from(yes_no(*farewell)))];
            if *ask_rating {
                let mut request = rating_request(lang, localizer);
                request.text = localizer.text_with(lang, Msg::ClosingRatingRequest, &farewell);
                small_talk(request.text, request.buttons)
            } else {
                small_talk(
                    localizer.text_with(lang, Msg::Closing, &farewell),
                    Vec::new(),
                )
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
        Decision::FollowUp { entry } => {
            let mut messages = answer_messages(kb, *entry, lang, localizer);
            let title = kb.entry(*entry).localized_or_other(lang).0.title.clone();
            let intro = localizer.text_with(
                lang,
                Msg::FollowUpIntro,
                &[("title", FluentValue::from(title))],
            );
            if let Some(first) = messages.first_mut() {
                first.text = format!("{intro}\n\n{}", first.text);
            }
            Rendered {
                action: Action::Answer,
                entry_id: Some(id_of(*entry)),
                candidates: Vec::new(),
                messages,
            }
        }
        Decision::Correction { then, .. } => render(then, lang, kb, localizer),
        Decision::OfferPerson { candidates } => {
            let mut buttons: Vec<Button> = candidates
                .iter()
                .map(|&entry| entry_button(kb, entry, lang))
                .collect();
            buttons.push(agent_button(lang, localizer));
            let has_options = if candidates.is_empty() { "no" } else { "yes" };
            Rendered {
                action: if candidates.is_empty() {
                    Action::Fallback
                } else {
                    Action::Clarify
                },
                entry_id: None,
                candidates: candidates.iter().map(|&entry| id_of(entry)).collect(),
                messages: vec![OutgoingMessage {
                    text: localizer.text_with(
                        lang,
                        Msg::CorrectionOfferPerson,
                        &[("has_options", FluentValue::from(has_options))],
                    ),
                    buttons,
                }],
            }
        }
        Decision::LanguageSwitched => small_talk(
            localizer.text(lang, Msg::LanguageSwitched),
            topic_buttons(kb, lang),
        ),
        Decision::AreaNoted { area, salam } => small_talk(
            localizer.text_with(
                lang,
                Msg::AreaNoted,
                &[
                    ("area", FluentValue::from(area.name(lang).to_owned())),
                    ("salam", FluentValue::from(yes_no(*salam))),
                ],
            ),
            topic_buttons(kb, lang),
        ),
        Decision::WelcomeBack { salam, case } => {
            welcome_back(*salam, case.as_ref(), lang, kb, localizer)
        }
        Decision::Forget => small_talk(localizer.text(lang, Msg::Forgotten), Vec::new()),
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

fn yes_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}

/// A reply that answers no question: action `answer`, no entry.
fn small_talk(text: String, buttons: Vec<Button>) -> Rendered {
    Rendered {
        action: Action::Answer,
        entry_id: None,
        candidates: Vec::new(),
        messages: vec![OutgoingMessage { text, buttons }],
    }
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// "Welcome back", with the citizen's last case when the bot remembers
/// one whose entry still exists, and a button back to it.
fn welcome_back(
    salam: bool,
    case: Option<&PastCase>,
    lang: Lang,
    kb: &KnowledgeBase,
    localizer: &Localizer,
) -> Rendered {
    let salam_arg = ("salam", FluentValue::from(yes_no(salam)));
    let entry = case.and_then(|case| {
        let entry = kb.ordinal(case.entry_id.as_ref()?.as_str())?;
        Some((case, entry))
    });
    let mut buttons = topic_buttons(kb, lang);
    let text = match entry {
        None => localizer.text_with(lang, Msg::WelcomeBack, &[salam_arg]),
        Some((case, entry)) => {
            buttons.insert(0, entry_button(kb, entry, lang));
            let title = (
                "title",
                FluentValue::from(entry_button(kb, entry, lang).title),
            );
            if case.outcome == Outcome::Answered {
                localizer.text_with(lang, Msg::WelcomeBackAnswered, &[salam_arg, title])
            } else {
                let days = (now_ms() - case.opened_ms).max(0) / DAY_MS;
                localizer.text_with(
                    lang,
                    Msg::WelcomeBackCase,
                    &[salam_arg, title, ("days", FluentValue::from(days))],
                )
            }
        }
    };
    small_talk(text, buttons)
}

/// The message a resolve sends: thanks, and the 1-5 rating buttons (which
/// a closing sends with its own words).
pub fn rating_request(lang: Lang, localizer: &Localizer) -> OutgoingMessage {
    OutgoingMessage {
        text: localizer.text(lang, Msg::RatingRequest),
        buttons: rating_buttons(lang, localizer),
    }
}

fn rating_buttons(lang: Lang, localizer: &Localizer) -> Vec<Button> {
    super::RATING_SCORES
        .map(|score| Button {
            id: ButtonAction::Rate(score).id(),
            title: localizer.text_with(lang, Msg::ButtonRate, &[("score", score.into())]),
        })
        .collect()
}

/// What the citizen reads when an agent closes their case, by how it
/// ended, with the rating buttons when the outcome asks for a rating
/// ([`crate::conversation::Outcome::asks_for_rating`]).
pub fn resolved_closing(
    outcome: crate::conversation::Outcome,
    lang: Lang,
    localizer: &Localizer,
) -> OutgoingMessage {
    use crate::conversation::Outcome as Closed;
    let msg = match outcome {
        Closed::Solved => Msg::RatingRequest,
        Closed::Referred => Msg::ResolvedReferred,
        Closed::Duplicate => Msg::ResolvedDuplicate,
        Closed::NoResponse => Msg::ResolvedNoResponse,
    };
    OutgoingMessage {
        text: localizer.text(lang, msg),
        buttons: if outcome.asks_for_rating() {
            rating_buttons(lang, localizer)
        } else {
            Vec::new()
        },
    }
}
