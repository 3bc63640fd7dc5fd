//! Automatic assignment, for teams with `assignment.auto`: a waiting case
//! goes round-robin to the team's available agents who hold fewer cases
//! than the team's `capacity`, instead of waiting for a claim. It runs
//! when a case is queued, transferred, returned or resolved (the desk's
//! events, from every instance), when an agent becomes available, and on
//! a short sweep for whatever a busy lock made it miss.
//!
//! Across instances: each case is given in a turn under its conversation's
//! lease, which checks that it still waits, so no case is given twice; and
//! one instance at a time assigns (the store's assignment lock), so the
//! loads it counts are true and no agent goes over capacity. The
//! round-robin cursor is the store's, shared by every instance.

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;

use super::{AgentError, AgentService};
use crate::configuration::TeamSettings;
use crate::conversation::Handoff;
use crate::handoff::{Availability, Event, Record};

/// Longer than any assignment pass; a holder that died frees it then.
const LOCK_TTL: Duration = Duration::from_secs(5);

/// How often waiting cases are looked at even with no event.
const SWEEP: Duration = Duration::from_secs(2);

/// The teams that assign automatically, and their capacity per agent
/// (none: no limit).
#[derive(Debug, Default)]
pub struct AutoAssignment {
    teams: Vec<(String, Option<NonZeroUsize>)>,
    /// Rings when an agent becomes available on this instance.
    wake: tokio::sync::Notify,
}

impl AutoAssignment {
    pub fn from_settings(teams: &[TeamSettings]) -> Self {
        Self {
            teams: teams
                .iter()
                .filter(|team| team.assignment.auto)
                .map(|team| (team.name.clone(), team.assignment.capacity))
                .collect(),
            wake: tokio::sync::Notify::new(),
        }
    }

    pub fn is_on(&self) -> bool {
        !self.teams.is_empty()
    }

    pub(super) fn wake(&self) {
        self.wake.notify_one();
    }
}

impl AgentService {
    /// Gives out the waiting cases of automatic teams, if no other
    /// instance is doing it now; how many were given.
    pub async fn assign_waiting(&self) -> Result<usize, AgentError> {
        if !self.assignment.is_on() {
            return Ok(0);
        }
        let token = lock_token();
        if !self.handoff.lock_assignment(&token, LOCK_TTL).await? {
            return Ok(0);
        }
        let assigned = self.assign_locked().await;
        self.handoff.unlock_assignment(&token).await?;
        assigned
    }

    async fn assign_locked(&self) -> Result<usize, AgentError> {
        let available: BTreeSet<String> = self
            .handoff
            .presences()
            .await?
            .into_iter()
            .filter(|presence| presence.availability == Availability::Available)
            .map(|presence| presence.agent)
            .collect();
        if available.is_empty() {
            return Ok(0);
        }
        let mut loads = self.loads().await?;
        let teams = self.desk.teams();
        let mut assigned = 0;
        for (team, capacity) in &self.assignment.teams {
            let members: Vec<&String> = available
                .iter()
                .filter(|name| {
                    teams
                        .agent_named(name)
                        .is_some_and(|agent| agent.serves(team))
                })
                .collect();
            for queued in self.handoff.queue(team).await? {
                let eligible: Vec<&String> = members
                    .iter()
                    .copied()
                    .filter(|name| {
                        capacity.is_none_or(|capacity| {
                            loads.get(name.as_str()).copied().unwrap_or(0) < capacity.get()
                        })
                    })
                    .collect();
                if eligible.is_empty() {
                    break;
                }
                let cursor = self.handoff.next_assignment(team).await?;
                let agent = eligible[(cursor % eligible.len() as u64) as usize].clone();
                let mut turn = self.pipeline.begin(&queued.id).await?;
                let handoff = &turn.conversation().handoff;
                // Claimed, moved or closed meanwhile: its own turn said so.
                if !matches!(handoff, Handoff::Waiting { .. })
                    || self.desk.team_of(handoff).as_deref() != Some(team.as_str())
                {
                    continue;
                }
                self.take(&mut turn, &agent, team, Some("auto")).await?;
                self.pipeline.finish(turn).await?;
                tracing::info!(conversation = %queued.id.pseudonym(), agent, team, "assigned automatically");
                *loads.entry(agent).or_default() += 1;
                assigned += 1;
            }
        }
        Ok(assigned)
    }

    /// Cases each agent has now, over every team, read from the
    /// conversations (the held index may name cases that moved on).
    async fn loads(&self) -> Result<HashMap<String, usize>, AgentError> {
        let mut loads: HashMap<String, usize> = HashMap::new();
        for team in self.desk.teams().names() {
            for held in self.handoff.held(team).await? {
                let Some(conversation) = self.conversations.get(&held.id).await? else {
                    continue;
                };
                if let Handoff::WithAgent {
                    agent, team: owner, ..
                } = conversation.handoff
                    && owner == team
                {
                    *loads.entry(agent).or_default() += 1;
                }
            }
        }
        Ok(loads)
    }
}

/// This pass's mark on the lock: random, so that no other instance's
/// pass can let it go.
fn lock_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Whether a desk event may leave a case for automatic assignment: one
/// queued, moved, returned, or an agent's load going down.
fn frees_work(event: &Event) -> bool {
    let Event::Conversation(event) = event else {
        return false;
    };
    matches!(
        event.item.record,
        Record::Escalated { .. }
            | Record::Transferred { .. }
            | Record::Returned { .. }
            | Record::Resolved { .. }
    )
}

/// Runs automatic assignment until the server stops; `None` when no team
/// assigns automatically.
pub fn spawn(agents: Arc<AgentService>) -> Option<tokio::task::JoinHandle<()>> {
    if !agents.assignment.is_on() {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut events = match agents.handoff.subscribe().await {
            Ok(events) => Some(events),
            Err(err) => {
                tracing::warn!(error = %err, "automatic assignment hears no events; it sweeps only");
                None
            }
        };
        let mut sweep = tokio::time::interval(SWEEP);
        loop {
            tokio::select! {
                _ = sweep.tick() => {}
                _ = agents.assignment.wake.notified() => {}
                event = async {
                    match events.as_mut() {
                        Some(events) => events.recv().await,
                        None => std::future::pending().await,
                    }
                } => match event {
                    Ok(event) if frees_work(&event) => {}
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => events = None,
                },
            }
            if let Err(err) = agents.assign_waiting().await {
                tracing::warn!(error = %err, "automatic assignment failed");
            }
        }
    }))
}
