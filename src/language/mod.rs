//! Built-in knowledge of how citizens write, the same for every agency:
//! scripts and spelling, the dialects' words and morphology, general
//! synonyms, courtesy, negation, emergencies and requests for a person,
//! how citizens feel (sentiment and frustration),
//! and the words that steer a conversation. An agency's own words live in
//! its knowledge base's `lexicon.toml`, never here.

pub mod conversation;
pub mod courtesy;
pub mod cues;
pub mod dialect;
pub mod dictionary;
pub mod morphology;
pub mod negation;
pub mod person;
pub mod sentiment;
pub mod text;
pub mod thesaurus;
pub mod urgency;
