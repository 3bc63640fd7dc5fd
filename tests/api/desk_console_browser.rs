//! The agents' desk, part 3, in a real browser (`tests/browser/desk-console.mjs`)
//! against the app on real Redis with the WhatsApp stand-in: a private
//! note shows in the console and never reaches the citizen, a resolve
//! with the outcome `referred` sends the referred closing, and the
//! supervisors' page shows the teams and reassigns a case.
//!
//! Screenshots: `target/browser/desk-console-*.png`. Run it with its
//! output: `scripts/test --test api desk_console_browser -- --nocapture`.

use std::time::{Duration, Instant};

use khidma::configuration::SupervisorTokens;

use crate::browser_helpers::{BROWSER, check_prerequisites, run_script};
use crate::channel_helpers::{ChannelApp, WA_APP_SECRET, WA_SEND_PATH, spawn_channel_app_with};
use crate::handoff_helpers::with_agents;
use crate::redis_helpers::Namespace;

/// Every body the WhatsApp stand-in received, as JSON text.
async fn whatsapp_bodies(app: &ChannelApp) -> Vec<String> {
    app.sent_now(WA_SEND_PATH)
        .await
        .iter()
        .map(|sent| sent.to_string())
        .collect()
}

#[tokio::test]
async fn a_note_stays_private_a_referred_case_closes_as_referred_and_a_supervisor_reassigns() {
    check_prerequisites();
    let _one_browser = BROWSER.lock().await;
    let namespace = Namespace::new();
    let app = spawn_channel_app_with(None, |settings| {
        namespace.apply(settings);
        with_agents(settings);
        settings.access.supervisor_tokens = SupervisorTokens::parse("lina:tok-lina").unwrap();
    })
    .await;
    app.accept_sends().await;

    let result = run_script(
        "desk-console.mjs",
        "desk-console",
        &[
            ("KHIDMA_URL", app.app.address.clone()),
            ("AGENT_TOKEN", "tok-omar".to_owned()),
            ("SUPERVISOR_TOKEN", "tok-lina".to_owned()),
            ("WA_APP_SECRET", WA_APP_SECRET.to_owned()),
        ],
    )
    .await;
    println!(
        "screenshots: {} {} {} {}",
        result["note_png"], result["outcome_png"], result["desk_png"], result["reassigned_png"]
    );
    assert_eq!(
        result["note_style"], "dashed",
        "a note has its own style: {result}"
    );
    assert!(
        result["resolved_line"]
            .as_str()
            .is_some_and(|line| line.contains("Referred")),
        "{result}"
    );
    for team in ["general", "utilities"] {
        assert!(result["teams"].to_string().contains(team), "{result}");
    }
    assert_eq!(result["general_waiting"], "1", "{result}");
    assert_eq!(result["sara_load"], "1", "{result}");

    // The referred closing reached the citizen, in their language, with
    // the rating buttons; the note never did.
    let citizen = "+966500000931";
    let deadline = Instant::now() + Duration::from_secs(10);
    let bodies = loop {
        let bodies = whatsapp_bodies(&app).await;
        let referred = bodies
            .iter()
            .any(|body| body.contains(citizen) && body.contains("they will contact you directly"));
        if referred || Instant::now() > deadline {
            break bodies;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let closing = bodies
        .iter()
        .find(|body| body.contains(citizen) && body.contains("they will contact you directly"))
        .unwrap_or_else(|| panic!("the referred closing was sent: {bodies:?}"));
    assert!(closing.contains("rate:5"), "{closing}");
    let note = result["note_text"].as_str().unwrap();
    assert!(
        bodies
            .iter()
            .all(|body| !body.contains("4411") && !body.contains(note)),
        "the note never reached WhatsApp: {bodies:?}"
    );
}
