//! Property test of the knowledge-base loader: whatever an editor (or a
//! broken merge) leaves in the files, loading never panics, and every error
//! names the file it is about.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use khidma::kb::load_dir;

const KEYS: &[&str] = &[
    "title",
    "answer",
    "questions",
    "keywords",
    "related",
    "escalate",
    "priority",
    "reason",
    "category",
    "id",
    "ar",
    "en",
    "names",
    "latitude",
    "longitude",
    "radius_km",
    "terms",
    "requires_agent",
    "urgent",
    "link",
];
const TABLES: &[&str] = &[
    "[ar]",
    "[en]",
    "[escalate]",
    "[synonyms]",
    "[[area]]",
    "[[rule]]",
    "[ar.extra]",
    "[[ar]]",
];

fn quoted() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>().prop_map(|text| format!("{text:?}")),
        any::<String>().prop_map(|text| format!("\"{text}\"")),
        any::<String>().prop_map(|text| format!("\"\"\"\n{text}\n\"\"\"")),
        Just("\"متابعة الشكوى\"".to_owned()),
        Just("\"\"\"unterminated".to_owned()),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        quoted(),
        any::<i64>().prop_map(|number| number.to_string()),
        any::<f64>().prop_map(|number| number.to_string()),
        any::<bool>().prop_map(|flag| flag.to_string()),
        prop::collection::vec(quoted(), 0..4).prop_map(|items| format!("[{}]", items.join(", "))),
        any::<String>(),
    ]
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (prop::sample::select(KEYS), value()).prop_map(|(key, value)| format!("{key} = {value}")),
        1 => prop::sample::select(TABLES).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

fn toml_ish() -> impl Strategy<Value = String> {
    prop::collection::vec(line(), 0..14).prop_map(|lines| lines.join("\n"))
}

/// Files of a knowledge base: an entry, and perhaps a lexicon and areas.
fn knowledge_base() -> impl Strategy<Value = Vec<(PathBuf, String)>> {
    (
        prop::sample::select(&["general", "Bad Folder", "utilities"][..]),
        prop::sample::select(&["passport", "x", "Not-Kebab", "a.b"][..]),
        toml_ish(),
        prop::option::of(toml_ish()),
        prop::option::of(toml_ish()),
    )
        .prop_map(|(category, id, entry, lexicon, areas)| {
            let mut files = vec![(Path::new(category).join(format!("{id}.toml")), entry)];
            files.extend(lexicon.map(|text| (PathBuf::from("lexicon.toml"), text)));
            files.extend(areas.map(|text| (PathBuf::from("areas.toml"), text)));
            files
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_file_content_loads_or_fails_with_the_file_named(files in knowledge_base()) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in &files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        if let Err(failed) = load_dir(dir.path()) {
            prop_assert!(!failed.errors.is_empty());
            for error in &failed.errors {
                prop_assert!(
                    files.iter().any(|(path, _)| path.starts_with(&error.file)),
                    "{error} names a file or folder of the knowledge base"
                );
                prop_assert!(!error.to_string().trim().is_empty(), "{error} says why");
            }
        }
    }
}
