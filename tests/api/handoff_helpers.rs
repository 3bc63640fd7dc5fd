//! Agents for the handoff tests: teams, tokens, and the agent API.

use std::time::{Duration, Instant};

use serde_json::Value;

use khidma::configuration::{AgentTokens, Settings, TeamSettings};

use crate::helpers::TestApp;

/// `sara` and `salem` serve the utilities team; `omar` serves no team of
/// his own, so the default one.
pub fn with_agents(settings: &mut Settings) {
    settings.handoff.agent_tokens =
        AgentTokens::parse("sara:tok-sara,salem:tok-salem,omar:tok-omar").unwrap();
    settings.handoff.teams = vec![TeamSettings {
        name: "utilities".to_owned(),
        categories: vec!["utilities".to_owned()],
        agents: vec!["sara".to_owned(), "salem".to_owned()],
        hours: Default::default(),
        time_zone: None,
        ..Default::default()
    }];
}

pub struct AgentClient<'a> {
    pub app: &'a TestApp,
    pub token: &'a str,
}

impl AgentClient<'_> {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.app
            .client
            .get(format!("{}/api/v1/agent/{path}", self.app.address))
            .bearer_auth(self.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self
            .app
            .client
            .post(format!("{}/api/v1/agent/{path}", self.app.address))
            .bearer_auth(self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// The history items of a conversation, as its view shows them.
    pub async fn history(&self, id: &str) -> Vec<Value> {
        let view: Value = self
            .get(&format!("conversations/{id}"))
            .await
            .json()
            .await
            .unwrap();
        view["history"].as_array().unwrap().clone()
    }

    pub async fn queue(&self) -> Vec<Value> {
        let response = self.get("queue").await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["conversations"].as_array().unwrap().clone()
    }

    /// Opens the event stream; returns once the subscription is live (the
    /// server's first comment has arrived).
    pub async fn events(&self) -> EventStream {
        let mut response = self.get("events").await;
        assert_eq!(response.status(), 200);
        let first = response.chunk().await.unwrap().unwrap();
        assert!(first.starts_with(b":"), "{first:?}");
        EventStream {
            response,
            buffer: String::new(),
        }
    }
}

pub struct EventStream {
    response: reqwest::Response,
    buffer: String,
}

impl EventStream {
    /// The next event's `data` (comments skipped), within 10 s.
    pub async fn next(&mut self) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(data) = block.lines().find_map(|line| line.strip_prefix("data: ")) {
                    return serde_json::from_str(data).unwrap();
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let chunk = tokio::time::timeout(left, self.response.chunk())
                .await
                .expect("an event within 10 s")
                .unwrap()
                .expect("the stream stays open");
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// The next event of `kind` for `conversation`, skipping others.
    pub async fn next_of(&mut self, kind: &str, conversation: &str) -> Value {
        loop {
            let event = self.next().await;
            if event["type"] == kind && event["conversation_id"] == conversation {
                return event;
            }
        }
    }
}

/// Opening hours for every day that exclude the present hour (the team is
/// open twelve hours from now), in UTC.
pub fn hours_closed_now() -> std::collections::BTreeMap<String, String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let hour = (now / 3600 + 12) % 24;
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .into_iter()
        .map(|day| (day.to_owned(), format!("{hour:02}:00-{hour:02}:59")))
        .collect()
}

/// The utilities and the default team closed now (`salem` serves both),
/// with an on-call team of `omar`.
pub fn with_agents_after_hours(settings: &mut Settings) {
    with_agents(settings);
    settings.handoff.teams[0].hours = hours_closed_now();
    settings.handoff.teams.push(TeamSettings {
        name: "general".to_owned(),
        categories: Vec::new(),
        agents: vec!["salem".to_owned()],
        hours: hours_closed_now(),
        time_zone: None,
        ..Default::default()
    });
    settings.handoff.teams.push(TeamSettings {
        name: "on-call".to_owned(),
        categories: Vec::new(),
        agents: vec!["omar".to_owned()],
        hours: Default::default(),
        time_zone: None,
        ..Default::default()
    });
    settings.handoff.on_call_team = Some("on-call".to_owned());
}
