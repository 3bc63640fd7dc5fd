//! A citizen's rights over what khidma keeps about them: **erasure** (every
//! store forgets the conversation: its state, the citizen's memory, queued
//! messages, remembered message ids, history, outbox, places in queues and
//! incidents, ratings, the web-chat session; the citizen-experience events
//! are kept for the figures but cut from the citizen) and **export** (all of it, as
//! JSON). Both are for supervisors (`DELETE` and `GET
//! /api/v1/admin/conversations/{id}[/export]`) and operators (`khidma
//! erase`). Erasure is logged as an audit event that names who and a keyed
//! hash of the conversation id, never the id.
//!
//! How long things are kept without anyone asking is each store's
//! retention (`[retention]` and the TTL settings).

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::conversation::ConversationId;
use crate::cx::Recorder;
use crate::handoff::{HandoffRecord, HandoffStore};
use crate::pipeline::Pipeline;
use crate::state::{StoreError, StoredCitizen};

/// How long an erasure waits for an event store that is still opening.
const EVENT_STORE_WAIT: Duration = Duration::from_secs(5);

pub struct Privacy {
    pipeline: Arc<Pipeline>,
    handoff: Arc<dyn HandoffStore>,
    /// Its store's events lose their link to the citizen on erasure.
    events: Recorder,
}

/// Everything stored about one citizen's conversation.
#[derive(Debug, Serialize)]
pub struct Export {
    pub conversation_id: ConversationId,
    #[serde(flatten)]
    pub state: StoredCitizen,
    #[serde(flatten)]
    pub handoff: HandoffRecord,
}

impl Privacy {
    pub fn new(pipeline: Arc<Pipeline>, handoff: Arc<dyn HandoffStore>, events: Recorder) -> Self {
        Self {
            pipeline,
            handoff,
            events,
        }
    }

    /// Erases everything stored about the conversation, in every store, and
    /// logs who did it. Erasing what is not there succeeds: the result is
    /// the same.
    pub async fn erase(&self, id: &ConversationId, by: &str) -> Result<(), StoreError> {
        self.pipeline.erase(id).await?;
        self.handoff.erase(id).await?;
        if self.events.enabled() {
            // The citizen-experience events keep counting, under a name
            // that no longer leads to the citizen, and lose their texts.
            // An erasure is complete or it fails (and is tried again).
            let store = self.events.ready(EVENT_STORE_WAIT).await.ok_or_else(|| {
                StoreError::Unavailable("the citizen-experience event store".to_owned())
            })?;
            store
                .forget(id)
                .await
                .map_err(|err| StoreError::Unavailable(err.to_string()))?;
        }
        self.audit("erasure", by, id);
        Ok(())
    }

    /// The audit log's line: what, who, and the conversation's pseudonym
    /// (the keyed hash every log line uses), never its id.
    fn audit(&self, event: &str, by: &str, id: &ConversationId) {
        tracing::info!(
            target: "audit",
            event,
            by,
            conversation = %id.pseudonym(),
            "a citizen's data was read or erased by a supervisor or operator"
        );
    }

    /// Everything stored about the conversation, for its citizen.
    pub async fn export(&self, id: &ConversationId, by: &str) -> Result<Export, StoreError> {
        let state = self.pipeline.store().export(id).await?;
        let handoff = self.handoff.export(id).await?;
        self.audit("export", by, id);
        Ok(Export {
            conversation_id: id.clone(),
            state,
            handoff,
        })
    }
}
