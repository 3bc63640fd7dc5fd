//! What a conversation is about: the topic of the last answer, and what
//! the citizen said was wrong (`dialogue::topic`, `dialogue::correction`).

use serde::{Deserialize, Serialize};

use crate::kb::EntryId;

/// The topic of the last answer and what the citizen said was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Thread {
    /// The entry last answered: a follow-up ("how much?") is about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<EntryId>,
    /// The citizen's message that led to it: a correction ("not that")
    /// looks again at its other readings.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub asked: String,
    /// When the topic was last answered; it expires after a while.
    #[serde(default)]
    pub at_ms: i64,
    /// Entries the citizen said were not what they meant; never offered
    /// again while they correct the bot.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<EntryId>,
    /// Corrections in a row: a second one offers a person.
    #[serde(default, skip_serializing_if = "super::is_zero")]
    pub corrections: u32,
    /// The ids of the buttons of the last reply, when it offered no
    /// choices: "the second one" may mean its second button.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<String>,
}

impl Thread {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}
