//! What the server logs about a citizen's message: one JSON object per
//! line, and no phone number, name or text of theirs.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::channel_helpers::{
    WA_ACCESS_TOKEN, WA_APP_SECRET, WA_PHONE_NUMBER_ID, WA_SEND_PATH, WA_VERIFY_TOKEN, fixture,
    sign,
};
use crate::helpers::repo_path;

/// The `khidma` binary serving with JSON logs, its stderr read line by line.
struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Server {
    fn start(platform: &MockServer) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_khidma"))
            .arg("serve")
            .env_clear()
            .env("KHIDMA_LOG_FORMAT", "json")
            .env("RUST_LOG", "info,khidma=debug")
            .env("KHIDMA_BIND", "127.0.0.1:0")
            .env("KHIDMA_KB_DIR", repo_path("knowledge_base"))
            .env("KHIDMA_LOCALES_DIR", repo_path("locales"))
            .env("KHIDMA_KB__WATCH", "false")
            .env("KHIDMA_SERVER__WORKERS", "1")
            .env(
                "KHIDMA_CX__SQLITE_PATH",
                crate::helpers::fresh_cx_file().display().to_string(),
            )
            .env("WHATSAPP_APP_SECRET", WA_APP_SECRET)
            .env("WHATSAPP_VERIFY_TOKEN", WA_VERIFY_TOKEN)
            .env("WHATSAPP_ACCESS_TOKEN", WA_ACCESS_TOKEN)
            .env("WHATSAPP_PHONE_NUMBER_ID", WA_PHONE_NUMBER_ID)
            .env("WHATSAPP_API_BASE", format!("{}/v23.0", platform.uri()))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stderr = child.stderr.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Reads lines until one satisfies `wanted`, for up to ten seconds.
    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no such line in {:#?}", self.seen));
            self.seen.push(line.clone());
            let event: Value = serde_json::from_str(&line)
                .unwrap_or_else(|err| panic!("not one JSON object ({err}): {line}"));
            if wanted(&event) {
                return event;
            }
        }
    }

    /// Every line, once the process has stopped.
    fn stop(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.seen.extend(self.lines.iter());
        self.seen
    }
}

#[tokio::test]
async fn a_whatsapp_message_leaves_json_lines_without_the_citizens_number_name_or_text() {
    let platform = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "messaging_product": "whatsapp",
            "messages": [{"id": "wamid.OUT"}]
        })))
        .mount(&platform)
        .await;
    let mut server = Server::start(&platform);
    let listening = server.wait_for(|event| event["address"].is_string());
    let address = listening["address"].as_str().unwrap().to_owned();

    let post = |body: Vec<u8>| {
        reqwest::Client::new()
            .post(format!("http://{address}/webhooks/whatsapp"))
            .header("Content-Type", "application/json")
            .header("X-Hub-Signature-256", sign(&body, WA_APP_SECRET))
            .body(body)
            .send()
    };
    // A signed body that does not parse, with the number where the
    // parser's error would quote it: neither the answer nor the log may.
    let odd = br#"{"object":"whatsapp_business_account","entry":"966500000001"}"#;
    let refused = post(odd.to_vec()).await.unwrap();
    assert_eq!(refused.status(), 400);
    assert!(!refused.text().await.unwrap().contains("966500000001"));
    server.wait_for(|event| event["message"] == "webhook refused");

    let response = post(fixture("whatsapp_text_ar.json")).await.unwrap();
    assert_eq!(response.status(), 200);
    let request = server.wait_for(|event| event["message"] == "request" && event["status"] == 200);
    let handled = server.wait_for(|event| event["message"] == "message handled");
    let deadline = Instant::now() + Duration::from_secs(10);
    while platform
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty()
    {
        assert!(Instant::now() < deadline, "the reply was not sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let lines = server.stop();
    eprintln!("{}", lines.join("\n"));

    assert_eq!(request["span"]["route"], "/webhooks/{channel}", "{request}");
    assert_eq!(request["status"], 200, "{request}");
    assert!(request["span"]["request_id"].is_string(), "{request}");
    let conversation = handled["span"]["conversation"].as_str().unwrap();
    assert!(conversation.starts_with("whatsapp:"), "{handled}");
    let all = lines.join("\n");
    for personal in ["966500000001", "سارة", "مرحبا", "جواز"] {
        assert!(!all.contains(personal), "{personal:?} was logged:\n{all}");
    }
}
