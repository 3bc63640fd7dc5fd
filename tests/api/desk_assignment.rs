//! Automatic assignment: a team with `assignment.auto` gives its waiting
//! cases round-robin to available agents under their capacity, in memory
//! and across two instances on the real Redis.

use serde_json::{Value, json};

use khidma::configuration::{AgentTokens, AssignmentSettings, Settings, TeamSettings};

use crate::handoff_helpers::AgentClient;
use crate::helpers::{TestApp, spawn_app_with, start, user};
use crate::redis_helpers::Namespace;

/// `omar` and `salem` serve the general team (where a request for a person
/// goes), which gives each of them at most one case at a time.
fn with_auto_general(settings: &mut Settings) {
    settings.handoff.agent_tokens = AgentTokens::parse("omar:tok-omar,salem:tok-salem").unwrap();
    settings.handoff.teams = vec![TeamSettings {
        name: "general".to_owned(),
        agents: vec!["omar".to_owned(), "salem".to_owned()],
        assignment: AssignmentSettings {
            auto: true,
            capacity: std::num::NonZeroUsize::new(1),
        },
        ..Default::default()
    }];
}

async fn ask_for_a_person(app: &TestApp, label: &str) -> String {
    let citizen = user(label);
    let asked = app
        .say_with(json!({"user_id": citizen, "text": "I want to speak to a human please", "language": "en"}))
        .await;
    assert_eq!(asked["action"], "escalate", "{asked}");
    format!("web:{citizen}")
}

async fn set_available(app: &TestApp, token: &str) {
    let response = app
        .client
        .put(format!("{}/api/v1/agent/presence", app.address))
        .bearer_auth(token)
        .json(&json!({"availability": "available"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn cases_go_to_available_agents_under_their_capacity() {
    let (app, _) = spawn_app_with(with_auto_general);
    let omar = AgentClient {
        app: &app,
        token: "tok-omar",
    };
    let mut events = omar.events().await;

    // Nobody is available: the first case waits.
    let first = ask_for_a_person(&app, "auto-first").await;
    assert!(
        omar.queue()
            .await
            .iter()
            .any(|item| item["conversation_id"] == first.as_str())
    );
    // Omar becomes available: it is his.
    set_available(&app, "tok-omar").await;
    let assigned = events.next_of("assigned", &first).await;
    assert_eq!(
        (&assigned["agent"], &assigned["by"]),
        (&json!("omar"), &json!("auto"))
    );

    // Omar is at his capacity: the next case waits for Salem, not him.
    let second = ask_for_a_person(&app, "auto-second").await;
    set_available(&app, "tok-salem").await;
    let assigned = events.next_of("assigned", &second).await;
    assert_eq!(assigned["agent"], "salem", "{assigned}");

    // Omar closes his case: the next one queued goes to him at once.
    let resolved = omar
        .post(&format!("conversations/{first}/resolve"), None)
        .await;
    assert_eq!(resolved.status(), 200);
    let third = ask_for_a_person(&app, "auto-third").await;
    let assigned = events.next_of("assigned", &third).await;
    assert_eq!(assigned["agent"], "omar", "{assigned}");
    let view: Value = omar
        .get(&format!("conversations/{third}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["conversation"]["handoff"]["agent"], "omar", "{view}");
}

#[tokio::test]
async fn two_instances_never_give_a_case_twice_nor_an_agent_more_than_capacity() {
    let namespace = Namespace::new();
    let instances: Vec<TestApp> = (0..2)
        .map(|_| {
            let mut settings = namespace.settings();
            with_auto_general(&mut settings);
            start(settings, None)
        })
        .collect();
    let omar = AgentClient {
        app: &instances[0],
        token: "tok-omar",
    };
    let mut events = omar.events().await;
    // Four cases, two per instance, before anyone is available.
    let mut cases = Vec::new();
    for (n, app) in instances.iter().cycle().take(4).enumerate() {
        cases.push(ask_for_a_person(app, &format!("auto-redis-{n}")).await);
    }
    set_available(&instances[0], "tok-omar").await;
    set_available(&instances[1], "tok-salem").await;

    let mut given: Vec<(String, String)> = Vec::new();
    while given.len() < 2 {
        let event = events.next().await;
        if event["type"] == "assigned" {
            let id = event["conversation_id"].as_str().unwrap().to_owned();
            given.push((id, event["agent"].as_str().unwrap().to_owned()));
        }
    }
    let mut agents: Vec<&str> = given.iter().map(|(_, agent)| agent.as_str()).collect();
    agents.sort_unstable();
    assert_eq!(agents, ["omar", "salem"], "one case each: {given:?}");
    assert_ne!(given[0].0, given[1].0, "no case given twice: {given:?}");
    assert!(given.iter().all(|(id, _)| cases.contains(id)));
    // The others still wait, in order: both agents are at capacity.
    let waiting: Vec<Value> = omar.queue().await;
    let still: Vec<&str> = waiting
        .iter()
        .filter_map(|item| item["conversation_id"].as_str())
        .filter(|id| cases.iter().any(|case| case == id))
        .collect();
    assert_eq!(still.len(), 2, "{waiting:?}");
    for (id, agent) in &given {
        let view: Value = omar
            .get(&format!("conversations/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(view["conversation"]["handoff"]["agent"], agent.as_str());
    }
}
