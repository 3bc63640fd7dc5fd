//! Service levels: when a case with the humans is due, by its team's
//! targets (`[handoff.teams.sla]`) counted in the team's business hours
//! from the escalation, and which targets it has missed. A case first owes
//! the citizen a person's reply, then its resolution; an urgent case has
//! its own, tighter targets when the team sets them. The clock runs from
//! the escalation wherever the case goes: a transfer keeps its place and
//! its debt to the citizen.

use serde::Serialize;
use utoipa::ToSchema;

use super::Teams;
use crate::configuration::SlaSettings;
use crate::conversation::{Conversation, Handoff, Priority, SlaTarget, Speaker};

/// Where a case stands against its next target, for agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct SlaStatus {
    /// `first_reply` or `resolution`.
    #[schema(value_type = String)]
    pub target: SlaTarget,
    pub due_ms: i64,
    pub overdue: bool,
}

/// A target the case has just missed, not announced yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Miss {
    pub target: SlaTarget,
    pub due_ms: i64,
}

/// The target's length for a case of `priority`: an urgent target not set
/// falls back to the normal one.
pub fn target_secs(settings: &SlaSettings, target: SlaTarget, priority: Priority) -> Option<u64> {
    let (normal, urgent) = match target {
        SlaTarget::FirstReply => (settings.first_reply_secs, settings.urgent_first_reply_secs),
        SlaTarget::Resolution => (settings.resolution_secs, settings.urgent_resolution_secs),
    };
    match priority {
        Priority::Urgent => urgent.or(normal),
        Priority::Normal => normal,
    }
}

/// The targets `conversation`'s case still has to meet, in order: a
/// person's first reply until one wrote after the escalation, then its
/// resolution.
fn open_targets(conversation: &Conversation) -> Vec<SlaTarget> {
    let since_ms = match &conversation.handoff {
        Handoff::Bot => return Vec::new(),
        Handoff::Waiting { since_ms, .. } | Handoff::WithAgent { since_ms, .. } => *since_ms,
    };
    let replied = conversation
        .turns
        .iter()
        .any(|turn| turn.speaker == Speaker::Agent && turn.at_ms >= since_ms);
    if replied {
        vec![SlaTarget::Resolution]
    } else {
        vec![SlaTarget::FirstReply, SlaTarget::Resolution]
    }
}

/// Each open target's due time for the case as `team` has it now.
fn due_times(teams: &Teams, team: &str, conversation: &Conversation) -> Vec<Miss> {
    let Some(settings) = teams.service_levels(team) else {
        return Vec::new();
    };
    let (priority, since_ms) = match &conversation.handoff {
        Handoff::Bot => return Vec::new(),
        Handoff::Waiting {
            priority, since_ms, ..
        }
        | Handoff::WithAgent {
            priority, since_ms, ..
        } => (*priority, *since_ms),
    };
    open_targets(conversation)
        .into_iter()
        .filter_map(|target| {
            let secs = target_secs(settings, target, priority)?;
            let due_ms = teams.after_business_secs(team, since_ms, secs)?;
            Some(Miss { target, due_ms })
        })
        .collect()
}

/// The case's next target as `team` has it: its due time and whether it
/// has passed at `now_ms`. `None` when the team watches none.
pub fn status(
    teams: &Teams,
    team: &str,
    conversation: &Conversation,
    now_ms: i64,
) -> Option<SlaStatus> {
    due_times(teams, team, conversation)
        .first()
        .map(|next| SlaStatus {
            target: next.target,
            due_ms: next.due_ms,
            overdue: now_ms >= next.due_ms,
        })
}

/// The targets the case has missed by `now_ms` and that were not
/// announced yet (`Handoff::breaches`).
pub fn new_misses(
    teams: &Teams,
    team: &str,
    conversation: &Conversation,
    now_ms: i64,
) -> Vec<Miss> {
    let announced = conversation.handoff.breaches();
    due_times(teams, team, conversation)
        .into_iter()
        .filter(|miss| now_ms >= miss.due_ms && !announced.contains(&miss.target))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configuration::{HandoffSettings, Settings, TeamSettings};
    use crate::conversation::{ConversationId, EscalationReason, Turn};

    fn teams() -> Teams {
        let mut settings: HandoffSettings =
            Settings::load(None, &Default::default()).unwrap().handoff;
        settings.teams = vec![TeamSettings {
            name: "utilities".to_owned(),
            sla: Some(SlaSettings {
                first_reply_secs: Some(600),
                resolution_secs: Some(3_600),
                urgent_first_reply_secs: Some(60),
                ..Default::default()
            }),
            ..Default::default()
        }];
        Teams::from_settings(&settings).unwrap()
    }

    fn waiting(priority: Priority) -> Conversation {
        let mut conversation = Conversation::new(ConversationId::new("web", "c").unwrap());
        conversation.handoff = Handoff::Waiting {
            reason: EscalationReason::CitizenAsked,
            priority,
            entry_id: None,
            since_ms: 1_000_000,
            acknowledged: true,
            category: None,
            team: Some("utilities".to_owned()),
            area: None,
            incident_id: None,
            breaches: Vec::new(),
        };
        conversation
    }

    #[test]
    fn a_case_owes_a_first_reply_then_its_resolution() {
        let teams = teams();
        let case = waiting(Priority::Normal);
        let next = status(&teams, "utilities", &case, 1_000_000).unwrap();
        assert_eq!(
            next,
            SlaStatus {
                target: SlaTarget::FirstReply,
                due_ms: 1_600_000,
                overdue: false
            }
        );
        assert!(
            status(&teams, "utilities", &case, 1_600_000)
                .unwrap()
                .overdue
        );
        let mut replied = case.clone();
        replied.record(Turn {
            at_ms: 1_100_000,
            speaker: Speaker::Agent,
            text: "hello".to_owned(),
            action: None,
            entry_id: None,
        });
        let next = status(&teams, "utilities", &replied, 1_600_000).unwrap();
        assert_eq!(
            (next.target, next.due_ms, next.overdue),
            (SlaTarget::Resolution, 4_600_000, false)
        );
        // A team with no service levels watches nothing.
        assert_eq!(status(&teams, "general", &case, 9_000_000), None);
    }

    #[test]
    fn urgent_cases_have_their_own_targets_or_the_normal_ones() {
        let teams = teams();
        let urgent = waiting(Priority::Urgent);
        let misses = new_misses(&teams, "utilities", &urgent, 1_060_000);
        assert_eq!(
            misses,
            [Miss {
                target: SlaTarget::FirstReply,
                due_ms: 1_060_000
            }]
        );
        // No urgent resolution target: the normal one applies.
        let both = new_misses(&teams, "utilities", &urgent, 4_600_000);
        assert_eq!(both.len(), 2);
        assert!(new_misses(&teams, "utilities", &urgent, 1_059_999).is_empty());
    }

    #[test]
    fn a_miss_is_announced_once() {
        let teams = teams();
        let mut case = waiting(Priority::Urgent);
        if let Handoff::Waiting { breaches, .. } = &mut case.handoff {
            breaches.push(SlaTarget::FirstReply);
        }
        assert!(new_misses(&teams, "utilities", &case, 1_060_000).is_empty());
        // Still overdue for the agents' eyes.
        assert!(
            status(&teams, "utilities", &case, 1_060_000)
                .unwrap()
                .overdue
        );
    }
}
