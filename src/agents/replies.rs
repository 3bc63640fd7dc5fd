//! What an agent's ready reply or inserted answer needs to know of the
//! conversation it goes into: the citizen's language, and the values of
//! the reply's placeholders.

use sha2::{Digest, Sha256};

use super::{AgentError, AgentService};
use crate::conversation::{ConversationId, Handoff};
use crate::handoff::{Agent, Record};
use crate::i18n::{Lang, Msg};
use crate::kb::Filling;

/// A conversation as seen from its reply box.
#[derive(Debug, Clone)]
pub struct ReplyContext {
    pub language: Lang,
    /// The placeholder values for each side of a reply, in its language.
    pub ar: Filling,
    pub en: Filling,
}

impl AgentService {
    /// The language and placeholder values of a conversation of the
    /// agent's teams. khidma keeps no citizen's name, so `{citizen_name}`
    /// is the locale's neutral greeting word.
    pub async fn reply_context(
        &self,
        agent: &Agent,
        id: &ConversationId,
    ) -> Result<ReplyContext, AgentError> {
        let view = self.view(agent, id).await?;
        let language = view.conversation.language.unwrap_or_default();
        // Back with the bot, the case is the last one handed to the desk.
        let since_ms = match &view.conversation.handoff {
            Handoff::Waiting { since_ms, .. } | Handoff::WithAgent { since_ms, .. } => {
                Some(*since_ms)
            }
            Handoff::Bot => view.history.iter().rev().find_map(|item| {
                matches!(item.record, Record::Escalated { .. }).then_some(item.at_ms)
            }),
        };
        let filling = |lang: Lang| Filling {
            citizen_name: Some(self.localizer.text(lang, Msg::ReplyCitizenName)),
            case_id: since_ms.map(|since_ms| case_reference(id, since_ms)),
            agent_name: Some(agent.name.clone()),
        };
        Ok(ReplyContext {
            language,
            ar: filling(Lang::Ar),
            en: filling(Lang::En),
        })
    }
}

/// A case's reference for the citizen to quote: stable for the case (the
/// conversation and when it reached the desk, which transfers keep), short
/// enough to read out, and not the citizen's number, which the
/// conversation id holds.
pub fn case_reference(id: &ConversationId, since_ms: i64) -> String {
    let digest = Sha256::digest(format!("{}|{since_ms}", id.as_str()));
    format!("KH-{}", hex::encode_upper(&digest[..4]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_reference_is_stable_per_case_and_hides_the_number() {
        let id = ConversationId::new("whatsapp", "966500000001").unwrap();
        let reference = case_reference(&id, 1_700_000_000_000);
        assert_eq!(reference, case_reference(&id, 1_700_000_000_000));
        assert_ne!(reference, case_reference(&id, 1_700_000_000_001));
        assert_eq!(reference.len(), "KH-".len() + 8);
        assert!(!reference.contains("9665"));
    }
}
