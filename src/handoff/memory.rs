//! Handoff state in this process's memory, beside `state::MemoryStore`:
//! queues, histories, outboxes, ratings, incidents, and live events over a
//! broadcast channel within the process. What is kept expires as in Redis
//! (`retention`, swept every so many writes).

mod retention;

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use async_trait::async_trait;
use tokio::sync::broadcast;

use super::{
    EVENT_BUFFER, Event, HandoffRecord, HandoffRetention, HandoffStore, Held, HistoryItem,
    Incident, IncidentKey, IncidentStatus, IncidentUpdate, IncidentWrite, MAX_STORED_RATINGS,
    OutboxMessage, PICKUPS_KEPT, Presence, Queued, Report, SentTo, StoredRating, queue_score,
    since_of_score,
};
use crate::conversation::{ConversationId, Priority, now_ms};
use crate::state::StoreError;

/// Handoff state in this process's memory, beside `state::MemoryStore`.
pub struct MemoryHandoffStore {
    retention: HandoffRetention,
    inner: Mutex<Inner>,
    events: broadcast::Sender<Event>,
}

#[derive(Default)]
struct Inner {
    /// team -> (score, conversation), kept sorted.
    queues: HashMap<String, Vec<(f64, ConversationId)>>,
    /// team -> conversation -> since when an agent has it (ms).
    held: HashMap<String, HashMap<ConversationId, i64>>,
    presences: HashMap<String, Presence>,
    pickups: HashMap<String, VecDeque<i64>>,
    histories: HashMap<ConversationId, VecDeque<HistoryItem>>,
    outboxes: HashMap<ConversationId, Vec<OutboxMessage>>,
    ratings: VecDeque<StoredRating>,
    /// Conversation -> when its next waiting update may go (ms).
    updates: HashMap<ConversationId, i64>,
    incidents: HashMap<String, Incident>,
    /// The incident that reports of a key last went to.
    latest_incident: HashMap<IncidentKey, String>,
    incident_serial: u64,
    writes: u64,
    /// The automatic-assignment lock's token and expiry (ms).
    assignment_lock: Option<(String, i64)>,
    /// team -> its round-robin cursor.
    assignment_cursors: HashMap<String, u64>,
    /// Platform message id -> where it went, and until when (ms).
    sent: HashMap<String, (SentTo, i64)>,
}

impl MemoryHandoffStore {
    /// Keeps `history_limit` events per history, and the defaults of
    /// [`HandoffRetention::new`] (30 days) for the rest.
    pub fn new(history_limit: usize) -> Self {
        let thirty_days = std::time::Duration::from_secs(30 * 24 * 60 * 60);
        Self::with_retention(HandoffRetention::new(history_limit, thirty_days))
    }

    pub fn with_retention(retention: HandoffRetention) -> Self {
        Self {
            retention,
            inner: Mutex::new(Inner::default()),
            events: broadcast::channel(EVENT_BUFFER).0,
        }
    }

    // The std Mutex is never held across an await.
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl HandoffStore for MemoryHandoffStore {
    async fn enqueue(
        &self,
        team: &str,
        id: &ConversationId,
        priority: Priority,
        since_ms: i64,
    ) -> Result<usize, StoreError> {
        let mut inner = self.inner();
        let queue = inner.queues.entry(team.to_owned()).or_default();
        queue.retain(|(_, queued)| queued != id);
        let score = queue_score(priority, since_ms);
        let position = queue.partition_point(|(other, _)| *other <= score);
        queue.insert(position, (score, id.clone()));
        self.count_write(&mut inner);
        Ok(position + 1)
    }

    async fn dequeue(&self, team: &str, id: &ConversationId) -> Result<(), StoreError> {
        if let Some(queue) = self.inner().queues.get_mut(team) {
            queue.retain(|(_, queued)| queued != id);
        }
        Ok(())
    }

    async fn queue(&self, team: &str) -> Result<Vec<Queued>, StoreError> {
        let cutoff = now_ms() - self.retention.waiting_ttl.as_millis() as i64;
        Ok(self
            .inner()
            .queues
            .get(team)
            .map(|queue| {
                queue
                    .iter()
                    .filter(|(score, _)| since_of_score(*score) >= cutoff)
                    .map(|(score, id)| Queued::from_score(id.clone(), *score))
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn hold(&self, team: &str, id: &ConversationId, at_ms: i64) -> Result<(), StoreError> {
        let mut inner = self.inner();
        let held = inner.held.entry(team.to_owned()).or_default();
        held.insert(id.clone(), at_ms);
        Ok(())
    }

    async fn release(&self, team: &str, id: &ConversationId) -> Result<(), StoreError> {
        if let Some(held) = self.inner().held.get_mut(team) {
            held.remove(id);
        }
        Ok(())
    }

    async fn held(&self, team: &str) -> Result<Vec<Held>, StoreError> {
        let mut held: Vec<Held> = self
            .inner()
            .held
            .get(team)
            .map(|held| {
                held.iter()
                    .map(|(id, since_ms)| Held {
                        id: id.clone(),
                        since_ms: *since_ms,
                    })
                    .collect()
            })
            .unwrap_or_default();
        held.sort_by(|a, b| (a.since_ms, &a.id).cmp(&(b.since_ms, &b.id)));
        Ok(held)
    }

    async fn set_presence(&self, presence: &Presence) -> Result<(), StoreError> {
        let mut inner = self.inner();
        inner
            .presences
            .insert(presence.agent.clone(), presence.clone());
        Ok(())
    }

    async fn presences(&self) -> Result<Vec<Presence>, StoreError> {
        let mut presences: Vec<Presence> = self.inner().presences.values().cloned().collect();
        presences.sort_by(|a, b| a.agent.cmp(&b.agent));
        Ok(presences)
    }

    async fn record_pickup(&self, team: &str, waited_ms: i64) -> Result<(), StoreError> {
        let mut inner = self.inner();
        let pickups = inner.pickups.entry(team.to_owned()).or_default();
        pickups.push_front(waited_ms);
        pickups.truncate(PICKUPS_KEPT);
        Ok(())
    }

    async fn pickups(&self, team: &str) -> Result<Vec<i64>, StoreError> {
        Ok(self
            .inner()
            .pickups
            .get(team)
            .map(|pickups| pickups.iter().copied().collect())
            .unwrap_or_default())
    }

    async fn append(&self, id: &ConversationId, items: &[HistoryItem]) -> Result<(), StoreError> {
        let mut inner = self.inner();
        let history = inner.histories.entry(id.clone()).or_default();
        history.extend(items.iter().cloned());
        while history.len() > self.retention.history_limit {
            history.pop_front();
        }
        self.count_write(&mut inner);
        Ok(())
    }

    async fn history(&self, id: &ConversationId) -> Result<Vec<HistoryItem>, StoreError> {
        Ok(self
            .inner()
            .histories
            .get(id)
            .map(|history| history.iter().cloned().collect())
            .unwrap_or_default())
    }

    async fn push_outbox(
        &self,
        id: &ConversationId,
        message: &OutboxMessage,
    ) -> Result<u64, StoreError> {
        let mut inner = self.inner();
        let outbox = inner.outboxes.entry(id.clone()).or_default();
        let cursor = outbox.len() as u64 + 1;
        outbox.push(OutboxMessage {
            cursor,
            ..message.clone()
        });
        self.count_write(&mut inner);
        Ok(cursor)
    }

    async fn outbox(
        &self,
        id: &ConversationId,
        after: u64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        Ok(self
            .inner()
            .outboxes
            .get(id)
            .map(|outbox| {
                outbox
                    .iter()
                    .filter(|message| message.cursor > after)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn add_rating(&self, rating: &StoredRating) -> Result<(), StoreError> {
        let mut inner = self.inner();
        inner.ratings.push_front(rating.clone());
        inner.ratings.truncate(MAX_STORED_RATINGS);
        self.count_write(&mut inner);
        Ok(())
    }

    async fn ratings(&self) -> Result<Vec<StoredRating>, StoreError> {
        Ok(self.inner().ratings.iter().cloned().collect())
    }

    async fn publish(&self, event: &Event) -> Result<(), StoreError> {
        // No subscriber is not an error: nobody is watching right now.
        let _ = self.events.send(event.clone());
        Ok(())
    }

    async fn subscribe(&self) -> Result<broadcast::Receiver<Event>, StoreError> {
        Ok(self.events.subscribe())
    }

    async fn take_update_turn(
        &self,
        id: &ConversationId,
        every: std::time::Duration,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut inner = self.inner();
        inner.updates.retain(|_, due| *due > now);
        if inner.updates.contains_key(id) {
            return Ok(false);
        }
        inner
            .updates
            .insert(id.clone(), now + every.as_millis() as i64);
        Ok(true)
    }

    async fn report_incident(
        &self,
        key: &IncidentKey,
        member: &ConversationId,
        window_ms: i64,
        now_ms: i64,
    ) -> Result<Report, StoreError> {
        let mut guard = self.inner();
        let inner = &mut *guard;
        let live = inner
            .latest_incident
            .get(key)
            .and_then(|id| inner.incidents.get_mut(id))
            .filter(|incident| incident.takes_report_at(now_ms, window_ms));
        if let Some(incident) = live {
            incident.join(member, now_ms);
            return Ok(Report {
                incident: incident.clone(),
                opened: false,
            });
        }
        inner.incident_serial += 1;
        let id = format!("inc-{}", inner.incident_serial);
        let incident = Incident::opened(id.clone(), key, member, now_ms);
        inner.incidents.insert(id.clone(), incident.clone());
        inner.latest_incident.insert(key.clone(), id);
        Ok(Report {
            incident,
            opened: true,
        })
    }

    async fn incident(&self, id: &str) -> Result<Option<Incident>, StoreError> {
        Ok(self.inner().incidents.get(id).cloned())
    }

    async fn open_incidents(&self, team: &str) -> Result<Vec<Incident>, StoreError> {
        let mut open: Vec<Incident> = self
            .inner()
            .incidents
            .values()
            .filter(|incident| incident.team == team && incident.is_open())
            .cloned()
            .collect();
        open.sort_by(|a, b| (a.opened_ms, &a.id).cmp(&(b.opened_ms, &b.id)));
        Ok(open)
    }

    async fn post_incident_update(
        &self,
        id: &str,
        update: &IncidentUpdate,
    ) -> Result<IncidentWrite, StoreError> {
        Ok(match self.inner().incidents.get_mut(id) {
            None => IncidentWrite::Missing,
            Some(incident) if !incident.is_open() => IncidentWrite::Resolved(incident.clone()),
            Some(incident) => {
                incident.updates.push(update.clone());
                IncidentWrite::Done(incident.clone())
            }
        })
    }

    async fn resolve_incident(
        &self,
        id: &str,
        agent: &str,
        now_ms: i64,
    ) -> Result<IncidentWrite, StoreError> {
        Ok(match self.inner().incidents.get_mut(id) {
            None => IncidentWrite::Missing,
            Some(incident) if !incident.is_open() => IncidentWrite::Resolved(incident.clone()),
            Some(incident) => {
                incident.status = IncidentStatus::Resolved;
                incident.resolved_ms = Some(now_ms);
                incident.resolved_by = Some(agent.to_owned());
                IncidentWrite::Done(incident.clone())
            }
        })
    }

    async fn leave_incident(
        &self,
        id: &str,
        member: &ConversationId,
    ) -> Result<Option<Incident>, StoreError> {
        let mut inner = self.inner();
        let Some(incident) = inner.incidents.get_mut(id) else {
            return Ok(None);
        };
        incident
            .members
            .retain(|known| known.conversation_id != *member);
        if !incident.members.is_empty() {
            return Ok(Some(incident.clone()));
        }
        inner.incidents.remove(id);
        inner.latest_incident.retain(|_, latest| latest != id);
        Ok(None)
    }

    async fn erase(&self, id: &ConversationId) -> Result<(), StoreError> {
        let incidents = self.inner().incidents_of(id);
        for incident in incidents {
            self.leave_incident(&incident, id).await?;
        }
        self.inner().erase(id);
        Ok(())
    }

    async fn export(&self, id: &ConversationId) -> Result<HandoffRecord, StoreError> {
        Ok(self.inner().export(id))
    }

    async fn lock_assignment(
        &self,
        token: &str,
        ttl: std::time::Duration,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut inner = self.inner();
        if inner
            .assignment_lock
            .as_ref()
            .is_some_and(|(_, until)| *until > now)
        {
            return Ok(false);
        }
        inner.assignment_lock = Some((token.to_owned(), now + ttl.as_millis() as i64));
        Ok(true)
    }

    async fn unlock_assignment(&self, token: &str) -> Result<(), StoreError> {
        let mut inner = self.inner();
        if inner
            .assignment_lock
            .as_ref()
            .is_some_and(|(holder, _)| holder == token)
        {
            inner.assignment_lock = None;
        }
        Ok(())
    }

    async fn remember_sent(
        &self,
        id: &ConversationId,
        team: &str,
        message_ids: &[String],
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let until = now + self.retention.history_ttl.as_millis() as i64;
        let mut inner = self.inner();
        for message_id in message_ids {
            let to = SentTo {
                conversation_id: id.clone(),
                team: team.to_owned(),
            };
            inner.sent.insert(message_id.clone(), (to, until));
        }
        // Swept now and then, like the rest of this store.
        if inner.sent.len().is_multiple_of(SENT_SWEEP_EVERY) {
            inner.sent.retain(|_, (_, until)| *until > now);
        }
        Ok(())
    }

    async fn next_assignment(&self, team: &str) -> Result<u64, StoreError> {
        let mut inner = self.inner();
        let cursor = inner.assignment_cursors.entry(team.to_owned()).or_default();
        *cursor += 1;
        Ok(*cursor)
    }

    async fn sent_to(&self, message_id: &str) -> Result<Option<SentTo>, StoreError> {
        let now = now_ms();
        Ok(self
            .inner()
            .sent
            .get(message_id)
            .filter(|(_, until)| *until > now)
            .map(|(to, _)| to.clone()))
    }
}

/// How many remembered message ids trigger a sweep of the expired ones.
const SENT_SWEEP_EVERY: usize = 1024;

#[cfg(test)]
mod tests;
