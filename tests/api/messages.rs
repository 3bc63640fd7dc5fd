//! Decisions for everyday citizen messages, through the real HTTP app. The
//! phrasings are our own, not the evaluation set's.

use serde_json::Value;

use crate::helpers::{spawn_app, user};

struct Case {
    text: &'static str,
    language: &'static str,
    action: &'static str,
    entry: Option<&'static str>,
}

const fn case(
    text: &'static str,
    language: &'static str,
    action: &'static str,
    entry: Option<&'static str>,
) -> Case {
    Case {
        text,
        language,
        action,
        entry,
    }
}

const CASES: &[Case] = &[
    case(
        "أبغى أجدد جواز السفر",
        "ar",
        "answer",
        Some("passport-renewal"),
    ),
    case(
        "وين أدفع المخالفات المرورية",
        "ar",
        "answer",
        Some("traffic-fines-payment"),
    ),
    case(
        "كيف أحجز موعد في المركز الصحي",
        "ar",
        "answer",
        Some("medical-appointment"),
    ),
    case(
        "كم رسوم توصيل الكهرباء",
        "ar",
        "answer",
        Some("electricity-new-connection"),
    ),
    case(
        "الكهرباء مقطوعة عندنا من ساعتين",
        "ar",
        "escalate",
        Some("electricity-outage"),
    ),
    case(
        "ريحة غاز قوية في المطبخ",
        "ar",
        "escalate",
        Some("gas-leak"),
    ),
    case(
        "الإنترنت مقطوع عندنا",
        "ar",
        "escalate",
        Some("internet-outage"),
    ),
    case(
        "أريد التحدث مع موظف",
        "ar",
        "escalate",
        Some("talk-to-agent"),
    ),
    case(
        "how do I pay my electricity bill",
        "en",
        "answer",
        Some("electricity-bill"),
    ),
    case("I lost my passport", "en", "answer", Some("passport-lost")),
    case(
        "I need to renew my residency permit",
        "en",
        "answer",
        Some("residency-permit-renewal"),
    ),
    case(
        "how can I check the status of my complaint",
        "en",
        "answer",
        Some("complaint-status"),
    ),
    case(
        "my water has been cut off since morning",
        "en",
        "escalate",
        Some("water-outage"),
    ),
    case(
        "I want to speak to a real person",
        "en",
        "escalate",
        Some("talk-to-agent"),
    ),
    case("what is the capital of France", "en", "fallback", None),
];

#[tokio::test]
async fn everyday_messages_get_the_right_decision_in_their_language() {
    let app = spawn_app().await;
    let mut wrong = Vec::new();
    for (n, case) in CASES.iter().enumerate() {
        let reply = app.say(&user(&format!("case{n}")), case.text).await;
        let entry = reply["entry_id"].as_str();
        if reply["action"] != case.action
            || entry != case.entry
            || reply["language"] != case.language
        {
            wrong.push(format!(
                "{:?}: expected {} {:?} ({}), got {} {:?} ({})",
                case.text,
                case.action,
                case.entry,
                case.language,
                reply["action"],
                entry,
                reply["language"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn the_reply_has_the_contract_shape() {
    let app = spawn_app().await;
    let citizen = user("shape");
    let reply = app.say(&citizen, "How do I renew my passport?").await;
    assert_eq!(reply["conversation_id"], format!("web:{citizen}"));
    assert_eq!(reply["candidates"], Value::Array(Vec::new()));
    let message = &reply["messages"][0];
    assert!(message["text"].as_str().unwrap().contains("passport"));
    let related = message["buttons"].as_array().unwrap();
    assert!(!related.is_empty(), "related entries are offered: {reply}");
    assert!(
        related
            .iter()
            .all(|b| b["id"].as_str().unwrap().starts_with("entry:") && b["title"].is_string())
    );
}

#[tokio::test]
async fn an_urgent_case_gets_the_safety_steps_then_the_handoff_message() {
    let app = spawn_app().await;
    let reply = app
        .say(
            &user("urgent"),
            "there is a strong smell of gas in my kitchen",
        )
        .await;
    assert_eq!(reply["action"], "escalate");
    assert_eq!(reply["entry_id"], "gas-leak");
    let messages = reply["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{reply}");
    assert!(messages[0]["text"].as_str().unwrap().contains("gas"));
    assert!(messages[1]["text"].as_str().unwrap().contains("urgent"));
}

#[tokio::test]
async fn an_out_of_scope_question_falls_back_with_topics_and_a_person() {
    let app = spawn_app().await;
    let reply = app.say(&user("oos"), "what is the capital of France").await;
    assert_eq!(reply["action"], "fallback");
    assert_eq!(reply["entry_id"], Value::Null);
    let buttons = reply["messages"][0]["buttons"].as_array().unwrap();
    assert!(buttons.iter().any(|b| b["id"] == "agent"), "{reply}");
    assert!(
        buttons.iter().any(|b| b["id"] == "topic:utilities"),
        "{reply}"
    );
}
