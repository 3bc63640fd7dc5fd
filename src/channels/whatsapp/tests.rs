use super::*;

fn notification(value: Value) -> Vec<u8> {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
        {"field": "messages", "value": value}
    ]}]})
    .to_string()
    .into_bytes()
}

#[test]
fn the_business_scoped_user_id_wins_over_the_phone_number() {
    let body = notification(json!({
        "contacts": [{"wa_id": "966500000001", "user_id": "US.1349"}],
        "messages": [{"from": "966500000001", "id": "wamid.1", "timestamp": "1",
                      "type": "text", "text": {"body": "hi"}}]
    }));
    let events = parse(&body).unwrap();
    let Event::Message(message) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(message.user, "US.1349");

    let body = notification(json!({
        "messages": [{"from_user_id": "US.77", "id": "wamid.2", "timestamp": "1",
                      "type": "text", "text": {"body": "hi"}}]
    }));
    let Event::Message(message) = &parse(&body).unwrap()[0] else {
        panic!()
    };
    assert_eq!(message.user, "US.77");
}

#[test]
fn media_and_choices_become_neutral_messages() {
    let body = notification(json!({"messages": [
        {"from": "1", "id": "a", "type": "image", "image": {"id": "m", "caption": "receipt"}},
        {"from": "1", "id": "b", "type": "location", "location": {"latitude": 1.0, "longitude": 2.0}},
        {"from": "1", "id": "c", "type": "interactive",
         "interactive": {"type": "list_reply", "list_reply": {"id": "topic:traffic", "title": "Traffic"}}},
        {"from": "1", "id": "d", "type": "reaction", "reaction": {"emoji": "👍"}}
    ]}));
    let incoming: Vec<Incoming> = parse(&body)
        .unwrap()
        .into_iter()
        .map(|event| match event {
            Event::Message(message) => message.incoming,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(incoming.len(), 3, "reactions ask for no answer");
    assert_eq!(incoming[0].attachment, Some(Attachment::Image));
    assert_eq!(incoming[0].text, "receipt");
    assert_eq!(incoming[1].attachment, Some(Attachment::Location));
    assert_eq!(
        incoming[1].location,
        Some(crate::kb::GeoPoint {
            latitude: 1.0,
            longitude: 2.0
        })
    );
    assert_eq!(incoming[0].location, None);
    assert_eq!(incoming[2].button.as_deref(), Some("topic:traffic"));
}

#[test]
fn other_objects_and_shapes_are_malformed() {
    assert!(parse(b"not json").is_err());
    assert!(parse(br#"{"object":"page","entry":[]}"#).is_err());
    assert!(parse(&notification(json!({"messages": [{"id": 5}]}))).is_err());
    assert!(
        parse(br#"{"object":"whatsapp_business_account","entry":[]}"#)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn statuses_become_ticks_and_failures() {
    let body = notification(json!({"statuses": [
        {"id": "wamid.1", "status": "delivered", "recipient_id": "1"},
        {"id": "wamid.1", "status": "read", "recipient_id": "1"},
        {"id": "wamid.2", "status": "failed", "recipient_id": "1",
         "errors": [{"code": 131047, "title": "Re-engagement message"}]},
        {"id": "wamid.3", "status": "deleted", "recipient_id": "1"}
    ]}));
    let events = parse(&body).unwrap();
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(
        events[1],
        Event::Status {
            message_id: "wamid.1".to_owned(),
            tick: Tick::Read
        }
    );
    assert!(
        matches!(&events[2], Event::DeliveryFailed { message_id, code: Some(131047), .. } if message_id == "wamid.2")
    );
}
