//! Faults in-process: a platform slower than the send timeout, a turn that
//! fails to commit after the platform took its reply, one message delivered
//! to two instances, and a burst of messages for a waiting agent's
//! transcript. `faults_process` kills processes.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use khidma::configuration::{ChannelEnv, RedisUrl, Settings};
use khidma::conversation::DeliveryFailure;

use crate::channel_helpers::{TG_SECRET_TOKEN, TG_SEND_PATH, platform_env, spawn_channel_app_with};
use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::spawn_app_with;
use crate::redis_helpers::{Namespace, eventually};

/// A Telegram update with a text message from the private chat `chat`.
pub fn telegram_text(update_id: u64, chat: u64, text: &str) -> Vec<u8> {
    json!({
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": {"id": chat, "is_bot": false, "first_name": "C", "language_code": "ar"},
            "chat": {"id": chat, "type": "private"},
            "date": 1_767_225_600,
            "text": text,
        }
    })
    .to_string()
    .into_bytes()
}

/// How many sends each chat received, by `chat_id`.
pub fn sends_per_chat(sent: &[Value]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for body in sent {
        let chat = match &body["chat_id"] {
            Value::String(chat) => chat.clone(),
            other => other.to_string(),
        };
        *counts.entry(chat).or_default() += 1;
    }
    counts
}

/// Telegram accepting a `sendMessage`.
pub fn telegram_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"ok": true, "result": {"message_id": 1}}))
}

/// The app's settings on a Redis namespace, with a short lease so that a
/// failed turn's message is handed out again soon.
fn on_redis(settings: &mut Settings, namespace: &Namespace) {
    settings.state.redis_url = Some(RedisUrl::parse(namespace.url.clone()).unwrap());
    settings.state.key_prefix = namespace.prefix.clone();
    settings.state.redis_timeout_ms = 2000.try_into().unwrap();
    settings.state.lease_ms = 1000.try_into().unwrap();
}

#[tokio::test]
async fn a_platform_slower_than_the_send_timeout_gets_each_reply_once() {
    const CITIZENS: u64 = 8;
    let channel = spawn_channel_app_with(None, |settings| {
        settings.outbound.telegram.timeout_ms = Some(500);
    })
    .await;
    // The platform delivers, but answers long after our timeout.
    Mock::given(method("POST"))
        .and(path(TG_SEND_PATH))
        .respond_with(telegram_ok().set_delay(Duration::from_secs(3)))
        .mount(&channel.platform)
        .await;

    for chat in 1..=CITIZENS {
        let body = telegram_text(chat, 810_000 + chat, "كيف أجدد جواز السفر؟");
        assert_eq!(channel.telegram(body).await.status(), 200);
    }

    for chat in 1..=CITIZENS {
        let conversation = channel
            .settled("telegram", &(810_000 + chat).to_string())
            .await;
        let failed = conversation.failed_deliveries.back().expect("recorded");
        assert_eq!(failed.failure, DeliveryFailure::Unconfirmed);
    }
    let counts = sends_per_chat(&channel.sent_now(TG_SEND_PATH).await);
    assert_eq!(counts.len(), CITIZENS as usize, "{counts:?}");
    assert!(counts.values().all(|&sends| sends == 1), "{counts:?}");
    assert_eq!(
        channel
            .metric("khidma_send_retries_total{channel=\"telegram\"}")
            .await,
        0
    );
}

#[tokio::test]
async fn a_reply_the_platform_took_is_not_sent_again_when_its_turn_fails_to_commit() {
    let namespace = Namespace::new();
    let channel = spawn_channel_app_with(None, |settings| {
        on_redis(settings, &namespace);
        settings.outbound.telegram.timeout_ms = Some(20_000);
    })
    .await;
    // Time for the test to take the lease over while the platform holds
    // the send (the platform answers well within our timeout).
    Mock::given(method("POST"))
        .and(path(TG_SEND_PATH))
        .respond_with(telegram_ok().set_delay(Duration::from_secs(2)))
        .mount(&channel.platform)
        .await;

    let chat = 820_001;
    channel
        .telegram(telegram_text(1, chat, "كيف أجدد جواز السفر؟"))
        .await;
    channel.sent(TG_SEND_PATH, 1).await;
    // While the platform holds the send, another turn takes the lease over
    // (as when a lease runs out): this turn's commit will save nothing, and
    // its message is handled again.
    let client = redis::Client::open(namespace.url.as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let key = |name: &str| format!("{}{{telegram:{chat}}}:{name}", namespace.prefix.as_str());
    let _: () = redis::cmd("SET")
        .arg(key("lease"))
        .arg("another-turn")
        .arg("PX")
        .arg(10_000)
        .query_async(&mut connection)
        .await
        .unwrap();
    let recorded = eventually(Duration::from_secs(10), || {
        let mut connection = connection.clone();
        let sent = key("sent:telegram:1");
        async move {
            let count: Option<u64> = redis::cmd("GET")
                .arg(sent)
                .query_async(&mut connection)
                .await
                .unwrap();
            count == Some(1)
        }
    })
    .await;
    assert!(
        recorded,
        "the platform took the reply, and that was recorded"
    );
    let _: () = redis::cmd("DEL")
        .arg(key("lease"))
        .query_async(&mut connection)
        .await
        .unwrap();

    let conversation = channel.settled("telegram", &chat.to_string()).await;

    let citizen_turns = conversation
        .turns
        .iter()
        .filter(|turn| turn.speaker == khidma::conversation::Speaker::Citizen)
        .count();
    assert_eq!(citizen_turns, 1, "handled again, saved once");
    assert_eq!(channel.sent_now(TG_SEND_PATH).await.len(), 1, "sent once");
}

#[tokio::test]
async fn one_message_delivered_to_two_instances_gets_one_reply() {
    let namespace = Namespace::new();
    let first = spawn_channel_app_with(None, |settings| on_redis(settings, &namespace)).await;
    first.accept_sends().await;
    let env = platform_env(&first.platform.uri());
    let (second, _) = spawn_app_with(|settings| {
        on_redis(settings, &namespace);
        settings.channels = ChannelEnv::from_env(&env);
    });

    let chat = 830_001;
    let body = telegram_text(77, chat, "كيف أجدد جواز السفر؟");
    let to_second = second
        .client
        .post(format!("{}/webhooks/telegram", second.address))
        .header("Content-Type", "application/json")
        .header("X-Telegram-Bot-Api-Secret-Token", TG_SECRET_TOKEN)
        .body(body.clone())
        .send();
    let (to_first, to_second) = tokio::join!(first.telegram(body), to_second);
    assert_eq!(to_first.status(), 200);
    assert_eq!(to_second.unwrap().status(), 200);

    first.settled("telegram", &chat.to_string()).await;
    assert_eq!(first.sent_now(TG_SEND_PATH).await.len(), 1);
    let duplicates = "khidma_webhook_duplicates_total{channel=\"telegram\"}";
    let second_metrics = second.get("/metrics").await.text().await.unwrap();
    let refused_by_second = second_metrics
        .lines()
        .find_map(|line| line.strip_prefix(duplicates))
        .map_or(0, |value| value.trim().parse::<u64>().unwrap());
    assert_eq!(
        first.metric(duplicates).await + refused_by_second,
        1,
        "one of them refused it"
    );
}

/// A WhatsApp delivery of one citizen's `texts`, in order.
fn whatsapp_messages(from: &str, texts: &[String], id_prefix: &str) -> Vec<u8> {
    let messages: Vec<Value> = texts
        .iter()
        .enumerate()
        .map(|(index, text)| {
            json!({"from": from, "id": format!("wamid.{id_prefix}{index}"), "timestamp": "1767225600",
                   "type": "text", "text": {"body": text}})
        })
        .collect();
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
        "field": "messages",
        "value": {"messaging_product": "whatsapp",
                  "contacts": [{"profile": {"name": "C"}, "wa_id": from}],
                  "messages": messages}}]}]})
    .to_string()
    .into_bytes()
}

/// Escalates `from` to the default team, then sends ten messages in one
/// delivery; `skew` shifts the stored turns' times first, as an instance
/// whose clock is ahead would have stamped them. Returns the citizen items
/// of the agents' transcript with those texts, and the citizen message
/// events the agents heard.
async fn ten_messages_for_a_waiting_agent(from: &str, skew_ms: i64) -> (usize, usize, usize) {
    let channel = spawn_channel_app_with(None, with_agents).await;
    channel.accept_sends().await;
    let omar = AgentClient {
        app: &channel.app,
        token: "tok-omar",
    };
    assert_eq!(
        channel
            .whatsapp(whatsapp_messages(
                from,
                &["أريد التحدث مع موظف".to_owned()],
                "ask"
            ))
            .await
            .status(),
        200
    );
    let conversation = channel.settled("whatsapp", from).await;
    assert!(conversation.handoff.is_with_humans(), "escalated");
    let id = conversation.id.clone();
    if skew_ms != 0 {
        let mut lease = channel.store.acquire(&id).await.unwrap();
        for turn in &mut lease.conversation.turns {
            turn.at_ms += skew_ms;
        }
        channel.store.commit(lease).await.unwrap();
    }
    let mut events = omar.events().await;

    let texts: Vec<String> = (1..=10).map(|n| format!("الرسالة رقم {n}")).collect();
    assert_eq!(
        channel
            .whatsapp(whatsapp_messages(from, &texts, "burst"))
            .await
            .status(),
        200
    );
    channel.settled("whatsapp", from).await;

    let history = omar.history(id.as_str()).await;
    let citizen_items: Vec<&str> = history
        .iter()
        .filter(|item| item["speaker"] == "citizen")
        .filter_map(|item| item["text"].as_str())
        .collect();
    let burst_items = citizen_items
        .iter()
        .filter(|text| texts.iter().any(|sent| sent == *text))
        .count();
    // One more message, after the burst was handled: its event comes after
    // every event of the burst, repeats included, so counting up to it
    // counts them all without waiting for silence.
    assert_eq!(
        channel
            .whatsapp(whatsapp_messages(from, &["النهاية".to_owned()], "end"))
            .await
            .status(),
        200
    );
    let mut heard = 0;
    loop {
        let event = events.next_of("message", id.as_str()).await;
        assert_eq!(event["speaker"], "citizen", "{event}");
        if event["text"] == "النهاية" {
            break;
        }
        assert!(texts.iter().any(|text| event["text"] == *text), "{event}");
        heard += 1;
    }
    (citizen_items.len(), burst_items, heard)
}

#[tokio::test]
async fn ten_messages_in_one_delivery_reach_the_agents_transcript_once_each() {
    let (citizen, burst, heard) = ten_messages_for_a_waiting_agent("966500000091", 0).await;
    assert_eq!(burst, 10);
    assert_eq!(citizen, 11, "the request for a person and the ten");
    assert_eq!(heard, 10);
}

#[tokio::test]
async fn a_turn_relays_only_its_own_messages_whatever_the_clocks_say() {
    let (citizen, burst, _) = ten_messages_for_a_waiting_agent("966500000092", 60_000).await;
    assert_eq!((citizen, burst), (11, 10));
}

#[tokio::test]
async fn a_second_escalation_copies_each_earlier_turn_once_whatever_the_clocks_say() {
    let from = "966500000093";
    let ask = "أريد التحدث مع موظف";
    let channel = spawn_channel_app_with(None, with_agents).await;
    channel.accept_sends().await;
    let omar = AgentClient {
        app: &channel.app,
        token: "tok-omar",
    };
    let post =
        |tag: &'static str| channel.whatsapp(whatsapp_messages(from, &[ask.to_owned()], tag));
    assert_eq!(post("first").await.status(), 200);
    let id = channel.settled("whatsapp", from).await.id;
    for action in ["claim", "resolve"] {
        let response = omar
            .post(&format!("conversations/{id}/{action}"), None)
            .await;
        assert_eq!(response.status(), 200, "{action}");
    }
    // The turns so far as an instance whose clock is a minute ahead
    // recorded them.
    let mut lease = channel.store.acquire(&id).await.unwrap();
    for turn in &mut lease.conversation.turns {
        turn.at_ms += 60_000;
    }
    channel.store.commit(lease).await.unwrap();

    assert_eq!(post("second").await.status(), 200);
    let conversation = channel.settled("whatsapp", from).await;
    assert!(conversation.handoff.is_with_humans(), "escalated again");
    let asked = omar
        .history(id.as_str())
        .await
        .iter()
        .filter(|item| item["speaker"] == "citizen" && item["text"] == ask)
        .count();
    assert_eq!(asked, 2, "once per time the citizen asked");
}
