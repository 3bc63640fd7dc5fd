//! The agents' console in a real browser: Debian's chromium, driven by
//! `tests/browser/console.mjs` (playwright-core), against the app on real
//! Redis with the WhatsApp stand-in. Citizens write through signed
//! webhooks; the test checks what the console shows and what the stand-in
//! received. `scripts/test` installs chromium and the script's packages.
//!
//! Screenshots go to `target/browser/`. Run one with its output:
//! `scripts/test --test api console_browser -- --nocapture`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use khidma::configuration::RedisUrl;

use crate::channel_helpers::{
    ChannelApp, WA_ACCESS_TOKEN, WA_APP_SECRET, WA_SEND_PATH, spawn_channel_app_with,
};
use crate::handoff_helpers::with_agents;
use crate::helpers::repo_path;
use crate::redis_helpers::Namespace;

/// One browser at a time: the machine running the tests may be small.
static BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How long one scenario may take, browser start included.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(240);

/// The text the stand-in refuses as WhatsApp does outside the 24-hour window.
const REFUSED_MARKER: &str = "(window test)";

fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

fn screenshot_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is <target>/tmp.
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the tmp folder is inside the target folder")
        .join("browser")
}

/// Fails (never skips) when the browser test cannot run here.
fn check_prerequisites() {
    let chromium = chromium();
    assert!(
        Path::new(&chromium).exists(),
        "chromium is not installed at {chromium}: run scripts/test, which installs it \
         (apt-get install chromium), or set CHROMIUM to a Chromium binary"
    );
    assert!(
        repo_path("tests/browser/node_modules/playwright-core").exists(),
        "tests/browser/node_modules is missing: run scripts/test, which runs \
         npm ci --prefix tests/browser"
    );
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|output| output.status.success()),
        "node is not installed: the browser test needs Node.js 20 or newer"
    );
}

/// The app on real Redis under a namespace of its own, with agents and the
/// WhatsApp stand-in, which refuses texts holding [`REFUSED_MARKER`] with
/// WhatsApp's 131047 and accepts the rest.
async fn spawn_console_app(namespace: &Namespace) -> ChannelApp {
    let url = namespace.url.clone();
    let prefix = namespace.prefix.clone();
    let channel = spawn_channel_app_with(None, |settings| {
        settings.state.redis_url = Some(RedisUrl::parse(url).unwrap());
        settings.state.key_prefix = prefix;
        with_agents(settings);
    })
    .await;
    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .and(header("authorization", format!("Bearer {WA_ACCESS_TOKEN}")))
        .and(body_string_contains(REFUSED_MARKER))
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "error": {
                "message": "(#131047) Re-engagement message",
                "type": "OAuthException",
                "code": 131047,
                "error_data": {"messaging_product": "whatsapp", "details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
                "fbtrace_id": "Browser-Test"
            }
        })))
        .with_priority(1)
        .mount(&channel.platform)
        .await;
    channel.accept_sends().await;
    channel
}

/// Runs `console.mjs` for `scenario` and returns the JSON of its last line.
async fn run_browser(app: &ChannelApp, scenario: &str, token: &str) -> Value {
    let script = repo_path("tests/browser/console.mjs");
    let mut command = Command::new("node");
    command
        .arg(&script)
        .current_dir(repo_path("tests/browser"))
        .env("KHIDMA_URL", &app.app.address)
        .env("AGENT_TOKEN", token)
        .env("WA_APP_SECRET", WA_APP_SECRET)
        .env("SCREENSHOT_DIR", screenshot_dir())
        .env("SCENARIO", scenario)
        .env("CHROMIUM", chromium())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // The app runs on this test's runtime: wait for node on other threads,
    // reading its output as it comes so that a full pipe never blocks it.
    let output = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("node starts");
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let read = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut text = Vec::new();
                let _ = pipe.read_to_end(&mut text);
                text
            })
        };
        let (stdout, stderr) = (read(Box::new(stdout)), read(Box::new(stderr)));
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("node can be waited for") {
                break Some(status);
            }
            if started.elapsed() > SCENARIO_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        (status, stdout.join().unwrap(), stderr.join().unwrap())
    })
    .await
    .unwrap();
    let (status, stdout, stderr) = output;
    let stdout = String::from_utf8_lossy(&stdout);
    let stderr = String::from_utf8_lossy(&stderr);
    let status = status.unwrap_or_else(|| {
        panic!(
            "the browser scenario {scenario} took longer than {SCENARIO_TIMEOUT:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        )
    });
    assert!(
        status.success(),
        "the browser scenario {scenario} failed ({status}); screenshots in {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        screenshot_dir().display()
    );
    let last = stdout.lines().last().unwrap_or_default();
    let result: Value = serde_json::from_str(last)
        .unwrap_or_else(|err| panic!("the script's last line is JSON ({err}): {stdout}\n{stderr}"));
    let problems = result["problems"].to_string();
    assert!(
        !problems.contains("external request") && !problems.contains("page error"),
        "{problems}"
    );
    if result["problems"].as_array().is_some_and(|p| !p.is_empty()) {
        #[allow(
            clippy::print_stdout,
            reason = "what the browser's console said shows with the test's output"
        )]
        {
            println!("browser console said: {problems}");
        }
    }
    result
}

/// Every WhatsApp text the stand-in received, as (to, body).
async fn whatsapp_texts(app: &ChannelApp) -> Vec<(String, String)> {
    app.sent_now(WA_SEND_PATH)
        .await
        .iter()
        .map(|sent| {
            assert_eq!(sent["messaging_product"], "whatsapp", "{sent}");
            (
                sent["to"].as_str().unwrap_or_default().to_owned(),
                sent.to_string(),
            )
        })
        .collect()
}

async fn eventually_sent(app: &ChannelApp, what: impl Fn(&[(String, String)]) -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if what(&whatsapp_texts(app).await) {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_agent_sees_an_urgent_whatsapp_case_live_claims_answers_and_resolves_it() {
    check_prerequisites();
    let _one_browser = BROWSER.lock().await;
    let namespace = Namespace::new();
    let app = spawn_console_app(&namespace).await;

    let result = run_browser(&app, "urgent", "tok-sara").await;

    let latency = result["urgent_to_console_ms"].as_i64().unwrap();
    println!("urgent WhatsApp message to the agents' console: {latency} ms");
    println!(
        "screenshots: {} {}",
        result["queue_png"], result["conversation_png"]
    );
    assert!(latency >= 0, "{result}");
    assert!(latency < 10_000, "{latency} ms from webhook to console");
    assert!(
        result["announced"]
            .as_str()
            .is_some_and(|said| !said.is_empty()),
        "a new urgent case is announced: {result}"
    );
    for shot in ["queue_png", "conversation_png"] {
        assert!(
            Path::new(result[shot].as_str().unwrap()).exists(),
            "{result}"
        );
    }
    assert!(
        result["failure_warning"]
            .as_str()
            .is_some_and(|warning| warning.contains("24")),
        "the refused reply is explained: {result}"
    );

    let citizen = "+966500000901";
    let reply = result["reply_text"].as_str().unwrap().to_owned();
    let reply_json = serde_json::to_string(&reply).unwrap();
    let reply_json = reply_json.trim_matches('"').to_owned();
    assert!(
        eventually_sent(&app, |texts| texts
            .iter()
            .any(|(to, body)| to == citizen && body.contains(&reply_json)))
        .await,
        "the agent's reply reached the citizen's WhatsApp: {:?}",
        whatsapp_texts(&app).await
    );
    assert!(
        eventually_sent(&app, |texts| texts
            .iter()
            .any(|(to, body)| to == citizen && body.contains("rate:5")))
        .await,
        "the rating request reached the citizen's WhatsApp: {:?}",
        whatsapp_texts(&app).await
    );
}

#[tokio::test]
async fn three_outage_reports_are_one_incident_and_one_update_reaches_all_three() {
    check_prerequisites();
    let _one_browser = BROWSER.lock().await;
    let namespace = Namespace::new();
    let app = spawn_console_app(&namespace).await;

    let result = run_browser(&app, "incident", "tok-sara").await;
    println!(
        "screenshots: {} {}",
        result["incident_png"], result["incident_update_png"]
    );
    assert_eq!(result["sent"], 3, "{result}");
    assert_eq!(result["failed"], 0, "{result}");
    assert!(
        result["refused_warning"].as_str().is_some_and(
            |warning| warning.contains("24") && warning.contains("whatsapp:966500000911")
        ),
        "the refused update is explained per citizen: {result}"
    );

    let update = result["update_ar"].as_str().unwrap().to_owned();
    let citizens: Vec<String> = result["citizens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|wa_id| format!("+{}", wa_id.as_str().unwrap()))
        .collect();
    assert!(
        eventually_sent(&app, |texts| citizens.iter().all(|citizen| texts
            .iter()
            .any(|(to, body)| to == citizen && body.contains(&update))))
        .await,
        "the update reached all three: {:?}",
        whatsapp_texts(&app).await
    );
}
