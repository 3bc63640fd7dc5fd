//! Every sentence the bot says in its own words lives in `locales/<lang>/`
//! as Fluent messages, written for each language rather than translated
//! word for word. This module loads them and checks that both languages say
//! everything the code needs.

mod editor;
mod lang;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

pub use editor::{Arg, editor_text, terminal_lang};
pub use lang::{Lang, UnsupportedLang};

/// The messages the code uses. Keeping them in one enum lets start-up prove
/// that both languages have all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Greeting,
    GreetingReplyToSalam,
    Fallback,
    ClarifyPrompt,
    TopicMenu,
    MainTopicsPrompt,
    HandoffUrgent,
    /// An emergency the knowledge base has no urgent entry for.
    HandoffEmergency,
    HandoffAgent,
    HandoffRequested,
    AgentAcknowledged,
    AnswerInOtherLanguage,
    ButtonTalkToAgent,
    ButtonMainTopics,
    ErrorInternal,
    AttachmentNotRead,
    AttachmentForAgent,
    ButtonChoices,
    HandoffAfterFallbacks,
    HandoffQueued,
    HandoffQueuedNoEstimate,
    RatingRequest,
    RatingThanks,
    Closing,
    ClosingRatingRequest,
    ButtonRate,
    HandoffClosed,
    HandoffStillWaiting,
    ButtonComment,
    CommentPrompt,
    CommentThanks,
    IncidentKnown,
    IncidentLatestUpdate,
    IncidentNoUpdateYet,
    IncidentUpdateHeading,
    IncidentResolved,
    FollowUpIntro,
    CorrectionOfferPerson,
    LanguageSwitched,
    AreaNoted,
    WelcomeBack,
    WelcomeBackAnswered,
    WelcomeBackCase,
    Forgotten,
    /// Supervisors' alerts (`cx::alerts`).
    AlertSurge,
    AlertCsatDrop,
    AlertUnclaimedUrgent,
    /// An agent's closing, by outcome (`solved` is `RatingRequest`).
    ResolvedReferred,
    ResolvedDuplicate,
    ResolvedNoResponse,
    /// A case missed its team's first-reply or resolution target.
    AlertSlaFirstReply,
    AlertSlaResolution,
    /// What a ready reply's `{citizen_name}` reads when the name is not
    /// known (`kb::replies`).
    ReplyCitizenName,
}

impl Msg {
    pub const ALL: [Msg; 53] = [
        Msg::Greeting,
        Msg::GreetingReplyToSalam,
        Msg::Fallback,
        Msg::ClarifyPrompt,
        Msg::TopicMenu,
        Msg::MainTopicsPrompt,
        Msg::HandoffUrgent,
        Msg::HandoffEmergency,
        Msg::HandoffAgent,
        Msg::HandoffRequested,
        Msg::AgentAcknowledged,
        Msg::AnswerInOtherLanguage,
        Msg::ButtonTalkToAgent,
        Msg::ButtonMainTopics,
        Msg::ErrorInternal,
        Msg::AttachmentNotRead,
        Msg::AttachmentForAgent,
        Msg::ButtonChoices,
        Msg::HandoffAfterFallbacks,
        Msg::HandoffQueued,
        Msg::HandoffQueuedNoEstimate,
        Msg::RatingRequest,
        Msg::RatingThanks,
        Msg::Closing,
        Msg::ClosingRatingRequest,
        Msg::ButtonRate,
        Msg::HandoffClosed,
        Msg::HandoffStillWaiting,
        Msg::ButtonComment,
        Msg::CommentPrompt,
        Msg::CommentThanks,
        Msg::IncidentKnown,
        Msg::IncidentLatestUpdate,
        Msg::IncidentNoUpdateYet,
        Msg::IncidentUpdateHeading,
        Msg::IncidentResolved,
        Msg::FollowUpIntro,
        Msg::CorrectionOfferPerson,
        Msg::LanguageSwitched,
        Msg::AreaNoted,
        Msg::WelcomeBack,
        Msg::WelcomeBackAnswered,
        Msg::WelcomeBackCase,
        Msg::Forgotten,
        Msg::AlertSurge,
        Msg::AlertCsatDrop,
        Msg::AlertUnclaimedUrgent,
        Msg::ResolvedReferred,
        Msg::ResolvedDuplicate,
        Msg::ResolvedNoResponse,
        Msg::AlertSlaFirstReply,
        Msg::AlertSlaResolution,
        Msg::ReplyCitizenName,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Msg::Greeting => "greeting",
            Msg::GreetingReplyToSalam => "greeting-reply-to-salam",
            Msg::Fallback => "fallback",
            Msg::ClarifyPrompt => "clarify-prompt",
            Msg::TopicMenu => "topic-menu",
            Msg::MainTopicsPrompt => "main-topics-prompt",
            Msg::HandoffUrgent => "handoff-urgent",
            Msg::HandoffEmergency => "handoff-emergency",
            Msg::HandoffAgent => "handoff-agent",
            Msg::HandoffRequested => "handoff-requested",
            Msg::AgentAcknowledged => "agent-acknowledged",
            Msg::AnswerInOtherLanguage => "answer-in-other-language",
            Msg::ButtonTalkToAgent => "button-talk-to-agent",
            Msg::ButtonMainTopics => "button-main-topics",
            Msg::ErrorInternal => "error-internal",
            Msg::AttachmentNotRead => "attachment-not-read",
            Msg::AttachmentForAgent => "attachment-for-agent",
            Msg::ButtonChoices => "button-choices",
            Msg::HandoffAfterFallbacks => "handoff-after-fallbacks",
            Msg::HandoffQueued => "handoff-queued",
            Msg::HandoffQueuedNoEstimate => "handoff-queued-no-estimate",
            Msg::RatingRequest => "rating-request",
            Msg::RatingThanks => "rating-thanks",
            Msg::Closing => "closing",
            Msg::ClosingRatingRequest => "closing-rating-request",
            Msg::ButtonRate => "button-rate",
            Msg::HandoffClosed => "handoff-closed",
            Msg::HandoffStillWaiting => "handoff-still-waiting",
            Msg::ButtonComment => "button-comment",
            Msg::CommentPrompt => "comment-prompt",
            Msg::CommentThanks => "comment-thanks",
            Msg::IncidentKnown => "incident-known",
            Msg::IncidentLatestUpdate => "incident-latest-update",
            Msg::IncidentNoUpdateYet => "incident-no-update-yet",
            Msg::IncidentUpdateHeading => "incident-update-heading",
            Msg::IncidentResolved => "incident-resolved",
            Msg::FollowUpIntro => "follow-up-intro",
            Msg::CorrectionOfferPerson => "correction-offer-person",
            Msg::LanguageSwitched => "language-switched",
            Msg::AreaNoted => "area-noted",
            Msg::WelcomeBack => "welcome-back",
            Msg::WelcomeBackAnswered => "welcome-back-answered",
            Msg::WelcomeBackCase => "welcome-back-case",
            Msg::Forgotten => "forgotten",
            Msg::AlertSurge => "alert-surge",
            Msg::AlertCsatDrop => "alert-csat-drop",
            Msg::AlertUnclaimedUrgent => "alert-unclaimed-urgent",
            Msg::ResolvedReferred => "resolved-referred",
            Msg::ResolvedDuplicate => "resolved-duplicate",
            Msg::ResolvedNoResponse => "resolved-no-response",
            Msg::AlertSlaFirstReply => "alert-sla-first-reply",
            Msg::AlertSlaResolution => "alert-sla-resolution",
            Msg::ReplyCitizenName => "reply-citizen-name",
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the locales are not usable:\n  {}", .problems.join("\n  "))]
pub struct I18nError {
    pub problems: Vec<String>,
}

pub struct Localizer {
    arabic: FluentBundle<FluentResource>,
    english: FluentBundle<FluentResource>,
    /// Every message id (the same in both languages, by `load`'s check).
    ids: BTreeSet<String>,
    /// The agency's emergency number, which some sentences name.
    emergency_number: String,
}

/// What an emergency sentence names until the settings say otherwise.
const DEFAULT_EMERGENCY_NUMBER: &str = "112";

fn load_bundle(
    dir: &Path,
    lang: Lang,
    problems: &mut Vec<String>,
) -> (FluentBundle<FluentResource>, BTreeSet<String>) {
    let langid: LanguageIdentifier = lang.code().parse().expect("ar and en are valid tags");
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Unicode isolation marks around placeables are invisible in a browser
    // but show up as boxes on some phones' chat apps.
    bundle.set_use_isolating(false);
    let mut ids = BTreeSet::new();
    let folder = dir.join(lang.code());
    let mut files: Vec<_> = match fs::read_dir(&folder) {
        Ok(read) => read
            .filter_map(Result::ok)
            .map(|child| child.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
            .collect(),
        Err(err) => {
            problems.push(format!("{}: cannot be read: {err}", folder.display()));
            return (bundle, ids);
        }
    };
    files.sort();
    for path in files {
        let source = match fs::read_to_string(&path) {
            Ok(source) => source,
            Err(err) => {
                problems.push(format!("{}: cannot be read: {err}", path.display()));
                continue;
            }
        };
        let resource = match FluentResource::try_new(source) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                for error in errors {
                    problems.push(format!("{}: {error}", path.display()));
                }
                resource
            }
        };
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(message) = entry {
                ids.insert(message.id.name.to_owned());
            }
        }
        if let Err(errors) = bundle.add_resource(resource) {
            for error in errors {
                problems.push(format!("{}: {error}", path.display()));
            }
        }
    }
    (bundle, ids)
}

impl Localizer {
    pub fn load(dir: &Path) -> Result<Self, I18nError> {
        let mut problems = Vec::new();
        let (arabic, arabic_ids) = load_bundle(dir, Lang::Ar, &mut problems);
        let (english, english_ids) = load_bundle(dir, Lang::En, &mut problems);
        for (lang, ids, other_ids) in [
            (Lang::Ar, &arabic_ids, &english_ids),
            (Lang::En, &english_ids, &arabic_ids),
        ] {
            for msg in Msg::ALL {
                if !ids.contains(msg.id()) {
                    problems.push(format!("{lang}: message {:?} is missing", msg.id()));
                }
            }
            for id in other_ids.difference(ids) {
                problems.push(format!(
                    "{lang}: message {id:?} exists in {} only",
                    lang.other()
                ));
            }
        }
        if problems.is_empty() {
            Ok(Self {
                arabic,
                english,
                ids: arabic_ids,
                emergency_number: DEFAULT_EMERGENCY_NUMBER.to_owned(),
            })
        } else {
            Err(I18nError { problems })
        }
    }

    /// The same sentences, naming `number` for emergencies.
    pub fn with_emergency_number(mut self, number: &str) -> Self {
        number.trim().clone_into(&mut self.emergency_number);
        self
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::Ar => &self.arabic,
            Lang::En => &self.english,
        }
    }

    fn format(&self, lang: Lang, id: &str, args: Option<&FluentArgs>) -> Option<String> {
        let bundle = self.bundle(lang);
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned();
        for error in errors {
            tracing::error!(%lang, id, %error, "formatting a message failed");
        }
        Some(text)
    }

    pub fn text(&self, lang: Lang, msg: Msg) -> String {
        self.text_with(lang, msg, &[])
    }

    pub fn text_with(&self, lang: Lang, msg: Msg, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fluent_args = FluentArgs::new();
        fluent_args.set("emergency_number", self.emergency_number.clone());
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        self.format(lang, msg.id(), Some(&fluent_args))
            .expect("Localizer::load checked that every Msg exists in both languages")
    }

    /// Every message whose id starts with `prefix`, formatted without
    /// arguments: a variable shows as `{$name}`, for a client (the agents'
    /// console) to fill in.
    pub fn messages_with_prefix(&self, lang: Lang, prefix: &str) -> BTreeMap<String, String> {
        let bundle = self.bundle(lang);
        self.ids
            .iter()
            .filter(|id| id.starts_with(prefix))
            .filter_map(|id| {
                let pattern = bundle.get_message(id)?.value()?;
                // Missing arguments are expected here; they come out as
                // `{$name}`.
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, None, &mut errors);
                Some((id.clone(), text.into_owned()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emergency_sentence_names_the_configured_number() {
        let localizer = Localizer::load(Path::new("locales"))
            .expect("shipped locales load")
            .with_emergency_number(" 997 ");
        for lang in Lang::ALL {
            let text = localizer.text(lang, Msg::HandoffEmergency);
            assert!(text.contains("997") && !text.contains("112"), "{text}");
        }
        let default = Localizer::load(Path::new("locales")).expect("shipped locales load");
        assert!(
            default
                .text(Lang::En, Msg::HandoffEmergency)
                .contains("112")
        );
    }

    fn write(dir: &Path, lang: &str, body: &str) {
        fs::create_dir_all(dir.join(lang)).unwrap();
        fs::write(dir.join(lang).join("khidma.ftl"), body).unwrap();
    }

    #[test]
    fn the_shipped_locales_cover_every_message_in_both_languages() {
        let localizer = Localizer::load(Path::new("locales")).expect("shipped locales load");
        for lang in Lang::ALL {
            for msg in Msg::ALL {
                assert!(
                    !localizer.text(lang, msg).trim().is_empty(),
                    "{lang} {msg:?}"
                );
            }
        }
    }

    #[test]
    fn a_message_present_in_one_language_only_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let (shipped_ar, shipped_en) = (shipped("ar"), shipped("en"));
        write(
            dir.path(),
            "ar",
            &format!("{shipped_ar}\nonly-arabic = نص\n"),
        );
        write(dir.path(), "en", &shipped_en);
        let err = Localizer::load(dir.path())
            .err()
            .expect("parity is enforced");
        assert!(
            err.problems
                .iter()
                .any(|p| p.contains("only-arabic") && p.starts_with("en")),
            "{err}"
        );
    }

    /// The shipped messages the code needs: the bot's and the alerts'.
    fn shipped(lang: &str) -> String {
        ["khidma", "alerts"]
            .map(|file| fs::read_to_string(format!("locales/{lang}/{file}.ftl")).unwrap())
            .join("\n")
    }

    #[test]
    fn messages_with_a_prefix_come_formatted_with_their_variables_left_in() {
        let dir = tempfile::tempdir().unwrap();
        let (shipped_ar, shipped_en) = (shipped("ar"), shipped("en"));
        write(
            dir.path(),
            "ar",
            &format!("{shipped_ar}\nui-hello = أهلًا {{ $name }}\nui-bye = مع السلامة\n"),
        );
        write(
            dir.path(),
            "en",
            &format!("{shipped_en}\nui-hello = Hello {{ $name }}\nui-bye = Goodbye\n"),
        );
        let localizer = Localizer::load(dir.path()).unwrap();
        let english = localizer.messages_with_prefix(Lang::En, "ui-");
        assert_eq!(english.len(), 2, "{english:?}");
        assert_eq!(english["ui-hello"], "Hello {$name}");
        assert_eq!(
            localizer.messages_with_prefix(Lang::Ar, "ui-")["ui-bye"],
            "مع السلامة"
        );
    }

    #[test]
    fn a_missing_message_is_reported_by_id() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "ar", "greeting = أهلًا\n");
        write(dir.path(), "en", "greeting = Hello\n");
        let err = Localizer::load(dir.path())
            .err()
            .expect("missing messages fail");
        assert!(err.to_string().contains("\"fallback\" is missing"), "{err}");
    }
}
