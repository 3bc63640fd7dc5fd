//! A ready reply in a real browser (`tests/browser/desk-replies.mjs`): an
//! agent types `/` and an Arabic word in the reply box, inserts the
//! greeting with Enter and sends it; the WhatsApp stand-in receives it
//! with its placeholders filled. Screenshots go to
//! `target/browser/desk-replies-*.png`.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::browser_helpers::{BROWSER, check_prerequisites, run_script};
use crate::channel_helpers::{WA_APP_SECRET, WA_SEND_PATH, spawn_channel_app_with};
use crate::handoff_helpers::with_agents;
use crate::redis_helpers::Namespace;

#[tokio::test]
async fn an_agent_inserts_a_ready_reply_with_slash_and_the_citizen_receives_it_filled() {
    check_prerequisites();
    let _one_browser = BROWSER.lock().await;
    let namespace = Namespace::new();
    let app = spawn_channel_app_with(None, |settings| {
        namespace.apply(settings);
        with_agents(settings);
    })
    .await;
    app.accept_sends().await;

    let result = run_script(
        "desk-replies.mjs",
        "replies",
        &[
            ("KHIDMA_URL", app.app.address.clone()),
            ("AGENT_TOKEN", "tok-sara".to_owned()),
            ("WA_APP_SECRET", WA_APP_SECRET.to_owned()),
        ],
    )
    .await;
    println!(
        "screenshots: {} {}",
        result["picks_png"], result["sent_png"]
    );
    for shot in ["picks_png", "sent_png"] {
        assert!(
            Path::new(result[shot].as_str().unwrap()).exists(),
            "{result}"
        );
    }
    let reply = result["reply_text"].as_str().unwrap().to_owned();
    assert!(
        reply.starts_with("مرحبًا بك، معك sara من فريق خدمة المواطنين"),
        "{reply}"
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let sent = app.sent_now(WA_SEND_PATH).await;
        let received = sent.iter().any(|body| {
            body["to"] == "+966500000921" && body["text"]["body"].as_str() == Some(reply.as_str())
        });
        if received {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the stand-in received the filled reply: {sent:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
