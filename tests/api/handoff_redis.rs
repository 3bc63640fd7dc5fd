//! Human handoff through the WhatsApp stand-in and the real Redis: the
//! path end to end, claim races and live events across instances, updates
//! for citizens nobody picks up, and WhatsApp's 24-hour window (this one in
//! memory).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::channel_helpers::{WA_SEND_PATH, spawn_channel_app_with};
use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::start;
use crate::redis_helpers::Namespace;

/// A signed-shape WhatsApp webhook body carrying `message` from `wa_id`.
fn whatsapp_body(wa_id: &str, message_id: &str, message: Value) -> Vec<u8> {
    let mut message = message;
    message["from"] = json!(wa_id);
    message["id"] = json!(message_id);
    message["timestamp"] = json!("1767225600");
    json!({"object": "whatsapp_business_account", "entry": [{"id": "100000000000001", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "966110000000", "phone_number_id": "200000000000002"},
        "contacts": [{"profile": {"name": "مواطن"}, "wa_id": wa_id}],
        "messages": [message]
    }}]}]})
    .to_string()
    .into_bytes()
}

fn text(body: &str) -> Value {
    json!({"type": "text", "text": {"body": body}})
}

fn sent_text(sent: &Value) -> String {
    sent.to_string()
}

fn app_on(namespace: &Namespace) -> crate::helpers::TestApp {
    let mut settings = namespace.settings();
    with_agents(&mut settings);
    start(settings, None)
}

#[tokio::test]
async fn an_urgent_whatsapp_outage_goes_to_an_agent_and_back_with_a_rating() {
    let namespace = Namespace::new();
    let channel = spawn_channel_app_with(None, |settings| {
        namespace.apply(settings);
        with_agents(settings);
    })
    .await;
    channel.accept_sends().await;
    let app = &channel.app;
    let sara = AgentClient {
        app,
        token: "tok-sara",
    };
    let omar = AgentClient {
        app,
        token: "tok-omar",
    };
    let wa_id = "966500000777";
    let id = format!("whatsapp:{wa_id}");
    let mut events = sara.events().await;

    let urgent = whatsapp_body(
        wa_id,
        "wamid.HANDOFF1",
        text("الكهرباء مقطوعة عندي في البيت من الصبح"),
    );
    assert_eq!(channel.whatsapp(urgent).await.status(), 200);
    let escalated = events.next_of("escalated", &id).await;
    assert_eq!(escalated["priority"], "urgent");
    assert_eq!(escalated["entry_id"], "electricity-outage");
    assert_eq!(escalated["language"], "ar");
    // The reply may be split into several sends.
    let told = || async {
        let sent = channel.sent_now(WA_SEND_PATH).await;
        sent.iter().map(sent_text).collect::<String>()
    };
    assert!(
        crate::redis_helpers::eventually(Duration::from_secs(5), || async {
            told().await.contains("ترتيبك في قائمة الانتظار: 1")
        })
        .await,
        "{}",
        told().await
    );

    let queue = sara.queue().await;
    assert_eq!(queue[0]["conversation_id"], id.as_str(), "urgent first");
    assert_eq!(
        omar.post(&format!("conversations/{id}/claim"), None)
            .await
            .status(),
        403
    );
    assert_eq!(
        sara.post(&format!("conversations/{id}/claim"), None)
            .await
            .status(),
        200
    );
    assert_eq!(events.next_of("claimed", &id).await["agent"], "sara");

    let before = channel.sent_now(WA_SEND_PATH).await.len();
    let reply = sara
        .post(
            &format!("conversations/{id}/messages"),
            Some(json!({"text": "أهلًا، معك سارة. فريق الطوارئ في الطريق إلى حيّك."})),
        )
        .await;
    assert_eq!(reply.status(), 200);
    let sent = channel.sent(WA_SEND_PATH, before + 1).await;
    assert!(
        sent_text(&sent[before]).contains("معك سارة"),
        "{}",
        sent[before]
    );
    assert_eq!(sent[before]["to"], "+966500000777");

    let answer = whatsapp_body(wa_id, "wamid.HANDOFF2", text("شكرًا، العنوان حي النخيل"));
    assert_eq!(channel.whatsapp(answer).await.status(), 200);
    let relayed = events.next_of("message", &id).await;
    assert_eq!(relayed["text"], "شكرًا، العنوان حي النخيل");
    let conversation = channel.settled("whatsapp", wa_id).await;
    assert!(
        conversation
            .turns
            .iter()
            .all(|turn| turn.action != Some(khidma::conversation::Action::Answer)),
        "the bot did not answer while the agent had it"
    );

    let before = channel.sent_now(WA_SEND_PATH).await.len();
    assert_eq!(
        sara.post(&format!("conversations/{id}/resolve"), None)
            .await
            .status(),
        200
    );
    let sent = channel.sent(WA_SEND_PATH, before + 1).await;
    assert!(
        sent_text(&sent[before]).contains("rate:5"),
        "{}",
        sent[before]
    );

    let rating = whatsapp_body(
        wa_id,
        "wamid.HANDOFF3",
        json!({"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {"id": "rate:4", "title": "4 ★"}}}),
    );
    assert_eq!(channel.whatsapp(rating).await.status(), 200);
    assert_eq!(events.next_of("rated", &id).await["score"], 4);
    let ratings: Value = sara.get("ratings").await.json().await.unwrap();
    assert_eq!(ratings["ratings"][0]["conversation_id"], id.as_str());
    assert_eq!(ratings["ratings"][0]["team"], "utilities");

    let history = sara.history(id.as_str()).await;
    let kinds: Vec<&str> = history
        .iter()
        .map(|item| item["type"].as_str().unwrap())
        .collect();
    for kind in ["message", "escalated", "claimed", "resolved", "rated"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}

#[tokio::test]
async fn of_two_agents_claiming_at_once_on_two_instances_exactly_one_wins() {
    let namespace = Namespace::new();
    let (first, second) = (app_on(&namespace), app_on(&namespace));
    for round in 0..5 {
        let citizen = format!("race-{round}");
        let escalated = first
            .say_with(json!({"user_id": citizen, "text": "the electricity has been cut in my house since morning"}))
            .await;
        assert_eq!(escalated["action"], "escalate");
        let id = format!("web:{citizen}");
        let sara = AgentClient {
            app: &first,
            token: "tok-sara",
        };
        let salem = AgentClient {
            app: &second,
            token: "tok-salem",
        };
        let path = format!("conversations/{id}/claim");
        let (a, b) = tokio::join!(sara.post(&path, None), salem.post(&path, None));
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}");
    }
}

#[tokio::test]
async fn an_agent_on_another_instance_hears_of_an_urgent_case_at_once() {
    let namespace = Namespace::new();
    let (citizens, agents) = (app_on(&namespace), app_on(&namespace));
    let sara = AgentClient {
        app: &agents,
        token: "tok-sara",
    };
    let omar = AgentClient {
        app: &agents,
        token: "tok-omar",
    };
    let mut events = sara.events().await;
    let mut other_team = omar.events().await;

    let mut latencies = Vec::new();
    for run in 0..100 {
        let citizen = format!("sse-{run}");
        let sent_at = Instant::now();
        let reply = citizens
            .say_with(json!({"user_id": citizen, "text": "the electricity has been cut in my house since morning"}))
            .await;
        assert_eq!(reply["action"], "escalate");
        events.next_of("escalated", &format!("web:{citizen}")).await;
        latencies.push(sent_at.elapsed());
    }
    latencies.sort_unstable();
    let p50 = latencies[latencies.len() / 2];
    let p99 = latencies[latencies.len() * 99 / 100];
    println!(
        "urgent message -> SSE event at an agent on another instance: p50 {p50:?}, p99 {p99:?} over 100 runs"
    );
    assert!(p99 < Duration::from_secs(2), "p99 {p99:?}");

    // Omar serves the default team: the utilities cases are not his.
    let noise = citizens
        .say_with(json!({"user_id": "sse-general", "text": "I want to speak to a human please"}))
        .await;
    assert_eq!(noise["action"], "escalate");
    let event = other_team.next().await;
    assert_eq!(event["conversation_id"], "web:sse-general");
    assert_eq!(event["team"], "general");
}

#[tokio::test]
async fn a_citizen_nobody_picks_up_gets_one_update_per_interval_across_instances() {
    let namespace = Namespace::new();
    let app = |namespace: &Namespace| {
        let mut settings = namespace.settings();
        with_agents(&mut settings);
        settings.handoff.unclaimed_update_secs = 1;
        start(settings, None)
    };
    let (first, _second) = (app(&namespace), app(&namespace));
    let citizen = "waiting-updates";
    let escalated_at = Instant::now();
    let reply = first
        .say_with(json!({"user_id": citizen, "text": "the electricity has been cut in my house since morning"}))
        .await;
    assert_eq!(reply["action"], "escalate");

    let updates = || async {
        let outbox: Value = first
            .outbox(&format!("web:{citizen}"), 0)
            .await
            .json()
            .await
            .unwrap();
        outbox["messages"].as_array().unwrap().len()
    };
    assert!(
        crate::redis_helpers::eventually(Duration::from_secs(5), || async { updates().await >= 1 })
            .await,
        "an update within 5 s"
    );
    tokio::time::sleep(Duration::from_millis(2500).saturating_sub(escalated_at.elapsed())).await;
    let sent = updates().await;
    assert!(
        (1..=2).contains(&sent),
        "{sent} updates in 2.5 s from two instances: one per second at most"
    );
    let outbox: Value = first
        .outbox(&format!("web:{citizen}"), 0)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        outbox["messages"][0]["text"]
            .as_str()
            .unwrap()
            .contains("number 1 in line")
    );
}

#[tokio::test]
async fn an_agent_learns_when_whatsapp_refuses_a_message_outside_the_24_hour_window() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};

    let channel = spawn_channel_app_with(None, with_agents).await;
    channel.accept_sends().await;
    let wa_id = "966500000778";
    let id = format!("whatsapp:{wa_id}");
    let asked = whatsapp_body(
        wa_id,
        "wamid.WINDOW1",
        text("I want to speak to a human please"),
    );
    assert_eq!(channel.whatsapp(asked).await.status(), 200);
    channel.settled("whatsapp", wa_id).await;
    let omar = AgentClient {
        app: &channel.app,
        token: "tok-omar",
    };
    assert_eq!(
        omar.post(&format!("conversations/{id}/claim"), None)
            .await
            .status(),
        200
    );

    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {"message": "(#131047) Re-engagement message", "code": 131047}
        })))
        .with_priority(1)
        .mount(&channel.platform)
        .await;
    let response = omar
        .post(
            &format!("conversations/{id}/messages"),
            Some(json!({"text": "Hello again, are you still there?"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let delivery: Value = response.json().await.unwrap();
    assert_eq!(delivery["delivered"], false);
    assert_eq!(delivery["failure"], "outside_window");

    let view: Value = omar
        .get(&format!("conversations/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        view["conversation"]["failed_deliveries"][0]["failure"],
        "outside_window"
    );
    assert!(view["history"].to_string().contains("outside_window"));
}

/// The escalation is queued before the turn commits, and a WhatsApp reply
/// can take seconds to send in between: agents looking at the queue then
/// must not make the case vanish, and the `escalated` event must find it
/// waiting.
#[tokio::test]
async fn an_urgent_case_whose_reply_is_still_sending_stays_in_the_queue() {
    let channel = spawn_channel_app_with(None, with_agents).await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path(WA_SEND_PATH))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_json(
                    json!({"messaging_product": "whatsapp", "messages": [{"id": "wamid.OUT"}]}),
                )
                .set_delay(Duration::from_millis(1500)),
        )
        .mount(&channel.platform)
        .await;
    let sara = AgentClient {
        app: &channel.app,
        token: "tok-sara",
    };
    let wa_id = "966500000778";
    let id = format!("whatsapp:{wa_id}");
    let mut events = sara.events().await;
    let urgent = whatsapp_body(wa_id, "wamid.SLOW1", text("الكهرباء مقطوعة عندنا من ساعة"));
    assert_eq!(channel.whatsapp(urgent).await.status(), 200);

    // While the reply is on its way, agents' consoles reload the queue.
    let until = Instant::now() + Duration::from_millis(1000);
    while Instant::now() < until {
        let queue = sara.queue().await;
        assert!(
            queue
                .iter()
                .all(|item| item["conversation_id"] != id.as_str()),
            "not shown before its turn is committed: {queue:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    events.next_of("escalated", &id).await;
    let queue = sara.queue().await;
    assert_eq!(queue.len(), 1, "{queue:?}");
    assert_eq!(queue[0]["conversation_id"], id.as_str());
}
