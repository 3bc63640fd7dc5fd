//! A citizen's backlog of queued platform messages drains in order and
//! whole, each turn reading only the message it handles (a turn used to
//! read the whole inbox, which made a backlog of 2,000 take 98 s).

use std::sync::Arc;
use std::time::Duration;

use khidma::conversation::{ConversationId, now_ms};
use khidma::message::Incoming;
use khidma::state::{ConversationStore, Enqueued, Envelope, MemoryStore};

use crate::redis_helpers::Namespace;

const BACKLOG: usize = 2_000;

fn queued(n: usize) -> Envelope {
    Envelope {
        conversation_id: ConversationId::new("telegram", "backlog").unwrap(),
        message_id: format!("telegram:{n}"),
        incoming: Incoming {
            text: format!("message {n}"),
            ..Incoming::default()
        },
        received_at_ms: now_ms(),
    }
}

/// Queues `BACKLOG` messages, then drains them as the worker does (one per
/// lease), and checks that each came out once, in arrival order.
async fn drains_in_order_and_whole(store: Arc<dyn ConversationStore>) {
    for n in 0..BACKLOG {
        assert_eq!(store.enqueue(&queued(n)).await.unwrap(), Enqueued::New);
    }
    let id = store
        .next_ready(Duration::from_secs(1))
        .await
        .unwrap()
        .expect("the conversation is ready");
    let mut handled = Vec::with_capacity(BACKLOG);
    loop {
        let mut lease = store.acquire(&id).await.unwrap();
        let Some(envelope) = lease.next_queued.take() else {
            break;
        };
        handled.push(envelope.message_id);
        lease.handled = true;
        store.commit(lease).await.unwrap();
    }
    let expected: Vec<String> = (0..BACKLOG).map(|n| format!("telegram:{n}")).collect();
    assert_eq!(handled, expected);
}

#[tokio::test]
async fn a_backlog_in_memory_drains_in_order_and_whole() {
    let store = MemoryStore::new(Duration::from_secs(600), Duration::from_secs(600));
    drains_in_order_and_whole(Arc::new(store)).await;
}

#[tokio::test]
async fn a_backlog_in_redis_drains_in_order_and_whole() {
    let namespace = Namespace::new();
    drains_in_order_and_whole(Arc::new(namespace.store())).await;
}
