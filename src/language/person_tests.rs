use super::*;

fn expect(wanted: bool, messages: &[&str]) {
    let wrong: Vec<&str> = messages
        .iter()
        .copied()
        .filter(|m| asks_for_person(m) != wanted)
        .collect();
    assert!(
        wrong.is_empty(),
        "expected {wanted} for:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn requests_for_a_person_in_english() {
    expect(
        true,
        &[
            "I want to talk to a person",
            "can I speak to a human please",
            "connect me to customer service",
            "please transfer me to an agent",
            "call me",
            "is there a real person I can chat with?",
            "agent",
            "operator please",
            "can u put me through to someone from ur team",
            "I need a human, not a bot",
            "Can a human help me?",
            "let me talk to your supervisor",
            "human agent please",
            "any humans here?",
        ],
    );
}

#[test]
fn requests_for_a_person_in_arabic_dialects() {
    expect(
        true,
        &[
            "ابي اكلم موظف",
            "عايز اكلم حد",
            "بدي احكي مع حدا",
            "بغيت نهضر مع شي واحد",
            "وصلني بموظف",
            "ممكن انسان مو روبوت",
            "اريد احجي ويا موظف",
            "حولني على خدمة العملاء لو سمحت",
            "هل يمكنني التحدث مع موظف؟",
            "كلموني على رقمي",
            "abi akalim mowazaf",
            "momken a7ki ma3 7ada mn el mowazafeen",
            "عافاك بغيت شي موظف",
            "واش كاين شي واحد نهضر معاه",
            "اريد احچي ويا موظف",
            "ابغى موظف بشري",
            "ممكن حد يكلمني",
        ],
    );
}

#[test]
fn live_is_not_live_chat() {
    expect(
        false,
        &[
            "I live in Al Rawda",
            "we live near the old market, where is the office?",
        ],
    );
}

#[test]
fn complaints_and_questions_about_staff_are_not_requests() {
    expect(
        false,
        &[
            "the agent at the office was rude",
            "what are the working hours of your staff",
            "الموظف اللي على الشباك كلمني بطريقة مش حلوة وابي اشتكي",
            "the employee who answered me yesterday was very helpful",
            "could someone from the municipality come to check the street light?",
            "ابي احد يجي يشوف العداد",
            "how do I see if anyone is actually working on my request",
            "I talked to an agent last week and nothing happened",
            "my wife is a human rights lawyer",
            "ابي اصير موظف",
            "هل الموظفين يداومون يوم السبت؟",
        ],
    );
}

#[test]
fn denied_requests_are_not_requests() {
    expect(
        false,
        &[
            "I don't need to talk to anyone, just tell me the fee",
            "مش عايز اكلم حد، بس قولي المواعيد",
        ],
    );
}
