//! Reaching a WhatsApp citizen whose 24-hour window closed, through the
//! stand-in: an agent's refused reply offers the `agent_reply` template
//! and sends it at the agent's word, a refused rating request goes as its
//! template at once, each payload as Meta's Cloud API expects it; status
//! webhooks become the transcript's ticks. The message-id index in memory
//! and in the real Redis.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use khidma::configuration::{
    Settings, Template, TemplateLanguages, TemplateParameter, TemplateSettings,
};
use khidma::conversation::ConversationId;
use khidma::handoff::{HandoffStore, MemoryHandoffStore, RedisHandoffStore, SentTo};

use crate::channel_helpers::{ChannelApp, WA_SEND_PATH, spawn_channel_app_with};
use crate::handoff_helpers::{AgentClient, with_agents};
use crate::redis_helpers::Namespace;

fn template(name: &str, parameters: Vec<TemplateParameter>) -> Template {
    Template {
        name: name.to_owned(),
        language: TemplateLanguages {
            ar: "ar".to_owned(),
            en: "en_US".to_owned(),
        },
        parameters,
    }
}

pub fn with_templates(settings: &mut Settings) {
    with_agents(settings);
    settings.whatsapp.templates = TemplateSettings {
        agent_reply: Some(template(
            "agent_replied",
            vec![TemplateParameter::Agent, TemplateParameter::Text],
        )),
        rating_request: Some(template("rate_our_service", Vec::new())),
        incident_update: None,
    };
}

fn whatsapp_body(wa_id: &str, message_id: &str, value: Value) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "100000000000001", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "966110000000", "phone_number_id": "200000000000002"},
        "contacts": [{"profile": {"name": "Citizen"}, "wa_id": wa_id}],
        "messages": [{"from": wa_id, "id": message_id, "timestamp": "1767225600",
                      "type": "text", "text": {"body": value}}]
    }}]}]})
    .to_string()
    .into_bytes()
}

fn status_body(wa_id: &str, message_id: &str, status: &str) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "100000000000001", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "966110000000", "phone_number_id": "200000000000002"},
        "statuses": [{"id": message_id, "status": status, "timestamp": "1767225700", "recipient_id": wa_id}]
    }}]}]})
    .to_string()
    .into_bytes()
}

/// From now on WhatsApp refuses every free-form message (131047) and
/// takes templates, giving each the id `wamid.TEMPLATE`.
async fn close_the_window(channel: &ChannelApp) {
    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .and(body_partial_json(json!({"type": "template"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp",
            "messages": [{"id": "wamid.TEMPLATE"}]
        })))
        .with_priority(1)
        .mount(&channel.platform)
        .await;
    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {"message": "(#131047) Re-engagement message", "code": 131047}
        })))
        .with_priority(2)
        .mount(&channel.platform)
        .await;
}

async fn templates_sent(channel: &ChannelApp, count: usize) -> Vec<Value> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let templates: Vec<Value> = channel
            .sent_now(WA_SEND_PATH)
            .await
            .into_iter()
            .filter(|body| body["type"] == "template")
            .collect();
        if templates.len() >= count || std::time::Instant::now() > deadline {
            assert_eq!(templates.len(), count, "{templates:?}");
            return templates;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn past_the_window_an_agent_reply_is_offered_as_a_template_and_the_rating_request_goes_as_one()
 {
    let channel = spawn_channel_app_with(None, with_templates).await;
    channel.accept_sends().await;
    let wa_id = "966500000901";
    let id = format!("whatsapp:{wa_id}");
    let asked = whatsapp_body(
        wa_id,
        "wamid.IN1",
        json!("I want to speak to a human please"),
    );
    assert_eq!(channel.whatsapp(asked).await.status(), 200);
    channel.settled("whatsapp", wa_id).await;
    let omar = AgentClient {
        app: &channel.app,
        token: "tok-omar",
    };
    let mut events = omar.events().await;
    let claimed = omar.post(&format!("conversations/{id}/claim"), None).await;
    assert_eq!(claimed.status(), 200);

    // Within the window a reply goes as text, and its wamid is kept.
    let delivery: Value = omar
        .post(
            &format!("conversations/{id}/messages"),
            Some(json!({"text": "Hello, I am looking at your request."})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(delivery["delivered"], true);
    assert!(delivery.get("template").is_none(), "{delivery}");
    let status = channel
        .whatsapp(status_body(wa_id, "wamid.OUT", "delivered"))
        .await;
    assert_eq!(status.status(), 200);
    let tick = events.next_of("status", &id).await;
    assert_eq!(tick["message_id"], "wamid.OUT");
    assert_eq!(tick["tick"], "delivered");

    close_the_window(&channel).await;
    let delivery: Value = omar
        .post(
            &format!("conversations/{id}/messages"),
            Some(json!({"text": "Your meter\nwas replaced today."})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(delivery["delivered"], false);
    assert_eq!(delivery["failure"], "outside_window");
    assert_eq!(
        delivery["template"],
        json!({"purpose": "agent_reply", "sent": false}),
        "the agent decides; nothing was sent yet"
    );
    templates_sent(&channel, 0).await;

    let sent: Value = omar
        .post(&format!("conversations/{id}/template"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent["delivered"], true, "{sent}");
    assert_eq!(
        sent["template"],
        json!({"purpose": "agent_reply", "sent": true})
    );
    let payload = &templates_sent(&channel, 1).await[0];
    assert_eq!(payload["messaging_product"], "whatsapp");
    assert_eq!(payload["to"], format!("+{wa_id}"));
    assert_eq!(
        payload["template"],
        json!({"name": "agent_replied", "language": {"code": "en_US"},
               "components": [{"type": "body", "parameters": [
                   {"type": "text", "text": "omar"},
                   {"type": "text", "text": "Your meter was replaced today."}]}]})
    );

    // Its ticks move as WhatsApp reports it.
    for status in ["sent", "delivered", "read"] {
        let posted = channel
            .whatsapp(status_body(wa_id, "wamid.TEMPLATE", status))
            .await;
        assert_eq!(posted.status(), 200);
        let tick = events.next_of("status", &id).await;
        assert_eq!(tick["message_id"], "wamid.TEMPLATE");
        assert_eq!(tick["tick"], status);
    }
    let history = omar.history(&id).await;
    let template_message = history
        .iter()
        .find(|item| item["message_ids"] == json!(["wamid.TEMPLATE"]))
        .expect("the template's message keeps its wamid");
    assert_eq!(template_message["type"], "message");
    assert!(
        history
            .iter()
            .any(|item| item["type"] == "status" && item["tick"] == "read"),
        "{history:?}"
    );

    // Resolving: the rating request is refused as text and goes as its
    // template without anyone's word.
    let resolved: Value = omar
        .post(&format!("conversations/{id}/resolve"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(resolved["failure"], "outside_window");
    assert_eq!(
        resolved["template"],
        json!({"purpose": "rating_request", "sent": true})
    );
    let rating = &templates_sent(&channel, 2).await[1];
    assert_eq!(
        rating["template"],
        json!({"name": "rate_our_service", "language": {"code": "en_US"}})
    );

    // A status for a message khidma does not know is acknowledged and
    // changes nothing.
    let unknown = channel
        .whatsapp(status_body(wa_id, "wamid.SOMEONE_ELSES", "read"))
        .await;
    assert_eq!(unknown.status(), 200);
}

async fn the_index_finds_a_message_until_its_conversation_is_erased(store: &dyn HandoffStore) {
    let id = ConversationId::new("whatsapp", "966500000902").unwrap();
    let other = ConversationId::new("whatsapp", "966500000903").unwrap();
    let ids = ["wamid.A".to_owned(), "wamid.B".to_owned()];
    store.remember_sent(&id, "utilities", &ids).await.unwrap();
    store
        .remember_sent(&other, "roads", &["wamid.C".to_owned()])
        .await
        .unwrap();
    assert_eq!(
        store.sent_to("wamid.B").await.unwrap(),
        Some(SentTo {
            conversation_id: id.clone(),
            team: "utilities".to_owned()
        })
    );
    assert_eq!(store.sent_to("wamid.Z").await.unwrap(), None);
    store.erase(&id).await.unwrap();
    assert_eq!(store.sent_to("wamid.A").await.unwrap(), None);
    assert_eq!(store.sent_to("wamid.B").await.unwrap(), None);
    assert_eq!(
        store.sent_to("wamid.C").await.unwrap().unwrap().team,
        "roads"
    );
}

#[tokio::test]
async fn the_message_index_in_memory_forgets_an_erased_conversation() {
    the_index_finds_a_message_until_its_conversation_is_erased(&MemoryHandoffStore::new(10)).await;
}

#[tokio::test]
async fn the_message_index_in_redis_forgets_an_erased_conversation() {
    let namespace = Namespace::new();
    let store = RedisHandoffStore::new(namespace.store(), 100, Duration::from_secs(600));
    the_index_finds_a_message_until_its_conversation_is_erased(&store).await;
}
