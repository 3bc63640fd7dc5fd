//! `khidma check`, as editors and their CI run it: each kind of mistake in
//! plain words, in English and in Arabic, pointing at where the mistake is.

use std::path::Path;
use std::process::Command;

use crate::helpers::{copy_kb, repo_path};

/// First strong isolate and pop directional isolate: what keeps a path or
/// a key in its own direction inside an Arabic line.
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

fn check_in(dir: &Path, lang: Option<&str>, locale: &str) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_khidma"));
    command.arg("check").arg(dir);
    if let Some(lang) = lang {
        command.args(["--lang", lang]);
    }
    let output = command
        .env("RUST_LOG", "off")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", locale)
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
    )
}

fn check(dir: &Path, lang: &str) -> String {
    let (code, stdout) = check_in(dir, Some(lang), "C.UTF-8");
    assert_eq!(code, 1, "{stdout}");
    assert!(
        !stdout.contains("{$") && !stdout.contains("check-"),
        "{stdout}"
    );
    stdout
}

/// An Arabic path or key as the Arabic report shows it.
fn isolated(text: &str) -> String {
    format!("{FSI}{text}{PDI}")
}

/// The shipped knowledge base with `file` edited by `edit`.
fn broken(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let kb = copy_kb(&repo_path("knowledge_base"));
    let path = kb.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit of {file} changed nothing");
    std::fs::write(&path, edited).unwrap();
    kb
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.contains(needle))
        .expect("the needle is in the file")
        + 1
}

#[test]
fn check_passes_on_the_shipped_knowledge_base() {
    let (code, stdout) = check_in(&repo_path("knowledge_base"), Some("en"), "C.UTF-8");
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("All 44 entries and 8 ready replies are fine, no errors."),
        "{stdout}"
    );
    let (code, stdout) = check_in(&repo_path("knowledge_base"), Some("ar"), "C.UTF-8");
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout
            .contains("لا أخطاء، والمداخل كلها سليمة (عددها 44)، والردود الجاهزة سليمة (عددها 8)."),
        "{stdout}"
    );
    // A base without ready replies does not mention them; one without
    // topic names is told that citizens see its folder names.
    let (_, stdout) = check_in(
        &repo_path("tests/fixtures/kb-sample-c"),
        Some("en"),
        "C.UTF-8",
    );
    assert!(
        stdout.contains("All 40 entries are fine, no errors, 1 warning.")
            && stdout.contains("There is no categories.toml"),
        "{stdout}"
    );
}

#[test]
fn the_language_follows_the_terminal_unless_lang_says_otherwise() {
    let kb = repo_path("knowledge_base");
    let (_, arabic) = check_in(&kb, None, "ar_SA.UTF-8");
    assert!(arabic.contains("لا أخطاء"), "{arabic}");
    let (_, english) = check_in(&kb, None, "C.UTF-8");
    assert!(english.contains("no errors"), "{english}");
    let (_, forced) = check_in(&kb, Some("en"), "ar_SA.UTF-8");
    assert!(forced.contains("no errors"), "{forced}");
}

#[test]
fn check_prints_every_error_with_file_line_and_key_and_a_summary() {
    let kb = broken("utilities/water-outage.toml", |text| {
        text.replacen("keywords", "keywordz", 1)
    });
    let bill = kb.path().join("utilities/water-bill.toml");
    let text = std::fs::read_to_string(&bill).unwrap();
    std::fs::write(
        &bill,
        text.replacen("related = [", "related = [\"no-such-entry\", ", 1),
    )
    .unwrap();

    let english = check(kb.path(), "en");
    assert!(
        english.contains("error: utilities/water-outage.toml:")
            && english.contains(": ar.keywordz: `keywordz` is not a key")
            && english.contains("Did you mean `keywords`?"),
        "{english}"
    );
    assert!(
        english.contains("error: utilities/water-bill.toml:1: related: `related` names `no-such-entry`, but there is no entry with that id"),
        "{english}"
    );
    assert!(
        english.contains("2 errors in 2 files; 42 entries are fine. Nothing was loaded"),
        "{english}"
    );

    let arabic = check(kb.path(), "ar");
    assert!(
        arabic.contains(&format!(
            "خطأ في {}، السطر ",
            isolated("utilities/water-bill.toml")
        )) && arabic.contains(&format!("المفتاح {}", isolated("related"))),
        "{arabic}"
    );
    assert!(
        arabic.contains(&format!("هل تقصد {}؟", isolated("keywords"))),
        "{arabic}"
    );
    assert!(
        arabic.contains("خطآن في ملفين؛ وعدد المداخل السليمة 42. لم يُحمَّل شيء"),
        "{arabic}"
    );
}

#[test]
fn an_unclosed_quote_is_reported_where_it_opens() {
    let kb = broken("utilities/water-bill.toml", |text| {
        text.replacen("title = \"Water bill\"", "title = \"Water bill", 1)
    });
    let source = std::fs::read_to_string(kb.path().join("utilities/water-bill.toml")).unwrap();
    let line = line_of(&source, "title = \"Water bill");
    let english = check(kb.path(), "en");
    assert!(
        english.contains(&format!(
            "error: utilities/water-bill.toml:{line}: en.title: This text opens with \" but never closes."
        )),
        "{english}"
    );
    let arabic = check(kb.path(), "ar");
    assert!(
        arabic.contains(&format!("السطر {line}،")) && arabic.contains("يبدأ هذا النص بعلامة"),
        "{arabic}"
    );
}

#[test]
fn an_unclosed_long_text_is_reported_at_its_opening_not_the_end_of_the_file() {
    let kb = broken("utilities/water-bill.toml", |text| {
        // The Arabic answer's closing quotes go missing.
        text.replacen("فاختر «تسرب مياه».\n\"\"\"", "فاختر «تسرب مياه».", 1)
    });
    let source = std::fs::read_to_string(kb.path().join("utilities/water-bill.toml")).unwrap();
    let line = line_of(&source, "answer = \"\"\"");
    let english = check(kb.path(), "en");
    assert!(
        english.contains(&format!(
            "error: utilities/water-bill.toml:{line}: ar.answer: This long text opens with \"\"\" but never closes"
        )),
        "{english}"
    );
    let arabic = check(kb.path(), "ar");
    assert!(arabic.contains("يبدأ هذا النص الطويل"), "{arabic}");
}

#[test]
fn a_misspelt_key_and_value_get_a_did_you_mean() {
    let kb = broken("utilities/water-outage.toml", |text| {
        text.replacen("answer = \"\"\"", "anwser = \"\"\"", 1)
    });
    let english = check(kb.path(), "en");
    assert!(
        english.contains("ar.anwser: `anwser` is not a key this part of the file knows. The keys allowed here are: title, questions, keywords, answer. Did you mean `answer`?"),
        "{english}"
    );
    let arabic = check(kb.path(), "ar");
    assert!(
        arabic.contains(&format!("هل تقصد {}؟", isolated("answer")))
            && arabic.contains("ليس من المفاتيح المعروفة"),
        "{arabic}"
    );
    let kb = broken("utilities/water-outage.toml", |text| {
        text.replacen("escalate = \"urgent\"", "escalate = \"urgnet\"", 1)
    });
    let english = check(kb.path(), "en");
    assert!(
        english.contains("error: utilities/water-outage.toml:1: escalate: `urgnet` is not one of the allowed values: urgent, agent. Did you mean `urgent`?"),
        "{english}"
    );
    let arabic = check(kb.path(), "ar");
    assert!(
        arabic.contains("ليست من القيم المسموح بها")
            && arabic.contains(&format!("هل تقصد {}؟", isolated("urgent"))),
        "{arabic}"
    );
}

#[test]
fn a_missing_quote_in_the_lexicon_is_explained_on_its_line() {
    let kb = broken("lexicon.toml", |text| {
        text.replacen("\"الشبكة\" = \"انترنت\"", "\"الشبكة = \"انترنت\"", 1)
    });
    let source = std::fs::read_to_string(kb.path().join("lexicon.toml")).unwrap();
    let line = line_of(&source, "\"الشبكة = ");
    let english = check(kb.path(), "en");
    assert!(
        english.contains(&format!("error: lexicon.toml:{line}: synonyms: This line has a name with no = and value after it. A quotation mark is often missing or extra")),
        "{english}"
    );
    let arabic = check(kb.path(), "ar");
    assert!(
        arabic.contains(&format!(
            "خطأ في {}، السطر {line}،",
            isolated("lexicon.toml")
        )) && arabic.contains("علامة تنصيص ناقصة أو زائدة"),
        "{arabic}"
    );
}

#[test]
fn a_misspelt_id_in_related_or_a_lexicon_rule_gets_a_did_you_mean() {
    let kb = broken("utilities/water-bill.toml", |text| {
        text.replacen("\"water-leak\"", "\"water-laek\"", 1)
    });
    let lexicon = kb.path().join("lexicon.toml");
    let text = std::fs::read_to_string(&lexicon).unwrap();
    std::fs::write(
        &lexicon,
        format!(
            "{text}\n[[escalate]]\nentry = \"water-outgae\"\nwhen = [\"water\"]\nwith = [\"dry\"]\n"
        ),
    )
    .unwrap();
    let english = check(kb.path(), "en");
    assert!(
        english.contains("related: `related` names `water-laek`, but there is no entry with that id (an id is a file name without .toml). Did you mean `water-leak`?"),
        "{english}"
    );
    assert!(
        english.contains("escalate.entry: This rule names `water-outgae`, but there is no entry with that id (an id is a file name without .toml). Did you mean `water-outage`?"),
        "{english}"
    );
    let arabic = check(kb.path(), "ar");
    assert!(
        arabic.contains(&format!("هل تقصد {}؟", isolated("water-leak")))
            && arabic.contains(&format!("هل تقصد {}؟", isolated("water-outage"))),
        "{arabic}"
    );
}

#[test]
fn a_duplicate_id_is_one_error_naming_both_files() {
    let kb = copy_kb(&repo_path("knowledge_base"));
    std::fs::copy(
        kb.path().join("utilities/water-bill.toml"),
        kb.path().join("general/water-bill.toml"),
    )
    .unwrap();
    let english = check(kb.path(), "en");
    let errors: Vec<&str> = english
        .lines()
        .filter(|line| line.starts_with("error:"))
        .collect();
    assert_eq!(
        errors,
        [
            "error: general/water-bill.toml: (file name): The id `water-bill` is used by more than one file: general/water-bill.toml, utilities/water-bill.toml. Ids must be unique across all folders, so rename all but one of these files (and any `related` list that names it)."
        ],
        "{english}"
    );
    assert!(
        english.contains("1 error in 1 file; 43 entries are fine."),
        "{english}"
    );
    let arabic = check(kb.path(), "ar");
    assert!(
        arabic.contains("مستخدم في أكثر من ملف")
            && arabic.contains(&isolated(
                "general/water-bill.toml, utilities/water-bill.toml"
            ))
            && arabic.contains(&format!("المفتاح {}", isolated("(اسم الملف)"))),
        "{arabic}"
    );
}

#[test]
fn a_missing_folder_is_said_plainly() {
    let parent = tempfile::tempdir().unwrap();
    let missing = parent.path().join("knowledge_base");
    let shown = missing.display().to_string();
    let english = check(&missing, "en");
    assert!(
        english.contains(&format!(
            "The knowledge-base folder {shown} does not exist."
        )),
        "{english}"
    );
    assert!(!english.contains("(file)"), "{english}");
    assert!(
        english.contains("1 error in 1 file; no entry could be read."),
        "{english}"
    );
    let arabic = check(&missing, "ar");
    assert!(
        arabic.contains(&format!(
            "مجلد قاعدة المعرفة {} غير موجود",
            isolated(&shown)
        )),
        "{arabic}"
    );
}

#[test]
fn a_reader_that_stops_early_ends_check_quietly() {
    // `khidma check | head`: the reader is gone before check writes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_khidma"))
        .arg("check")
        .arg(repo_path("knowledge_base"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn check_reports_the_calibration_learnt_from_each_base() {
    for dir in ["knowledge_base", "tests/fixtures/kb-sample-c"] {
        let (code, stdout) = check_in(&repo_path(dir), Some("en"), "C.UTF-8");
        assert_eq!(code, 0, "{stdout}");
        assert!(
            stdout.contains("calibration (learnt from this knowledge base): answer when fit >= "),
            "{dir}: {stdout}"
        );
        assert!(stdout.contains("confusable entries"), "{dir}: {stdout}");
        let (_, arabic) = check_in(&repo_path(dir), Some("ar"), "C.UTF-8");
        assert!(
            arabic.contains("المعايرة (") && arabic.contains("مداخل متشابهة"),
            "{dir}: {arabic}"
        );
    }
}

mod eval {
    //! `khidma eval`, as editors read it and as tools parse it.

    use super::*;

    const CASES: &str = r#"{"text": "How do I pay my water bill?", "lang": "en", "kind": "answer", "entry": "water-bill"}
{"text": "How do I pay my water bill?", "lang": "en", "kind": "answer", "entry": "family-visit-visa"}
{"text": "What is the capital of Mongolia?", "lang": "en", "kind": "oos"}
"#;

    const CONVERSATION: &str = r#"{"id": "bill-then-visa", "lang": "en", "tags": ["follow-up"], "turns": [{"text": "How do I pay my water bill?", "expect": {"action": "answer", "entry": "family-visit-visa"}}]}
"#;

    fn eval(cases: &str, args: &[&str]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cases.jsonl");
        std::fs::write(&file, cases).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_khidma"))
            .arg("eval")
            .arg(&file)
            .args(args)
            .current_dir(repo_path("."))
            .env("RUST_LOG", "off")
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("REDIS_URL")
            .output()
            .expect("the binary runs");
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(output.status.success(), "{stdout}");
        assert!(
            !stdout.contains("{$") && !stdout.contains("Some(") && !stdout.contains("eval-"),
            "{stdout}"
        );
        stdout
    }

    #[test]
    fn the_report_explains_each_figure_and_groups_misses_by_what_was_expected() {
        let english = eval(CASES, &["--lang", "en", "--show-failures"]);
        for says in [
            "3 messages from ",
            "strict: the bot did exactly the right thing",
            "urgent recall: the share of urgent cases that reached a person",
            "false escalation: the share of ordinary and out-of-scope questions",
            "1 message was not strictly right:",
            "Should have answered with the expected entry (1):",
            "\"How do I pay my water bill?\" (en), expected family-visit-visa: answered with water-bill",
            "score: strict=0.667 resolved=0.667 urgent_recall=1.000 false_escalation=0.000 language=1.000 n=3",
        ] {
            assert!(english.contains(says), "{says:?} in {english}");
        }
        let arabic = eval(CASES, &["--lang", "ar", "--show-failures"]);
        for says in [
            "3 رسائل من ",
            "الإصابة التامة (strict)",
            "رسالة واحدة لم يُصِب فيها البوت تمامًا:",
            "كان ينبغي أن يجيب بالمدخل المتوقَّع (1):",
            "المتوقَّع \u{2068}family-visit-visa\u{2069}",
            "أجاب بالمدخل \u{2068}water-bill\u{2069}",
            "score: strict=0.667",
        ] {
            assert!(arabic.contains(says), "{says:?} in {arabic}");
        }
        // Without --show-failures, a hint says how to see them.
        let short = eval(CASES, &["--lang", "en"]);
        assert!(short.contains("--show-failures") && !short.contains("expected family-visit-visa"));
    }

    #[test]
    fn a_misspelt_kind_in_a_case_file_gets_a_did_you_mean() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cases.jsonl");
        std::fs::write(
            &file,
            CASES.replace("\"kind\": \"oos\"", "\"kind\": \"oss\""),
        )
        .unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_khidma"))
            .arg("eval")
            .arg(&file)
            .current_dir(repo_path("."))
            .env("RUST_LOG", "off")
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(!output.status.success());
        assert!(
            stderr.contains("cases.jsonl:3: `oss` is not one of the allowed values: answer, urgent, handoff, oos. Did you mean `oos`?"),
            "{stderr}"
        );
    }

    #[test]
    fn json_gives_the_documented_shape() {
        let json: serde_json::Value = serde_json::from_str(&eval(CASES, &["--json"])).unwrap();
        assert_eq!(json["n"], 3);
        assert!((json["score"]["strict"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(json["score"]["urgent_recall"], 1.0);
        assert_eq!(json["segments"]["all"]["n"], 3);
        assert_eq!(json["segments"]["oos"]["strict"], 1.0);
        let misses = json["misses"].as_array().unwrap();
        assert_eq!(misses.len(), 1, "{json}");
        assert_eq!(misses[0]["expected"], "family-visit-visa");
        assert_eq!(misses[0]["kind"], "answer");
        assert_eq!(misses[0]["action"], "answer");
        assert_eq!(misses[0]["entry"], "water-bill");
        assert_eq!(misses[0]["replied_in"], "en");
    }

    #[test]
    fn a_conversation_file_reads_the_same_way() {
        let english = eval(CONVERSATION, &["--lang", "en", "--show-failures"]);
        for says in [
            "1 conversation from ",
            "conversations: the share of conversations where every turn was right",
            "Conversation bill-then-visa went wrong (follow-up):",
            "turn 1 \"How do I pay my water bill?\": expected action=answer entry=family-visit-visa; answered with water-bill, in en. Checks that failed: entry",
            "score: conversations=0.000 turns=0.000 n=1",
        ] {
            assert!(english.contains(says), "{says:?} in {english}");
        }
        let arabic = eval(CONVERSATION, &["--lang", "ar", "--show-failures"]);
        assert!(
            arabic.contains("لم تسر كما ينبغي") && arabic.contains("الفحوص التي لم تنجح"),
            "{arabic}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&eval(CONVERSATION, &["--json"])).unwrap();
        assert_eq!(json["score"]["conversations"], 0.0);
        assert_eq!(json["failures"][0]["id"], "bill-then-visa");
        assert_eq!(json["failures"][0]["turns"][0]["entry"], "water-bill");
        assert_eq!(json["failures"][0]["turns"][0]["failed"][0], "entry");
    }
}
