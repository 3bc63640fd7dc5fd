//! Property tests of every platform's webhook parser: whatever bytes a
//! verified request carries (a platform's new field, a fuzzer, a bug on
//! their side), parsing never panics, and what it cannot read comes back as
//! a `Malformed` error that names the platform and says why.

use std::sync::LazyLock;

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::{ChannelError, Event, messenger, telegram, whatsapp};
use crate::conversation::ConversationId;

type Parser = fn(&[u8]) -> Result<Vec<Event>, ChannelError>;

const PARSERS: [(&str, Parser); 3] = [
    (whatsapp::NAME, whatsapp::parse),
    (telegram::NAME, telegram::parse),
    (messenger::NAME, messenger::parse),
];

/// Keys and words of the three platforms' payloads, so that random JSON
/// gets past the first checks and into the message readers.
const WORDS: &[&str] = &[
    "object",
    "entry",
    "changes",
    "field",
    "value",
    "messages",
    "contacts",
    "statuses",
    "errors",
    "id",
    "from",
    "from_user_id",
    "wa_id",
    "user_id",
    "type",
    "text",
    "body",
    "interactive",
    "button_reply",
    "list_reply",
    "title",
    "button",
    "payload",
    "image",
    "video",
    "document",
    "caption",
    "location",
    "latitude",
    "longitude",
    "status",
    "code",
    "message",
    "update_id",
    "chat",
    "language_code",
    "callback_query",
    "data",
    "voice",
    "sticker",
    "messaging",
    "sender",
    "recipient",
    "timestamp",
    "mid",
    "quick_reply",
    "attachments",
    "is_echo",
    "postback",
    "whatsapp_business_account",
    "page",
    "failed",
    "read",
    "ar",
    "en-GB",
    "",
];

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(WORDS).prop_map(str::to_owned)
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|float| {
            serde_json::Number::from_f64(float).map_or(Value::Null, Value::Number)
        }),
        word().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((word(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// The signed fixtures, as the platforms send them.
static FIXTURES: LazyLock<Vec<(&'static str, Value)>> = LazyLock::new(|| {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/webhooks");
    PARSERS
        .iter()
        .flat_map(|(name, _)| {
            let dir = &dir;
            std::fs::read_dir(dir)
                .expect("the webhook fixtures")
                .filter_map(Result::ok)
                .filter(move |file| file.file_name().to_string_lossy().starts_with(name))
                .map(move |file| {
                    let body = std::fs::read(file.path()).expect("a fixture");
                    (
                        *name,
                        serde_json::from_slice(&body).expect("fixtures are JSON"),
                    )
                })
        })
        .collect()
});

/// Replaces (or, with `remove`, deletes) the value found by following
/// `path` (each step picks a child by index, modulo the children).
fn mutate(value: &mut Value, path: &[usize], replacement: Value, remove: bool) {
    let Some((&step, rest)) = path.split_first() else {
        *value = replacement;
        return;
    };
    match value {
        Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(step % map.len()).cloned().expect("in range");
            if rest.is_empty() && remove {
                map.remove(&key);
            } else if let Some(child) = map.get_mut(&key) {
                mutate(child, rest, replacement, remove);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let index = step % items.len();
            if rest.is_empty() && remove {
                items.remove(index);
            } else {
                mutate(&mut items[index], rest, replacement, remove);
            }
        }
        _ => *value = replacement,
    }
}

/// Either events the rest of the app can take, or a clear error.
fn check(name: &str, parse: Parser, body: &[u8]) -> Result<(), TestCaseError> {
    match parse(body) {
        Ok(events) => {
            for event in events {
                if let Event::Message(message) = event {
                    // `accept` skips a user id that makes no conversation id;
                    // building one must not panic either.
                    let _ = ConversationId::new(name, &message.user);
                }
            }
        }
        Err(ChannelError::Malformed { channel, reason }) => {
            prop_assert_eq!(channel, name);
            prop_assert!(!reason.trim().is_empty(), "an error says why");
        }
        Err(other) => prop_assert!(false, "{name}: parsing failed with {other}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic_a_parser(body in prop::collection::vec(any::<u8>(), 0..512)) {
        for (name, parse) in PARSERS {
            check(name, parse, &body)?;
        }
    }

    #[test]
    fn random_json_never_panics_a_parser(value in json()) {
        let body = value.to_string();
        for (name, parse) in PARSERS {
            check(name, parse, body.as_bytes())?;
        }
    }

    #[test]
    fn a_fixture_with_any_part_changed_parses_or_is_refused_clearly(
        choice in any::<prop::sample::Index>(),
        path in prop::collection::vec(any::<usize>(), 0..9),
        replacement in json(),
        remove in any::<bool>(),
    ) {
        let (name, mut value) = FIXTURES[choice.index(FIXTURES.len())].clone();
        mutate(&mut value, &path, replacement, remove);
        let parse = PARSERS.iter().find(|(known, _)| *known == name).expect("a parser").1;
        check(name, parse, value.to_string().as_bytes())?;
    }
}
