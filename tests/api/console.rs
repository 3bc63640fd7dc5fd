//! The agents' console: the page and its assets are served by khidma
//! itself, with a strict content security policy, in both languages.

use std::collections::BTreeMap;

use crate::helpers::{repo_path, spawn_app};

async fn fetch(app: &crate::helpers::TestApp, path: &str) -> (reqwest::header::HeaderMap, String) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let headers = response.headers().clone();
    (headers, response.text().await.unwrap())
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("{name} is set"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn the_console_and_its_assets_are_served_with_a_strict_policy() {
    let app = spawn_app().await;
    let mut everything = String::new();
    let mut paths = vec![
        ("/agent".to_owned(), "text/html"),
        ("/agent/strings/ar".to_owned(), "application/json"),
        ("/agent/strings/en".to_owned(), "application/json"),
    ];
    // Every script module and style sheet of console/, so that a module
    // the page imports cannot be left out of the binary.
    for file in std::fs::read_dir(repo_path("console")).unwrap() {
        let name = file.unwrap().file_name().into_string().unwrap();
        let content_type = match name.rsplit_once('.').map(|(_, extension)| extension) {
            Some("js") => "text/javascript",
            Some("css") => "text/css",
            _ => continue,
        };
        paths.push((format!("/agent/{name}"), content_type));
    }
    assert!(paths.len() > 5, "{paths:?}");
    for (path, content_type) in &paths {
        let (headers, body) = fetch(&app, path).await;
        assert!(
            header(&headers, "content-type").starts_with(*content_type),
            "{path}: {headers:?}"
        );
        let policy = header(&headers, "content-security-policy");
        assert!(policy.contains("default-src 'self'"), "{policy}");
        assert!(policy.contains("script-src 'self';"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        assert_eq!(header(&headers, "referrer-policy"), "no-referrer");
        assert!(headers.contains_key("etag"), "{path}");
        everything.push_str(&body);
    }
    // Nothing is fetched from anywhere but khidma.
    for external in ["http://", "https://", "//fonts.", "cdn"] {
        assert!(
            !everything.contains(external),
            "the console refers to {external}"
        );
    }
    let (_, page) = fetch(&app, "/agent").await;
    assert!(page.contains("src=\"/agent/console.js\""), "{page}");
    assert!(!page.contains("<script>"), "no inline script");
    assert!(!page.contains("style="), "no inline style");
    assert_eq!(app.get("/agent/nothing.js").await.status(), 404);
}

#[tokio::test]
async fn an_unchanged_asset_is_revalidated_with_a_304() {
    let app = spawn_app().await;
    let (headers, _) = fetch(&app, "/agent/console.js").await;
    let etag = header(&headers, "etag").to_owned();
    let again = app
        .client
        .get(format!("{}/agent/console.js", app.address))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}

#[tokio::test]
async fn both_languages_have_the_same_console_strings() {
    let app = spawn_app().await;
    let table = |lang: &'static str| {
        let app = &app;
        async move {
            let (_, body) = fetch(app, &format!("/agent/strings/{lang}")).await;
            serde_json::from_str::<BTreeMap<String, String>>(&body).unwrap()
        }
    };
    let (arabic, english) = (table("ar").await, table("en").await);
    assert!(arabic.len() > 50, "{arabic:?}");
    assert_eq!(
        arabic.keys().collect::<Vec<_>>(),
        english.keys().collect::<Vec<_>>()
    );
    assert!(arabic.keys().all(|key| key.starts_with("console-")));
    assert_ne!(arabic["console-claim"], english["console-claim"]);
    // Variables are left for the page to fill in.
    assert!(
        english["console-signed-in-as"].contains("{$name}"),
        "{}",
        english["console-signed-in-as"]
    );
    assert!(arabic["console-failure-outside_window"].contains("24"));
    assert_eq!(app.get("/agent/strings/fr").await.status(), 404);
}

#[tokio::test]
async fn the_console_learns_whose_token_it_has_without_a_refusal() {
    let (app, _) = crate::helpers::spawn_app_with(|settings| {
        crate::handoff_helpers::with_agents(settings);
        settings.access.supervisor_tokens =
            khidma::configuration::SupervisorTokens::parse("lina:tok-lina").unwrap();
    });
    let role = |token: &'static str| {
        app.client
            .get(format!("{}/api/v1/console/role", app.address))
            .bearer_auth(token)
            .send()
    };
    let agent: serde_json::Value = role("tok-sara").await.unwrap().json().await.unwrap();
    assert_eq!(agent, serde_json::json!({"role": "agent", "name": "sara"}));
    let supervisor: serde_json::Value = role("tok-lina").await.unwrap().json().await.unwrap();
    assert_eq!(
        supervisor,
        serde_json::json!({"role": "supervisor", "name": "lina"})
    );
    let wrong = role("tok-nobody").await.unwrap();
    assert_eq!(wrong.status(), 401);
    let body: serde_json::Value = wrong.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
}
