//! The CX dashboard and the public pages: served by khidma itself, with a
//! strict content security policy, their sentences in both languages; the
//! public pages and the labels need no token.

use std::collections::BTreeMap;

use crate::helpers::{TestApp, repo_path, spawn_app};

async fn fetch(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, String) {
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
async fn the_dashboard_and_public_pages_are_served_with_a_strict_policy() {
    let app = spawn_app().await;
    let mut everything = String::new();
    let mut paths = vec![
        ("/dashboard".to_owned(), "text/html"),
        ("/dashboard/".to_owned(), "text/html"),
        ("/performance".to_owned(), "text/html"),
        ("/observatory".to_owned(), "text/html"),
        ("/dashboard/strings/ar".to_owned(), "application/json"),
        ("/dashboard/strings/en".to_owned(), "application/json"),
    ];
    // Every script module and style sheet of dashboard/, so that a module
    // a page imports cannot be left out of the binary.
    for file in std::fs::read_dir(repo_path("dashboard")).unwrap() {
        let name = file.unwrap().file_name().into_string().unwrap();
        let content_type = match name.rsplit_once('.').map(|(_, extension)| extension) {
            Some("js") => "text/javascript",
            Some("css") => "text/css",
            _ => continue,
        };
        paths.push((format!("/dashboard/{name}"), content_type));
    }
    assert!(paths.len() > 14, "{paths:?}");
    for (path, content_type) in &paths {
        // No token: the pages ask for one themselves; the public ones need none.
        let (headers, body) = fetch(&app, path).await;
        assert!(
            header(&headers, "content-type").starts_with(*content_type),
            "{path}: {headers:?}"
        );
        let policy = header(&headers, "content-security-policy");
        assert!(policy.contains("default-src 'self'"), "{policy}");
        assert!(policy.contains("script-src 'self';"), "{policy}");
        assert!(policy.contains("connect-src 'self'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(!policy.contains("unsafe-eval"), "{policy}");
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        assert_eq!(header(&headers, "referrer-policy"), "no-referrer");
        assert_eq!(header(&headers, "x-frame-options"), "DENY");
        assert!(headers.contains_key("etag"), "{path}");
        everything.push_str(&body);
    }
    // Nothing is fetched from anywhere but khidma, and no chart library
    // is copied in: the SVG is drawn by dashboard/charts.js. (The SVG
    // namespace is a name, not an address anything is fetched from.)
    let everything = everything.replace("'http://www.w3.org/2000/svg'", "");
    for external in ["http://", "https://", "//fonts.", "cdn", "d3.", "Chart.js"] {
        assert!(
            !everything.contains(external),
            "the dashboard refers to {external}"
        );
    }
    for (page, entry) in [
        ("/dashboard", "/dashboard/dashboard.js"),
        ("/performance", "/dashboard/performance.js"),
        ("/observatory", "/dashboard/observatory.js"),
    ] {
        let (_, html) = fetch(&app, page).await;
        assert!(html.contains(&format!("src=\"{entry}\"")), "{html}");
        assert!(html.contains("type=\"module\""), "{page}");
        assert!(!html.contains("<script>"), "{page}: no inline script");
        assert!(!html.contains("style="), "{page}: no inline style");
    }
    assert_eq!(app.get("/dashboard/nothing.js").await.status(), 404);
    assert_eq!(app.get("/dashboard/strings/fr").await.status(), 404);
}

#[tokio::test]
async fn both_languages_have_the_same_dashboard_strings() {
    let app = spawn_app().await;
    let table = |lang: &'static str| {
        let app = &app;
        async move {
            let (_, body) = fetch(app, &format!("/dashboard/strings/{lang}")).await;
            serde_json::from_str::<BTreeMap<String, String>>(&body).unwrap()
        }
    };
    let (arabic, english) = (table("ar").await, table("en").await);
    assert!(arabic.len() > 100, "{}", arabic.len());
    assert_eq!(
        arabic.keys().collect::<Vec<_>>(),
        english.keys().collect::<Vec<_>>()
    );
    assert!(arabic.keys().all(|key| key.starts_with("dashboard-")));
    // None of the console's labels leak in, nor the other way round.
    let (_, console) = fetch(&app, "/agent/strings/en").await;
    assert!(!console.contains("\"dashboard-"), "{console}");
    assert_ne!(arabic["dashboard-title"], english["dashboard-title"]);
    assert!(
        english["dashboard-tile-first-reply-detail"].contains("{$p90}"),
        "{}",
        english["dashboard-tile-first-reply-detail"]
    );
    // Every label the scripts ask for exists: t('key') in dashboard/*.js,
    // data-i18n="key" in its pages.
    for file in std::fs::read_dir(repo_path("dashboard")).unwrap() {
        let path = file.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        for key in asked_labels(&source) {
            assert!(
                english.contains_key(&format!("dashboard-{key}")),
                "{} asks for dashboard-{key}, which locales/en/dashboard.ftl lacks",
                path.display()
            );
        }
    }
}

/// The keys in `t('key'` and `data-i18n="key"` (and `data-i18n-label`).
fn asked_labels(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for (opening, closing) in [
        ("t('", '\''),
        ("data-i18n=\"", '"'),
        ("data-i18n-label=\"", '"'),
    ] {
        for (at, _) in source.match_indices(opening) {
            // `report('summary'` ends in "t('" too: only a call of t itself.
            let before = source[..at].chars().last();
            if opening == "t('" && before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &source[at + opening.len()..];
            if let Some(end) = rest.find(closing) {
                keys.push(rest[..end].to_owned());
            }
        }
    }
    keys
}
