//! Conversation state in Redis, shared by several instances of the app.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use khidma::channels::{Channels, Web};
use khidma::configuration::Settings;
use khidma::conversation::{
    Conversation, ConversationId, EscalationReason, Handoff, Priority, Speaker, now_ms,
};
use khidma::handoff::{Desk, MemoryHandoffStore, Teams};
use khidma::i18n::Localizer;
use khidma::kb::{KbHandle, KnowledgeBase, RetrievalOptions};
use khidma::message::Incoming;
use khidma::metrics::Metrics;
use khidma::pipeline::Pipeline;
use khidma::state::{ConversationStore, Enqueued, Envelope, RedisOptions, RedisStore};

use crate::helpers::{repo_path, user};
use crate::redis_helpers::{Namespace, PrivateRedis, eventually, free_port};

fn web(user: &str) -> ConversationId {
    ConversationId::new("web", user).unwrap()
}

fn line(n: usize) -> String {
    format!("سطر رقم {n}")
}

/// What the citizen said, oldest first, as the store remembers it.
async fn citizen_texts(store: &RedisStore, id: &ConversationId) -> Vec<String> {
    citizen_turns(
        &store
            .get(id)
            .await
            .unwrap()
            .expect("the conversation is stored"),
    )
}

fn citizen_turns(conversation: &Conversation) -> Vec<String> {
    conversation
        .turns
        .iter()
        .filter(|turn| turn.speaker == Speaker::Citizen)
        .map(|turn| turn.text.clone())
        .collect()
}

fn envelope(user: &str, message_id: &str) -> Envelope {
    Envelope {
        conversation_id: web(user),
        message_id: message_id.to_owned(),
        incoming: Incoming {
            text: message_id.to_owned(),
            ..Incoming::default()
        },
        received_at_ms: now_ms(),
    }
}

/// A web-chat message to a `khidma serve` process of `namespace`, with the
/// conversation's session, which every process on the namespace honours.
async fn post(namespace: &Namespace, address: &str, user: &str, text: &str) -> reqwest::StatusCode {
    let state = namespace.prefix.as_str();
    let body = crate::helpers::with_session(state, json!({"user_id": user, "text": text}));
    let response = reqwest::Client::new()
        .post(format!("{address}/api/v1/messages"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let reply: serde_json::Value = response.json().await.unwrap();
    crate::helpers::keep_session(state, user, &reply);
    status
}

#[tokio::test]
async fn a_conversation_survives_a_crash_of_the_process() {
    let namespace = Namespace::new();
    let citizen = user("crash");

    let (mut first, address) = namespace.serve_process(&[]).await;
    assert_eq!(post(&namespace, &address, &citizen, &line(1)).await, 200);
    assert_eq!(post(&namespace, &address, &citizen, &line(2)).await, 200);
    first.kill().unwrap();
    first.wait().unwrap();

    let (mut second, address) = namespace.serve_process(&[]).await;
    assert_eq!(post(&namespace, &address, &citizen, &line(3)).await, 200);
    second.kill().unwrap();
    second.wait().unwrap();

    let store = namespace.store();
    let conversation = store.get(&web(&citizen)).await.unwrap().unwrap();
    assert_eq!(citizen_turns(&conversation), [line(1), line(2), line(3)]);
    assert_eq!(conversation.language, Some(khidma::i18n::Lang::Ar));
}

#[tokio::test]
async fn two_instances_on_one_redis_share_each_conversation() {
    let namespace = Namespace::new();
    let (first, second) = (namespace.spawn_app(), namespace.spawn_app());
    let citizen = user("shared");

    first.say(&citizen, &line(1)).await;
    second.say(&citizen, &line(2)).await;
    let reply = first.say(&citizen, &line(3)).await;

    assert_eq!(
        reply["language"], "ar",
        "the language pinned on the first instance holds"
    );
    assert_eq!(
        citizen_texts(&namespace.store(), &web(&citizen)).await,
        [line(1), line(2), line(3)]
    );
}

/// Arrival order is the order in which the conversation's lease queue in
/// Redis accepted the requests. To make it well defined, the test holds the
/// lease itself and sends message n+1 only once message n is queued; all 50
/// are then in flight at once, through two instances, when it lets go.
#[tokio::test]
async fn fifty_concurrent_messages_through_two_instances_are_all_recorded_in_arrival_order() {
    let namespace = Namespace::new();
    // This test is about order, not time limits: on a busy CI machine,
    // queueing 50 requests one by one can outlast the default waits.
    let patient = || {
        let mut settings = namespace.settings();
        settings.state.lock_wait_ms = 120_000.try_into().unwrap();
        settings.state.redis_timeout_ms = 5_000.try_into().unwrap();
        crate::helpers::start(settings, None)
    };
    let instances = Arc::new([patient(), patient()]);
    let citizen = user("fifty");
    let id = web(&citizen);
    // Waiting for an agent, the bot stays silent after one acknowledgement,
    // so each message adds exactly one turn and all 50 fit in the kept turns.
    instances[0]
        .say_with(json!({"user_id": citizen, "text": "موظف", "button": "agent"}))
        .await;
    instances[1].say(&citizen, "ok").await;
    let store = namespace.store();
    let blocker = store.acquire(&id).await.unwrap();

    let mut replies = Vec::new();
    for n in 1..=50 {
        let (instances, citizen) = (instances.clone(), citizen.clone());
        replies.push(tokio::spawn(async move {
            instances[n % 2]
                .post_message(&json!({"user_id": citizen, "text": line(n)}))
                .await
        }));
        let queued = eventually(Duration::from_secs(60), || async {
            store.waiting(&id).await.unwrap() == n
        })
        .await;
        assert!(queued, "message {n} joined the queue");
    }
    store.commit(blocker).await.unwrap();
    for reply in replies {
        assert_eq!(reply.await.unwrap().0, 200);
    }

    let expected: Vec<String> = (1..=50).map(line).collect();
    let recorded = citizen_texts(&store, &id).await;
    assert_eq!(recorded[recorded.len() - 50..], expected[..]);
}

#[tokio::test]
async fn a_redelivered_message_id_is_recorded_once_across_instances() {
    let namespace = Namespace::new();
    let instances = [namespace.store(), namespace.store()];
    let redelivered = envelope("dedup", "whatsapp:wamid.1");

    let attempts = (0..10).map(|n| {
        let (store, envelope) = (instances[n % 2].clone(), redelivered.clone());
        tokio::spawn(async move { store.enqueue(&envelope).await.unwrap() })
    });
    let mut outcomes = Vec::new();
    for attempt in attempts {
        outcomes.push(attempt.await.unwrap());
    }

    let new = outcomes.iter().filter(|o| **o == Enqueued::New).count();
    assert_eq!(new, 1, "{outcomes:?}");
    let lease = instances[1].acquire(&web("dedup")).await.unwrap();
    assert_eq!(lease.next_queued, Some(redelivered));
}

#[tokio::test]
async fn a_message_id_is_forgotten_after_the_dedup_window() {
    let namespace = Namespace::new();
    let store = namespace.store_with(RedisOptions {
        dedup_ttl: Duration::from_millis(100),
        ..namespace.options()
    });
    let message = envelope("window", "telegram:7");
    assert_eq!(store.enqueue(&message).await.unwrap(), Enqueued::New);
    assert_eq!(store.enqueue(&message).await.unwrap(), Enqueued::Duplicate);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(store.enqueue(&message).await.unwrap(), Enqueued::New);
}

#[tokio::test]
async fn queued_messages_come_out_in_order_and_again_until_handled() {
    let namespace = Namespace::new();
    let store = namespace.store_with(RedisOptions {
        lease: Duration::from_millis(300),
        ..namespace.options()
    });
    for n in 1..=3 {
        let queued = store
            .enqueue(&envelope("queue", &format!("telegram:{n}")))
            .await
            .unwrap();
        assert_eq!(queued, Enqueued::New);
    }
    let wait = Duration::from_millis(50);
    assert_eq!(store.next_ready(wait).await.unwrap(), Some(web("queue")));

    let mut ids = Vec::new();
    for _ in 0..2 {
        let mut lease = store.acquire(&web("queue")).await.unwrap();
        ids.push(lease.next_queued.clone().unwrap().message_id);
        lease.handled = true;
        store.commit(lease).await.unwrap();
    }
    assert_eq!(ids, ["telegram:1", "telegram:2"]);

    // The worker that committed goes on with the rest itself; another one
    // gets the conversation only once that worker's lease would have run out.
    assert_eq!(store.next_ready(wait).await.unwrap(), None);
    assert_eq!(
        store.next_ready(Duration::from_secs(2)).await.unwrap(),
        Some(web("queue"))
    );
    let lease = store.acquire(&web("queue")).await.unwrap();
    let next = lease.next_queued.as_ref().map(|e| e.message_id.as_str());
    assert_eq!(
        next,
        Some("telegram:3"),
        "the unhandled message stays queued"
    );
    drop(lease);
    assert_eq!(
        store.next_ready(Duration::from_secs(1)).await.unwrap(),
        Some(web("queue")),
        "a turn given up without commit hands the conversation out again"
    );

    let mut lease = store.acquire(&web("queue")).await.unwrap();
    lease.handled = true;
    store.commit(lease).await.unwrap();
    assert_eq!(store.next_ready(wait).await.unwrap(), None);
}

#[tokio::test]
async fn a_lease_is_renewed_while_its_turn_runs_and_runs_out_when_its_holder_dies() {
    let namespace = Namespace::new();
    let short_lease = RedisOptions {
        lease: Duration::from_millis(300),
        ..namespace.options()
    };
    let impatient = namespace.store_with(RedisOptions {
        lock_wait: Duration::from_millis(100),
        ..short_lease.clone()
    });
    let holder = namespace.store_with(short_lease.clone());

    let lease = holder.acquire(&web("slow")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        impatient.acquire(&web("slow")).await.is_err(),
        "a running turn keeps its lease past the lease time"
    );
    holder.commit(lease).await.unwrap();

    // A holder whose process dies stops renewing; its lease runs out.
    let dying = namespace.store_with(short_lease.clone());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            std::mem::forget(dying.acquire(&web("slow")).await.unwrap());
        });
    })
    .join()
    .unwrap();
    let started = Instant::now();
    let survivor = namespace.store_with(short_lease);
    let lease = survivor.acquire(&web("slow")).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    survivor.commit(lease).await.unwrap();
}

#[tokio::test]
async fn a_request_cancelled_while_waiting_leaves_the_queue_at_once() {
    let namespace = Namespace::new();
    let store = namespace.store();
    let holder = store.acquire(&web("cancel")).await.unwrap();
    let cancelled =
        tokio::time::timeout(Duration::from_millis(100), store.acquire(&web("cancel"))).await;
    assert!(cancelled.is_err(), "the second turn was still waiting");
    store.commit(holder).await.unwrap();

    let started = Instant::now();
    let next = store.acquire(&web("cancel")).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "the cancelled turn does not hold up the next one for a waiter deadline"
    );
    store.commit(next).await.unwrap();
}

#[tokio::test]
async fn idle_conversations_expire_and_those_waiting_for_an_agent_later() {
    let namespace = Namespace::new();
    let store = namespace.store_with(RedisOptions {
        idle_ttl: Duration::from_millis(100),
        waiting_ttl: Duration::from_millis(600),
        ..namespace.options()
    });
    store
        .commit(store.acquire(&web("idle")).await.unwrap())
        .await
        .unwrap();
    let mut lease = store.acquire(&web("waiting")).await.unwrap();
    lease.conversation.handoff = Handoff::Waiting {
        reason: EscalationReason::CitizenAsked,
        priority: Priority::Normal,
        entry_id: None,
        since_ms: now_ms(),
        acknowledged: false,
        category: None,
        team: None,
        area: None,
        incident_id: None,
        breaches: Vec::new(),
    };
    store.commit(lease).await.unwrap();

    tokio::time::sleep(Duration::from_millis(250)).await;
    assert!(store.get(&web("idle")).await.unwrap().is_none());
    assert!(store.get(&web("waiting")).await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        store.get(&web("waiting")).await.unwrap().is_none(),
        "not for ever: retention.waiting_secs"
    );
}

#[tokio::test]
async fn a_message_costs_two_round_trips_to_redis() {
    let namespace = Namespace::new();
    let store = Arc::new(namespace.store());
    let kb =
        KnowledgeBase::load(&repo_path("knowledge_base"), RetrievalOptions::default()).unwrap();
    let localizer = Arc::new(Localizer::load(&repo_path("locales")).unwrap());
    let (kb, settings) = (
        KbHandle::new(kb),
        Settings::load(None, &Default::default()).unwrap(),
    );
    let handoff = Arc::new(MemoryHandoffStore::new(10));
    let desk = Desk::new(
        handoff.clone(),
        Arc::new(Teams::from_settings(&settings.handoff).unwrap()),
        localizer.clone(),
        kb.clone(),
        settings.handoff.incident_window(),
        khidma::cx::Recorder::off(Arc::new(Metrics::default())),
    );
    let pipeline = Pipeline::new(
        kb,
        localizer,
        store.clone(),
        Arc::new(desk),
        Channels::web_only(Arc::new(Web::new(
            handoff,
            store.clone(),
            settings.access.webchat_keys.clone(),
        ))),
        Arc::new(Metrics::default()),
    );
    let incoming = Incoming {
        text: line(1),
        ..Incoming::default()
    };
    // The first turn loads the scripts into Redis.
    pipeline.answer(&web("warm-up"), &incoming).await.unwrap();

    for turn in 0..3 {
        let before = store.round_trips();
        pipeline.answer(&web("counted"), &incoming).await.unwrap();
        assert_eq!(store.round_trips() - before, 2, "turn {turn}");
    }
}

#[tokio::test]
async fn an_instance_starts_while_redis_is_down_and_reports_itself_unready() {
    let namespace = Namespace::on(&format!("redis://127.0.0.1:{}", free_port()));
    let app = namespace.spawn_app();

    let readyz = app.get("/readyz").await;
    assert_eq!(readyz.status(), 503);
    let body: serde_json::Value = readyz.json().await.unwrap();
    assert_eq!(body["store"]["kind"], "redis");
    let response = app
        .post_json(&json!({"user_id": user("down"), "text": line(1)}))
        .await;
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn without_redis_the_api_answers_503_and_recovers_when_redis_returns() {
    let mut redis = PrivateRedis::start().await;
    let namespace = Namespace::on(&redis.url());
    let app = namespace.spawn_app();
    let citizen = user("outage");
    let message = json!({"user_id": citizen, "text": line(1)});
    assert_eq!(app.post_message(&message).await.0, 200);

    redis.stop();
    let started = Instant::now();
    let (status, body) = app.post_message(&message).await;
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "store_unavailable");
    let readyz = app.get("/readyz").await;
    assert_eq!(readyz.status(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "failures come within the configured timeout"
    );
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        crate::metrics::value(&metrics, "khidma_redis_errors_total") >= 1.0,
        "{metrics}"
    );

    redis.restart().await;
    let recovered = eventually(Duration::from_secs(10), || async {
        app.post_message(&message).await.0 == 200
    })
    .await;
    assert!(recovered, "messages are answered again once redis is back");
    assert_eq!(app.get("/readyz").await.status(), 200);
}

#[tokio::test]
async fn many_conversations_are_read_in_one_call_in_the_order_asked() {
    let namespace = Namespace::new();
    let store = namespace.store();
    let (first, missing, second) = (web("many-1"), web("many-missing"), web("many-2"));
    for id in [&first, &second] {
        let lease = store.acquire(id).await.unwrap();
        store.commit(lease).await.unwrap();
    }
    assert!(store.get_many(&[]).await.unwrap().is_empty());
    let read: Vec<Option<ConversationId>> = store
        .get_many(&[second.clone(), missing, first.clone()])
        .await
        .unwrap()
        .into_iter()
        .map(|conversation| conversation.map(|conversation| conversation.id))
        .collect();
    assert_eq!(read, [Some(second), None, Some(first)]);
}
