//! One test per kind of knowledge-base error: each must name the file, the
//! key and, where there is one, the line, so an editor can fix it.

use std::fs;
use std::path::Path;

use khidma::i18n::Lang;
use khidma::kb::{KbIssue, Severity, load_dir};

const VALID: &str = r#"related = ["water-bill"]

[ar]
title = "انقطاع المياه"
questions = ["ما فيه ماء"]
keywords = ["موية"]
answer = "نعتذر عن انقطاع المياه."

[en]
title = "Water outage"
questions = ["No water at home"]
answer = "We are sorry the water is off."
"#;

const RELATED: &str = r#"[ar]
title = "فاتورة المياه"
questions = ["كم فاتورة الماء"]
answer = "ادفع من البوابة."

[en]
title = "Water bill"
questions = ["How do I pay my water bill"]
answer = "Pay on the portal."
"#;

/// A knowledge base with `water-outage` as given and a valid `water-bill`.
fn kb_with(entry: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "utilities/water-outage.toml", entry);
    write(dir.path(), "utilities/water-bill.toml", RELATED);
    write(dir.path(), "categories.toml", UTILITIES);
    dir
}

const UTILITIES: &str = "[utilities]\nar = \"الماء والكهرباء\"\nen = \"Water and power\"\n";

fn write(root: &Path, relative: &str, body: &str) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, body).unwrap();
}

fn errors(dir: &Path) -> Vec<KbIssue> {
    match load_dir(dir) {
        Ok(loaded) => panic!("expected errors, loaded {} entries", loaded.entries.len()),
        Err(failed) => failed.errors,
    }
}

fn the_error(dir: &Path) -> KbIssue {
    let mut errors = errors(dir);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.remove(0)
}

fn assert_issue(issue: &KbIssue, file: &str, line: Option<usize>, key: &str, says: &str) {
    assert_eq!(issue.file, Path::new(file), "{issue}");
    assert_eq!(issue.line, line, "{issue}");
    assert_eq!(issue.key, key, "{issue}");
    assert!(
        issue.message(Lang::En).contains(says),
        "{issue} should say {says:?}"
    );
    let shown = issue.to_string();
    assert!(shown.contains(file) && shown.contains(key), "{shown}");
}

#[test]
fn the_valid_fixture_and_the_shipped_knowledge_base_load() {
    let dir = kb_with(VALID);
    let loaded = load_dir(dir.path()).unwrap();
    assert_eq!(loaded.entries.len(), 2);
    assert!(loaded.warnings.is_empty());

    let shipped = load_dir(&crate::helpers::repo_path("knowledge_base")).unwrap();
    assert_eq!(shipped.entries.len(), 44);
    assert!(shipped.warnings.is_empty(), "{:#?}", shipped.warnings);
}

#[test]
fn an_unknown_key_is_named_with_its_line() {
    let dir = kb_with(&VALID.replace("keywords = [\"موية\"]", "keyword = [\"موية\"]"));
    let issue = the_error(dir.path());
    assert_issue(
        &issue,
        "utilities/water-outage.toml",
        Some(6),
        "ar.keyword",
        "`keyword` is not a key",
    );
    assert_eq!(issue.problem.suggestion(), Some("keywords"));
}

#[test]
fn a_wrong_type_is_named_with_its_line() {
    let dir = kb_with(&VALID.replace("title = \"Water outage\"", "title = 7"));
    let issue = the_error(dir.path());
    assert_issue(
        &issue,
        "utilities/water-outage.toml",
        Some(10),
        "en.title",
        "text in quotes",
    );
}

#[test]
fn a_missing_answer_is_named() {
    let dir = kb_with(&VALID.replace("answer = \"We are sorry the water is off.\"\n", ""));
    let issue = the_error(dir.path());
    assert_eq!(issue.file, Path::new("utilities/water-outage.toml"));
    assert!(issue.key.starts_with("en"), "{issue}");
    assert!(
        issue.message(Lang::En).contains("needs `answer`"),
        "{issue}"
    );
}

#[test]
fn empty_questions_and_answers_are_errors() {
    let dir = kb_with(
        &VALID
            .replace("questions = [\"No water at home\"]", "questions = []")
            .replace("answer = \"نعتذر عن انقطاع المياه.\"", "answer = \"  \""),
    );
    let found = errors(dir.path());
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_issue(
        &found[0],
        "utilities/water-outage.toml",
        Some(7),
        "ar.answer",
        "The answer is empty",
    );
    assert_issue(
        &found[1],
        "utilities/water-outage.toml",
        Some(11),
        "en.questions",
        "There are no questions",
    );
}

#[test]
fn a_dangling_related_id_is_an_error() {
    let dir = kb_with(&VALID.replace("related = [\"water-bill\"]", "related = [\"water-bil\"]"));
    let issue = the_error(dir.path());
    assert_issue(
        &issue,
        "utilities/water-outage.toml",
        Some(1),
        "related",
        "`water-bil`",
    );
    assert_eq!(issue.problem.suggestion(), Some("water-bill"));
}

#[test]
fn an_entry_related_to_itself_is_an_error() {
    let dir = kb_with(&VALID.replace("related = [\"water-bill\"]", "related = [\"water-outage\"]"));
    let issue = the_error(dir.path());
    assert_issue(
        &issue,
        "utilities/water-outage.toml",
        Some(1),
        "related",
        "cannot list itself",
    );
}

#[test]
fn a_duplicate_id_is_one_error_naming_both_files() {
    let dir = kb_with(VALID);
    write(dir.path(), "general/water-outage.toml", VALID);
    let issue = the_error(dir.path());
    assert_issue(
        &issue,
        "general/water-outage.toml",
        None,
        "(file name)",
        "general/water-outage.toml, utilities/water-outage.toml",
    );
}

#[test]
fn an_unknown_escalation_is_named() {
    let dir = kb_with(&format!("escalate = \"urgnt\"\n{VALID}"));
    let issue = the_error(dir.path());
    assert_issue(
        &issue,
        "utilities/water-outage.toml",
        Some(1),
        "escalate",
        "`urgnt` is not one of the allowed values: urgent, agent",
    );
    assert_eq!(issue.problem.suggestion(), Some("urgent"));
}

#[test]
fn a_toml_syntax_error_gives_its_line() {
    let dir = kb_with(&VALID.replace("title = \"Water outage\"", "title = \"Water outage"));
    let issue = the_error(dir.path());
    assert_eq!(issue.file, Path::new("utilities/water-outage.toml"));
    assert_eq!(issue.line, Some(10), "{issue}");
    assert!(issue.message(Lang::En).contains("never closes"), "{issue}");
}

#[test]
fn a_title_too_long_for_a_button_is_an_error() {
    let dir = kb_with(&VALID.replace(
        "title = \"Water outage\"",
        "title = \"Water outage in the whole district\"",
    ));
    let issue = the_error(dir.path());
    assert_issue(
        &issue,
        "utilities/water-outage.toml",
        Some(10),
        "en.title",
        "at most 24",
    );
}

#[test]
fn file_and_folder_names_must_be_kebab_case() {
    let dir = kb_with(VALID);
    write(dir.path(), "utilities/Water_Leak.toml", RELATED);
    write(dir.path(), "Traffic/fines.toml", RELATED);
    let found = errors(dir.path());
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_issue(
        &found[0],
        "Traffic",
        None,
        "(folder name)",
        "cannot be a category",
    );
    assert_issue(
        &found[1],
        "utilities/Water_Leak.toml",
        None,
        "(file name)",
        "cannot be an entry id",
    );
}

#[test]
fn an_entry_with_no_language_is_an_error_and_one_language_a_warning() {
    let dir = kb_with("related = []\n");
    let issue = the_error(dir.path());
    assert_issue(
        &issue,
        "utilities/water-outage.toml",
        Some(1),
        "ar, en",
        "neither an [ar] nor an [en]",
    );

    let arabic_only = VALID.split("[en]").next().unwrap().to_owned();
    let dir = kb_with(&arabic_only);
    let loaded = load_dir(dir.path()).unwrap();
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].severity, Severity::Warning);
    assert_eq!(loaded.warnings[0].key, "en");
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let dir = kb_with(&VALID.replace("related = [\"water-bill\"]", "related = [\"nowhere\"]"));
    write(dir.path(), "utilities/gas.toml", "[ar]\ntitle = 3\n");
    write(dir.path(), "README.md", "editors' notes are ignored");
    write(dir.path(), "utilities/.draft.toml", "not toml at all");
    let found = errors(dir.path());
    let files: Vec<_> = found
        .iter()
        .map(|issue| issue.file.display().to_string())
        .collect();
    assert_eq!(
        files,
        ["utilities/gas.toml", "utilities/water-outage.toml"],
        "{found:#?}"
    );
}

mod lexicon {
    use super::*;

    const URGENT: &str = r#"escalate = "urgent"

[ar]
title = "انقطاع المياه"
questions = ["ما فيه ماء"]
answer = "نعتذر عن انقطاع المياه."
"#;

    fn kb_with_lexicon(lexicon: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "utilities/water-outage.toml", URGENT);
        write(dir.path(), "utilities/water-bill.toml", RELATED);
        write(dir.path(), "lexicon.toml", lexicon);
        dir
    }

    #[test]
    fn a_valid_lexicon_loads_with_the_entries() {
        let dir = kb_with_lexicon(
            "[synonyms]\n\"موية\" = \"مياه\"\n\n[noise]\ngreetings = [\"هلا\"]\n\n[[escalate]]\nentry = \"water-outage\"\nwhen = [\"موية\"]\nwith = [\"مقطوعة\"]\n",
        );
        let loaded = load_dir(dir.path()).unwrap();
        assert_eq!(loaded.lexicon.synonyms.len(), 1);
        assert_eq!(loaded.lexicon.escalate.len(), 1);
    }

    #[test]
    fn an_unknown_section_or_key_is_named_with_its_line() {
        let dir =
            kb_with_lexicon("[noise]\ngreetings = [\"هلا\"]\nfiller = []\nthanks = [\"شكرا\"]\n");
        let issue = the_error(dir.path());
        assert_issue(
            &issue,
            "lexicon.toml",
            Some(4),
            "noise.thanks",
            "`thanks` is not a key",
        );
    }

    #[test]
    fn a_rule_for_a_missing_or_calm_entry_is_an_error() {
        let dir = kb_with_lexicon(
            "[[escalate]]\nentry = \"gas-leak\"\nwhen = [\"غاز\"]\nwith = [\"ريحة\"]\n\n[[escalate]]\nentry = \"water-bill\"\nwhen = [\"فاتورة\"]\nwith = [\"غالية\"]\n",
        );
        let found = errors(dir.path());
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_issue(
            &found[0],
            "lexicon.toml",
            Some(1),
            "escalate.entry",
            "no entry with that id",
        );
        assert_issue(
            &found[1],
            "lexicon.toml",
            Some(6),
            "escalate.entry",
            "does not escalate",
        );
    }

    #[test]
    fn a_rule_without_words_is_an_error() {
        let dir = kb_with_lexicon(
            "[[escalate]]\nentry = \"water-outage\"\nwhen = []\nwith = [\"dry\"]\n",
        );
        let issue = the_error(dir.path());
        assert_issue(
            &issue,
            "lexicon.toml",
            Some(3),
            "escalate.when",
            "at least one word",
        );
    }

    #[test]
    fn a_synonym_that_maps_a_word_to_itself_or_to_nothing_is_an_error() {
        let dir = kb_with_lexicon("[synonyms]\n\"موية\" = \"موية\"\n\"ماي\" = \" \"\n");
        let found = errors(dir.path());
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_issue(
            &found[0],
            "lexicon.toml",
            Some(2),
            "synonyms.موية",
            "itself",
        );
        assert_issue(
            &found[1],
            "lexicon.toml",
            Some(3),
            "synonyms.ماي",
            "nothing on the right",
        );
    }
}

mod areas {
    use super::*;

    #[test]
    fn a_greeting_does_not_name_a_district_of_the_same_word() {
        use khidma::kb::{KnowledgeBase, RetrievalOptions};
        let dir = crate::helpers::copy_kb(&crate::helpers::repo_path("knowledge_base"));
        write(
            dir.path(),
            "areas.toml",
            "[[area]]\nid = \"al-salam\"\nar = \"السلام\"\nen = \"Al Salam\"\n",
        );
        let kb = KnowledgeBase::load(dir.path(), RetrievalOptions::default()).unwrap();
        let area = |text: &str| kb.area_named_in(text).map(|area| area.id.clone());
        assert_eq!(area("السلام عليكم، الكهرباء مقطوعة عندنا"), None);
        assert_eq!(
            area("الكهرباء مقطوعة في حي السلام").as_deref(),
            Some("al-salam")
        );
    }

    fn kb_with_areas(areas: &str) -> tempfile::TempDir {
        let dir = kb_with(VALID);
        write(dir.path(), "areas.toml", areas);
        dir
    }

    #[test]
    fn valid_areas_load_with_the_entries() {
        let dir = kb_with_areas(
            "[[area]]\nid = \"al-nuzha\"\nar = \"النزهة\"\nen = \"Al Nuzha\"\nnames = [\"nuzha\"]\nlatitude = 24.75\nlongitude = 46.71\nradius_km = 3.0\n\n[[area]]\nid = \"al-rawda\"\nar = \"الروضة\"\nen = \"Al Rawda\"\n",
        );
        let loaded = load_dir(dir.path()).unwrap();
        assert_eq!(loaded.areas.len(), 2);
        assert_eq!(loaded.areas[0].names, ["النزهة", "Al Nuzha", "nuzha"]);
        assert!(loaded.areas[1].circle.is_none());
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let dir = kb_with_areas(
            "[[area]]\nid = \"al-nuzha\"\nar = \"النزهة\"\nen = \"Al Nuzha\"\ncolour = \"red\"\n",
        );
        let issue = the_error(dir.path());
        assert_issue(
            &issue,
            "areas.toml",
            Some(5),
            "area.colour",
            "`colour` is not a key",
        );
    }

    #[test]
    fn ids_names_and_coordinates_are_checked() {
        let dir = kb_with_areas(
            "[[area]]\nid = \"al-nuzha\"\nar = \"النزهة\"\nen = \"Al Nuzha\"\nlatitude = 95.0\nlongitude = 46.7\nradius_km = 0.0\n\n[[area]]\nid = \"al-nuzha\"\nar = \" \"\nen = \"Nuzha 2\"\nnames = [\"\"]\nlatitude = 24.7\n",
        );
        let found = errors(dir.path());
        let find = |key: &str, says: &str| {
            found
                .iter()
                .find(|issue| issue.key == key && issue.message(Lang::En).contains(says))
                .unwrap_or_else(|| panic!("no {key} error saying {says:?} in {found:#?}"))
        };
        assert_issue(
            find("area.latitude", "-90"),
            "areas.toml",
            Some(5),
            "area.latitude",
            "between -90 and 90",
        );
        assert_issue(
            find("area.radius_km", "more than 0"),
            "areas.toml",
            Some(7),
            "area.radius_km",
            "more than 0",
        );
        assert_issue(
            find("area.id", "already used"),
            "areas.toml",
            Some(10),
            "area.id",
            "already used by another district",
        );
        assert_issue(
            find("area.ar", "empty"),
            "areas.toml",
            Some(11),
            "area.ar",
            "name is empty",
        );
        assert_issue(
            find("area.names", "empty"),
            "areas.toml",
            Some(13),
            "area.names",
            "other names is empty",
        );
        assert!(find("area.latitude", "go together").line.is_some());
        assert_eq!(found.len(), 6, "{found:#?}");
    }
}

mod categories {
    use super::*;
    use khidma::kb::{KnowledgeBase, RetrievalOptions};

    #[test]
    fn named_categories_are_shown_by_their_names_and_others_by_their_folder() {
        let dir = kb_with(VALID);
        write(
            dir.path(),
            "civil-defence/fire.toml",
            &RELATED.replace("water bill", "fire"),
        );
        fs::remove_file(dir.path().join("utilities/water-bill.toml")).unwrap();
        fs::write(
            dir.path().join("utilities/water-outage.toml"),
            VALID.replace("related = [\"water-bill\"]", ""),
        )
        .unwrap();
        let loaded = load_dir(dir.path()).unwrap();
        assert_eq!(loaded.warnings.len(), 1, "{:#?}", loaded.warnings);
        assert_issue(
            &loaded.warnings[0],
            "categories.toml",
            None,
            "civil-defence",
            "Citizens see this topic as `civil-defence`",
        );

        let kb = KnowledgeBase::load(dir.path(), RetrievalOptions::default()).unwrap();
        assert_eq!(kb.category_title("utilities", Lang::Ar), "الماء والكهرباء");
        assert_eq!(kb.category_title("utilities", Lang::En), "Water and power");
        assert_eq!(
            kb.category_title("civil-defence", Lang::Ar),
            "civil defence"
        );
    }

    #[test]
    fn without_the_file_one_warning_names_every_folder() {
        let dir = kb_with(VALID);
        fs::remove_file(dir.path().join("categories.toml")).unwrap();
        let loaded = load_dir(dir.path()).unwrap();
        assert_eq!(loaded.entries.len(), 2);
        assert_eq!(loaded.warnings.len(), 1, "{:#?}", loaded.warnings);
        assert_issue(
            &loaded.warnings[0],
            "categories.toml",
            None,
            "(file)",
            "There is no categories.toml, so citizens see the folder names on menu buttons: utilities",
        );
        assert!(
            loaded.warnings[0]
                .message(Lang::Ar)
                .contains("لا يوجد ملف categories.toml"),
        );
    }

    #[test]
    fn a_name_for_no_folder_is_an_error_with_the_folder_meant() {
        let dir = kb_with(VALID);
        write(
            dir.path(),
            "categories.toml",
            &format!("{UTILITIES}\n[utilties]\nar = \"المرافق\"\nen = \"Utilities\"\n"),
        );
        let issue = the_error(dir.path());
        assert_issue(
            &issue,
            "categories.toml",
            Some(5),
            "utilties",
            "There is no category folder `utilties`",
        );
        assert_eq!(issue.problem.suggestion(), Some("utilities"));
    }

    #[test]
    fn names_must_fit_a_button_and_say_something() {
        let dir = kb_with(VALID);
        write(
            dir.path(),
            "categories.toml",
            "[utilities]\nar = \" \"\nen = \"Water, power, gas, internet and sewage\"\n",
        );
        let found = errors(dir.path());
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_issue(
            &found[0],
            "categories.toml",
            Some(2),
            "utilities.ar",
            "name is empty",
        );
        assert_issue(
            &found[1],
            "categories.toml",
            Some(3),
            "utilities.en",
            "buttons show at most 24",
        );
    }

    #[test]
    fn a_wrong_key_is_named_with_its_line() {
        let dir = kb_with(VALID);
        write(
            dir.path(),
            "categories.toml",
            "[utilities]\nar = \"الماء\"\nen = \"Water\"\nfr = \"Eau\"\n",
        );
        let issue = the_error(dir.path());
        assert_issue(
            &issue,
            "categories.toml",
            Some(4),
            "utilities.fr",
            "`fr` is not a key",
        );
    }
}
