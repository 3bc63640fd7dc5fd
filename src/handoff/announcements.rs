//! What the humans' side learns of a turn, held back until the turn is
//! committed (the last step of `pipeline`): a console that reloads on an
//! event must find the conversation as the event says (waiting, say), not
//! as it was before the turn, and a queue entry must not leave before the
//! claim that ends it is saved.

use super::{Event, HandoffStore, HistoryItem};
use crate::conversation::ConversationId;
use crate::cx::{CxEvent, Recorder};
use crate::state::StoreError;

/// A turn's writes and events for the agents, in the order they are made.
#[derive(Debug, Default)]
#[must_use = "announce once the turn is committed"]
pub struct Announcements(Vec<Announcement>);

#[derive(Debug)]
enum Announcement {
    /// A live event whose history line, if any, is already written.
    Event(Event),
    /// A line of the conversation's history, and its live event when
    /// `live`.
    Record {
        id: ConversationId,
        item: HistoryItem,
        live: bool,
    },
    /// The conversation leaves its team's queue: claimed, or handed back.
    Dequeue { team: String, id: ConversationId },
    /// No agent of the team has the conversation any more.
    Release { team: String, id: ConversationId },
    /// How long a claimed case waited, for the team's wait estimate.
    Pickup { team: String, waited_ms: i64 },
    /// A citizen-experience event: recorded only once the turn is
    /// committed, so the figures count what happened, not what was tried.
    Cx(Box<CxEvent>),
}

impl Announcements {
    /// A live event for the agents.
    pub fn event(&mut self, event: Event) {
        self.0.push(Announcement::Event(event));
    }

    /// A history line with its live event.
    pub fn record(&mut self, id: &ConversationId, item: HistoryItem) {
        self.0.push(Announcement::Record {
            id: id.clone(),
            item,
            live: true,
        });
    }

    /// A history line agents read in the transcript, with no live event.
    pub fn note(&mut self, id: &ConversationId, item: HistoryItem) {
        self.0.push(Announcement::Record {
            id: id.clone(),
            item,
            live: false,
        });
    }

    pub fn dequeue(&mut self, team: &str, id: &ConversationId) {
        self.0.push(Announcement::Dequeue {
            team: team.to_owned(),
            id: id.clone(),
        });
    }

    pub fn release(&mut self, team: &str, id: &ConversationId) {
        self.0.push(Announcement::Release {
            team: team.to_owned(),
            id: id.clone(),
        });
    }

    pub fn pickup(&mut self, team: &str, waited_ms: i64) {
        self.0.push(Announcement::Pickup {
            team: team.to_owned(),
            waited_ms,
        });
    }

    pub fn cx(&mut self, event: CxEvent) {
        self.0.push(Announcement::Cx(Box::new(event)));
    }

    pub fn extend(&mut self, more: Announcements) {
        self.0.extend(more.0);
    }

    /// Makes the writes and sends the events, in order. The turn is
    /// committed: a lost event is logged, not retried (consoles reload on
    /// reconnect), while a history or queue write that fails stops here
    /// and is reported to the caller.
    pub(super) async fn announce(
        self,
        store: &dyn HandoffStore,
        recorder: &Recorder,
    ) -> Result<(), StoreError> {
        // The turn is committed: its events are recorded whatever happens
        // to the agents' writes below.
        let (events, others): (Vec<_>, Vec<_>) = self
            .0
            .into_iter()
            .partition(|announcement| matches!(announcement, Announcement::Cx(_)));
        for announcement in events {
            if let Announcement::Cx(event) = announcement {
                recorder.record(*event);
            }
        }
        for announcement in others {
            match announcement {
                Announcement::Event(event) => publish(store, &event).await,
                Announcement::Record { id, item, live } => {
                    store.append(&id, std::slice::from_ref(&item)).await?;
                    if live {
                        publish(store, &Event::conversation(id, item)).await;
                    }
                }
                Announcement::Dequeue { team, id } => store.dequeue(&team, &id).await?,
                Announcement::Release { team, id } => store.release(&team, &id).await?,
                Announcement::Pickup { team, waited_ms } => {
                    store.record_pickup(&team, waited_ms).await?;
                }
                Announcement::Cx(_) => {}
            }
        }
        Ok(())
    }
}

async fn publish(store: &dyn HandoffStore, event: &Event) {
    if let Err(err) = store.publish(event).await {
        tracing::warn!(error = %err, kind = event.kind(), "an event for agents was lost");
    }
}
