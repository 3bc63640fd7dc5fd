//! WhatsApp message templates (`[whatsapp.templates.<purpose>]`): the only
//! messages Meta lets a business send once a citizen's 24-hour window has
//! closed (error 131047). Each purpose names a template approved in the
//! WhatsApp Manager (utility category), its language code per citizen
//! language, and which of khidma's values fill its body's `{{1}}`, `{{2}}`,
//! ... in order. They are checked when the settings load, so a typo stops
//! the start rather than a send months later.

use serde::Deserialize;

use crate::i18n::Lang;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WhatsAppSettings {
    #[serde(default)]
    pub templates: TemplateSettings,
}

/// One template per purpose; a purpose without one fails as before.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TemplateSettings {
    /// "An agent has replied to your request: write to us to continue."
    pub agent_reply: Option<Template>,
    /// The closing question after a case is resolved.
    pub rating_request: Option<Template>,
    /// A status update of an incident the citizen reported.
    pub incident_update: Option<Template>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, try_from = "RawTemplate")]
pub struct Template {
    /// The template's name in the WhatsApp Manager.
    pub name: String,
    pub language: TemplateLanguages,
    /// What fills the body's placeholders, in order.
    pub parameters: Vec<TemplateParameter>,
}

/// Meta's language code of the template's translation for each citizen
/// language (`ar`, `en_US`, ...): one template name, two approved texts.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TemplateLanguages {
    pub ar: String,
    pub en: String,
}

impl TemplateLanguages {
    pub fn code(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ar => &self.ar,
            Lang::En => &self.en,
        }
    }
}

/// A value khidma can put in a template's body.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TemplateParameter {
    /// The message that could not be sent as it was (the update, the
    /// question), on one line: templates' parameters allow no line breaks.
    Text,
    /// The name of the agent who wrote, when an agent did.
    Agent,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    name: String,
    language: TemplateLanguages,
    #[serde(default)]
    parameters: Vec<TemplateParameter>,
}

/// Meta's rule for template names.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 512
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A language code as Meta spells them: `ar`, `en`, `en_US`, `fil`.
fn valid_code(code: &str) -> bool {
    let (language, region) = code.split_once('_').unwrap_or((code, ""));
    (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_lowercase())
        && (region.is_empty()
            || (region.len() == 2 && region.chars().all(|c| c.is_ascii_uppercase())))
}

impl TryFrom<RawTemplate> for Template {
    type Error = String;

    fn try_from(raw: RawTemplate) -> Result<Self, String> {
        if !valid_name(&raw.name) {
            return Err(format!(
                "template name {:?}: use lowercase letters, digits and underscores, as in the WhatsApp Manager",
                raw.name
            ));
        }
        for code in [&raw.language.ar, &raw.language.en] {
            if !valid_code(code) {
                return Err(format!(
                    "template {:?}: language code {code:?} is not one of Meta's (e.g. \"ar\", \"en_US\")",
                    raw.name
                ));
            }
        }
        Ok(Self {
            name: raw.name,
            language: raw.language,
            parameters: raw.parameters,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml_text: &str) -> Result<WhatsAppSettings, String> {
        config::Config::builder()
            .add_source(config::File::from_str(toml_text, config::FileFormat::Toml))
            .build()
            .and_then(|config| config.try_deserialize())
            .map_err(|err| err.to_string())
    }

    #[test]
    fn a_template_has_a_name_a_code_per_language_and_ordered_parameters() {
        let settings = parse(
            r#"
            [templates.incident_update]
            name = "incident_update_v2"
            language = { ar = "ar", en = "en_US" }
            parameters = ["text", "agent"]
            "#,
        )
        .unwrap();
        let template = settings.templates.incident_update.unwrap();
        assert_eq!(template.language.code(Lang::En), "en_US");
        assert_eq!(
            template.parameters,
            [TemplateParameter::Text, TemplateParameter::Agent]
        );
        assert!(settings.templates.agent_reply.is_none());
    }

    #[test]
    fn unknown_purposes_parameters_names_and_codes_are_refused() {
        let template = |purpose: &str, name: &str, en: &str, parameters: &str| {
            parse(&format!(
                "[templates.{purpose}]\nname = \"{name}\"\nlanguage = {{ ar = \"ar\", en = \"{en}\" }}\nparameters = {parameters}\n"
            ))
        };
        assert!(template("rating_request", "rate_us", "en", "[]").is_ok());
        assert!(template("greeting", "rate_us", "en", "[]").is_err());
        assert!(template("rating_request", "Rate Us", "en", "[]").is_err());
        assert!(template("rating_request", "rate_us", "english", "[]").is_err());
        assert!(template("rating_request", "rate_us", "en_us", "[]").is_err());
        assert!(template("rating_request", "rate_us", "en", "[\"phone\"]").is_err());
        assert!(parse("[templates.agent_reply]\nname = \"x\"\n").is_err());
    }
}
