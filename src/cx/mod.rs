//! Citizen experience, measured: every turn and handoff step becomes a
//! [`CxEvent`], written to a durable store (SQLite by default, PostgreSQL
//! when `DATABASE_URL` is set) that reports, the dashboard, alerts and the
//! public figures read. Events hold no citizen text but the masked text of
//! questions the bot could not answer (and rating comments), for editors,
//! and the conversation only as a keyed pseudonym.

pub mod alerts;
mod event;
pub mod mask;
mod recorder;
pub(crate) mod store;

pub use event::{Confidence, CxEvent, EventKind};
pub use recorder::{Recorder, RecorderTask};
pub use store::{CxError, EventRow, EventStore, RatingStats, RowFilter, SurgeDimension};
