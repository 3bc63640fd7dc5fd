use super::*;

fn id(user: &str) -> ConversationId {
    ConversationId::new("web", user).unwrap()
}

#[tokio::test]
async fn urgent_cases_come_first_then_the_longest_waiting() {
    let store = MemoryHandoffStore::new(10);
    let t = now_ms();
    for (name, priority, since_ms) in [
        ("a", Priority::Normal, t + 10),
        ("b", Priority::Normal, t + 5),
        ("c", Priority::Urgent, t + 20),
    ] {
        let position = store.enqueue("t", &id(name), priority, since_ms).await;
        assert_eq!(position.unwrap(), 1, "{name}");
    }
    let queued = |entries: &[(&str, i64)]| {
        entries
            .iter()
            .map(|&(name, since_ms)| Queued {
                id: id(name),
                since_ms: t + since_ms,
                priority: if name == "c" {
                    Priority::Urgent
                } else {
                    Priority::Normal
                },
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        store.queue("t").await.unwrap(),
        queued(&[("c", 20), ("b", 5), ("a", 10)])
    );
    store.dequeue("t", &id("b")).await.unwrap();
    assert_eq!(
        store.queue("t").await.unwrap(),
        queued(&[("c", 20), ("a", 10)])
    );
}
