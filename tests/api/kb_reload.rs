//! Editors' changes go live without a restart; a broken edit does not.

use std::time::{Duration, Instant};

use khidma::startup::Application;

use crate::helpers::{copy_kb, repo_path, settings, spawn_app_with_watched_kb, start, user};

const NEW_ENTRY: &str = r#"[ar]
title = "تراخيص الصيد"
questions = ["كيف أستخرج رخصة صيد بحري؟"]
answer = "رخص الصيد البحري تصدر من البوابة."

[en]
title = "Fishing licences"
questions = ["How do I get a sea fishing licence?"]
keywords = ["fishing", "angling"]
answer = "Sea fishing licences are issued on the portal."
"#;

/// Asks until the reply satisfies `done`, for up to ten seconds.
async fn eventually(
    app: &crate::helpers::TestApp,
    text: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    // A new citizen per try: one citizen asking again and again would be
    // handed to a person (two misses, or the same question thrice).
    let mut attempt = 0;
    loop {
        attempt += 1;
        let reply = app.say(&user(&format!("reload-{attempt}")), text).await;
        if done(&reply) || Instant::now() > deadline {
            return reply;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_new_entry_goes_live_and_a_broken_edit_keeps_the_last_good_version() {
    let (app, kb) = spawn_app_with_watched_kb().await;
    let question = "how can I get a sea fishing licence";
    let before = app.say(&user("reload"), question).await;
    assert_ne!(before["entry_id"], "fishing-licence");

    std::fs::write(kb.join("municipal/fishing-licence.toml"), NEW_ENTRY).unwrap();
    let after = eventually(&app, question, |reply| {
        reply["entry_id"] == "fishing-licence"
    })
    .await;
    assert_eq!(after["entry_id"], "fishing-licence", "{after}");

    // A typo in another file must not take the new entry (or anything else)
    // out of service.
    let bill = kb.join("utilities/water-bill.toml");
    let text = std::fs::read_to_string(&bill).unwrap();
    std::fs::write(&bill, text.replacen("[en]", "[en\n", 1)).unwrap();
    std::fs::write(
        kb.join("municipal/fishing-licence.toml"),
        NEW_ENTRY.replace("on the portal", "at the harbour office"),
    )
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let still = app.say(&user("reload"), question).await;
    assert_eq!(still["entry_id"], "fishing-licence");
    assert!(
        still["messages"][0]["text"]
            .as_str()
            .unwrap()
            .contains("on the portal"),
        "the rejected version must not be served: {still}"
    );

    // Once fixed, the pending change goes live.
    std::fs::write(&bill, text).unwrap();
    let fixed = eventually(&app, question, |reply| {
        reply["messages"][0]["text"]
            .as_str()
            .is_some_and(|text| text.contains("harbour"))
    })
    .await;
    assert!(
        fixed["messages"][0]["text"]
            .as_str()
            .unwrap()
            .contains("harbour"),
        "{fixed}"
    );
}

async fn generation(app: &crate::helpers::TestApp) -> u64 {
    let ready: serde_json::Value = app.get("/readyz").await.json().await.unwrap();
    ready["knowledge_base"]["generation"].as_u64().unwrap()
}

#[tokio::test]
async fn one_change_reloads_once_and_reading_the_files_does_not_reload_again() {
    let (app, kb) = spawn_app_with_watched_kb().await;
    assert_eq!(generation(&app).await, 1);
    let bill = kb.join("utilities/water-bill.toml");
    let text = std::fs::read_to_string(&bill).unwrap();
    std::fs::write(&bill, text.replacen("Water bill", "Water bills", 1)).unwrap();

    let deadline = Instant::now() + Duration::from_secs(10);
    while generation(&app).await < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(generation(&app).await, 2, "the change was picked up");
    // A reload opens every file; were opens taken for changes, the watcher
    // would reload forever.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(generation(&app).await, 2, "nothing changed since");
}

async fn ready(app: &crate::helpers::TestApp) -> (u16, serde_json::Value) {
    let response = app.get("/readyz").await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Reads `/readyz` until its status is `wanted`, for up to ten seconds.
async fn ready_when(app: &crate::helpers::TestApp, wanted: &str) -> (u16, serde_json::Value) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = ready(app).await;
        if body["status"] == wanted || Instant::now() > deadline {
            return (status, body);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn readyz_reports_a_rejected_reload_as_degraded_until_the_files_load_again() {
    let (app, kb) = spawn_app_with_watched_kb().await;
    assert_eq!(ready(&app).await.1["status"], "ready");
    let bill = kb.join("utilities/water-bill.toml");
    let text = std::fs::read_to_string(&bill).unwrap();
    std::fs::write(&bill, text.replacen("[en]", "[en\n", 1)).unwrap();

    // Still serving, so still 200: the body says what is wrong.
    let (status, body) = ready_when(&app, "degraded").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "degraded", "{body}");
    let knowledge_base = &body["knowledge_base"];
    assert_eq!(knowledge_base["degraded"]["reason"], "reload_failed");
    assert_eq!(knowledge_base["generation"], 1);
    assert_eq!(knowledge_base["reload_failures"], 1);
    assert!(
        knowledge_base["degraded"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("water-bill.toml"),
        "{body}"
    );
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert_eq!(crate::metrics::value(&metrics, "khidma_kb_degraded"), 1.0);
    assert_eq!(
        crate::metrics::value(&metrics, "khidma_kb_reload_failures_total"),
        1.0
    );

    std::fs::write(&bill, text).unwrap();
    let (status, body) = ready_when(&app, "ready").await;
    assert_eq!((status, &body["status"]), (200, &"ready".into()), "{body}");
    assert_eq!(body["knowledge_base"]["generation"], 2);
    assert!(body["knowledge_base"].get("degraded").is_none(), "{body}");
}

#[tokio::test]
async fn a_start_on_broken_files_serves_the_last_good_copy_only_when_configured() {
    let kb = copy_kb(&repo_path("knowledge_base"));
    let cache = tempfile::tempdir().unwrap();
    let last_good = cache.path().join("last-good");
    let with_cache = |dir: &std::path::Path| {
        let mut settings = settings(dir, false);
        settings.kb.last_good_dir = Some(last_good.clone());
        settings
    };
    // A good start saves the copy.
    drop(Application::build(with_cache(kb.path())).expect("the app builds"));
    assert!(last_good.join("utilities/water-bill.toml").exists());

    let bill = kb.path().join("utilities/water-bill.toml");
    let text = std::fs::read_to_string(&bill).unwrap();
    std::fs::write(&bill, text.replacen("[en]", "[en\n", 1)).unwrap();
    let refused = Application::build(settings(kb.path(), false))
        .err()
        .expect("without the option, broken files stop the start");
    assert!(
        format!("{refused:#}").contains("does not load"),
        "{refused:#}"
    );

    let app = start(with_cache(kb.path()), None);
    let (status, body) = ready(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "degraded", "{body}");
    assert_eq!(
        body["knowledge_base"]["degraded"]["reason"],
        "started_from_last_good"
    );
    assert!(
        body["knowledge_base"]["degraded"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("water-bill.toml"),
        "{body}"
    );
    let reply = app
        .say(&user("last-good"), "How do I pay my water bill?")
        .await;
    assert_eq!(reply["entry_id"], "water-bill", "{reply}");
    // The failed start did not overwrite the copy.
    assert_eq!(
        std::fs::read_to_string(last_good.join("utilities/water-bill.toml")).unwrap(),
        text
    );
}
