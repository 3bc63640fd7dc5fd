//! Built-in knowledge of how citizens write, the same for every agency:
//! scripts and spelling, and the words that steer a conversation. An
//! agency's own words live in its knowledge base's `lexicon.toml`, never
//! here.

pub mod conversation;
pub mod text;
