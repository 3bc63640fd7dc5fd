//! khidma: an Arabic-first, bilingual citizen-service chatbot backend.
//!
//! A channel turns a request into a [`message::Incoming`] message, and
//! [`pipeline::Pipeline`] runs the turn: it takes the conversation's lease
//! from [`state`], lets [`dialogue`] decide against [`kb`] and word the
//! reply with [`i18n`], sends it, saves, and only then tells the agents
//! ([`handoff`]). Agents' actions are turns of the same pipeline.
//! `ARCHITECTURE.md` at the repository root is the map.

pub mod agents;
pub mod channels;
pub mod configuration;
pub mod conversation;
pub mod cx;
pub mod dialogue;
pub mod evaluation;
pub mod handoff;
pub mod http;
pub mod i18n;
pub mod kb;
pub mod language;
pub mod memory;
pub mod message;
pub mod metrics;
pub mod pipeline;
pub mod privacy;
pub mod reports;
pub mod scenarios;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod worker;
