//! Built-in knowledge of how citizens write, the same for every agency:
//! scripts and spelling. An agency's own words live in its knowledge base's
//! `lexicon.toml`, never here.

pub mod cues;
pub mod person;
pub mod text;
pub mod urgency;
