//! `khidma check`, as editors and their CI run it.

use std::process::Command;

use crate::helpers::{copy_kb, repo_path};

fn check(dir: &std::path::Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_khidma"))
        .arg("check")
        .arg(dir)
        .env("RUST_LOG", "off")
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn check_passes_on_the_shipped_knowledge_base() {
    let (code, stdout) = check(&repo_path("knowledge_base"));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("44 entries, no errors"), "{stdout}");
}

#[test]
fn check_prints_every_error_with_file_line_and_key_and_exits_1() {
    let kb = copy_kb(&repo_path("knowledge_base"));
    let outage = kb.path().join("utilities/water-outage.toml");
    let text = std::fs::read_to_string(&outage).unwrap();
    std::fs::write(&outage, text.replacen("keywords", "keywordz", 1)).unwrap();
    let bill = kb.path().join("utilities/water-bill.toml");
    let text = std::fs::read_to_string(&bill).unwrap();
    std::fs::write(
        &bill,
        text.replacen("related = [", "related = [\"no-such-entry\", ", 1),
    )
    .unwrap();

    let (code, stdout) = check(kb.path());
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("error: utilities/water-outage.toml:") && stdout.contains("ar.keywordz"),
        "{stdout}"
    );
    assert!(
        stdout.contains("error: utilities/water-bill.toml:1: related:")
            && stdout.contains("no-such-entry"),
        "{stdout}"
    );
    assert!(stdout.contains("2 error(s)"), "{stdout}");
}

#[test]
fn check_reports_the_calibration_learnt_from_each_base() {
    for dir in ["knowledge_base", "tests/fixtures/kb-sample-c"] {
        let (code, stdout) = check(&repo_path(dir));
        assert_eq!(code, 0, "{stdout}");
        assert!(
            stdout.contains("calibration (learnt from this knowledge base): answer when fit >= "),
            "{dir}: {stdout}"
        );
        assert!(stdout.contains("confusable entries"), "{dir}: {stdout}");
    }
}
