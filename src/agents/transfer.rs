//! Moving a case to another team or agent, with a reason: an agent's
//! transfer, a supervisor's reassignment, or a missed service-level target
//! moving it up. The case keeps its escalation time and priority, so it
//! keeps its place in the new team's line, and its transcript goes with it.

use super::{AgentError, AgentService, forbidden};
use crate::conversation::{ConversationId, Handoff, now_ms};
use crate::cx::EventKind;
use crate::handoff::{Agent, HistoryItem, Record};

/// Where a case goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferTarget {
    /// The team's queue.
    Team(String),
    /// That agent, in the case's team if they serve it, else in their
    /// first team.
    Agent(String),
}

/// Who moves a case, and so what they may move.
#[derive(Debug, Clone, Copy)]
pub enum Mover<'a> {
    /// Their own case, or one waiting in a team they serve.
    Agent(&'a Agent),
    /// Any case.
    Supervisor(&'a str),
    /// A missed service-level target moves a case up (`sla`).
    ServiceLevel,
}

impl Mover<'_> {
    pub fn name(&self) -> &str {
        match self {
            Mover::Agent(agent) => &agent.name,
            Mover::Supervisor(name) => name,
            Mover::ServiceLevel => "sla",
        }
    }
}

impl AgentService {
    /// Moves the case to `target` and returns where it is now. Moving a
    /// case to where it already is is refused (`Unchanged`).
    pub async fn transfer(
        &self,
        mover: Mover<'_>,
        id: &ConversationId,
        target: TransferTarget,
        reason: &str,
    ) -> Result<Handoff, AgentError> {
        let mut turn = self.pipeline.begin(id).await?;
        if !turn.existed() {
            return Err(AgentError::NoConversation(id.clone()));
        }
        let handoff = turn.conversation().handoff.clone();
        let from_team = self
            .desk
            .team_of(&handoff)
            .ok_or_else(|| AgentError::NotWaiting(id.clone()))?;
        let from_agent = match &handoff {
            Handoff::WithAgent { agent, .. } => Some(agent.clone()),
            _ => None,
        };
        if let Mover::Agent(agent) = mover {
            if !agent.serves(&from_team) {
                return Err(forbidden(agent, &from_team));
            }
            if let Some(owner) = from_agent.as_ref().filter(|owner| **owner != agent.name) {
                return Err(AgentError::Claimed {
                    owner: owner.clone(),
                    id: id.clone(),
                });
            }
        }
        let teams = self.desk.teams();
        let (team, to_agent) = match target {
            TransferTarget::Team(team) => {
                if !teams.names().contains(team.as_str()) {
                    return Err(AgentError::NoTeam(team));
                }
                (team, None)
            }
            TransferTarget::Agent(name) => {
                let agent = teams
                    .agent_named(&name)
                    .ok_or_else(|| AgentError::NoAgent(name.clone()))?;
                let team = if agent.serves(&from_team) {
                    from_team.clone()
                } else {
                    agent.teams.first().cloned().unwrap_or_default()
                };
                (team, Some(name))
            }
        };
        let unchanged = team == from_team
            && match &to_agent {
                None => from_agent.is_none(),
                Some(name) => from_agent.as_ref() == Some(name),
            };
        if unchanged {
            return Err(AgentError::Unchanged(id.clone()));
        }
        let moved = match &to_agent {
            Some(agent) => {
                self.take(&mut turn, agent, &team, Some(mover.name()))
                    .await?
            }
            None => {
                let queued = handoff
                    .clone()
                    .queued_for(&team)
                    .ok_or_else(|| AgentError::NotWaiting(id.clone()))?;
                // Queued before the commit, like an escalation: a crash
                // must not lose the case; the old team's entry goes after.
                if let Handoff::Waiting {
                    priority, since_ms, ..
                } = &queued
                {
                    self.handoff
                        .enqueue(&team, id, *priority, *since_ms)
                        .await?;
                }
                turn.conversation_mut().handoff = queued.clone();
                let after_commit = turn.after_commit();
                match &handoff {
                    Handoff::Waiting { .. } => after_commit.dequeue(&from_team, id),
                    _ => after_commit.release(&from_team, id),
                }
                queued
            }
        };
        let mut event =
            super::claims::step_event(EventKind::Transferred, turn.conversation(), mover.name());
        event.team = Some(team.clone());
        let after_commit = turn.after_commit();
        after_commit.cx(event);
        after_commit.record(
            id,
            HistoryItem {
                at_ms: now_ms(),
                record: Record::Transferred {
                    team: team.clone(),
                    from_team: from_team.clone(),
                    from_agent,
                    to_agent,
                    by: mover.name().to_owned(),
                    reason: reason.to_owned(),
                },
            },
        );
        self.pipeline.finish(turn).await?;
        tracing::info!(conversation = %id.pseudonym(), by = mover.name(), from_team, team, "transferred");
        Ok(moved)
    }
}
