//! `MemoryStore`'s tests.

use super::*;
use crate::conversation::{EscalationReason, Handoff, Priority};
use crate::message::Incoming;

fn id(user: &str) -> ConversationId {
    ConversationId::new("web", user).unwrap()
}

fn store() -> MemoryStore {
    MemoryStore::new(Duration::from_secs(60), Duration::from_secs(60))
}

fn envelope(user: &str, message_id: &str) -> Envelope {
    Envelope {
        conversation_id: id(user),
        message_id: message_id.to_owned(),
        incoming: Incoming {
            text: message_id.to_owned(),
            ..Incoming::default()
        },
        received_at_ms: now_ms(),
    }
}

#[tokio::test]
async fn a_committed_conversation_is_found_again() {
    let store = store();
    let mut lease = store.acquire(&id("a")).await.unwrap();
    assert!(!lease.existed);
    lease.conversation.consecutive_fallbacks = 2;
    store.commit(lease).await.unwrap();
    let lease = store.acquire(&id("a")).await.unwrap();
    assert!(lease.existed);
    assert_eq!(lease.conversation.consecutive_fallbacks, 2);
}

#[tokio::test]
async fn concurrent_turns_of_one_conversation_run_one_at_a_time() {
    let store = Arc::new(store());
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut lease = store.acquire(&id("busy")).await.unwrap();
                let seen = lease.conversation.consecutive_fallbacks;
                tokio::task::yield_now().await;
                lease.conversation.consecutive_fallbacks = seen + 1;
                store.commit(lease).await.unwrap();
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let conversation = store.get(&id("busy")).await.unwrap().unwrap();
    assert_eq!(conversation.consecutive_fallbacks, 50, "no update was lost");
    assert!(store.inner().locks.is_empty(), "idle locks are dropped");
}

#[tokio::test]
async fn idle_conversations_expire_and_those_with_humans_later() {
    let store = MemoryStore::new(Duration::from_millis(0), Duration::from_secs(60));
    let mut lease = store.acquire(&id("idle")).await.unwrap();
    lease.conversation.updated_at_ms -= 10;
    store.commit(lease).await.unwrap();
    assert!(!store.acquire(&id("idle")).await.unwrap().existed);

    let mut lease = store.acquire(&id("waiting")).await.unwrap();
    lease.conversation.handoff = Handoff::Waiting {
        reason: EscalationReason::Urgent,
        priority: Priority::Urgent,
        entry_id: None,
        since_ms: 0,
        acknowledged: false,
        category: None,
        team: None,
        area: None,
        incident_id: None,
        breaches: Vec::new(),
    };
    lease.conversation.updated_at_ms -= 10;
    store.commit(lease).await.unwrap();
    assert!(store.acquire(&id("waiting")).await.unwrap().existed);

    let store = store.with_waiting_ttl(Duration::from_millis(1));
    assert!(
        !store.acquire(&id("waiting")).await.unwrap().existed,
        "not for ever: retention.waiting_secs"
    );
}

#[tokio::test]
async fn a_citizen_is_remembered_past_the_conversation_until_forgotten() {
    let store = MemoryStore::new(Duration::from_millis(0), Duration::from_secs(60));
    let mut lease = store.acquire(&id("back")).await.unwrap();
    lease.conversation.memory.language = Some(crate::i18n::Lang::En);
    lease.conversation.updated_at_ms -= 10;
    store.commit(lease).await.unwrap();
    let lease = store.acquire(&id("back")).await.unwrap();
    assert!(!lease.existed, "the conversation expired");
    assert_eq!(
        lease.conversation.memory.language,
        Some(crate::i18n::Lang::En)
    );
    store.commit(lease).await.unwrap();
    assert!(
        store
            .get(&id("back"))
            .await
            .unwrap()
            .unwrap()
            .memory
            .language
            .is_some(),
        "agents read it too"
    );

    let mut lease = store.acquire(&id("back")).await.unwrap();
    lease.conversation.memory = CitizenMemory::default();
    store.commit(lease).await.unwrap();
    let lease = store.acquire(&id("back")).await.unwrap();
    assert!(
        lease.conversation.memory.is_empty(),
        "an empty memory is erased"
    );

    let store = store.with_memory_retention(Duration::ZERO);
    let mut lease = store.acquire(&id("never")).await.unwrap();
    lease.conversation.memory.language = Some(crate::i18n::Lang::Ar);
    store.commit(lease).await.unwrap();
    assert!(
        store
            .acquire(&id("never"))
            .await
            .unwrap()
            .conversation
            .memory
            .is_empty()
    );
}

#[tokio::test]
async fn a_message_id_is_enqueued_once() {
    let store = store();
    assert_eq!(
        store.enqueue(&envelope("u", "whatsapp:1")).await.unwrap(),
        Enqueued::New
    );
    assert_eq!(
        store.enqueue(&envelope("u", "whatsapp:1")).await.unwrap(),
        Enqueued::Duplicate
    );
    let mut lease = store.acquire(&id("u")).await.unwrap();
    assert!(lease.next_queued.is_some());
    lease.handled = true;
    store.commit(lease).await.unwrap();
    let lease = store.acquire(&id("u")).await.unwrap();
    assert_eq!(lease.next_queued, None, "the duplicate was not queued");
}

#[tokio::test]
async fn queued_messages_come_out_in_order_and_go_once_handled() {
    let store = store();
    for n in 1..=3 {
        store
            .enqueue(&envelope("q", &format!("telegram:{n}")))
            .await
            .unwrap();
    }
    let ready = store.next_ready(Duration::from_millis(10)).await.unwrap();
    assert_eq!(ready, Some(id("q")));

    let mut handled = Vec::new();
    for _ in 0..2 {
        let mut lease = store.acquire(&id("q")).await.unwrap();
        handled.push(lease.next_queued.clone().unwrap().message_id);
        lease.handled = true;
        store.commit(lease).await.unwrap();
    }
    assert_eq!(handled, ["telegram:1", "telegram:2"]);

    let lease = store.acquire(&id("q")).await.unwrap();
    let next = lease.next_queued.as_ref().map(|e| e.message_id.as_str());
    assert_eq!(
        next,
        Some("telegram:3"),
        "the unhandled message stays queued"
    );
    store.commit(lease).await.unwrap();
    let lease = store.acquire(&id("q")).await.unwrap();
    assert!(
        lease.next_queued.is_some(),
        "a turn that did not handle it keeps it"
    );
}

#[tokio::test]
async fn a_conversation_given_up_without_commit_is_handed_out_again() {
    let store = store();
    store
        .enqueue(&envelope("retry", "messenger:m1"))
        .await
        .unwrap();
    let first = store.next_ready(Duration::from_millis(10)).await.unwrap();
    let lease = store.acquire(first.as_ref().unwrap()).await.unwrap();
    drop(lease);
    let again = store.next_ready(Duration::from_millis(10)).await.unwrap();
    assert_eq!(again, Some(id("retry")));
}

#[tokio::test]
async fn next_ready_returns_none_when_nothing_waits() {
    let store = store();
    assert_eq!(
        store.next_ready(Duration::from_millis(10)).await.unwrap(),
        None
    );
}

/// What the hostile tester sent: many anonymous citizens, each with a
/// long message.
async fn fill(store: &MemoryStore, users: usize) {
    for n in 0..users {
        let mut lease = store.acquire(&id(&format!("anon-{n}"))).await.unwrap();
        lease.conversation.record(crate::conversation::Turn {
            at_ms: now_ms(),
            speaker: crate::conversation::Speaker::Citizen,
            text: "x".repeat(4000),
            action: None,
            entry_id: None,
        });
        lease.conversation.memory.language = Some(crate::i18n::Lang::Ar);
        store.commit(lease).await.unwrap();
    }
}

#[tokio::test]
async fn past_its_cap_memory_mode_drops_the_least_recently_used_conversations() {
    let store = store().with_limits(Limits {
        max_conversations: 100,
        max_bytes: usize::MAX,
    });
    fill(&store, 1000).await;
    let (kept, _) = store.size();
    assert!((90..=100).contains(&kept), "{kept} kept");
    assert!(store.get(&id("anon-999")).await.unwrap().is_some());
    assert!(
        store.get(&id("anon-0")).await.unwrap().is_none(),
        "oldest first"
    );
    assert!(store.inner().memories.len() <= 100, "memories too");

    let store = store.with_limits(Limits {
        max_conversations: 100_000,
        max_bytes: 200 * 1024,
    });
    fill(&store, 1000).await;
    let (kept, bytes) = store.size();
    assert!(bytes <= 200 * 1024, "{bytes} bytes");
    assert!((30..=50).contains(&kept), "{kept} conversations of ~5 KB");
    assert!(store.get(&id("anon-999")).await.unwrap().is_some());
}

#[tokio::test]
async fn erasure_leaves_nothing_of_the_citizen_and_export_shows_all_of_it() {
    let store = store();
    let citizen = id("erased");
    store
        .enqueue(&envelope("erased", "telegram:1"))
        .await
        .unwrap();
    let mut lease = store.acquire(&citizen).await.unwrap();
    lease.conversation.memory.language = Some(crate::i18n::Lang::En);
    lease.handled = true;
    store.commit(lease).await.unwrap();
    store
        .enqueue(&envelope("erased", "telegram:2"))
        .await
        .unwrap();
    store
        .enqueue(&envelope("kept", "telegram:3"))
        .await
        .unwrap();

    let export = store.export(&citizen).await.unwrap();
    assert!(export.conversation.is_some());
    assert_eq!(export.memory.language, Some(crate::i18n::Lang::En));
    assert_eq!(export.inbox.len(), 1);
    let mut ids = export.message_ids.clone();
    ids.sort();
    assert_eq!(ids, ["telegram:1", "telegram:2"]);

    let lease = store.acquire(&citizen).await.unwrap();
    store.erase(lease).await.unwrap();
    let export = store.export(&citizen).await.unwrap();
    assert!(export.conversation.is_none() && export.memory.is_empty());
    assert!(export.inbox.is_empty() && export.message_ids.is_empty());
    let inner = store.inner();
    assert!(!inner.locks.contains_key(&citizen));
    assert_eq!(inner.seen.len(), 1, "another citizen's message id stays");
    assert_eq!(inner.bytes, 0);
}
