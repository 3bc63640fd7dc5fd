//! What a bot turn does for the humans: queue an escalated conversation
//! for its team and tell the citizen their place and wait, pass on what a
//! citizen writes while agents have it, and store ratings. The dialogue
//! decides; this writes it down and tells the agents.

use std::sync::Arc;

use fluent_bundle::FluentValue;

use jiff::Timestamp;

use super::{Event, HandoffStore, HistoryItem, Placement, Record, StoredRating, Teams};
use crate::conversation::{
    Action, Conversation, ConversationId, EscalationReason, Handoff, Priority, Speaker, Turn,
    now_ms,
};
use crate::dialogue::{OutgoingMessage, Reply};
use crate::i18n::{Lang, Localizer, Msg};
use crate::kb::EntryId;
use crate::state::StoreError;

pub struct Desk {
    store: Arc<dyn HandoffStore>,
    teams: Teams,
    localizer: Arc<Localizer>,
}

/// The conversation as a turn found it, to tell what the turn changed.
pub struct TurnStart {
    at_ms: i64,
    /// The last rating as it was, to tell a new one or a new comment.
    last_rating: Option<crate::conversation::Rating>,
}

impl TurnStart {
    pub fn of(conversation: &Conversation) -> Self {
        Self {
            at_ms: now_ms(),
            last_rating: conversation.ratings.back().cloned(),
        }
    }
}

fn turn_item(team: &str, turn: &Turn) -> HistoryItem {
    HistoryItem {
        at_ms: turn.at_ms,
        record: Record::Message {
            team: team.to_owned(),
            speaker: turn.speaker.clone(),
            text: turn.text.clone(),
            agent: None,
            failure: None,
        },
    }
}

/// Minutes to wait, from the team's recent pickup times: their median,
/// rounded up; none without history.
fn estimate_minutes(mut pickups: Vec<i64>) -> Option<i64> {
    if pickups.is_empty() {
        return None;
    }
    pickups.sort_unstable();
    let median = pickups[pickups.len() / 2];
    Some((median.max(0) + 59_999) / 60_000).map(|minutes| minutes.max(1))
}

impl Desk {
    pub fn new(store: Arc<dyn HandoffStore>, teams: Teams, localizer: Arc<Localizer>) -> Self {
        Self {
            store,
            teams,
            localizer,
        }
    }

    pub fn store(&self) -> &Arc<dyn HandoffStore> {
        &self.store
    }

    pub fn teams(&self) -> &Teams {
        &self.teams
    }

    /// The team a conversation with the humans belongs to.
    pub fn team_of(&self, handoff: &Handoff) -> Option<String> {
        match handoff {
            Handoff::Bot => None,
            Handoff::Waiting { team, category, .. } => Some(
                team.clone()
                    .unwrap_or_else(|| self.teams.route(category.as_deref()).to_owned()),
            ),
            Handoff::WithAgent { team, .. } => Some(team.clone()),
        }
    }

    /// Adds `item` to the history and tells the agents of its team.
    pub async fn publish(&self, id: &ConversationId, item: HistoryItem) -> Result<(), StoreError> {
        self.store.append(id, std::slice::from_ref(&item)).await?;
        self.store
            .publish(&Event {
                conversation_id: id.clone(),
                item,
            })
            .await
    }

    /// Runs after the dialogue answered and before the conversation is
    /// committed, so that a failure here fails the turn (and a webhook
    /// message is handled again) rather than losing the escalation.
    pub async fn after_turn(
        &self,
        start: &TurnStart,
        conversation: &mut Conversation,
        reply: &mut Reply,
    ) -> Result<(), StoreError> {
        if let (
            Handoff::Waiting {
                reason,
                priority,
                entry_id,
                since_ms,
                category,
                team,
                ..
            },
            Action::Escalate,
        ) = (&mut conversation.handoff, reply.action)
        {
            let placement = self
                .teams
                .place(category.as_deref(), *priority, Timestamp::now());
            *team = Some(placement.team.clone());
            let escalated = (*reason, *priority, entry_id.clone(), *since_ms);
            let wait = self
                .queue(conversation, escalated, &placement, reply.language)
                .await?;
            // The place in line completes the handoff message rather than
            // adding a bubble.
            match reply.messages.last_mut() {
                Some(last) => last.text = format!("{}\n\n{wait}", last.text),
                None => reply.messages.push(OutgoingMessage {
                    text: wait,
                    buttons: Vec::new(),
                }),
            }
        } else if reply.action == Action::Agent
            && let Some(team) = self.team_of(&conversation.handoff)
        {
            self.relay(start, &team, conversation).await?;
        }
        if let Some(rating) = conversation.ratings.back()
            && start.last_rating.as_ref() != Some(rating)
        {
            // A comment stores the rating again; readers keep the latest.
            self.store
                .add_rating(&StoredRating {
                    conversation_id: conversation.id.clone(),
                    rating: rating.clone(),
                })
                .await?;
            let item = HistoryItem {
                at_ms: rating.at_ms,
                record: Record::Rated {
                    agent: rating.agent.clone(),
                    team: rating.team.clone(),
                    score: rating.score,
                    comment: rating.comment.clone(),
                },
            };
            self.publish(&conversation.id, item).await?;
            tracing::info!(conversation = %conversation.id, agent = rating.agent, score = rating.score, "rated");
        }
        Ok(())
    }

    /// Queues a conversation the turn escalated and tells the agents;
    /// returns what to tell the citizen: their place in line, or when the
    /// team is back.
    async fn queue(
        &self,
        conversation: &Conversation,
        (reason, priority, entry_id, since_ms): (EscalationReason, Priority, Option<EntryId>, i64),
        placement: &Placement,
        lang: Lang,
    ) -> Result<String, StoreError> {
        let id = &conversation.id;
        let team = placement.team.as_str();
        self.catch_up(team, conversation).await?;
        let position = self.store.enqueue(team, id, priority, since_ms).await?;
        let item = HistoryItem {
            at_ms: now_ms(),
            record: Record::Escalated {
                reason,
                priority,
                team: team.to_owned(),
                entry_id,
                language: conversation.language,
            },
        };
        self.publish(id, item).await?;
        tracing::info!(conversation = %id, team, ?reason, position, "escalated");
        match placement.closed_until {
            Some(opening) => Ok(self.localizer.text_with(
                lang,
                Msg::HandoffClosed,
                &[
                    ("day", FluentValue::from(opening.day)),
                    (
                        "time",
                        FluentValue::from(opening.time.strftime("%H:%M").to_string()),
                    ),
                ],
            )),
            None => self.queue_text(lang, team, position).await,
        }
    }

    /// Writes this turn's messages to the history and tells the team of the
    /// citizen's.
    async fn relay(
        &self,
        start: &TurnStart,
        team: &str,
        conversation: &Conversation,
    ) -> Result<(), StoreError> {
        let id = &conversation.id;
        let items: Vec<HistoryItem> = conversation
            .turns
            .iter()
            .filter(|turn| turn.at_ms >= start.at_ms)
            .map(|turn| turn_item(team, turn))
            .collect();
        self.store.append(id, &items).await?;
        for item in items {
            if matches!(
                &item.record,
                Record::Message {
                    speaker: Speaker::Citizen,
                    ..
                }
            ) {
                self.store
                    .publish(&Event {
                        conversation_id: id.clone(),
                        item,
                    })
                    .await?;
            }
        }
        Ok(())
    }

    /// Copies into the history the turns since its last item: the bot's
    /// turns are written there only when humans are involved, so that a
    /// plain bot turn costs no extra round trip.
    async fn catch_up(&self, team: &str, conversation: &Conversation) -> Result<(), StoreError> {
        let last = self
            .store
            .history(&conversation.id)
            .await?
            .last()
            .map_or(i64::MIN, |item| item.at_ms);
        let items: Vec<HistoryItem> = conversation
            .turns
            .iter()
            .filter(|turn| turn.at_ms > last)
            .map(|turn| turn_item(team, turn))
            .collect();
        self.store.append(&conversation.id, &items).await
    }

    async fn queue_text(
        &self,
        lang: Lang,
        team: &str,
        position: usize,
    ) -> Result<String, StoreError> {
        let position = FluentValue::from(position);
        Ok(match estimate_minutes(self.store.pickups(team).await?) {
            Some(minutes) => self.localizer.text_with(
                lang,
                Msg::HandoffQueued,
                &[
                    ("position", position),
                    ("minutes", FluentValue::from(minutes)),
                ],
            ),
            None => self.localizer.text_with(
                lang,
                Msg::HandoffQueuedNoEstimate,
                &[("position", position)],
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_the_median_pickup_rounded_up_to_whole_minutes() {
        assert_eq!(estimate_minutes(vec![]), None);
        assert_eq!(estimate_minutes(vec![1_000]), Some(1));
        assert_eq!(estimate_minutes(vec![600_000, 60_000, 130_000]), Some(3));
    }
}
