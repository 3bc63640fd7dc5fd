//! What supervisors watch (`GET /api/v1/supervisor/desk`): every team's
//! queue and oldest wait, open incidents, the agents with their presence
//! and load, and every open case with the service-level targets it missed.
//! Read from the queues and held-case indexes, each entry checked against
//! its conversation (an entry the conversation contradicts is left over
//! from a lost removal and is not counted).

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::{AgentError, AgentService};
use crate::conversation::{Conversation, ConversationId, Handoff, Priority, SlaTarget, now_ms};
use crate::handoff::{Agent, Availability, Presence};

/// The whole desk at one moment.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeskOverview {
    pub at_ms: i64,
    pub teams: Vec<TeamDesk>,
    pub agents: Vec<AgentDesk>,
    /// Every open case, waiting or with an agent, team by team, urgent
    /// first then longest waiting.
    pub cases: Vec<DeskCase>,
}

/// One team's line and load.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct TeamDesk {
    pub team: String,
    /// Cases waiting for an agent.
    pub queue_length: usize,
    /// How long the longest-waiting case has waited, none when nobody waits.
    pub oldest_wait_ms: Option<i64>,
    /// Cases an agent of the team has.
    pub held: usize,
    pub open_incidents: usize,
    /// Open cases (waiting or held) that missed a target.
    pub past_target: usize,
}

/// An agent, whether they take cases, and how many they have.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct AgentDesk {
    pub name: String,
    pub teams: Vec<String>,
    /// `available` or `away` (an agent who never said is away).
    #[schema(value_type = String)]
    pub availability: Availability,
    /// Since when; none for an agent who never said.
    pub since_ms: Option<i64>,
    /// Open cases they have.
    pub load: usize,
}

/// An open case as supervisors list it.
#[derive(Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct DeskCase {
    #[schema(value_type = String)]
    pub conversation_id: ConversationId,
    pub team: String,
    /// `waiting` or `with_agent`.
    #[schema(value_type = String)]
    pub state: &'static str,
    pub agent: Option<String>,
    #[schema(value_type = String)]
    pub priority: Priority,
    /// When it was escalated.
    pub since_ms: i64,
    /// The targets it missed (`first_reply`, `resolution`); empty when on
    /// time.
    #[schema(value_type = Vec<String>)]
    pub breaches: Vec<SlaTarget>,
}

impl AgentService {
    pub async fn desk_overview(&self) -> Result<DeskOverview, AgentError> {
        let now = now_ms();
        let mut teams = Vec::new();
        let mut cases = Vec::new();
        for team in self.desk.teams().names() {
            let queued: Vec<ConversationId> = self
                .handoff
                .queue(team)
                .await?
                .into_iter()
                .map(|entry| entry.id)
                .collect();
            let held: Vec<ConversationId> = self
                .handoff
                .held(team)
                .await?
                .into_iter()
                .map(|entry| entry.id)
                .collect();
            // An entry in both (a lost removal) is one case.
            let ids: Vec<ConversationId> = queued
                .iter()
                .chain(held.iter().filter(|id| !queued.contains(id)))
                .cloned()
                .collect();
            let conversations = self.conversations.get_many(&ids).await?;
            let mut team_cases: Vec<DeskCase> = conversations
                .iter()
                .flatten()
                .filter(|conversation| {
                    self.desk.team_of(&conversation.handoff).as_deref() == Some(team)
                })
                .filter_map(|conversation| open_case(conversation, team))
                .collect();
            team_cases.sort_by_key(|case| (case.priority != Priority::Urgent, case.since_ms));
            let open_incidents = self.handoff.open_incidents(team).await?.len();
            teams.push(team_desk(team, &team_cases, open_incidents, now));
            cases.extend(team_cases);
        }
        let agents = agent_desks(
            &self.desk.teams().agents(),
            &self.handoff.presences().await?,
            &cases,
        );
        Ok(DeskOverview {
            at_ms: now,
            teams,
            agents,
            cases,
        })
    }
}

/// The open case of `team` (the conversation's team), none when the
/// conversation is back with the bot.
fn open_case(conversation: &Conversation, team: &str) -> Option<DeskCase> {
    let (state, agent, priority, since_ms) = match &conversation.handoff {
        Handoff::Waiting {
            priority, since_ms, ..
        } => ("waiting", None, *priority, *since_ms),
        Handoff::WithAgent {
            agent,
            priority,
            since_ms,
            ..
        } => ("with_agent", Some(agent.clone()), *priority, *since_ms),
        Handoff::Bot => return None,
    };
    Some(DeskCase {
        conversation_id: conversation.id.clone(),
        team: team.to_owned(),
        state,
        agent,
        priority,
        since_ms,
        breaches: conversation.handoff.breaches().to_vec(),
    })
}

fn team_desk(team: &str, cases: &[DeskCase], open_incidents: usize, now: i64) -> TeamDesk {
    let waiting = cases.iter().filter(|case| case.agent.is_none());
    TeamDesk {
        team: team.to_owned(),
        queue_length: waiting.clone().count(),
        oldest_wait_ms: waiting.map(|case| (now - case.since_ms).max(0)).max(),
        held: cases.iter().filter(|case| case.agent.is_some()).count(),
        open_incidents,
        past_target: cases
            .iter()
            .filter(|case| !case.breaches.is_empty())
            .count(),
    }
}

fn agent_desks(agents: &[Agent], presences: &[Presence], cases: &[DeskCase]) -> Vec<AgentDesk> {
    let mut load: BTreeMap<&str, usize> = BTreeMap::new();
    for agent in cases.iter().filter_map(|case| case.agent.as_deref()) {
        *load.entry(agent).or_default() += 1;
    }
    agents
        .iter()
        .map(|agent| {
            let presence = presences
                .iter()
                .find(|presence| presence.agent == agent.name);
            AgentDesk {
                name: agent.name.clone(),
                teams: agent.teams.iter().cloned().collect(),
                availability: presence.map_or(Availability::Away, |presence| presence.availability),
                since_ms: presence.map(|presence| presence.since_ms),
                load: load.get(agent.name.as_str()).copied().unwrap_or(0),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(team: &str, agent: Option<&str>, since_ms: i64, breaches: Vec<SlaTarget>) -> DeskCase {
        DeskCase {
            conversation_id: ConversationId::new("web", &format!("c{since_ms}")).unwrap(),
            team: team.to_owned(),
            state: if agent.is_some() {
                "with_agent"
            } else {
                "waiting"
            },
            agent: agent.map(str::to_owned),
            priority: Priority::Normal,
            since_ms,
            breaches,
        }
    }

    #[test]
    fn a_team_counts_its_line_its_oldest_wait_its_held_cases_and_those_past_target() {
        let cases = [
            case("water", None, 1_000, vec![SlaTarget::FirstReply]),
            case("water", None, 4_000, vec![]),
            case("water", Some("sara"), 500, vec![SlaTarget::Resolution]),
        ];
        assert_eq!(
            team_desk("water", &cases, 2, 10_000),
            TeamDesk {
                team: "water".to_owned(),
                queue_length: 2,
                oldest_wait_ms: Some(9_000),
                held: 1,
                open_incidents: 2,
                past_target: 2,
            }
        );
        assert_eq!(team_desk("roads", &[], 0, 10_000).oldest_wait_ms, None);
    }

    #[test]
    fn an_agents_load_is_the_cases_they_have_and_one_who_never_said_is_away() {
        let agent = |name: &str| Agent {
            name: name.to_owned(),
            teams: ["water".to_owned()].into(),
        };
        let cases = [
            case("water", Some("sara"), 1, vec![]),
            case("water", Some("sara"), 2, vec![]),
            case("water", None, 3, vec![]),
        ];
        let presences = [Presence {
            agent: "sara".to_owned(),
            availability: Availability::Available,
            since_ms: 7,
        }];
        let desks = agent_desks(&[agent("sara"), agent("omar")], &presences, &cases);
        assert_eq!(desks[0].load, 2);
        assert_eq!(desks[0].availability, Availability::Available);
        assert_eq!(desks[0].since_ms, Some(7));
        assert_eq!(desks[1].load, 0);
        assert_eq!(desks[1].availability, Availability::Away);
        assert_eq!(desks[1].since_ms, None);
    }
}
