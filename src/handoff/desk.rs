//! What a bot turn does for the humans: queue an escalated conversation
//! for its team and tell the citizen their place and wait, pass on what a
//! citizen writes while agents have it, and store ratings. The dialogue
//! decides; this writes it down and tells the agents. Urgent reports and
//! their outage incidents are `reports`.

mod events;
mod reports;

use std::sync::Arc;
use std::time::Duration;

use fluent_bundle::FluentValue;

use jiff::Timestamp;
use serde::Serialize;

use super::{
    Announcements, Event, HandoffStore, HistoryItem, Incident, IncidentChange, Placement, Record,
    Report, StoredRating, Teams,
};
use crate::conversation::{
    Action, Conversation, ConversationId, EscalationReason, Handoff, Priority, Speaker, Turn,
    now_ms,
};
use crate::cx::Recorder;
use crate::i18n::{Lang, Localizer, Msg};
use crate::kb::{Area, EntryId, KbHandle};
use crate::message::{OutgoingMessage, Reply};
use crate::state::StoreError;
use events::{escalated_event, rating_events};
use reports::incident_event;

pub struct Desk {
    store: Arc<dyn HandoffStore>,
    teams: Arc<Teams>,
    localizer: Arc<Localizer>,
    /// For entry titles and area names in what citizens and agents read.
    kb: KbHandle,
    /// Urgent reports of one entry and area this close together are one
    /// incident.
    incident_window: Duration,
    /// Citizen-experience events, recorded once a turn is committed.
    recorder: Recorder,
}

/// The conversation as a turn found it, to tell what the turn changed.
pub struct TurnStart {
    /// Turns recorded before this turn: the turn's own come after them.
    turns_recorded: u64,
    /// The last rating as it was, to tell a new one or a new comment.
    last_rating: Option<crate::conversation::Rating>,
    /// Whether the case already knew its area, to tell when it learns it.
    had_area: bool,
}

impl TurnStart {
    pub fn of(conversation: &Conversation) -> Self {
        Self {
            turns_recorded: conversation.turns_recorded,
            last_rating: conversation.ratings.back().cloned(),
            had_area: conversation.handoff.area().is_some(),
        }
    }
}

/// An entry's titles, for agents' displays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryTitle {
    pub ar: String,
    pub en: String,
}

/// What a turn's escalation was, copied out of the handoff.
struct Escalation {
    reason: EscalationReason,
    priority: Priority,
    entry_id: Option<EntryId>,
    since_ms: i64,
    area: Option<Area>,
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
            message_ids: Vec::new(),
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
    pub fn new(
        store: Arc<dyn HandoffStore>,
        teams: Arc<Teams>,
        localizer: Arc<Localizer>,
        kb: KbHandle,
        incident_window: Duration,
        recorder: Recorder,
    ) -> Self {
        Self {
            store,
            teams,
            localizer,
            kb,
            incident_window,
            recorder,
        }
    }

    pub fn recorder(&self) -> &Recorder {
        &self.recorder
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

    /// Tells the incident's team that it changed.
    pub async fn publish_incident(
        &self,
        incident: &Incident,
        change: IncidentChange,
    ) -> Result<(), StoreError> {
        self.store.publish(&incident_event(incident, change)).await
    }

    /// Adds `item` to the history now, and keeps its event for after the
    /// turn's commit.
    async fn record(
        &self,
        id: &ConversationId,
        item: HistoryItem,
        announcements: &mut Announcements,
    ) -> Result<(), StoreError> {
        self.store.append(id, std::slice::from_ref(&item)).await?;
        announcements.event(Event::conversation(id.clone(), item));
        Ok(())
    }

    /// Tells the agents what a committed turn did.
    pub async fn announce(&self, announcements: Announcements) -> Result<(), StoreError> {
        announcements
            .announce(self.store.as_ref(), &self.recorder)
            .await
    }

    /// The entry's titles in both languages (one side stands in for a
    /// missing other); none for an entry no longer in the knowledge base.
    pub fn entry_title(&self, entry_id: &EntryId) -> Option<EntryTitle> {
        let kb = self.kb.current();
        let entry = kb.get(entry_id.as_str())?;
        let title = |lang| entry.localized_or_other(lang).0.title.clone();
        Some(EntryTitle {
            ar: title(Lang::Ar),
            en: title(Lang::En),
        })
    }

    /// Runs after the dialogue answered and before the conversation is
    /// committed, so that a failure here fails the turn (and a webhook
    /// message is handled again) rather than losing the escalation. The
    /// agents' events come back, for [`Desk::announce`] after the commit.
    pub async fn after_turn(
        &self,
        start: &TurnStart,
        conversation: &mut Conversation,
        reply: &mut Reply,
    ) -> Result<Announcements, StoreError> {
        let mut announcements = Announcements::default();
        if reply.action == Action::Escalate
            && let Handoff::Waiting {
                reason,
                priority,
                entry_id,
                since_ms,
                category,
                area,
                ..
            } = &conversation.handoff
        {
            let placement = self
                .teams
                .place(category.as_deref(), *priority, Timestamp::now());
            let escalation = Escalation {
                reason: *reason,
                priority: *priority,
                entry_id: entry_id.clone(),
                since_ms: *since_ms,
                area: area.clone(),
            };
            let report = self
                .report(&placement.team, &escalation, &conversation.id)
                .await?;
            if let Handoff::Waiting {
                team, incident_id, ..
            } = &mut conversation.handoff
            {
                *team = Some(placement.team.clone());
                *incident_id = report.as_ref().map(|report| report.incident.id.clone());
            }
            let wait = self
                .queue(
                    conversation,
                    escalation,
                    &placement,
                    report.as_ref(),
                    reply.language,
                    &mut announcements,
                )
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
            self.relay(start, &team, conversation, &mut announcements)
                .await?;
            if !start.had_area {
                self.move_to_area(conversation, reply, &mut announcements)
                    .await?;
            }
        }
        if let Some(rating) = conversation.ratings.back()
            && start.last_rating.as_ref() != Some(rating)
        {
            let mut rating = rating.clone();
            if rating.team.is_none() {
                rating.team = Some(self.bot_team(conversation));
                if let Some(last) = conversation.ratings.back_mut() {
                    last.team.clone_from(&rating.team);
                }
            }
            // A comment stores the rating again; readers keep the latest.
            self.store
                .add_rating(&StoredRating {
                    conversation_id: conversation.id.clone(),
                    rating: rating.clone(),
                })
                .await?;
            // The history is the humans' transcript: a rating of the bot
            // alone goes to the ratings only.
            if let (Some(agent), Some(team)) = (&rating.agent, &rating.team) {
                let item = HistoryItem {
                    at_ms: rating.at_ms,
                    record: Record::Rated {
                        agent: agent.clone(),
                        team: team.clone(),
                        score: rating.score,
                        comment: rating.comment.clone(),
                    },
                };
                self.record(&conversation.id, item, &mut announcements)
                    .await?;
            }
            for event in rating_events(start.last_rating.as_ref(), &rating, conversation) {
                announcements.cx(event);
            }
            tracing::info!(conversation = %conversation.id.pseudonym(), agent = rating.agent.as_deref().unwrap_or("bot"), score = rating.score, "rated");
        }
        Ok(announcements)
    }

    /// The team whose topic the bot last answered: its answers' ratings
    /// go to that team, as a case about it would.
    fn bot_team(&self, conversation: &Conversation) -> String {
        let kb = self.kb.current();
        let category = conversation
            .last_entry
            .as_ref()
            .and_then(|id| kb.get(id.as_str()))
            .map(|entry| entry.category.as_str());
        self.teams.route(category).to_owned()
    }

    /// Queues a conversation the turn escalated and tells the agents;
    /// returns what to tell the citizen: their place in line, that the
    /// problem is already known, or when the team is back.
    async fn queue(
        &self,
        conversation: &mut Conversation,
        escalation: Escalation,
        placement: &Placement,
        report: Option<&Report>,
        lang: Lang,
        announcements: &mut Announcements,
    ) -> Result<String, StoreError> {
        let team = placement.team.as_str();
        self.catch_up(team, conversation).await?;
        let id = &conversation.id;
        let position = self
            .store
            .enqueue(team, id, escalation.priority, escalation.since_ms)
            .await?;
        let reason = escalation.reason;
        let escalation_event = EscalationEvent {
            reason,
            priority: escalation.priority,
            entry_id: escalation.entry_id.clone(),
            area: escalation.area.clone(),
        };
        let item = HistoryItem {
            at_ms: now_ms(),
            record: Record::Escalated {
                reason,
                priority: escalation.priority,
                team: team.to_owned(),
                entry_id: escalation.entry_id,
                language: conversation.language,
                incident_id: report.map(|report| report.incident.id.clone()),
                area: escalation.area,
            },
        };
        self.record(id, item, announcements).await?;
        announcements.cx(escalated_event(
            conversation,
            &escalation_event,
            team,
            report,
        ));
        tracing::info!(conversation = %id.pseudonym(), team, ?reason, position, "escalated");
        if let Some(report) = report {
            announcements.event(incident_event(&report.incident, report.change()));
        }
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
            None => match report {
                Some(report) if !report.opened => Ok(self.known_text(lang, &report.incident)),
                _ => self.queue_text(lang, team, position).await,
            },
        }
    }

    /// Writes this turn's messages to the history and tells the team of the
    /// citizen's. The turn's messages are those recorded since it began,
    /// counted rather than compared by time: a turn in the same millisecond
    /// as the last one (or on an instance whose clock is behind) would
    /// otherwise copy earlier messages again.
    async fn relay(
        &self,
        start: &TurnStart,
        team: &str,
        conversation: &mut Conversation,
        announcements: &mut Announcements,
    ) -> Result<(), StoreError> {
        let items: Vec<HistoryItem> = conversation
            .turns_since(start.turns_recorded)
            .map(|turn| turn_item(team, turn))
            .collect();
        conversation.mark_in_history();
        let id = &conversation.id;
        self.store.append(id, &items).await?;
        for item in items {
            if matches!(
                &item.record,
                Record::Message {
                    speaker: Speaker::Citizen,
                    ..
                }
            ) {
                announcements.event(Event::conversation(id.clone(), item));
            }
        }
        Ok(())
    }

    /// Copies into the history the turns not yet there: the bot's
    /// turns are written there only when humans are involved, so that a
    /// plain bot turn costs no extra round trip.
    /// Which turns those are is counted, not compared by time, so that
    /// instances with skewed clocks neither repeat nor skip one.
    async fn catch_up(
        &self,
        team: &str,
        conversation: &mut Conversation,
    ) -> Result<(), StoreError> {
        let items: Vec<HistoryItem> = conversation
            .turns_not_in_history()
            .map(|turn| turn_item(team, turn))
            .collect();
        self.store.append(&conversation.id, &items).await?;
        conversation.mark_in_history();
        Ok(())
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

/// What the escalated event says of the case (the handoff's copy is moved
/// into the queue first).
struct EscalationEvent {
    reason: EscalationReason,
    priority: Priority,
    entry_id: Option<EntryId>,
    area: Option<Area>,
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
