//! The buttons the bot offers, as their ids come back from a platform.

/// A button the bot offered, as it comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ButtonAction {
    Entry(String),
    Topic(String),
    MainTopics,
    TalkToAgent,
    /// A 1-5 rating after an agent resolved the case, or of the bot's
    /// answers (`closing`).
    Rate(u8),
    /// The citizen wants to add a comment to their rating.
    Comment,
}

/// Ratings run from 1 to 5.
pub const RATING_SCORES: std::ops::RangeInclusive<u8> = 1..=5;

impl ButtonAction {
    pub fn id(&self) -> String {
        match self {
            ButtonAction::Entry(id) => format!("entry:{id}"),
            ButtonAction::Topic(category) => format!("topic:{category}"),
            ButtonAction::MainTopics => "topics".to_owned(),
            ButtonAction::TalkToAgent => "agent".to_owned(),
            ButtonAction::Rate(score) => format!("rate:{score}"),
            ButtonAction::Comment => "comment".to_owned(),
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.split_once(':') {
            Some(("entry", id)) => Some(ButtonAction::Entry(id.to_owned())),
            Some(("topic", category)) => Some(ButtonAction::Topic(category.to_owned())),
            Some(("rate", score)) => score
                .parse()
                .ok()
                .filter(|score| RATING_SCORES.contains(score))
                .map(ButtonAction::Rate),
            None if raw == "topics" => Some(ButtonAction::MainTopics),
            None if raw == "agent" => Some(ButtonAction::TalkToAgent),
            None if raw == "comment" => Some(ButtonAction::Comment),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn button_ids_round_trip() {
        for button in [
            ButtonAction::Entry("passport-renewal".into()),
            ButtonAction::Topic("traffic".into()),
            ButtonAction::MainTopics,
            ButtonAction::TalkToAgent,
            ButtonAction::Rate(5),
            ButtonAction::Comment,
        ] {
            assert_eq!(ButtonAction::parse(&button.id()), Some(button));
        }
        assert_eq!(ButtonAction::parse("nonsense"), None);
        assert_eq!(ButtonAction::parse("rate:6"), None);
        assert_eq!(ButtonAction::parse("rate:0"), None);
    }
}
