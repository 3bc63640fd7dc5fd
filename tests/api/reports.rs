//! The supervisors' reports and the public figures over HTTP: who may read
//! them, bad parameters, the CSV export, the public feed's k-anonymity and
//! CORS, and the observatory's fetch of other agencies' feeds. The app
//! keeps its events in its own SQLite file in a temporary folder; the test
//! writes events there through a store of its own, as the recorder would.

use jiff::tz::TimeZone;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use khidma::configuration::{ObservatoryFeed, Settings, SupervisorTokens};
use khidma::conversation::{Action, ConversationId, now_ms};
use khidma::cx::{CxEvent, EventKind, EventStore};
use khidma::i18n::Lang;

use crate::handoff_helpers::with_agents;
use crate::helpers::{TestApp, spawn_app_with};

struct ReportsApp {
    app: TestApp,
    events: EventStore,
    _folder: tempfile::TempDir,
}

async fn spawn(adjust: impl FnOnce(&mut Settings)) -> ReportsApp {
    let folder = tempfile::tempdir().unwrap();
    let sqlite = folder.path().join("cx.sqlite3");
    let mut cx = None;
    let (app, _) = spawn_app_with(|settings| {
        with_agents(settings);
        settings.access.supervisor_tokens = SupervisorTokens::parse("lina:tok-lina").unwrap();
        settings.cx.sqlite_path = sqlite.clone();
        adjust(settings);
        cx = Some(settings.cx.clone());
    });
    let events = EventStore::open(&cx.unwrap(), TimeZone::UTC).await.unwrap();
    ReportsApp {
        app,
        events,
        _folder: folder,
    }
}

impl ReportsApp {
    async fn get(&self, path_and_query: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self
            .app
            .client
            .get(format!("{}{path_and_query}", self.app.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    async fn json(&self, path_and_query: &str) -> Value {
        let response = self.get(path_and_query, Some("tok-lina")).await;
        assert_eq!(response.status(), 200, "{path_and_query}");
        response.json().await.unwrap()
    }

    /// `count` web conversations, each a fallback on `text` a minute ago.
    async fn fallbacks(&self, count: usize, text: &str) {
        let events: Vec<CxEvent> = (0..count)
            .map(|n| {
                let id =
                    ConversationId::new("web", &format!("citizen-{n}-{}", text.len())).unwrap();
                let mut turn = CxEvent::new(EventKind::Turn, now_ms() - 60_000, &id, "web");
                turn.action = Some(Action::Fallback);
                turn.text = Some(text.to_owned());
                turn
            })
            .collect();
        self.events.insert(&events).await.unwrap();
    }
}

async fn error_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (status, body["error"]["code"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn reports_are_for_supervisors_only() {
    let reports = spawn(|_| {}).await;
    for route in ["summary", "hours", "unanswered", "export.csv?report=teams"] {
        let path = format!("/api/v1/reports/{route}");
        let (status, code) = error_code(reports.get(&path, None).await).await;
        assert_eq!((status, code.as_str()), (401, "unauthorized"), "{route}");
        let (status, code) = error_code(reports.get(&path, Some("tok-sara")).await).await;
        assert_eq!((status, code.as_str()), (403, "forbidden"), "{route}");
        assert_eq!(
            reports.get(&path, Some("tok-lina")).await.status(),
            200,
            "{route}"
        );
    }
}

#[tokio::test]
async fn bad_parameters_are_refused_without_echoing_them() {
    let reports = spawn(|_| {}).await;
    let cases = [
        ("summary?from=2026-13-01", 400, "invalid_period"),
        ("summary?from=01/12/2026", 400, "invalid_period"),
        (
            "summary?from=2026-12-08&to=2026-12-01",
            400,
            "invalid_period",
        ),
        (
            "summary?from=2025-01-01&to=2026-12-01",
            400,
            "invalid_period",
        ),
        ("summary?language=xx-secret", 400, "invalid_language"),
        ("summary?colour=xx-secret", 400, "invalid_request"),
        ("summary?metric=messages", 400, "invalid_report_option"),
        ("timeseries", 400, "invalid_report_option"),
        ("timeseries?metric=xx-secret", 400, "invalid_report_option"),
        (
            "timeseries?metric=messages&bucket=xx-secret",
            400,
            "invalid_report_option",
        ),
        (
            "timeseries?metric=messages&by=xx-secret",
            400,
            "invalid_report_option",
        ),
        ("export.csv", 400, "invalid_report_option"),
        ("export.csv?report=xx-secret", 400, "invalid_report_option"),
    ];
    for (query, status, code) in cases {
        let response = reports
            .get(&format!("/api/v1/reports/{query}"), Some("tok-lina"))
            .await;
        assert_eq!(response.status().as_u16(), status, "{query}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("xx-secret"), "{query}: {body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["error"]["code"], code, "{query}");
    }
}

#[tokio::test]
async fn the_summary_and_series_count_what_was_recorded() {
    let reports = spawn(|_| {}).await;
    reports.fallbacks(3, "parking permit renewal").await;
    let summary = reports.json("/api/v1/reports/summary").await;
    assert_eq!(summary["messages"], 3);
    assert_eq!(summary["conversations"], 3);
    assert_eq!(summary["fallbacks"], 3);
    assert_eq!(summary["self_service_rate"], 1.0);
    assert_eq!(
        summary["filters"],
        json!({"team": null, "channel": null, "language": null})
    );
    let whatsapp = reports
        .json("/api/v1/reports/summary?channel=whatsapp")
        .await;
    assert_eq!(whatsapp["messages"], 0);
    assert_eq!(whatsapp["self_service_rate"], Value::Null);

    let series = reports
        .json("/api/v1/reports/timeseries?metric=fallbacks&bucket=day")
        .await;
    let points = series["series"][0]["points"].as_array().unwrap();
    assert_eq!(points.len(), 7, "every day of the default week appears");
    assert_eq!(points[6]["value"], 3);
    assert_eq!(points[0]["value"], 0);
    let unanswered = reports.json("/api/v1/reports/unanswered").await;
    assert_eq!(unanswered["groups"][0]["count"], 3);
    assert_eq!(
        unanswered["groups"][0]["examples"],
        json!(["parking permit renewal"])
    );
}

#[tokio::test]
async fn reports_download_as_csv_that_spreadsheets_read() {
    let reports = spawn(|_| {}).await;
    reports.fallbacks(2, "water, \"the bill\" is wrong").await;
    reports.fallbacks(1, "=HYPERLINK(\"x\")").await;
    let response = reports
        .get(
            "/api/v1/reports/export.csv?report=unanswered",
            Some("tok-lina"),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"khidma-unanswered-"),
        "{disposition}"
    );
    let body = response.bytes().await.unwrap();
    assert_eq!(&body[..3], "\u{feff}".as_bytes(), "a byte-order mark first");
    let text = std::str::from_utf8(&body[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "count,language,first_seen,last_seen,closest_entry,example_1,example_2,example_3"
    );
    assert!(lines[1].starts_with("2,ar,"), "{}", lines[1]);
    assert!(
        lines[1].ends_with(",\"water, \"\"the bill\"\" is wrong\",,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(",\"'=HYPERLINK(\"\"x\"\")\","),
        "{}",
        lines[2]
    );
    assert_eq!(lines.len(), 4, "two groups and a final line end");

    let hours = reports
        .get("/api/v1/reports/export.csv?report=hours", Some("tok-lina"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(hours.trim_start_matches('\u{feff}').lines().count(), 25);
}

#[tokio::test]
async fn the_public_figures_hide_small_numbers_and_any_site_may_read_them() {
    let reports = spawn(|settings| {
        settings.cx.agency_name_en = "Water Authority".to_owned();
    })
    .await;
    reports.fallbacks(4, "a question").await;
    let response = reports.get("/api/v1/public/cx", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert_eq!(response.headers()["cache-control"], "public, max-age=300");
    let figures: Value = response.json().await.unwrap();
    assert_eq!(figures["version"], 1);
    assert_eq!(figures["agency"]["en"], "Water Authority");
    assert_eq!(
        figures["conversations"],
        Value::Null,
        "4 conversations are too few"
    );
    assert_eq!(figures["self_service_rate"], Value::Null);
    assert_eq!(figures["channels"]["web"], Value::Null);

    reports.fallbacks(1, "another question").await;
    let figures: Value = reports
        .get("/api/v1/public/cx", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(figures["conversations"], 5);
    assert_eq!(figures["self_service_rate"], 1.0);
    assert_eq!(figures["channels"]["web"], 5);
    assert_eq!(figures["csat"], json!({"count": null, "average": null}));
}

#[tokio::test]
async fn the_observatory_shows_each_feed_or_why_it_is_missing() {
    let feeds = MockServer::start().await;
    let good = json!({
        "version": 1, "agency": {"ar": "هيئة المياه", "en": "Water Authority"},
        "period": {"from": "2026-11-02", "to": "2026-12-01"},
        "conversations": 120, "self_service_rate": 0.8,
        "first_reply_seconds": {"p50": 60.0, "p90": 300.0},
        "urgent_first_reply_seconds": {"p50": null, "p90": null},
        "csat": {"count": 40, "average": 4.2},
        "inferred_satisfaction": {"count": 50, "average": 3.9},
        "resolved": 20, "languages": {"ar": 100, "en": 20}, "channels": {"web": 120}
    });
    Mock::given(method("GET"))
        .and(path("/good"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&good))
        .mount(&feeds)
        .await;
    Mock::given(method("GET"))
        .and(path("/malformed"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"version": 1, "hello": true})),
        )
        .mount(&feeds)
        .await;
    Mock::given(method("GET"))
        .and(path("/down"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&feeds)
        .await;
    let feed = |name: &str, url: String| ObservatoryFeed {
        name: name.to_owned(),
        url,
    };
    let feeds_list = vec![
        feed("Water", format!("{}/good", feeds.uri())),
        feed("Roads", format!("{}/down", feeds.uri())),
        feed("Health", format!("{}/malformed", feeds.uri())),
        feed("Post", "http://127.0.0.1:9/api/v1/public/cx".to_owned()),
    ];
    let reports = spawn(move |settings| settings.cx.observatory = feeds_list).await;
    let response = reports.get("/api/v1/public/observatory", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let observatory: Value = response.json().await.unwrap();
    let agencies = observatory["agencies"].as_array().unwrap();
    let shown: Vec<(&str, bool, &Value)> = agencies
        .iter()
        .map(|agency| {
            (
                agency["name"].as_str().unwrap(),
                agency["ok"].as_bool().unwrap(),
                &agency["error"],
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("Water", true, &Value::Null),
            ("Roads", false, &json!("unreachable")),
            ("Health", false, &json!("malformed")),
            ("Post", false, &json!("unreachable")),
        ]
    );
    assert_eq!(agencies[0]["figures"], good);
    assert_eq!(agencies[1]["figures"], Value::Null);
    let requests = feeds.received_requests().await.unwrap().len();
    reports.get("/api/v1/public/observatory", None).await;
    assert_eq!(
        feeds.received_requests().await.unwrap().len(),
        requests,
        "fetched feeds are kept a few minutes"
    );
}

#[tokio::test]
async fn editors_read_the_unanswered_questions_on_the_command_line() {
    let reports = spawn(|_| {}).await;
    let asked = [
        (Lang::En, "how do I adopt a camel, my number is 0501234567"),
        (Lang::En, "how do I adopt a camel? my number is 0559876543"),
        (Lang::Ar, "كيف احجز ملعب كرة قدم"),
    ];
    let events: Vec<CxEvent> = asked
        .iter()
        .enumerate()
        .map(|(n, (lang, text))| {
            let id = ConversationId::new("web", &format!("editor-{n}")).unwrap();
            let mut turn = CxEvent::new(EventKind::Turn, now_ms() - 60_000, &id, "web");
            turn.action = Some(Action::Fallback);
            turn.language = Some(*lang);
            turn.text = Some((*text).to_owned());
            turn
        })
        .collect();
    reports.events.insert(&events).await.unwrap();
    let sqlite = reports._folder.path().join("cx.sqlite3");
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_khidma"))
            .args(["report", "unanswered"])
            .args(args)
            .env("KHIDMA_CX__SQLITE_PATH", &sqlite)
            .env("KHIDMA_KB_DIR", "knowledge_base")
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };

    let english = run(&["--lang", "en"]);
    assert!(english.contains("2 times (en)"), "{english}");
    assert!(english.contains("my number is #"), "{english}");
    assert!(!english.contains("0501234567"), "{english}");
    assert!(english.contains("Closest entry") || english.contains("No entry comes close"));
    let arabic = run(&["--lang", "ar"]);
    assert!(arabic.contains("كيف احجز ملعب كرة قدم"), "{arabic}");
    assert!(arabic.contains("مرتان"), "{arabic}");
    assert!(arabic.contains("مرة واحدة"), "{arabic}");

    let json: Value = serde_json::from_str(&run(&["--json"])).unwrap();
    let counts: Vec<i64> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| group["count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [2, 1]);
}
