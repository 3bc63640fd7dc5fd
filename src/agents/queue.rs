//! The agents' queue: the waiting conversations of their teams, urgent
//! first, and the updates sent to citizens nobody has claimed for a while.

use std::collections::HashMap;
use std::time::Duration;

use serde::Serialize;
use utoipa::ToSchema;

use super::{AgentError, AgentService};
use crate::conversation::SlaTarget;
use crate::conversation::{
    Conversation, ConversationId, EscalationReason, Handoff, Priority, Speaker, now_ms,
};
use crate::handoff::{Agent, EntryTitle, HistoryItem, Queued, Record, sla};
use crate::i18n::{Lang, Msg};
use crate::kb::{Area, EntryId};
use crate::message::OutgoingMessage;

/// A waiting conversation, as the queue lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    #[schema(value_type = String)]
    pub conversation_id: ConversationId,
    pub team: String,
    /// Place in its team's line, from 1.
    pub position: usize,
    /// `urgent` or `normal`.
    #[schema(value_type = String)]
    pub priority: Priority,
    /// Why it was escalated: `urgent`, `danger_to_life`, `agent_entry`,
    /// `citizen_asked`, `repeated_fallback`, ...
    #[schema(value_type = String)]
    pub reason: EscalationReason,
    #[schema(value_type = Option<String>)]
    pub entry_id: Option<EntryId>,
    #[schema(value_type = Option<String>)]
    pub language: Option<Lang>,
    pub since_ms: i64,
    pub incident_id: Option<String>,
    /// The district: `id`, `ar`, `en`.
    #[schema(value_type = Option<Object>)]
    pub area: Option<Area>,
    /// The entry's title: `ar`, `en`.
    #[schema(value_type = Option<Object>)]
    pub entry_title: Option<EntryTitle>,
    /// The service-level target it is measured against now (`first_reply`
    /// or `resolution`), when its team sets one.
    #[schema(value_type = Option<String>)]
    pub sla_target: Option<SlaTarget>,
    /// When that target is due, in the team's business hours.
    pub due_ms: Option<i64>,
    /// Whether the due time has passed.
    pub overdue: bool,
}

/// Longer than any turn takes, however slow the platform: a queue entry
/// of a conversation not stored yet and older than this is left over.
const TURN_IN_FLIGHT_MAX_MS: i64 = 10 * 60 * 1000;

/// Whether a queue entry outlived its case: the conversation expired, an
/// agent has it (a claim whose dequeue was lost), or it went back to the bot
/// after the entry was made. The escalation is queued before its turn
/// commits (so that a crash cannot lose it), and the turn may still be
/// sending the reply: until then a new citizen's conversation is not stored
/// and an older one is still with the bot and not updated since. Such an
/// entry is not stale, only not shown yet. A case waiting in another
/// team's queue was transferred there (this entry's removal was lost).
fn is_stale(
    conversation: Option<&Conversation>,
    team: &str,
    queued_since_ms: i64,
    now_ms: i64,
) -> bool {
    match conversation {
        None => now_ms - queued_since_ms > TURN_IN_FLIGHT_MAX_MS,
        Some(conversation) => match &conversation.handoff {
            Handoff::Waiting {
                team: Some(queued_in),
                ..
            } => queued_in != team,
            Handoff::Waiting { .. } => false,
            Handoff::WithAgent { .. } => true,
            Handoff::Bot => conversation.updated_at_ms >= queued_since_ms,
        },
    }
}

impl AgentService {
    pub async fn queue(&self, agent: &Agent) -> Result<Vec<QueueItem>, AgentError> {
        let mut items = Vec::new();
        for team in &agent.teams {
            let queued = self.handoff.queue(team).await?;
            let ids: Vec<ConversationId> = queued.iter().map(|entry| entry.id.clone()).collect();
            let conversations = self.conversations.get_many(&ids).await?;
            let mut position = 0;
            for (
                Queued {
                    id,
                    since_ms: queued_since_ms,
                    ..
                },
                conversation,
            ) in queued.into_iter().zip(conversations)
            {
                if is_stale(conversation.as_ref(), team, queued_since_ms, now_ms()) {
                    // It must neither show nor push the citizens behind it
                    // down the line.
                    self.handoff.dequeue(team, &id).await?;
                    continue;
                }
                let now = now_ms();
                let service_level = conversation.as_ref().and_then(|conversation| {
                    sla::status(self.desk.teams(), team, conversation, now)
                });
                let waiting = conversation.and_then(|conversation| match conversation.handoff {
                    Handoff::Waiting {
                        reason,
                        priority,
                        entry_id,
                        since_ms,
                        area,
                        incident_id,
                        ..
                    } => Some((
                        conversation.language,
                        reason,
                        priority,
                        entry_id,
                        since_ms,
                        area,
                        incident_id,
                    )),
                    _ => None,
                });
                let Some((language, reason, priority, entry_id, since_ms, area, incident_id)) =
                    waiting
                else {
                    // Its escalating turn is not committed yet.
                    continue;
                };
                position += 1;
                items.push(QueueItem {
                    conversation_id: id,
                    team: team.clone(),
                    position,
                    priority,
                    reason,
                    entry_title: entry_id.as_ref().and_then(|id| self.desk.entry_title(id)),
                    entry_id,
                    language,
                    since_ms,
                    incident_id,
                    area,
                    sla_target: service_level.map(|status| status.target),
                    due_ms: service_level.map(|status| status.due_ms),
                    overdue: service_level.is_some_and(|status| status.overdue),
                });
            }
        }
        // Across the agent's teams too: urgent first, then longest waiting.
        items.sort_by_key(|item| (std::cmp::Reverse(item.priority), item.since_ms));
        Ok(items)
    }

    /// Sends one update to each citizen who has waited longer than `every`
    /// since their escalation or their last update, whichever instance
    /// runs it: the store hands each update turn to one caller. Returns
    /// how many were sent.
    pub async fn update_unclaimed(&self, every: Duration) -> Result<usize, AgentError> {
        let store = &self.handoff;
        let mut sent = 0;
        // Citizens of an incident with status updates hear those instead.
        let mut incident_has_updates: HashMap<String, bool> = HashMap::new();
        for team in self.desk.teams().names() {
            // Outside its hours the citizen was told when the team is back;
            // updates until then would only be noise.
            if self
                .desk
                .teams()
                .closed_until(team, jiff::Timestamp::now())
                .is_some()
            {
                continue;
            }
            for (position, Queued { id, .. }) in store.queue(team).await?.into_iter().enumerate() {
                let conversation = self.conversations.get(&id).await?;
                let waited_long = conversation.as_ref().is_some_and(|conversation| {
                    matches!(conversation.handoff, Handoff::Waiting { since_ms, .. }
                        if now_ms() - since_ms >= every.as_millis() as i64)
                });
                if !waited_long {
                    continue;
                }
                if let Some(incident_id) = conversation
                    .as_ref()
                    .and_then(|conversation| conversation.handoff.incident_id())
                {
                    let has_updates = match incident_has_updates.get(incident_id) {
                        Some(known) => *known,
                        None => {
                            let known = store
                                .incident(incident_id)
                                .await?
                                .is_some_and(|incident| !incident.updates.is_empty());
                            incident_has_updates.insert(incident_id.to_owned(), known);
                            known
                        }
                    };
                    if has_updates {
                        continue;
                    }
                }
                if !store.take_update_turn(&id, every).await? {
                    continue;
                }
                let mut turn = self.pipeline.begin(&id).await?;
                // Claimed meanwhile: no update.
                let Handoff::Waiting { team, category, .. } = &turn.conversation().handoff else {
                    continue;
                };
                let team = team
                    .clone()
                    .unwrap_or_else(|| self.desk.teams().route(category.as_deref()).to_owned());
                let lang = turn.conversation().language.unwrap_or_default();
                let text = self.localizer.text_with(
                    lang,
                    Msg::HandoffStillWaiting,
                    &[("position", (position + 1).into())],
                );
                let message = OutgoingMessage {
                    text: text.clone(),
                    buttons: Vec::new(),
                };
                let delivery = self.say(&mut turn, message, Speaker::Bot).await?;
                turn.after_commit().note(
                    &id,
                    HistoryItem {
                        at_ms: now_ms(),
                        record: Record::Message {
                            team,
                            speaker: Speaker::Bot,
                            text,
                            agent: None,
                            failure: delivery.failure,
                            message_ids: delivery.message_ids.clone(),
                        },
                    },
                );
                self.pipeline.finish(turn).await?;
                sent += 1;
            }
        }
        Ok(sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conversation(handoff: Handoff, updated_at_ms: i64) -> Conversation {
        let mut conversation = Conversation::new(ConversationId::new("web", "c").unwrap());
        conversation.handoff = handoff;
        conversation.updated_at_ms = updated_at_ms;
        conversation
    }

    #[test]
    fn only_entries_that_outlived_their_case_are_stale() {
        let now = 1_000_000_000;
        let queued = now - 2_000;
        // A new citizen's escalating turn, not committed yet.
        assert!(!is_stale(None, "utilities", queued, now));
        assert!(is_stale(
            None,
            "utilities",
            now - TURN_IN_FLIGHT_MAX_MS - 1,
            now
        ));
        // An older conversation whose escalating turn is in flight.
        assert!(!is_stale(
            Some(&conversation(Handoff::Bot, queued - 60_000)),
            "utilities",
            queued,
            now
        ));
        // Back with the bot after the escalation: resolved.
        assert!(is_stale(
            Some(&conversation(Handoff::Bot, queued + 10)),
            "utilities",
            queued,
            now
        ));
        let with_agent = Handoff::WithAgent {
            agent: "sara".to_owned(),
            team: "utilities".to_owned(),
            reason: EscalationReason::Urgent,
            priority: Priority::Urgent,
            entry_id: None,
            since_ms: queued,
            acknowledged: false,
            area: None,
            incident_id: None,
            claimed_ms: None,
            breaches: Vec::new(),
        };
        assert!(is_stale(
            Some(&conversation(with_agent.clone(), queued)),
            "utilities",
            queued,
            now
        ));
        // Transferred: it waits in the other team's queue, not this one's.
        let moved = with_agent.queued_for("supervisors").unwrap();
        let moved = conversation(moved, queued);
        assert!(is_stale(Some(&moved), "utilities", queued, now));
        assert!(!is_stale(Some(&moved), "supervisors", queued, now));
    }
}
