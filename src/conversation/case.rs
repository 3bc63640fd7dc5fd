//! The words of a case's life at the desk that several parts share: the
//! service-level targets it can miss, and how an agent closed it.

use serde::{Deserialize, Serialize};

use super::Handoff;

/// A team's service-level target (`[handoff.teams.sla]`): a person's first
/// reply, or the case resolved, by a due time in the team's business hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaTarget {
    FirstReply,
    Resolution,
}

impl SlaTarget {
    pub fn name(self) -> &'static str {
        match self {
            SlaTarget::FirstReply => "first_reply",
            SlaTarget::Resolution => "resolution",
        }
    }
}

/// How an agent closed a case; the citizen's closing message and rating
/// request follow from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The citizen's problem is solved.
    #[default]
    Solved,
    /// Another agency handles it; the citizen was told where to go.
    Referred,
    /// The same problem is handled in another case.
    Duplicate,
    /// The citizen stopped answering.
    NoResponse,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Solved => "solved",
            Outcome::Referred => "referred",
            Outcome::Duplicate => "duplicate",
            Outcome::NoResponse => "no_response",
        }
    }

    /// Whether the citizen is asked to rate the help. Solved and referred
    /// cases are: the citizen dealt with our team and can judge it (a
    /// referral is still our service). A duplicate is not: its twin case
    /// asks once it ends, and one problem gets one survey. Nor is a case
    /// the citizen stopped answering: asking someone who went silent to
    /// rate a conversation they left reads as pressure and yields noise,
    /// so the closing only says how to come back.
    pub fn asks_for_rating(self) -> bool {
        matches!(self, Outcome::Solved | Outcome::Referred)
    }
}

impl Handoff {
    /// The case as `agent` of `team` has it from `now_ms`: claimed,
    /// assigned or transferred to them. What the citizen reported, when,
    /// and the targets already missed go with it. `None` for a
    /// conversation with the bot.
    pub fn taken_by(self, agent: &str, team: &str, now_ms: i64) -> Option<Handoff> {
        let (reason, priority, entry_id, since_ms, acknowledged, area, incident_id, breaches) =
            match self {
                Handoff::Bot => return None,
                Handoff::Waiting {
                    reason,
                    priority,
                    entry_id,
                    since_ms,
                    acknowledged,
                    area,
                    incident_id,
                    breaches,
                    ..
                }
                | Handoff::WithAgent {
                    reason,
                    priority,
                    entry_id,
                    since_ms,
                    acknowledged,
                    area,
                    incident_id,
                    breaches,
                    ..
                } => (
                    reason,
                    priority,
                    entry_id,
                    since_ms,
                    acknowledged,
                    area,
                    incident_id,
                    breaches,
                ),
            };
        Some(Handoff::WithAgent {
            agent: agent.to_owned(),
            team: team.to_owned(),
            reason,
            priority,
            entry_id,
            since_ms,
            acknowledged,
            area,
            incident_id,
            claimed_ms: Some(now_ms),
            breaches,
        })
    }

    /// The case back in a queue, `team`'s: transferred to a team, returned
    /// by a silent agent, or moved up after a missed target. It keeps its
    /// escalation time and priority, so it keeps its place in line.
    /// `None` for a conversation with the bot.
    pub fn queued_for(self, team: &str) -> Option<Handoff> {
        let category = match &self {
            Handoff::Waiting { category, .. } => category.clone(),
            _ => None,
        };
        let Handoff::WithAgent {
            reason,
            priority,
            entry_id,
            since_ms,
            acknowledged,
            area,
            incident_id,
            breaches,
            ..
        } = self.taken_by("", team, 0)?
        else {
            return None;
        };
        Some(Handoff::Waiting {
            reason,
            priority,
            entry_id,
            since_ms,
            acknowledged,
            category,
            team: Some(team.to_owned()),
            area,
            incident_id,
            breaches,
        })
    }

    /// The targets this case has missed so far.
    pub fn breaches(&self) -> &[SlaTarget] {
        match self {
            Handoff::Bot => &[],
            Handoff::Waiting { breaches, .. } | Handoff::WithAgent { breaches, .. } => breaches,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{EscalationReason, Priority};

    fn waiting() -> Handoff {
        Handoff::Waiting {
            reason: EscalationReason::Urgent,
            priority: Priority::Urgent,
            entry_id: None,
            since_ms: 1_000,
            acknowledged: true,
            category: Some("water".to_owned()),
            team: Some("utilities".to_owned()),
            area: None,
            incident_id: Some("inc-1".to_owned()),
            breaches: vec![SlaTarget::FirstReply],
        }
    }

    #[test]
    fn a_case_keeps_its_report_and_place_through_claims_and_transfers() {
        let taken = waiting().taken_by("sara", "utilities", 5_000).unwrap();
        let Handoff::WithAgent {
            ref agent,
            since_ms,
            claimed_ms,
            ref incident_id,
            ..
        } = taken
        else {
            panic!("{taken:?}");
        };
        assert_eq!(
            (agent.as_str(), since_ms, claimed_ms),
            ("sara", 1_000, Some(5_000))
        );
        assert_eq!(incident_id.as_deref(), Some("inc-1"));
        assert_eq!(taken.breaches(), [SlaTarget::FirstReply]);
        let queued = taken.queued_for("supervisors").unwrap();
        let Handoff::Waiting {
            ref team,
            since_ms,
            priority,
            ..
        } = queued
        else {
            panic!("{queued:?}");
        };
        assert_eq!(team.as_deref(), Some("supervisors"));
        assert_eq!((since_ms, priority), (1_000, Priority::Urgent));
        assert_eq!(queued.breaches(), [SlaTarget::FirstReply]);
        assert_eq!(Handoff::Bot.taken_by("sara", "utilities", 1), None);
        assert_eq!(Handoff::Bot.queued_for("utilities"), None);
    }

    #[test]
    fn names_are_the_wire_names() {
        for target in [SlaTarget::FirstReply, SlaTarget::Resolution] {
            assert_eq!(
                serde_json::to_value(target).unwrap(),
                serde_json::json!(target.name())
            );
        }
        for outcome in [
            Outcome::Solved,
            Outcome::Referred,
            Outcome::Duplicate,
            Outcome::NoResponse,
        ] {
            assert_eq!(
                serde_json::to_value(outcome).unwrap(),
                serde_json::json!(outcome.name())
            );
        }
    }
}
