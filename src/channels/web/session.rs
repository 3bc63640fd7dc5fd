//! Web-chat sessions: the credential of a web conversation. A user id is
//! no secret (a portal may derive it from anything), so the first reply of
//! a new conversation issues a random token, and every later message and
//! every read of the outbox must carry it. Only its SHA-256 is stored, on
//! the conversation itself: the session is checked under the
//! conversation's lease (two first messages racing get one session, the
//! second is refused), and it expires and is erased with the conversation.
//! A trusted portal backend, which authenticates citizens itself, posts and
//! reads for any user with a key from `KHIDMA_WEBCHAT_KEYS` instead.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::configuration::{Secret, WebchatKeys};
use crate::conversation::Conversation;
use crate::memory::CitizenMemory;

/// Who posts a web-chat message or reads an outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebCaller {
    /// A portal backend holding a `KHIDMA_WEBCHAT_KEYS` key (its name).
    Portal(String),
    /// The citizen's browser, with the session token it was given (none
    /// on the first message).
    Citizen(Option<String>),
}

impl WebCaller {
    /// `bearer` is the `Authorization: Bearer` value, a portal key or a
    /// session token; `session` the body's `"session"`, which wins over a
    /// bearer that is no portal key.
    pub fn identify(keys: &WebchatKeys, bearer: Option<&str>, session: Option<String>) -> Self {
        if let Some(portal) = bearer.and_then(|bearer| keys.find(bearer)) {
            return WebCaller::Portal(portal.to_owned());
        }
        WebCaller::Citizen(session.or_else(|| bearer.map(str::to_owned)))
    }
}

/// Why a web-chat caller was turned away.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(
        "this conversation has a session: send the \"session\" of its first reply (in the body, or as Authorization: Bearer <session>)"
    )]
    Missing,
    #[error("the session does not belong to this conversation, or it has expired")]
    Wrong,
}

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `caller` may read the conversation (its outbox): a portal, or
/// the holder of its session. A conversation that is gone (expired,
/// erased) has no session any token could match.
pub fn check_reader(
    conversation: Option<&Conversation>,
    caller: &WebCaller,
) -> Result<(), SessionError> {
    match caller {
        WebCaller::Portal(_) => Ok(()),
        WebCaller::Citizen(None) => Err(SessionError::Missing),
        WebCaller::Citizen(Some(token)) => {
            let stored = conversation.and_then(|conversation| conversation.web_session.as_deref());
            if stored.is_some_and(|stored| matches(stored, token)) {
                Ok(())
            } else {
                Err(SessionError::Wrong)
            }
        }
    }
}

fn matches(stored: &str, token: &str) -> bool {
    bool::from(stored.as_bytes().ct_eq(digest(token).as_bytes()))
}

/// Lets a message into its conversation (under the lease, before anything
/// changes): a conversation that has a session needs it (or a portal); one
/// that has none (new, or from before sessions) gets one, returned to be
/// sent back to the caller once. A portal's new conversations get one too,
/// so no conversation stays open to anyone who knows its user id. What is
/// remembered of the citizen from earlier conversations stays only for the
/// holder of the session that saved it, or a portal: anyone else starts
/// afresh, as if never seen.
pub fn admit(
    conversation: &mut Conversation,
    caller: &WebCaller,
) -> Result<Option<String>, SessionError> {
    if let Some(stored) = conversation.web_session.clone() {
        match caller {
            WebCaller::Portal(_) => {}
            WebCaller::Citizen(None) => return Err(SessionError::Missing),
            WebCaller::Citizen(Some(token)) if matches(&stored, token) => {}
            WebCaller::Citizen(Some(_)) => return Err(SessionError::Wrong),
        }
        conversation.memory.web_session = Some(stored);
        return Ok(None);
    }
    let remembered_by = |token: &str| {
        conversation
            .memory
            .web_session
            .as_deref()
            .is_some_and(|stored| matches(stored, token))
    };
    let known = match caller {
        WebCaller::Portal(_) => true,
        WebCaller::Citizen(token) => token.as_deref().is_some_and(remembered_by),
    };
    if !known {
        conversation.memory = CitizenMemory::default();
    }
    let token = Secret::random();
    let hash = digest(token.expose());
    conversation.web_session = Some(hash.clone());
    conversation.memory.web_session = Some(hash);
    Ok(Some(token.expose().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::ConversationId;

    fn conversation() -> Conversation {
        Conversation::new(ConversationId::new("web", "a").unwrap())
    }

    #[test]
    fn a_new_conversation_gets_a_session_that_later_messages_need() {
        let mut conversation = conversation();
        let citizen = WebCaller::Citizen(None);
        let token = admit(&mut conversation, &citizen).unwrap().unwrap();
        assert_eq!(token.len(), 64);
        let stored = conversation.web_session.clone().unwrap();
        assert_ne!(stored, token, "only the hash is kept");

        let holder = WebCaller::Citizen(Some(token.clone()));
        assert_eq!(admit(&mut conversation, &holder).unwrap(), None);
        assert!(matches!(
            admit(&mut conversation, &citizen),
            Err(SessionError::Missing)
        ));
        let other = WebCaller::Citizen(Some("f".repeat(64)));
        assert!(matches!(
            admit(&mut conversation, &other),
            Err(SessionError::Wrong)
        ));
        let portal = WebCaller::Portal("portal".to_owned());
        assert_eq!(admit(&mut conversation, &portal).unwrap(), None);
        assert_eq!(conversation.web_session.as_deref(), Some(stored.as_str()));

        assert!(check_reader(Some(&conversation), &holder).is_ok());
        assert!(check_reader(Some(&conversation), &portal).is_ok());
        assert!(check_reader(Some(&conversation), &other).is_err());
        assert!(check_reader(Some(&conversation), &citizen).is_err());
        assert!(check_reader(None, &holder).is_err(), "gone with it");
    }

    #[test]
    fn what_is_remembered_of_a_citizen_stays_with_the_holder_of_their_session() {
        let mut first = conversation();
        let token = admit(&mut first, &WebCaller::Citizen(None))
            .unwrap()
            .unwrap();
        first.memory.language = Some(crate::i18n::Lang::En);
        let remembered = first.memory.clone();
        let returning = |caller: WebCaller| {
            let mut next = conversation();
            next.memory = remembered.clone();
            admit(&mut next, &caller).unwrap().unwrap();
            next.memory.language
        };
        let en = Some(crate::i18n::Lang::En);
        assert_eq!(returning(WebCaller::Citizen(Some(token))), en);
        assert_eq!(returning(WebCaller::Portal("portal".to_owned())), en);
        assert_eq!(returning(WebCaller::Citizen(None)), None);
        assert_eq!(returning(WebCaller::Citizen(Some("f".repeat(64)))), None);
    }

    #[test]
    fn a_portal_key_identifies_a_portal_and_any_other_bearer_is_a_session() {
        let keys = WebchatKeys::parse("portal:k3y").unwrap();
        assert_eq!(
            WebCaller::identify(&keys, Some("k3y"), Some("s".to_owned())),
            WebCaller::Portal("portal".to_owned())
        );
        assert_eq!(
            WebCaller::identify(&keys, Some("tok"), None),
            WebCaller::Citizen(Some("tok".to_owned()))
        );
        assert_eq!(
            WebCaller::identify(&keys, Some("tok"), Some("s".to_owned())),
            WebCaller::Citizen(Some("s".to_owned()))
        );
        assert_eq!(
            WebCaller::identify(&keys, None, None),
            WebCaller::Citizen(None)
        );
    }
}
