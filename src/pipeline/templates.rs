//! Step 3 past a citizen's 24-hour window: the purpose's template in place
//! of a message the platform refused (WhatsApp 131047).

use serde::Serialize;

use super::{Delivery, DeliveryError, OpenTurn, Pipeline};
use crate::channels::{Outgoing, Purpose, SendError, TemplateSend};
use crate::conversation::{Conversation, DeliveryFailure, FailedDelivery, now_ms};
use crate::metrics::Counter;

/// A template for a message that could not be sent as written.
#[derive(Debug, Serialize)]
pub struct TemplateUse {
    pub purpose: Purpose,
    /// Whether it went out; `false` when it waits for the agent's word
    /// (`POST .../template`).
    pub sent: bool,
}

impl Pipeline {
    /// Step 3 for a message with a [`Purpose`]: [`Pipeline::send`], and
    /// when the citizen's window has closed (WhatsApp 131047), the
    /// purpose's template in its place, sent at once for the bot's messages
    /// (a rating request, an incident update: nobody is there to decide)
    /// and only offered for an agent's reply, which the agent may prefer to
    /// rephrase or leave. A failure stays recorded: the words as written
    /// did not arrive.
    pub async fn send_or_template(
        &self,
        turn: &mut OpenTurn,
        outgoing: &Outgoing<'_>,
        send: &TemplateSend<'_>,
    ) -> Result<Delivery, DeliveryError> {
        let mut delivery = self.send(turn, outgoing).await?;
        if delivery.failure != Some(DeliveryFailure::OutsideWindow)
            || !self.has_template(turn.conversation(), send.purpose)
        {
            return Ok(delivery);
        }
        if send.purpose == Purpose::AgentReply {
            delivery.template = Some(TemplateUse {
                purpose: send.purpose,
                sent: false,
            });
            return Ok(delivery);
        }
        let template = self.send_template(turn, send).await?;
        delivery.message_ids.extend(template.message_ids);
        delivery.template = template.template;
        Ok(delivery)
    }

    /// Whether the conversation's channel has a template for `purpose`.
    fn has_template(&self, conversation: &Conversation, purpose: Purpose) -> bool {
        self.channels
            .get(conversation.id.channel())
            .is_ok_and(|channel| channel.has_template(purpose))
    }

    /// Sends the purpose's template to the citizen (step 3); a failure is
    /// recorded on the conversation like a message's.
    pub async fn send_template(
        &self,
        turn: &mut OpenTurn,
        send: &TemplateSend<'_>,
    ) -> Result<Delivery, DeliveryError> {
        let conversation = &mut turn.lease.conversation;
        let channel = self.channels.get(conversation.id.channel())?;
        let result = channel.send_template(conversation.id.user(), send).await;
        let err = match result {
            Ok(Some(message_ids)) => {
                tracing::info!(channel = channel.name(), purpose = ?send.purpose, "template sent outside the window");
                return Ok(Delivery {
                    delivered: true,
                    message_ids,
                    template: Some(TemplateUse {
                        purpose: send.purpose,
                        sent: true,
                    }),
                    ..Delivery::default()
                });
            }
            Ok(None) => SendError::Rejected(format!(
                "no {:?} template is configured for {}",
                send.purpose,
                channel.name()
            )),
            Err(SendError::Store(err)) => return Err(DeliveryError::Store(err)),
            Err(err) => err,
        };
        self.metrics
            .increment(Counter::SendFailures, channel.name());
        tracing::warn!(channel = channel.name(), purpose = ?send.purpose, error = %err, "a template could not be delivered");
        let failure = err.failure();
        conversation.record_failed_delivery(FailedDelivery {
            at_ms: now_ms(),
            failure,
            detail: err.to_string(),
            text: send.text.to_owned(),
        });
        Ok(Delivery {
            delivered: false,
            failure: Some(failure),
            detail: Some(err.to_string()),
            ..Delivery::default()
        })
    }
}
