//! Agents saying whether they take cases now: what automatic assignment
//! and supervisors go by.

use super::{AgentError, AgentService};
use crate::conversation::now_ms;
use crate::handoff::{Agent, Availability, Presence};

impl AgentService {
    /// The agent's availability; one who never said is away.
    pub async fn presence(&self, agent: &Agent) -> Result<Presence, AgentError> {
        let presence = self
            .handoff
            .presences()
            .await?
            .into_iter()
            .find(|presence| presence.agent == agent.name);
        Ok(presence.unwrap_or_else(|| Presence {
            agent: agent.name.clone(),
            availability: Availability::Away,
            since_ms: 0,
        }))
    }

    /// Sets the agent's availability. Saying the same again keeps the
    /// time they first said it.
    pub async fn set_presence(
        &self,
        agent: &Agent,
        availability: Availability,
    ) -> Result<Presence, AgentError> {
        let current = self.presence(agent).await?;
        if current.availability == availability && current.since_ms > 0 {
            return Ok(current);
        }
        let presence = Presence {
            agent: agent.name.clone(),
            availability,
            since_ms: now_ms(),
        };
        self.handoff.set_presence(&presence).await?;
        if availability == Availability::Available {
            self.assignment.wake();
        }
        tracing::info!(agent = agent.name, ?availability, "presence");
        Ok(presence)
    }
}
