//! khidma: an Arabic-first, bilingual citizen-service chatbot backend.
//!
//! Data flows one way: a channel (`http` for web chat) turns a request into
//! an [`dialogue::Incoming`] message; [`bot::Bot`] takes the conversation's
//! lease from [`state`], lets [`dialogue`] decide against [`kb`] and word the
//! reply with [`i18n`], saves, and the channel sends the reply back.
//! `ARCHITECTURE.md` at the repository root is the map.

pub mod bot;
pub mod channels;
pub mod configuration;
pub mod conversation;
pub mod dialogue;
pub mod error;
pub mod evaluation;
pub mod handoff;
pub mod http;
pub mod i18n;
pub mod kb;
pub mod language;
pub mod memory;
pub mod metrics;
pub mod scenarios;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod worker;
