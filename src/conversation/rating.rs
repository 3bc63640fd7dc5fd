//! Ratings: what a citizen is asked to rate, and what they gave.

use serde::{Deserialize, Serialize};

/// What a citizen is asked to rate: an agent's handling of their case
/// after a resolve, or the bot's answers (no agent, no team yet) when the
/// citizen thanks it after one (`dialogue::closing`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRequest {
    /// `None` for the bot's answers.
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub team: Option<String>,
}

/// A citizen's 1-5 rating of how an agent, or the bot alone, served them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// `None` for the bot's answers.
    #[serde(default)]
    pub agent: Option<String>,
    /// The agent's team; for the bot's answers, the team their topic
    /// routes to (the desk fills it in when it stores the rating).
    #[serde(default)]
    pub team: Option<String>,
    pub score: u8,
    pub at_ms: i64,
    /// What the citizen added after rating, when they chose to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Ratings kept with the conversation (one per resolved case).
pub const MAX_RATINGS: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_stored_before_the_bot_asked_for_any_still_read() {
        let old = r#"{"agent":"sara","team":"utilities","score":4,"at_ms":1}"#;
        let rating: Rating = serde_json::from_str(old).unwrap();
        assert_eq!(rating.agent.as_deref(), Some("sara"));
        assert_eq!(rating.team.as_deref(), Some("utilities"));
        let request: RatingRequest =
            serde_json::from_str(r#"{"agent":"sara","team":"utilities"}"#).unwrap();
        assert_eq!(request.agent.as_deref(), Some("sara"));
        let bot: Rating = serde_json::from_str(r#"{"score":5,"at_ms":2}"#).unwrap();
        assert_eq!((bot.agent, bot.team), (None, None));
    }
}
