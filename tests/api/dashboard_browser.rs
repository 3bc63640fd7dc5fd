//! The supervisors' CX dashboard and the public pages in a real browser:
//! Debian's chromium, driven by `tests/browser/dashboard.mjs`
//! (playwright-core), against the app with a supervisor's and an agent's
//! token: the reports come from the events the app recorded of a few
//! citizens, and the observatory compares this agency's public feed with a
//! second agency's (a stand-in serving this one's figures).
//!
//! Screenshots go to `target/browser/dashboard-*.png`. Run with output:
//! `scripts/test --test api dashboard_browser -- --nocapture`.

use std::path::Path;

use khidma::configuration::{ObservatoryFeed, SupervisorTokens};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::browser_helpers::{BROWSER, check_prerequisites, run_script};
use crate::handoff_helpers::with_agents;
use crate::helpers::{spawn_app_with, user};

#[tokio::test]
async fn a_supervisor_reads_the_dashboard_filters_it_downloads_csv_and_prints_a_summary() {
    check_prerequisites();
    let _one_browser = BROWSER.lock().await;
    let other_agency = MockServer::start().await;
    let feed = format!("{}/api/v1/public/cx", other_agency.uri());
    let (app, _) = spawn_app_with(|settings| {
        with_agents(settings);
        settings.access.supervisor_tokens = SupervisorTokens::parse("lina:tok-lina").unwrap();
        settings.cx.observatory = vec![ObservatoryFeed {
            name: "Water Authority".to_owned(),
            url: feed,
        }];
    });
    // A few citizens first, so that the reports have figures of today.
    for (label, text) in [
        ("dash-a", "كيف أجدد جواز السفر؟"),
        ("dash-b", "How do I renew my passport?"),
        ("dash-c", "الكهرباء مقطوعة عندي"),
    ] {
        let reply = app.say(&user(label), text).await;
        assert!(reply["action"].is_string(), "{reply}");
    }
    let figures: serde_json::Value = app
        .client
        .get(format!("{}/api/v1/public/cx", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Mock::given(method("GET"))
        .and(path("/api/v1/public/cx"))
        .respond_with(ResponseTemplate::new(200).set_body_json(figures))
        .mount(&other_agency)
        .await;
    // The recorder writes every few milliseconds in tests.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let env = vec![
        ("KHIDMA_URL", app.address.clone()),
        ("SUPERVISOR_TOKEN", "tok-lina".to_owned()),
        ("AGENT_TOKEN", "tok-sara".to_owned()),
    ];
    let result = run_script("dashboard.mjs", "dashboard", &env).await;
    println!("export requested: {}", result["csv_url"]);

    // Tokens: a wrong one and an agent's are refused, in Arabic.
    assert!(
        result["wrong_token_error"]
            .as_str()
            .is_some_and(|text| text.contains("الرمز")),
        "{result}"
    );
    assert!(
        result["agent_token_error"]
            .as_str()
            .is_some_and(|text| text.contains("مشرف")),
        "{result}"
    );
    // The charts drew one column a day, for 7 days and then for 14.
    assert_eq!(result["week_columns"], 7, "{result}");
    assert_eq!(result["fortnight_columns"], 14, "{result}");
    // The filters re-queried every report; the CSV came with the filters.
    assert!(result["requeried"].as_u64().unwrap() >= 12, "{result}");
    let csv_url = result["csv_url"].as_str().unwrap();
    assert!(csv_url.contains("report=timeseries"), "{csv_url}");
    assert!(result["csv_name"].as_str().unwrap().ends_with(".csv"));
    // The one-page summary fits an A4 page (794 × 1123 CSS pixels).
    assert!(
        result["print_height_px"].as_u64().unwrap() <= 1123,
        "{result}"
    );
    for shot in [
        "login_png",
        "login_error_png",
        "dashboard_ar_png",
        "unanswered_ar_png",
        "dashboard_en_png",
        "print_png",
        "performance_ar_png",
        "performance_en_png",
        "observatory_en_png",
        "observatory_ar_png",
    ] {
        let path = result[shot].as_str().unwrap();
        assert!(Path::new(path).exists(), "{shot}: {path}");
        println!("screenshot: {path}");
    }
}
