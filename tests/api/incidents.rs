//! Outage incidents: urgent reports of one entry (and area) grouped into
//! one incident, status updates fanned out to every citizen on their own
//! channel, and resolving with a closing message and a rating request.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use khidma::conversation::ConversationId;
use khidma::handoff::{
    HandoffStore, IncidentKey, IncidentStatus, IncidentUpdate, IncidentWrite, MemoryHandoffStore,
    RedisHandoffStore,
};
use khidma::kb::{Area, EntryId};

use crate::channel_helpers::{TG_SEND_PATH, WA_SEND_PATH, spawn_channel_app_with};
use crate::handoff_helpers::{AgentClient, with_agents};
use crate::helpers::{TestApp, spawn_app_with, start, user};
use crate::redis_helpers::Namespace;

// The grouping rule, the same on both stores, to the millisecond.

fn id(user: &str) -> ConversationId {
    ConversationId::new("web", user).unwrap()
}

fn key(entry: &str, area: Option<&str>) -> IncidentKey {
    IncidentKey {
        team: "utilities".to_owned(),
        entry_id: EntryId::parse(entry).unwrap(),
        area: area.map(|area| Area {
            id: area.to_owned(),
            ar: area.to_owned(),
            en: area.to_owned(),
        }),
    }
}

const WINDOW: i64 = 60_000;
const T0: i64 = 1_700_000_000_000;

async fn reports_within_the_window_of_the_last_activity_group(store: &dyn HandoffStore) {
    let water = key("water-outage", None);
    let first = store
        .report_incident(&water, &id("a"), WINDOW, T0)
        .await
        .unwrap();
    assert!(first.opened);
    let at_edge = store
        .report_incident(&water, &id("b"), WINDOW, T0 + WINDOW)
        .await
        .unwrap();
    assert!(!at_edge.opened, "exactly at the window still joins");
    assert_eq!(at_edge.incident.id, first.incident.id);
    assert_eq!(at_edge.incident.members.len(), 2);
    assert_eq!(at_edge.incident.last_report_ms, T0 + WINDOW);

    // The window counts from the last report (T0 + WINDOW), so 1 ms
    // past it opens a new one.
    let late = store
        .report_incident(&water, &id("c"), WINDOW, T0 + 2 * WINDOW + 1)
        .await
        .unwrap();
    assert!(late.opened, "one ms past the window opens a new incident");
    assert_ne!(late.incident.id, first.incident.id);

    // A status update keeps the incident live.
    let update = IncidentUpdate {
        at_ms: T0 + 3 * WINDOW,
        agent: "sara".to_owned(),
        ar: None,
        en: Some("crews are on site".to_owned()),
    };
    let posted = store
        .post_incident_update(&late.incident.id, &update)
        .await
        .unwrap();
    assert!(
        matches!(posted, IncidentWrite::Done(ref incident) if incident.updates == vec![update.clone()])
    );
    let after_update = store
        .report_incident(&water, &id("d"), WINDOW, T0 + 4 * WINDOW)
        .await
        .unwrap();
    assert!(!after_update.opened, "an update extends the window");
    assert_eq!(after_update.incident.id, late.incident.id);

    // The same conversation reporting again is counted once.
    let again = store
        .report_incident(&water, &id("d"), WINDOW, T0 + 4 * WINDOW + 5)
        .await
        .unwrap();
    assert_eq!(again.incident.members.len(), 2);

    let open = store.open_incidents("utilities").await.unwrap();
    let ids: Vec<&str> = open.iter().map(|incident| incident.id.as_str()).collect();
    assert_eq!(ids, [first.incident.id.as_str(), late.incident.id.as_str()]);
}

async fn entries_and_areas_never_merge(store: &dyn HandoffStore) {
    let water = store
        .report_incident(&key("water-outage", None), &id("a"), WINDOW, T0)
        .await
        .unwrap();
    let power = store
        .report_incident(&key("electricity-outage", None), &id("b"), WINDOW, T0 + 1)
        .await
        .unwrap();
    let nuzha = store
        .report_incident(
            &key("water-outage", Some("al-nuzha")),
            &id("c"),
            WINDOW,
            T0 + 2,
        )
        .await
        .unwrap();
    let rawda = store
        .report_incident(
            &key("water-outage", Some("al-rawda")),
            &id("d"),
            WINDOW,
            T0 + 3,
        )
        .await
        .unwrap();
    let nuzha_again = store
        .report_incident(
            &key("water-outage", Some("al-nuzha")),
            &id("e"),
            WINDOW,
            T0 + 4,
        )
        .await
        .unwrap();
    let ids = [
        &water.incident.id,
        &power.incident.id,
        &nuzha.incident.id,
        &rawda.incident.id,
    ];
    let distinct: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(distinct.len(), 4, "{ids:?}");
    assert_eq!(nuzha_again.incident.id, nuzha.incident.id);
    assert_eq!(nuzha_again.incident.members.len(), 2);
}

async fn resolving_closes_the_incident_and_leaving_moves_a_member(store: &dyn HandoffStore) {
    let water = key("water-outage", None);
    let first = store
        .report_incident(&water, &id("a"), WINDOW, T0)
        .await
        .unwrap();
    store
        .report_incident(&water, &id("b"), WINDOW, T0 + 1)
        .await
        .unwrap();
    let left = store
        .leave_incident(&first.incident.id, &id("a"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(left.members.len(), 1);
    assert!(!left.has(&id("a")));

    let resolved = store
        .resolve_incident(&first.incident.id, "sara", T0 + 10)
        .await
        .unwrap();
    let IncidentWrite::Done(resolved) = resolved else {
        panic!("{resolved:?}")
    };
    assert_eq!(resolved.status, IncidentStatus::Resolved);
    assert_eq!(resolved.resolved_by.as_deref(), Some("sara"));
    assert!(matches!(
        store
            .resolve_incident(&first.incident.id, "sara", T0 + 11)
            .await
            .unwrap(),
        IncidentWrite::Resolved(_)
    ));
    assert!(store.open_incidents("utilities").await.unwrap().is_empty());
    let next = store
        .report_incident(&water, &id("c"), WINDOW, T0 + 12)
        .await
        .unwrap();
    assert!(next.opened, "a resolved incident takes no more reports");
    assert_eq!(
        store
            .resolve_incident("inc-unknown", "sara", T0)
            .await
            .unwrap(),
        IncidentWrite::Missing
    );

    // The last member leaving drops the incident.
    assert!(
        store
            .leave_incident(&next.incident.id, &id("c"))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.incident(&next.incident.id).await.unwrap().is_none());
}

fn redis_store(namespace: &Namespace) -> RedisHandoffStore {
    RedisHandoffStore::new(namespace.store(), 100, Duration::from_secs(600))
}

#[tokio::test]
async fn the_memory_store_groups_reports_within_the_window_of_the_last_activity() {
    reports_within_the_window_of_the_last_activity_group(&MemoryHandoffStore::new(10)).await;
}

#[tokio::test]
async fn the_redis_store_groups_reports_within_the_window_of_the_last_activity() {
    let namespace = Namespace::new();
    reports_within_the_window_of_the_last_activity_group(&redis_store(&namespace)).await;
}

#[tokio::test]
async fn the_memory_store_never_merges_entries_or_areas() {
    entries_and_areas_never_merge(&MemoryHandoffStore::new(10)).await;
}

#[tokio::test]
async fn the_redis_store_never_merges_entries_or_areas() {
    let namespace = Namespace::new();
    entries_and_areas_never_merge(&redis_store(&namespace)).await;
}

#[tokio::test]
async fn the_memory_store_resolves_and_moves_members() {
    resolving_closes_the_incident_and_leaving_moves_a_member(&MemoryHandoffStore::new(10)).await;
}

#[tokio::test]
async fn the_redis_store_resolves_and_moves_members() {
    let namespace = Namespace::new();
    resolving_closes_the_incident_and_leaving_moves_a_member(&redis_store(&namespace)).await;
}

#[tokio::test]
async fn concurrent_reports_through_two_redis_stores_open_one_incident() {
    let namespace = Namespace::new();
    let (one, two) = (redis_store(&namespace), redis_store(&namespace));
    let water = key("water-outage", Some("al-nuzha"));
    let reports = (0..20).map(|n| {
        let store = if n % 2 == 0 { &one } else { &two };
        let water = &water;
        async move {
            store
                .report_incident(water, &id(&format!("c{n}")), WINDOW, T0 + n)
                .await
                .unwrap()
        }
    });
    let reports = futures_util::future::join_all(reports).await;
    assert_eq!(reports.iter().filter(|report| report.opened).count(), 1);
    let open = one.open_incidents("utilities").await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].members.len(), 20);
}

// End to end, through web chat and the agent API.

fn agent<'a>(app: &'a TestApp, token: &'a str) -> AgentClient<'a> {
    AgentClient { app, token }
}

async fn open_incidents(agent: &AgentClient<'_>) -> Vec<Value> {
    let response = agent.get("incidents").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["incidents"].as_array().unwrap().clone()
}

async fn report(app: &TestApp, citizen: &str, text: &str) -> Value {
    let reply = app.say(citizen, text).await;
    assert_eq!(reply["action"], "escalate", "{reply}");
    reply
}

async fn outbox_texts(app: &TestApp, conversation: &str) -> Vec<String> {
    let response = app.outbox(conversation, 0).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|message| message["text"].as_str().unwrap().to_owned())
        .collect()
}

fn incident_of<'a>(incidents: &'a [Value], area: Option<&str>) -> &'a Value {
    incidents
        .iter()
        .find(|incident| incident["area"]["id"].as_str() == area)
        .unwrap_or_else(|| panic!("no incident for {area:?} in {incidents:?}"))
}

#[tokio::test]
async fn a_new_reporter_hears_the_problem_is_known_and_the_last_update() {
    let (app, _) = spawn_app_with(with_agents);
    let sara = agent(&app, "tok-sara");
    let first = user("inc-known-1");
    let second = user("inc-known-2");

    let opened = report(
        &app,
        &first,
        "There is no water in Al Nuzha since this morning",
    )
    .await;
    assert!(
        opened["messages"].to_string().contains("number 1 in line"),
        "{opened}"
    );
    let incidents = open_incidents(&sara).await;
    let incident = incident_of(&incidents, Some("al-nuzha"));
    assert_eq!(incident["count"], 1);
    assert_eq!(incident["entry_id"], "water-outage");
    assert_eq!(incident["entry_title"]["en"], "Water outage");
    assert_eq!(incident["area"]["ar"], "النزهة");
    let incident_id = incident["id"].as_str().unwrap().to_owned();

    let posted = sara
        .post(
            &format!("incidents/{incident_id}/updates"),
            Some(json!({"en": "Crews are repairing the main pipe; water is back by 6 pm."})),
        )
        .await;
    assert_eq!(posted.status(), 200);
    let posted: Value = posted.json().await.unwrap();
    assert_eq!(posted["sent"], 1);
    let texts = outbox_texts(&app, &format!("web:{first}")).await;
    assert!(
        texts.iter().any(
            |text| text.starts_with("Update on “Water outage” in Al Nuzha:")
                && text.contains("back by 6 pm")
        ),
        "{texts:?}"
    );

    // An Arabic citizen naming the district their way.
    let mut events = sara.events().await;
    let joined = report(&app, &second, "الماء مقطوع عندنا في حي النزهه").await;
    let escalated = events.next_of("escalated", &format!("web:{second}")).await;
    assert_eq!(escalated["incident_id"], incident_id.as_str());
    assert_eq!(escalated["area"]["id"], "al-nuzha");
    let event = events.next().await;
    assert_eq!(event["type"], "incident", "{event}");
    assert_eq!(event["change"], "joined");
    assert_eq!(event["count"], 2);
    let said = joined["messages"].to_string();
    assert!(said.contains("المشكلة معروفة لدينا"), "{said}");
    assert!(said.contains("انقطاع الماء في النزهة"), "{said}");
    assert!(said.contains("حتى الآن 2"), "{said}");
    assert!(
        said.contains("back by 6 pm"),
        "the only text written: {said}"
    );
    assert!(!said.contains("ترتيبك في قائمة الانتظار"), "{said}");

    let incident = sara.get(&format!("incidents/{incident_id}")).await;
    let incident: Value = incident.json().await.unwrap();
    assert_eq!(incident["count"], 2);
    let members: Vec<&str> = incident["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|member| member["conversation_id"].as_str().unwrap())
        .collect();
    assert_eq!(members, [format!("web:{first}"), format!("web:{second}")]);
    assert_eq!(incident["conversations"][1]["state"], "waiting");
    assert_eq!(incident["conversations"][1]["language"], "ar");

    let queued = sara.queue().await;
    let item = queued
        .iter()
        .find(|item| item["conversation_id"] == format!("web:{second}"))
        .unwrap();
    assert_eq!(item["incident_id"], incident_id.as_str());
    assert_eq!(item["area"]["id"], "al-nuzha");
    assert_eq!(item["entry_title"]["ar"], "انقطاع الماء");
    let view: Value = sara
        .get(&format!("conversations/web:{second}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["incident_id"], incident_id.as_str());
    assert_eq!(view["area"]["en"], "Al Nuzha");
}

#[tokio::test]
async fn different_entries_and_areas_are_different_incidents_and_a_later_location_moves_a_member() {
    let (app, _) = spawn_app_with(with_agents);
    let sara = agent(&app, "tok-sara");
    let nuzha = user("inc-areas-nuzha");
    let rawda = user("inc-areas-rawda");
    let power = user("inc-areas-power");
    let nowhere = user("inc-areas-nowhere");
    let located = user("inc-areas-located");

    report(&app, &nuzha, "no water in Al Nuzha").await;
    report(&app, &rawda, "ما فيه ماء بالروضة").await;
    report(&app, &power, "the power is out in Al Nuzha").await;
    report(&app, &nowhere, "the water is cut off").await;
    // A location shared with the report: inside Al Rawda's circle.
    let with_location = app
        .say_with(json!({"user_id": located, "text": "no water at home",
                         "location": {"latitude": 24.736, "longitude": 46.761}}))
        .await;
    assert_eq!(with_location["action"], "escalate");

    let incidents = open_incidents(&sara).await;
    assert_eq!(incidents.len(), 4, "{incidents:?}");
    let rawda_incident = incident_of(&incidents, Some("al-rawda"));
    assert_eq!(rawda_incident["count"], 2);
    let nuzha_water = incidents
        .iter()
        .find(|incident| {
            incident["area"]["id"] == "al-nuzha" && incident["entry_id"] == "water-outage"
        })
        .unwrap();
    assert!(
        incidents
            .iter()
            .any(|incident| incident["entry_id"] == "electricity-outage")
    );
    let unplaced = incident_of(&incidents, None);
    let unplaced_id = unplaced["id"].as_str().unwrap().to_owned();
    assert_eq!(unplaced["count"], 1);

    // Sara tells the Al Nuzha citizens; the citizen without an area then
    // shares a location there and hears that update at once.
    let nuzha_id = nuzha_water["id"].as_str().unwrap().to_owned();
    let posted = sara
        .post(
            &format!("incidents/{nuzha_id}/updates"),
            Some(json!({"ar": "الفرق تعمل على إصلاح الخط الرئيسي.", "en": "Crews are fixing the main line."})),
        )
        .await;
    assert_eq!(posted.status(), 200);
    let mut events = sara.events().await;
    let moved = app
        .say_with(json!({"user_id": nowhere, "text": "",
                         "location": {"latitude": 24.751, "longitude": 46.709}}))
        .await;
    assert_eq!(moved["action"], "agent");
    assert!(
        moved["messages"]
            .to_string()
            .contains("Crews are fixing the main line."),
        "{moved}"
    );
    let event = loop {
        let event = events.next().await;
        if event["type"] == "incident" {
            break event;
        }
    };
    assert_eq!(event["change"], "joined", "{event}");
    assert_eq!(event["incident_id"], nuzha_id.as_str());

    let incidents = open_incidents(&sara).await;
    assert_eq!(
        incidents.len(),
        3,
        "the emptied incident is gone: {incidents:?}"
    );
    assert!(
        incidents
            .iter()
            .all(|incident| incident["id"] != unplaced_id.as_str())
    );
    let nuzha_water = incidents
        .iter()
        .find(|incident| incident["id"] == nuzha_id.as_str())
        .unwrap();
    assert_eq!(nuzha_water["count"], 2);
}

#[tokio::test]
async fn a_report_after_the_configured_window_opens_a_new_incident() {
    let (app, _) = spawn_app_with(|settings| {
        with_agents(settings);
        settings.handoff.incident_window_secs = 1;
    });
    let sara = agent(&app, "tok-sara");
    report(&app, &user("inc-window-1"), "no water in Al Salam district").await;
    report(&app, &user("inc-window-2"), "no water in Al Salam district").await;
    assert_eq!(open_incidents(&sara).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    report(&app, &user("inc-window-3"), "no water in Al Salam district").await;
    let incidents = open_incidents(&sara).await;
    let counts: Vec<&Value> = incidents
        .iter()
        .map(|incident| &incident["count"])
        .collect();
    assert_eq!(counts, [&json!(2), &json!(1)]);
}

#[tokio::test]
async fn incidents_are_for_their_team_and_bodies_are_checked() {
    let (app, _) = spawn_app_with(with_agents);
    let sara = agent(&app, "tok-sara");
    let omar = agent(&app, "tok-omar");
    report(&app, &user("inc-rules"), "no water in Al Murooj").await;
    let id = open_incidents(&sara).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let me: Value = sara.get("me").await.json().await.unwrap();
    assert_eq!(
        me,
        json!({"name": "sara", "teams": ["utilities"], "desk_teams": ["general", "utilities"]})
    );
    assert!(open_incidents(&omar).await.is_empty());
    assert_eq!(omar.get(&format!("incidents/{id}")).await.status(), 403);
    assert_eq!(
        omar.post(&format!("incidents/{id}/updates"), Some(json!({"en": "x"})))
            .await
            .status(),
        403
    );
    assert_eq!(sara.get("incidents/inc-nope").await.status(), 404);
    for body in [
        json!({}),
        json!({"ar": "  ", "en": ""}),
        json!({"en": "x", "fr": "y"}),
        json!({"en": "x".repeat(5000)}),
    ] {
        let response = sara
            .post(&format!("incidents/{id}/updates"), Some(body.clone()))
            .await;
        assert_eq!(response.status(), 400, "{body}");
    }
    assert_eq!(
        sara.post(&format!("incidents/{id}/resolve"), None)
            .await
            .status(),
        200
    );
    let again = sara.post(&format!("incidents/{id}/resolve"), None).await;
    assert_eq!(again.status(), 409);
    let error: Value = again.json().await.unwrap();
    assert_eq!(error["error"]["code"], "incident_resolved");
    let late = sara
        .post(&format!("incidents/{id}/updates"), Some(json!({"en": "x"})))
        .await;
    assert_eq!(late.status(), 409);
    let resolved: Value = sara
        .get(&format!("incidents/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["resolved_by"], "sara");
}

fn telegram_text(chat: i64, update: i64, text: &str) -> Vec<u8> {
    json!({"update_id": update, "message": {"message_id": 1, "from": {"id": chat, "is_bot": false,
        "first_name": "Sam", "language_code": "en"}, "chat": {"id": chat, "type": "private"},
        "date": 1767225600, "text": text}})
    .to_string()
    .into_bytes()
}

fn whatsapp_text(wa_id: &str, message_id: &str, text: &str) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "100000000000001", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "966110000000", "phone_number_id": "200000000000002"},
        "contacts": [{"profile": {"name": "مواطن"}, "wa_id": wa_id}],
        "messages": [{"from": wa_id, "id": message_id, "timestamp": "1767225600", "type": "text", "text": {"body": text}}]
    }}]}]})
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn an_update_reaches_every_channel_though_one_fails_and_resolve_hands_all_back() {
    let channel = spawn_channel_app_with(None, with_agents).await;
    Mock::given(method("POST"))
        .and(path(TG_SEND_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true, "result": {}})))
        .mount(&channel.platform)
        .await;
    // WhatsApp refuses: the citizen last wrote more than 24 hours ago.
    Mock::given(method("POST"))
        .and(path(WA_SEND_PATH))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {"message": "(#131047) Re-engagement message", "code": 131047}
        })))
        .mount(&channel.platform)
        .await;
    let app = &channel.app;
    let sara = agent(app, "tok-sara");
    let web = user("inc-fanout-web");
    let web_id = format!("web:{web}");

    report(app, &web, "الماء مقطوع في حي الورود").await;
    assert_eq!(
        channel
            .telegram(telegram_text(700000077, 800000001, "no water in Al Wurud"))
            .await
            .status(),
        200
    );
    channel.settled("telegram", "700000077").await;
    assert_eq!(
        channel
            .whatsapp(whatsapp_text(
                "966500000077",
                "wamid.INC1",
                "الماء مقطوع في الورود"
            ))
            .await
            .status(),
        200
    );
    channel.settled("whatsapp", "966500000077").await;
    let incidents = open_incidents(&sara).await;
    let incident = incident_of(&incidents, Some("al-wurud"));
    assert_eq!(incident["count"], 3, "{incident}");
    let id = incident["id"].as_str().unwrap().to_owned();
    let telegram_before = channel.sent_now(TG_SEND_PATH).await.len();
    let mut events = sara.events().await;

    let response = sara
        .post(
            &format!("incidents/{id}/updates"),
            Some(json!({"ar": "وصل فريق الصيانة إلى الحي.", "en": "The repair team has reached the district."})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        (body["sent"].clone(), body["failed"].clone()),
        (json!(2), json!(1)),
        "{body}"
    );
    assert_eq!(body["update"]["agent"], "sara");
    let deliveries = body["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 3);
    let whatsapp = deliveries
        .iter()
        .find(|line| line["conversation_id"] == "whatsapp:966500000077")
        .unwrap();
    assert_eq!(whatsapp["delivered"], false);
    assert_eq!(whatsapp["failure"], "outside_window");
    assert!(
        whatsapp["detail"].as_str().unwrap().contains("template"),
        "{whatsapp}"
    );
    let event = events.next().await;
    assert_eq!(
        (event["type"].clone(), event["change"].clone()),
        (json!("incident"), json!("updated"))
    );
    assert_eq!(event["count"], 3);

    // Each in their own language, on their own channel.
    let telegram = channel.sent(TG_SEND_PATH, telegram_before + 1).await;
    let to_telegram = telegram.last().unwrap()["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        to_telegram.contains("The repair team has reached the district."),
        "{to_telegram}"
    );
    assert!(to_telegram.contains("Al Wurud"), "{to_telegram}");
    let texts = outbox_texts(app, &web_id).await;
    assert!(
        texts
            .iter()
            .any(|text| text.contains("وصل فريق الصيانة إلى الحي.")),
        "{texts:?}"
    );

    // Agents see the failure on the conversation.
    let view: Value = sara
        .get("conversations/whatsapp:966500000077")
        .await
        .json()
        .await
        .unwrap();
    let failed = view["conversation"]["failed_deliveries"]
        .as_array()
        .unwrap();
    assert!(
        failed
            .iter()
            .any(|failed| failed["failure"] == "outside_window"
                && failed["text"]
                    .as_str()
                    .unwrap()
                    .contains("وصل فريق الصيانة")),
        "{failed:?}"
    );
    let history = view["history"].as_array().unwrap();
    assert!(
        history
            .iter()
            .any(|item| item["speaker"] == "agent" && item["failure"] == "outside_window"),
        "{history:?}"
    );

    // Sara takes one case herself; resolving closes all three.
    assert_eq!(
        sara.post(&format!("conversations/{web_id}/claim"), None)
            .await
            .status(),
        200
    );
    let resolved = sara.post(&format!("incidents/{id}/resolve"), None).await;
    assert_eq!(resolved.status(), 200);
    let resolved: Value = resolved.json().await.unwrap();
    assert_eq!(
        (resolved["sent"].clone(), resolved["failed"].clone()),
        (json!(2), json!(1))
    );
    let texts = outbox_texts(app, &web_id).await;
    let closing = texts.last().unwrap();
    assert!(
        closing.contains("عولجت مشكلة «انقطاع الماء» في الورود"),
        "{closing}"
    );
    assert!(closing.contains("كيف تقيّم"), "{closing}");
    let to_telegram = channel.sent(TG_SEND_PATH, telegram_before + 2).await;
    let last = to_telegram.last().unwrap();
    assert!(
        last["text"].as_str().unwrap().contains("has been fixed"),
        "{last}"
    );
    assert!(
        last.to_string().contains("rate:5"),
        "a rating request: {last}"
    );
    assert!(sara.queue().await.is_empty());
    for conversation in [
        web_id.as_str(),
        "telegram:700000077",
        "whatsapp:966500000077",
    ] {
        let view: Value = sara
            .get(&format!("conversations/{conversation}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            view["conversation"]["handoff"]["state"], "bot",
            "{conversation}"
        );
        assert_eq!(
            view["conversation"]["rating_request"]["agent"], "sara",
            "{conversation}"
        );
    }
    let incident: Value = sara
        .get(&format!("incidents/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(incident["status"], "resolved");
    assert!(open_incidents(&sara).await.is_empty());

    // The rating goes to the agent who had the case.
    let rated = app
        .say_with(json!({"user_id": web, "text": "5", "button": "rate:5"}))
        .await;
    assert_ne!(rated["action"], "escalate");
}

#[tokio::test]
async fn concurrent_reports_on_two_instances_sharing_redis_open_one_incident() {
    let namespace = Namespace::new();
    let instance = || {
        let mut settings = namespace.settings();
        with_agents(&mut settings);
        start(settings, None)
    };
    let (one, two) = (instance(), instance());
    let reports = (0..10).map(|n| {
        let app = if n % 2 == 0 { &one } else { &two };
        async move { report(app, &user(&format!("inc-two-{n}")), "no water in Al Nuzha").await }
    });
    futures_util::future::join_all(reports).await;
    let incidents = open_incidents(&agent(&one, "tok-sara")).await;
    assert_eq!(incidents.len(), 1, "{incidents:?}");
    assert_eq!(incidents[0]["count"], 10);
    let on_two = open_incidents(&agent(&two, "tok-sara")).await;
    assert_eq!(on_two[0]["id"], incidents[0]["id"]);
}

#[tokio::test]
async fn citizens_told_of_an_incident_get_no_generic_waiting_updates() {
    let (app, _) = spawn_app_with(|settings| {
        with_agents(settings);
        settings.handoff.unclaimed_update_secs = 1;
    });
    let sara = agent(&app, "tok-sara");
    let reporter = user("inc-quiet-reporter");
    let other = user("inc-quiet-other");
    report(&app, &reporter, "no water in Al Murooj").await;
    report(&app, &other, "I want to speak to a human please").await;
    let id = open_incidents(&sara).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let posted = sara
        .post(
            &format!("incidents/{id}/updates"),
            Some(json!({"en": "Crews are on their way."})),
        )
        .await;
    assert_eq!(posted.status(), 200);

    let other_updated = crate::redis_helpers::eventually(Duration::from_secs(5), || async {
        outbox_texts(&app, &format!("web:{other}"))
            .await
            .iter()
            .any(|text| text.contains("in line"))
    })
    .await;
    assert!(other_updated, "the other citizen got the waiting update");
    let texts = outbox_texts(&app, &format!("web:{reporter}")).await;
    assert_eq!(texts.len(), 1, "only the incident update: {texts:?}");
}
