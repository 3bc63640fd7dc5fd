//! Cases whose agent fell silent go back to their team's queue
//! (`handoff.idle_return_secs`): a citizen must not wait on an agent who
//! left for lunch with the case still in their name. The case keeps its
//! place in line, and the agent hears of it through their team's events.

use std::time::Duration;

use super::{AgentError, AgentService};
use crate::conversation::{Conversation, Handoff, Speaker, now_ms};
use crate::handoff::{HistoryItem, Record};

impl AgentService {
    /// Returns every held case whose agent has written nothing to the
    /// citizen for `idle` (since they took it, or since their last
    /// message); how many went back. Each return is a turn under the
    /// conversation's lease, so two instances cannot return one case twice.
    pub async fn return_idle(&self, idle: Duration) -> Result<usize, AgentError> {
        let idle_ms = i64::try_from(idle.as_millis()).unwrap_or(i64::MAX);
        let mut returned = 0;
        for team in self.desk.teams().names() {
            for held in self.handoff.held(team).await? {
                // Held for less than `idle`: its agent cannot be idle yet,
                // no need to read the conversation.
                if now_ms() - held.since_ms < idle_ms {
                    continue;
                }
                let mut turn = self.pipeline.begin(&held.id).await?;
                let Handoff::WithAgent {
                    agent, team: owner, ..
                } = &turn.conversation().handoff
                else {
                    // Resolved or moved meanwhile: the index entry is stale
                    // and its own turn removes it.
                    continue;
                };
                if owner != team || now_ms() - last_agent_activity(turn.conversation()) < idle_ms {
                    continue;
                }
                let agent = agent.clone();
                let Some(queued) = turn.conversation().handoff.clone().queued_for(team) else {
                    continue;
                };
                if let Handoff::Waiting {
                    priority, since_ms, ..
                } = &queued
                {
                    // Queued before the commit: a crash must not lose it.
                    self.handoff
                        .enqueue(team, &held.id, *priority, *since_ms)
                        .await?;
                }
                turn.conversation_mut().handoff = queued;
                let after_commit = turn.after_commit();
                after_commit.release(team, &held.id);
                after_commit.record(
                    &held.id,
                    HistoryItem {
                        at_ms: now_ms(),
                        record: Record::Returned {
                            agent: agent.clone(),
                            team: team.to_owned(),
                        },
                    },
                );
                self.pipeline.finish(turn).await?;
                tracing::info!(conversation = %held.id.pseudonym(), agent, team, "returned to the queue: its agent was silent");
                returned += 1;
            }
        }
        Ok(returned)
    }
}

/// When the case's agent last did something the citizen could see: their
/// last message, or taking the case.
fn last_agent_activity(conversation: &Conversation) -> i64 {
    let taken_ms = match &conversation.handoff {
        Handoff::WithAgent {
            claimed_ms,
            since_ms,
            ..
        } => claimed_ms.unwrap_or(*since_ms),
        _ => return now_ms(),
    };
    let last_message = conversation
        .turns
        .iter()
        .filter(|turn| turn.speaker == Speaker::Agent)
        .map(|turn| turn.at_ms)
        .max()
        .unwrap_or(i64::MIN);
    taken_ms.max(last_message)
}
