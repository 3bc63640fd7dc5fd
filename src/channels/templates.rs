//! What khidma sends when a citizen's 24-hour window has closed: an
//! approved template ([`crate::configuration::Template`]) for a
//! [`Purpose`], its body filled from the message it stands in for. Only
//! this file knows the Cloud API's template JSON.

use serde::Serialize;
use serde_json::{Value, json};

use super::markup::shorten;
use crate::configuration::{Template, TemplateParameter, TemplateSettings};
use crate::i18n::Lang;

/// Longest text a template's body parameter may carry (Meta's limit).
const PARAMETER_LIMIT: usize = 1024;

/// Why khidma writes to a citizen whose window closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    AgentReply,
    RatingRequest,
    IncidentUpdate,
}

impl Purpose {
    /// The configured template for this purpose, if any.
    pub fn template(self, templates: &TemplateSettings) -> Option<&Template> {
        match self {
            Purpose::AgentReply => templates.agent_reply.as_ref(),
            Purpose::RatingRequest => templates.rating_request.as_ref(),
            Purpose::IncidentUpdate => templates.incident_update.as_ref(),
        }
    }
}

/// A template to send in place of a message.
#[derive(Debug, Clone)]
pub struct TemplateSend<'a> {
    pub purpose: Purpose,
    pub language: Lang,
    /// The message the template stands in for.
    pub text: &'a str,
    /// Who wrote it, when an agent did.
    pub agent: Option<&'a str>,
}

/// A parameter's text as Meta accepts it: no line breaks or tabs, no more
/// than four spaces in a row, at most [`PARAMETER_LIMIT`] characters, never
/// empty.
fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let joined = if joined.is_empty() {
        "-".to_owned()
    } else {
        joined
    };
    shorten(&joined, PARAMETER_LIMIT)
}

/// The `template` object of a Cloud API message.
pub(super) fn whatsapp_template(template: &Template, send: &TemplateSend<'_>) -> Value {
    let parameters: Vec<Value> = template
        .parameters
        .iter()
        .map(|parameter| {
            let text = match parameter {
                TemplateParameter::Text => one_line(send.text),
                TemplateParameter::Agent => one_line(send.agent.unwrap_or_default()),
            };
            json!({"type": "text", "text": text})
        })
        .collect();
    let mut object = json!({
        "name": template.name,
        "language": {"code": template.language.code(send.language)},
    });
    if !parameters.is_empty() {
        object["components"] = json!([{"type": "body", "parameters": parameters}]);
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configuration::TemplateLanguages;

    #[test]
    fn the_body_is_filled_in_order_on_one_line_in_the_citizens_language() {
        let template = Template {
            name: "incident_update".to_owned(),
            language: TemplateLanguages {
                ar: "ar".to_owned(),
                en: "en_US".to_owned(),
            },
            parameters: vec![TemplateParameter::Agent, TemplateParameter::Text],
        };
        let send = TemplateSend {
            purpose: Purpose::IncidentUpdate,
            language: Lang::En,
            text: "Water is back\n\nin\tall      streets",
            agent: Some("Huda"),
        };
        assert_eq!(
            whatsapp_template(&template, &send),
            json!({"name": "incident_update", "language": {"code": "en_US"},
                   "components": [{"type": "body", "parameters": [
                       {"type": "text", "text": "Huda"},
                       {"type": "text", "text": "Water is back in all streets"}]}]})
        );
        let bare = Template {
            parameters: Vec::new(),
            ..template
        };
        let ar = TemplateSend {
            language: Lang::Ar,
            ..send
        };
        assert_eq!(
            whatsapp_template(&bare, &ar),
            json!({"name": "incident_update", "language": {"code": "ar"}})
        );
    }
}
