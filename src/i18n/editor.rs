//! The sentences content editors read from `khidma check`, `eval` and
//! `report`, and a hot reload's log (`locales/<lang>/check.ftl`, `eval.ftl`
//! and `report.ftl`).
//!
//! They are compiled into the binary rather than read from the configured
//! locales folder: an editor runs `khidma check` from the knowledge base's
//! own repository, where there is no `locales/`, and a `KbIssue` must print
//! in English wherever it is logged. `Localizer::load` still reads these
//! files with the others, so a message missing in one language fails its
//! parity check like any other.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use super::Lang;

const ARABIC: [&str; 3] = [
    include_str!("../../locales/ar/check.ftl"),
    include_str!("../../locales/ar/eval.ftl"),
    include_str!("../../locales/ar/report.ftl"),
];
const ENGLISH: [&str; 3] = [
    include_str!("../../locales/en/check.ftl"),
    include_str!("../../locales/en/eval.ftl"),
    include_str!("../../locales/en/report.ftl"),
];

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang, sources: &[&str]) -> Bundle {
    let langid: LanguageIdentifier = lang.code().parse().expect("ar and en are valid tags");
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    // Fluent would isolate every placeable, plural forms included; only the
    // text arguments need it (see `editor_text`).
    bundle.set_use_isolating(false);
    for source in sources {
        let resource = FluentResource::try_new((*source).to_owned())
            .expect("the editors' locale files parse (tested)");
        bundle
            .add_resource(resource)
            .expect("the editors' message ids are unique (tested)");
    }
    bundle
}

static BUNDLES: LazyLock<[Bundle; 2]> =
    LazyLock::new(|| [bundle(Lang::Ar, &ARABIC), bundle(Lang::En, &ENGLISH)]);

/// A value for a placeable: text, a count (for plural forms), or another
/// editors' message, worded in the same language.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Text(String),
    Count(usize),
    Phrase(&'static str),
}

impl From<&str> for Arg {
    fn from(text: &str) -> Self {
        Arg::Text(text.to_owned())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Self {
        Arg::Text(text)
    }
}

impl From<usize> for Arg {
    fn from(count: usize) -> Self {
        Arg::Count(count)
    }
}

/// Arabic lines hold file paths, keys and English words: each is isolated
/// (FSI ... PDI) so that a terminal or log viewer lays it out in its own
/// direction. English needs none, and stays plain for grep.
fn isolated(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Ar => format!("\u{2068}{text}\u{2069}"),
        Lang::En => text.to_owned(),
    }
}

/// Message `id` in `lang` with its arguments. A message that does not exist
/// comes out as its id (the tests render every message in both languages).
pub fn editor_text(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let bundle = &BUNDLES[usize::from(lang == Lang::En)];
    let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
        tracing::error!(%lang, id, "an editors' message is missing");
        return id.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let value = match value {
            Arg::Text(text) => FluentValue::from(isolated(lang, text)),
            Arg::Count(count) => FluentValue::from(*count),
            Arg::Phrase(id) => FluentValue::from(isolated(lang, &editor_text(lang, id, &[]))),
        };
        fluent_args.set(*name, value);
    }
    let mut errors = Vec::new();
    let text = bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned();
    for error in errors {
        tracing::error!(%lang, id, %error, "formatting an editors' message failed");
    }
    text
}

/// The language of the editor's terminal when `--lang` does not say: the
/// first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is set (POSIX order);
/// Arabic when it names Arabic (`ar_SA.UTF-8`), English otherwise.
pub fn terminal_lang(env: &dyn Fn(&str) -> Option<String>) -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(env)
        .find(|value| !value.trim().is_empty())
        .and_then(|value| value.parse::<Lang>().ok())
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> Vec<String> {
        let resource = FluentResource::try_new(source.to_owned()).expect("parses");
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn both_languages_have_the_same_editor_messages() {
        for (arabic, english) in ARABIC.iter().zip(ENGLISH) {
            assert_eq!(ids(arabic), ids(english));
        }
        // Building the bundles proves the ids are unique.
        assert!(!editor_text(Lang::Ar, "check-kb-missing", &[]).is_empty());
    }

    #[test]
    fn the_eval_report_names_every_eval_message_and_each_exists() {
        let sources = [
            include_str!("../evaluation.rs"),
            include_str!("../scenarios/report.rs"),
        ];
        let named: Vec<String> = sources
            .iter()
            .flat_map(|source| source.split("\"eval-").skip(1))
            .map(|piece| format!("eval-{}", piece.split('"').next().unwrap_or_default()))
            .collect();
        for id in &named {
            for lang in Lang::ALL {
                assert_ne!(&editor_text(lang, id, &[]), id, "{lang}: {id} is missing");
            }
        }
        for id in ids(ENGLISH[1]) {
            assert!(named.contains(&id), "{id} is never used");
        }
    }

    #[test]
    fn arabic_isolates_paths_and_english_stays_plain() {
        let args = [("dir", Arg::from("kb/missing"))];
        let arabic = editor_text(Lang::Ar, "check-kb-missing", &args);
        assert!(arabic.contains("\u{2068}kb/missing\u{2069}"), "{arabic}");
        let english = editor_text(Lang::En, "check-kb-missing", &args);
        assert!(english.starts_with("The knowledge-base folder kb/missing does not exist"));
    }

    #[test]
    fn the_terminal_language_follows_posix_order_and_defaults_to_english() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        assert_eq!(terminal_lang(&env(&[("LANG", "ar_SA.UTF-8")])), Lang::Ar);
        assert_eq!(
            terminal_lang(&env(&[("LANG", "ar_SA.UTF-8"), ("LC_ALL", "en_US.UTF-8")])),
            Lang::En
        );
        assert_eq!(terminal_lang(&env(&[("LANG", "C.UTF-8")])), Lang::En);
        assert_eq!(terminal_lang(&env(&[])), Lang::En);
    }
}
