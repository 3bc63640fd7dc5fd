//! Reaching a citizen whose 24-hour window closed, and what the platform
//! says of what was sent: an agent's reply that WhatsApp refused (131047)
//! can go again as the `agent_reply` template at the agent's word; the
//! platform's status webhooks become the transcript's ticks.

use super::{AgentError, AgentService};
use crate::channels::{Purpose, TemplateSend, Tick};
use crate::conversation::{ConversationId, Speaker, now_ms};
use crate::handoff::{Agent, Announcements, Event, HistoryItem, Record};
use crate::pipeline::{Delivery, DeliveryError};

impl AgentService {
    /// Sends the `agent_reply` template ("an agent has replied, write to
    /// us to continue") to the citizen of the agent's case, filled with the
    /// agent's last message.
    pub async fn send_reply_template(
        &self,
        agent: &Agent,
        id: &ConversationId,
    ) -> Result<Delivery, AgentError> {
        let (mut turn, team) = self.owned(agent, id).await?;
        let conversation = turn.conversation();
        let lang = conversation.language.unwrap_or_default();
        let last_reply = conversation
            .turns
            .iter()
            .rev()
            .find(|turn| turn.speaker == Speaker::Agent)
            .map(|turn| turn.text.clone())
            .unwrap_or_default();
        let send = TemplateSend {
            purpose: Purpose::AgentReply,
            language: lang,
            text: &last_reply,
            agent: Some(&agent.name),
        };
        let delivery = self
            .pipeline
            .send_template(&mut turn, &send)
            .await
            .map_err(delivery_error)?;
        self.handoff
            .remember_sent(id, &team, &delivery.message_ids)
            .await?;
        turn.after_commit().record(
            id,
            HistoryItem {
                at_ms: now_ms(),
                record: Record::Message {
                    team: team.clone(),
                    speaker: Speaker::Agent,
                    text: last_reply,
                    agent: Some(agent.name.clone()),
                    failure: delivery.failure,
                    message_ids: delivery.message_ids.clone(),
                },
            },
        );
        self.pipeline.finish(turn).await?;
        tracing::info!(conversation = %id.pseudonym(), agent = agent.name, team, delivered = delivery.delivered, "agent reply template");
        Ok(delivery)
    }

    /// A platform's status for a message khidma sent: a history line and a
    /// live event for the case's team, which move the message's ticks.
    /// The conversation itself does not change, so no turn is needed; a
    /// message id nobody remembers (a bot reply, or one long gone) is
    /// ignored.
    pub async fn mark_status(&self, message_id: &str, tick: Tick) -> Result<(), AgentError> {
        let Some(sent) = self.handoff.sent_to(message_id).await? else {
            return Ok(());
        };
        let item = HistoryItem {
            at_ms: now_ms(),
            record: Record::Status {
                team: sent.team,
                message_id: message_id.to_owned(),
                tick,
            },
        };
        self.handoff
            .append(&sent.conversation_id, std::slice::from_ref(&item))
            .await?;
        let mut announcements = Announcements::default();
        announcements.event(Event::conversation(sent.conversation_id, item));
        self.desk.announce(announcements).await?;
        Ok(())
    }
}

pub(super) fn delivery_error(err: DeliveryError) -> AgentError {
    match err {
        DeliveryError::ChannelOff(err) => AgentError::ChannelOff(err),
        DeliveryError::Store(err) => AgentError::Store(err),
    }
}
