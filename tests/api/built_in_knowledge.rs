//! What the engine knows of how citizens write, whatever the agency: on the
//! second agency's base (`tests/fixtures/kb-sample-c`, no lexicon) and on
//! the shipped base with its lexicon switched off. Each defect found in a
//! review has its own test here.

use khidma::conversation::{Action, Conversation, ConversationId};
use khidma::dialogue::{self, Incoming};
use khidma::i18n::Localizer;
use khidma::kb::{KnowledgeBase, RetrievalOptions};

use crate::helpers::repo_path;

fn load(dir: &str, lexicon: bool) -> (KnowledgeBase, Localizer) {
    let options = RetrievalOptions {
        lexicon,
        ..RetrievalOptions::ALL
    };
    let kb = KnowledgeBase::load(&repo_path(dir), options).expect("the base loads");
    let localizer = Localizer::load(&repo_path("locales")).expect("the shipped locales load");
    (kb, localizer)
}

/// The second agency: no lexicon at all.
pub(crate) fn agency_c() -> (KnowledgeBase, Localizer) {
    load("tests/fixtures/kb-sample-c", true)
}

/// The shipped base as a new agency would have it: no lexicon.
fn shipped_without_lexicon() -> (KnowledgeBase, Localizer) {
    load("knowledge_base", false)
}

pub(crate) fn shipped() -> (KnowledgeBase, Localizer) {
    load("knowledge_base", true)
}

pub(crate) fn reply(kb: &KnowledgeBase, localizer: &Localizer, text: &str) -> dialogue::Reply {
    let mut conversation = Conversation::new(ConversationId::new("test", "knowledge").unwrap());
    let incoming = Incoming {
        text: text.to_owned(),
        ..Incoming::default()
    };
    dialogue::respond(&incoming, &mut conversation, kb, localizer)
}

pub(crate) fn outcome(reply: &dialogue::Reply) -> String {
    format!(
        "{:?} {:?}",
        reply.action,
        reply.entry_id.as_ref().map(ToString::to_string)
    )
}

/// Every message escalates urgently, to `entry` when one is named.
fn assert_urgent(kb: &KnowledgeBase, localizer: &Localizer, cases: &[(&str, Option<&str>)]) {
    let mut wrong = Vec::new();
    for (text, entry) in cases {
        let reply = reply(kb, localizer, text);
        let got = reply.entry_id.as_ref().map(ToString::to_string);
        let right_entry = entry.is_none_or(|entry| got.as_deref() == Some(entry));
        if reply.action != Action::Escalate || !right_entry {
            wrong.push(format!(
                "{text:?}: expected urgent {entry:?}, got {}",
                outcome(&reply)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn assert_not_escalated(kb: &KnowledgeBase, localizer: &Localizer, cases: &[&str]) {
    let escalated: Vec<String> = cases
        .iter()
        .map(|text| (text, reply(kb, localizer, text)))
        .filter(|(_, reply)| reply.action == Action::Escalate)
        .map(|(text, reply)| format!("{text:?}: {}", outcome(&reply)))
        .collect();
    assert!(escalated.is_empty(), "escalated:\n{}", escalated.join("\n"));
}

#[test]
fn danger_to_life_escalates_to_the_best_fitting_urgent_entry() {
    let (kb, localizer) = agency_c();
    assert_urgent(
        &kb,
        &localizer,
        &[
            (
                "my son fell into the pool and he is not breathing",
                Some("drowning-emergency"),
            ),
            (
                "الحقونا في دخان كثيف طالع من شقة الجيران",
                Some("fire-report"),
            ),
            (
                "بنتي الصغيرة ضاعت في المول من ساعة ومو لاقينها",
                Some("missing-person"),
            ),
            (
                "the ground in front of our house just caved in",
                Some("sinkhole-danger"),
            ),
            (
                "there's a strong chemical smell and people are coughing",
                Some("chemical-spill"),
            ),
        ],
    );
}

#[test]
fn an_emergency_no_entry_covers_still_escalates_with_life_first() {
    // The second agency has no medical entry: the citizen is still handed
    // to a person at once, and told to call the emergency number.
    let (kb, localizer) = agency_c();
    for text in [
        "my husband is clutching his chest and can't speak",
        "ابوي طاح وما يتنفس",
    ] {
        let reply = reply(&kb, &localizer, text);
        assert_eq!(
            reply.action,
            Action::Escalate,
            "{text:?}: {}",
            outcome(&reply)
        );
        let said: String = reply.messages.iter().map(|m| m.text.as_str()).collect();
        assert!(said.contains("112"), "{text:?}: {said}");
    }
}

#[test]
fn emergencies_escalate_on_a_base_without_a_lexicon() {
    let (kb, localizer) = shipped_without_lexicon();
    assert_urgent(
        &kb,
        &localizer,
        &[
            ("the water is up to the car doors in our street", None),
            ("my dad is stuck between floors in the lift", None),
            ("الكهربا مقطوعة عندنا من الصبح", Some("electricity-outage")),
            ("ما في مي بالبيت من امبارح", Some("water-outage")),
            ("ريحة غاز قوية بالمطبخ", Some("gas-leak")),
        ],
    );
}

#[test]
fn a_paid_bill_does_not_veto_a_real_outage() {
    let (kb, localizer) = shipped();
    assert_urgent(
        &kb,
        &localizer,
        &[(
            "الكهربا فصلت علينا من ساعتين والفاتورة مسددة",
            Some("electricity-outage"),
        )],
    );
}

#[test]
fn the_definite_article_does_not_change_an_urgent_verdict() {
    let (kb, localizer) = shipped();
    let with = reply(&kb, &localizer, "البالوعة مسدودة");
    let without = reply(&kb, &localizer, "بالوعة مسدودة");
    assert_eq!(outcome(&with), outcome(&without));
}

#[test]
fn a_gulf_not_is_never_water() {
    let (kb, localizer) = shipped();
    assert_not_escalated(
        &kb,
        &localizer,
        &["مو واضح", "الموقع مو شغال", "مو هذا اللي سألت عنه"],
    );
}

#[test]
fn living_somewhere_is_not_asking_for_live_chat() {
    for (kb, localizer) in [shipped(), agency_c()] {
        assert_not_escalated(
            &kb,
            &localizer,
            &["I live in Al Rawda", "we live near the corniche"],
        );
    }
}

#[test]
fn negated_hypothetical_and_routine_wording_is_not_urgent() {
    for (kb, localizer) in [shipped(), agency_c()] {
        assert_not_escalated(
            &kb,
            &localizer,
            &[
                "what should I do if there is a fire in the building?",
                "nobody is stuck, the lift is just out of service",
                "my electricity bill doubled this month",
                "the street light is flickering",
                "لو صار حريق وش اسوي؟",
            ],
        );
    }
}

#[test]
fn a_request_for_a_person_escalates_with_or_without_an_agent_entry() {
    for (kb, localizer) in [shipped_without_lexicon(), agency_c()] {
        for text in [
            "can I talk to a real person please",
            "ابي اكلم موظف",
            "عايز اكلم حد من خدمة العملاء",
        ] {
            let reply = reply(&kb, &localizer, text);
            assert_eq!(
                reply.action,
                Action::Escalate,
                "{text:?}: {}",
                outcome(&reply)
            );
        }
    }
}

#[test]
fn the_rejected_side_of_a_contrast_does_not_vote() {
    let (kb, localizer) = shipped();
    let reply = reply(
        &kb,
        &localizer,
        "my passport isn't lost, it just expired, how do I renew it?",
    );
    assert_eq!(outcome(&reply), "Answer Some(\"passport-renewal\")");
}

#[test]
fn words_two_entries_share_ask_which_one_and_naming_it_answers() {
    for (kb, localizer) in [shipped(), shipped_without_lexicon()] {
        // "زادت هالشهر" is in one water-bill question, but no entry is
        // named by it: it does not make the bill a water bill. Nor do words
        // only one bill's questions use make the other bill too unlike the
        // message to offer ("المبلغ كبير").
        for text in [
            "I'd like to settle a bill",
            "ابي اسدد فاتورة",
            "ليش الفاتورة زادت هالشهر؟",
            "عندي مشكلة في الفاتورة، المبلغ كبير",
        ] {
            let reply = reply(&kb, &localizer, text);
            let candidates: Vec<String> =
                reply.candidates.iter().map(ToString::to_string).collect();
            assert_eq!(reply.action, Action::Clarify, "{text}: {}", outcome(&reply));
            assert!(
                candidates.contains(&"water-bill".to_owned())
                    && candidates.contains(&"electricity-bill".to_owned()),
                "{text}: {candidates:?}"
            );
        }
        for (text, entry) in [
            ("I'd like to settle my electricity bill", "electricity-bill"),
            ("ابي اسدد فاتورة الموية", "water-bill"),
        ] {
            let reply = reply(&kb, &localizer, text);
            assert_eq!(outcome(&reply), format!("Answer Some({entry:?})"), "{text}");
        }
    }
}

#[test]
fn a_word_of_the_same_root_as_the_first_entry_s_keyword_tells_it_apart() {
    let (kb, localizer) = agency_c();
    for (text, entry, why) in [
        // Both entries are named by "the civil defence"; only one has the
        // licensing keyword (ترخيص), of which the citizen's رخصة is a form.
        (
            "ناوي افتح مطعم، الدفاع المدني شو يطلب مني للرخصة؟",
            "fire-safety-certificate",
            "a root settles a doubt",
        ),
        // A root is a guess (مبلغ, an amount, and بلاغ, a report, share
        // one): it may settle a doubt for the entry ranked first, never
        // raise one.
        (
            "اتخصم مني المبلغ والطلب ما اتعملش",
            "payment-refund",
            "a root raises no doubt",
        ),
    ] {
        let reply = reply(&kb, &localizer, text);
        assert_eq!(
            outcome(&reply),
            format!("Answer Some({entry:?})"),
            "{why}: {text}"
        );
    }
}

#[test]
fn a_question_of_one_dialect_word_is_answered() {
    let (kb, localizer) = shipped();
    let reply = reply(&kb, &localizer, "مخالفاتي كم؟");
    assert_eq!(reply.action, Action::Answer, "{}", outcome(&reply));
}

#[test]
fn maghrebi_french_loanwords_reach_the_editors_wording() {
    let (kb, localizer) = agency_c();
    for (text, entry) in [
        ("kayn bzaf dyal zbel f lplage", "beach-cleanliness"),
        ("fin kayn lcimetiere dyal lmdina?", "cemetery-location"),
        ("bghit autorisation dyal lpeche", "fishing-license"),
    ] {
        let reply = reply(&kb, &localizer, text);
        assert_eq!(outcome(&reply), format!("Answer Some({entry:?})"), "{text}");
    }
}

#[test]
fn general_synonyms_reach_the_editors_wording() {
    let (kb, localizer) = agency_c();
    // "erase" is none of the entry's words; without the thesaurus this
    // falls back.
    let reply = reply(&kb, &localizer, "how do I erase my profile");
    assert_eq!(outcome(&reply), "Answer Some(\"account-deletion\")");
}

#[test]
fn frustration_brings_in_a_person_on_a_base_without_a_lexicon() {
    for (kb, localizer) in [agency_c(), shipped_without_lexicon()] {
        for text in ["this bot is useless", "ما في فايدة منك", "يا غبي"] {
            let reply = reply(&kb, &localizer, text);
            assert_eq!(reply.action, Action::Escalate, "{text}");
        }
    }
}

#[test]
fn every_reply_carries_the_citizens_feeling_when_they_showed_one() {
    let (kb, localizer) = agency_c();
    let thanks = reply(&kb, &localizer, "شكرا جزيلا");
    assert!(
        thanks.sentiment.is_some_and(|score| score > 0.0),
        "{thanks:?}"
    );
    let angry = reply(&kb, &localizer, "صار لي اسبوع وما احد يرد 😡");
    assert!(
        angry.sentiment.is_some_and(|score| score < 0.0),
        "{angry:?}"
    );
    let question = reply(&kb, &localizer, "how do I renew my passport?");
    assert_eq!(question.sentiment, None);
}
