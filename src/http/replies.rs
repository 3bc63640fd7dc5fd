//! What an agent inserts in the reply box instead of typing it:
//! `GET /api/v1/agent/replies` (the editors' ready replies) and
//! `GET /api/v1/agent/entries` (any knowledge-base entry's answer), both
//! searched by a few words and, given `conversation`, worded for it: in
//! the citizen's language, placeholders filled.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::agent::{AuthenticatedAgent, conversation_id};
use super::error::{ApiError, Code, ErrorBody};
use super::openapi::{AgentRefusals, NotTheirs};
use crate::agents::{AgentService, ReplyContext};
use crate::handoff::Agent;
use crate::i18n::Lang;
use crate::kb::{Filling, KbHandle, Reply, ReplySide};

/// Longer search words are no search an agent types.
const MAX_QUERY_CHARS: usize = 200;
/// Entries an agent can pick from at once.
const MAX_ENTRIES: usize = 10;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InsertSearch {
    /// Words, or the start of a word, in Arabic or English; empty lists
    /// all replies (entries: the first ones).
    #[serde(default)]
    q: String,
    /// `<channel>:<user id>`: word the results for this conversation.
    conversation: Option<String>,
}

impl InsertSearch {
    /// The query, checked, and the conversation's context when one is named.
    async fn read(
        &self,
        agent: &Agent,
        agents: &AgentService,
    ) -> Result<Option<ReplyContext>, ApiError> {
        let length = self.q.chars().count();
        if length > MAX_QUERY_CHARS {
            return Err(ApiError::new(
                Code::TextTooLong,
                format!("q is {length} characters; the limit is {MAX_QUERY_CHARS}"),
            ));
        }
        match &self.conversation {
            Some(id) => Ok(Some(
                agents.reply_context(agent, &conversation_id(id)?).await?,
            )),
            None => Ok(None),
        }
    }
}

/// A ready reply, each side's `{citizen_name}`, `{case_id}` and
/// `{agent_name}` filled when a conversation was given.
#[derive(Serialize, ToSchema)]
pub struct FoundReply {
    id: String,
    tags: Vec<String>,
    #[schema(value_type = Object)]
    ar: ReplySide,
    #[schema(value_type = Object)]
    en: ReplySide,
}

impl FoundReply {
    fn new(reply: &Reply, ar: &Filling, en: &Filling) -> Self {
        let side = |side: &ReplySide, filling: &Filling| ReplySide {
            title: side.title.clone(),
            text: filling.fill(&side.text),
        };
        Self {
            id: reply.id.to_string(),
            tags: reply.tags.clone(),
            ar: side(&reply.ar, ar),
            en: side(&reply.en, en),
        }
    }
}

/// The answer to `GET replies`.
#[derive(Serialize, ToSchema)]
pub struct FoundReplies {
    /// The citizen's language (`ar` or `en`) when a conversation was given:
    /// the side to insert.
    #[schema(value_type = Option<String>)]
    language: Option<Lang>,
    /// Those whose title, tags or id the words name first, then by id.
    replies: Vec<FoundReply>,
}

#[utoipa::path(get, path = "/api/v1/agent/replies", tag = "agents", security(("agent_token" = [])),
    params(InsertSearch),
    responses(
        (status = 200, description = "The ready replies the words find", body = FoundReplies),
        (status = 400, description = "Bad input", body = ErrorBody),
        AgentRefusals,
        NotTheirs,
    ))]
pub async fn replies(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    search: web::Query<InsertSearch>,
    agents: web::Data<AgentService>,
    kb: web::Data<KbHandle>,
) -> Result<HttpResponse, ApiError> {
    let context = search.read(&agent, &agents).await?;
    let (ar, en) = context
        .as_ref()
        .map(|context| (context.ar.clone(), context.en.clone()))
        .unwrap_or_default();
    let kb = kb.current();
    let replies = kb
        .replies()
        .search(&search.q)
        .into_iter()
        .map(|reply| FoundReply::new(reply, &ar, &en))
        .collect();
    Ok(HttpResponse::Ok().json(FoundReplies {
        language: context.map(|context| context.language),
        replies,
    }))
}

/// An entry's answer, to insert in a reply.
#[derive(Serialize, ToSchema)]
pub struct FoundEntry {
    id: String,
    category: String,
    title: String,
    /// Markdown, as the bot sends it.
    answer: String,
    /// The language of `title` and `answer`: the citizen's, unless the
    /// entry has no side in it.
    #[schema(value_type = String)]
    language: Lang,
}

/// The answer to `GET entries`.
#[derive(Serialize, ToSchema)]
pub struct FoundEntries {
    /// Best first.
    entries: Vec<FoundEntry>,
}

#[utoipa::path(get, path = "/api/v1/agent/entries", tag = "agents", security(("agent_token" = [])),
    params(InsertSearch),
    responses(
        (status = 200, description = "The entries the words find, in the citizen's language (Arabic without a conversation)", body = FoundEntries),
        (status = 400, description = "Bad input", body = ErrorBody),
        AgentRefusals,
        NotTheirs,
    ))]
pub async fn entries(
    AuthenticatedAgent(agent): AuthenticatedAgent,
    search: web::Query<InsertSearch>,
    agents: web::Data<AgentService>,
    kb: web::Data<KbHandle>,
) -> Result<HttpResponse, ApiError> {
    let language = search
        .read(&agent, &agents)
        .await?
        .map(|context| context.language)
        .unwrap_or_default();
    let kb = kb.current();
    let ordinals: Vec<usize> = if search.q.trim().is_empty() {
        (0..kb.entries().len().min(MAX_ENTRIES)).collect()
    } else {
        kb.search(&kb.read(&search.q), MAX_ENTRIES)
            .into_iter()
            .map(|hit| hit.entry)
            .collect()
    };
    let entries = ordinals
        .into_iter()
        .map(|ordinal| {
            let entry = kb.entry(ordinal);
            let (side, language) = entry.localized_or_other(language);
            FoundEntry {
                id: entry.id.to_string(),
                category: entry.category.clone(),
                title: side.title.clone(),
                answer: side.answer.clone(),
                language,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(FoundEntries { entries }))
}
