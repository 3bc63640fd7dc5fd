//! Ready replies and entries' answers for the reply box: searched in both
//! languages, worded for the conversation, checked by `khidma check`, and
//! hot-reloaded with the knowledge base.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::{TestApp, copy_kb, repo_path, settings, spawn_app_with, start, user};

async fn search(agent: &AgentClient<'_>, what: &str, query: &[(&str, &str)]) -> (u16, Value) {
    let response = agent
        .app
        .client
        .get(format!("{}/api/v1/agent/{what}", agent.app.address))
        .bearer_auth(agent.token)
        .query(query)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn ids(found: &Value, list: &str) -> Vec<String> {
    found[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

/// An English web-chat citizen handed to the default team (omar's).
async fn escalated_citizen(app: &TestApp, label: &str) -> (String, String) {
    let citizen = user(label);
    let asked = app
        .say_with(json!({"user_id": citizen, "text": "I want to speak to a human please", "language": "en"}))
        .await;
    assert_eq!(asked["action"], "escalate");
    let id = format!("web:{citizen}");
    (citizen, id)
}

#[tokio::test]
async fn a_ready_reply_is_found_in_either_language_filled_for_the_case_and_sent() {
    let (app, _) = spawn_app_with(with_agents);
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let sara = AgentClient {
        app: &app,
        token: "tok-sara",
    };
    let (_, id) = escalated_citizen(&app, "replies-web").await;

    let (status, all) = search(&omar, "replies", &[]).await;
    assert_eq!(status, 200);
    assert!(ids(&all, "replies").len() >= 6, "{all}");
    assert_eq!(all["language"], Value::Null);
    let (_, unfilled) = search(&omar, "replies", &[("q", "gree")]).await;
    assert_eq!(ids(&unfilled, "replies")[0], "greeting");
    let text = unfilled["replies"][0]["en"]["text"].as_str().unwrap();
    assert!(text.contains("{citizen_name}"), "{text}");

    let (_, arabic) = search(&omar, "replies", &[("q", "ترحيب")]).await;
    assert_eq!(ids(&arabic, "replies"), ["greeting"]);
    let (_, none) = search(&omar, "replies", &[("q", "passport renewal")]).await;
    assert!(ids(&none, "replies").is_empty(), "{none}");

    let (status, filled) = search(&omar, "replies", &[("q", "gree"), ("conversation", &id)]).await;
    assert_eq!(status, 200);
    assert_eq!(filled["language"], "en");
    let text = filled["replies"][0]["en"]["text"].as_str().unwrap();
    assert!(text.starts_with("Hello there, this is omar from"), "{text}");
    let case = text.rsplit("case number is ").next().unwrap();
    assert!(
        case.starts_with("KH-") && case.len() == "KH-12345678.".len(),
        "{text}"
    );
    assert!(!text.contains('{'), "{text}");
    let arabic_side = filled["replies"][0]["ar"]["text"].as_str().unwrap();
    assert!(
        arabic_side.starts_with("مرحبًا بك، معك omar"),
        "{arabic_side}"
    );

    let (status, refused) = search(&sara, "replies", &[("conversation", &id)]).await;
    assert_eq!(status, 403, "another team's case: {refused}");
    let (status, refused) = search(&omar, "replies", &[("conversation", "web:nobody-here")]).await;
    assert_eq!(status, 404, "{refused}");
    let long = "a".repeat(201);
    let (status, refused) = search(&omar, "replies", &[("q", &long)]).await;
    assert_eq!(
        (status, &refused["error"]["code"]),
        (400, &json!("text_too_long"))
    );
    let (status, refused) = search(&omar, "replies", &[("query", "x")]).await;
    assert_eq!(
        (status, &refused["error"]["code"]),
        (400, &json!("invalid_request"))
    );

    assert_eq!(
        omar.post(&format!("conversations/{id}/claim"), None)
            .await
            .status(),
        200
    );
    let sent = omar
        .post(
            &format!("conversations/{id}/messages"),
            Some(json!({ "text": text })),
        )
        .await;
    assert_eq!(sent.status(), 200);
    let outbox: Value = app.outbox(&id, 0).await.json().await.unwrap();
    assert_eq!(outbox["messages"][0]["text"], text);
}

#[tokio::test]
async fn an_entrys_answer_comes_in_the_citizens_language() {
    let (app, _) = spawn_app_with(with_agents);
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let (_, id) = escalated_citizen(&app, "replies-entries").await;

    let (status, found) = search(
        &omar,
        "entries",
        &[("q", "انقطاع الكهرباء"), ("conversation", &id)],
    )
    .await;
    assert_eq!(status, 200);
    let first = &found["entries"][0];
    assert_eq!(first["id"], "electricity-outage", "{found}");
    assert_eq!(first["language"], "en");
    assert!(
        first["answer"].as_str().unwrap().contains("power"),
        "{first}"
    );

    let (_, arabic) = search(&omar, "entries", &[("q", "power outage")]).await;
    assert_eq!(arabic["entries"][0]["id"], "electricity-outage");
    assert_eq!(arabic["entries"][0]["language"], "ar", "Arabic first");
    let (_, listed) = search(&omar, "entries", &[]).await;
    assert_eq!(ids(&listed, "entries").len(), 10);
}

const BROKEN_REPLY: &str = "[ar]\ntext = \"مرحبًا {citizen_name}\"\n\n[en]\ntext = \"\"\"\nHello,\nyour case {case_number} is open.\"\"\"\n";

#[test]
fn check_names_the_file_line_and_key_of_an_unknown_placeholder_in_both_languages() {
    let kb = copy_kb(&repo_path("knowledge_base"));
    std::fs::write(kb.path().join("replies/case-open.toml"), BROKEN_REPLY).unwrap();
    for (lang, words, at_line) in [
        ("en", "is not a placeholder khidma can fill", ":7:"),
        ("ar", "ليس من الحقول التي يملؤها النظام", "السطر 7"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_khidma"))
            .args(["check", "--lang", lang])
            .arg(kb.path())
            .env("RUST_LOG", "off")
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert_eq!(output.status.code(), Some(1), "{stdout}");
        let line = stdout
            .lines()
            .find(|line| line.contains("case-open.toml"))
            .unwrap_or_else(|| panic!("{stdout}"));
        assert!(line.contains(at_line) && line.contains("en.text"), "{line}");
        assert!(line.contains(words) && line.contains("{case_id}"), "{line}");
        assert!(!stdout.contains("check-"), "{stdout}");
    }
}

#[tokio::test]
async fn a_new_reply_file_goes_live_without_a_restart_and_a_broken_one_does_not() {
    let kb = copy_kb(&repo_path("knowledge_base"));
    let path = kb.path().to_path_buf();
    let mut settings = settings(&path, true);
    with_agents(&mut settings);
    let app = start(settings, Some(kb));
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let live = |query: &'static str| {
        let omar = &omar;
        async move {
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                let (_, found) = search(omar, "replies", &[("q", query)]).await;
                if !ids(&found, "replies").is_empty() || Instant::now() > deadline {
                    return ids(&found, "replies");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    std::fs::write(
        path.join("replies/holiday-hours.toml"),
        "[ar]\ntitle = \"دوام العيد\"\ntext = \"مكاتبنا مغلقة أيام العيد.\"\n[en]\ntitle = \"Holiday hours\"\ntext = \"Our offices are closed for the holiday.\"\n",
    )
    .unwrap();
    assert_eq!(live("holiday").await, ["holiday-hours"]);

    std::fs::write(path.join("replies/case-open.toml"), BROKEN_REPLY).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready: Value = app.get("/readyz").await.json().await.unwrap();
        if ready.to_string().contains("degraded") || Instant::now() > deadline {
            assert!(ready.to_string().contains("case-open.toml"), "{ready}");
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        live("holiday").await,
        ["holiday-hours"],
        "the last good base stays"
    );
}
