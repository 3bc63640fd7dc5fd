use super::*;

/// Every message must get `expected`; the failures are listed together.
pub(super) fn expect(expected: Option<Alarm>, messages: &[&str]) {
    let wrong: Vec<String> = messages
        .iter()
        .filter_map(|m| {
            let got = alarm(m);
            (got != expected).then(|| format!("{m:?} -> {got:?}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "expected {expected:?}:\n{}",
        wrong.join("\n")
    );
}

pub(super) fn danger(hazard: Hazard, messages: &[&str]) {
    expect(Some(Alarm::Danger(hazard)), messages);
}

pub(super) fn outage(service: Service, messages: &[&str]) {
    expect(Some(Alarm::Outage(service)), messages);
}

pub(super) fn calm(messages: &[&str]) {
    expect(None, messages);
}

#[path = "urgency_danger_tests.rs"]
mod danger;

#[test]
fn water() {
    outage(
        Service::Water,
        &[
            "no water since the morning",
            "the taps are dry",
            "الماء مقطوع عندنا من امس",
            "مافي مي بالبيت",
            "المية قاطعة من الصبح",
            "ماكو ماي من يومين",
            "ما كاين الما فالدار",
            "الموية ما جات اليوم",
            "mafi mayy",
            "the water has been off all day",
        ],
    );
    calm(&[
        "my water bill doubled",
        "I want a new water connection for my villa",
        "the water is fine, I just have a question about the bill",
    ]);
}

#[test]
fn power() {
    outage(
        Service::Power,
        &[
            "power cut in our area since 3pm",
            "we have no electricity",
            "الكهربا طافية",
            "الكهرباء مقطوعة من ساعتين",
            "الكهربا فاصلة عندنا",
            "ما في كهربا بالحارة",
            "النور قاطع",
            "الضو مقطوع من الصباح",
            "the lights went out in the whole building",
            "el kahraba ma2tou3a",
        ],
    );
    calm(&[
        "الكهربا مو مقطوعة، بس ابي اعرف الفاتورة",
        "my bill doubled",
        "الفاتورة غالية",
        "the street light is flickering",
        "the traffic lights are off at the junction",
        "how do I transfer the electricity account to my name",
    ]);
}

#[test]
fn internet() {
    outage(
        Service::Internet,
        &[
            "the internet is down",
            "no internet since yesterday",
            "wifi not working at all",
            "النت مقطوع من امس",
            "الانترنت فاصل عندنا",
            "النت مش شغال خالص",
            "ما في نت بالبيت",
        ],
    );
    calm(&[
        "how much is the fibre upgrade package",
        "الموقع مو شغال",
        "I want to change my internet subscription",
    ]);
}

#[test]
fn gas() {
    outage(
        Service::Gas,
        &[
            "the gas supply is cut in our building",
            "الغاز مقطوع عندنا",
            "no gas for cooking since this morning",
        ],
    );
    calm(&[
        "how much is the gas bill this month",
        "where is the nearest gas station",
    ]);
}

#[test]
fn sewage() {
    outage(
        Service::Sewage,
        &[
            "the sewer is overflowing into the street",
            "sewage is backing up into our bathroom",
            "البيارة طافحة",
            "المجاري طافحة في الشارع",
            "البالوعة مسدودة",
            "الريغار فايض والريحة ما تنطاق",
        ],
    );
    calm(&[
        "how much does it cost to connect to the sewage network?",
        "فاتورة الصرف الصحي",
    ]);
}

#[test]
fn gulf_mo_is_not_water() {
    calm(&[
        "مو واضح",
        "الموقع مو شغال",
        "مو هذا اللي سألت عنه",
        "مو هذا، ابي شي ثاني",
    ]);
}

#[test]
fn paid_bill_does_not_veto_a_power_cut() {
    outage(
        Service::Power,
        &[
            "الكهربا فصلت والفاتورة مسددة",
            "power is off even though the bill is paid",
        ],
    );
}

#[test]
fn article_and_clitics_keep_the_verdict() {
    for pair in [
        ["البالوعة مسدودة", "بالوعة مسدودة"],
        ["الكهربا مقطوعة", "وكهربا مقطوعة"],
        ["المية مقطوعة بالبيت", "والمية مقطوعة فالبيت"],
    ] {
        assert_eq!(alarm(pair[0]), alarm(pair[1]), "{pair:?}");
        assert!(alarm(pair[0]).is_some(), "{pair:?}");
    }
}

#[test]
fn an_arabic_typo_keeps_the_verdict() {
    // A letter typed twice, or one left out.
    outage(Service::Power, &["الكهربااء مقطوعة عندي"]);
    outage(Service::Water, &["المية مقطوة عندنا من امبارح"]);
    danger(Hazard::GasLeak, &["أسمع صوت تسرييب من أنبوب الغاز"]);
    // Any other letter too many makes other words: تانية (second) without
    // its ن is تايه (lost), and this son is not lost.
    calm(&["عايز انقل ابني لمدرسة تانية"]);
}

#[test]
fn maghrebi_latin_and_french_words_report_an_outage() {
    outage(
        Service::Power,
        &[
            "kayna coupure dyal trissiti f lquartier dyalna",
            "le courant est coupé chez nous depuis ce matin",
        ],
    );
    outage(Service::Water, &["lma m9tou3a 3andna mn sbah"]);
    calm(&["ma kaynach coupure, bghit ghir nbeddel compteur"]);
}

#[test]
fn issue_examples_are_urgent() {
    danger(Hazard::ChestPain, &["my husband is clutching his chest"]);
    danger(Hazard::Flood, &["the water is up to the car doors"]);
    danger(Hazard::Trapped, &["my dad is stuck between floors"]);
}

#[test]
fn negated_hypothetical_and_routine_reports_stay_calm() {
    calm(&[
        "nobody is stuck, the lift is just out of service",
        "الكهربا مو مقطوعة",
        "مش حريق",
        "what should I do if there is a fire?",
        "لو صار حريق وش اسوي",
        "how to prevent drowning",
        "my bill doubled",
        "الفاتورة غالية",
        "I want a fire safety certificate",
        "fire extinguisher inspection",
        "a new water connection",
        "the street light is flickering",
        "is there a planned power cut tomorrow in our area?",
    ]);
}

#[test]
fn every_alarm_has_topic_words() {
    for alarm in Alarm::ALL {
        assert!(!alarm.topic_words().is_empty(), "{alarm:?}");
    }
}

#[test]
fn danger_to_life_is_the_hazards() {
    assert!(Alarm::Danger(Hazard::Fire).is_danger_to_life());
    assert!(!Alarm::Outage(Service::Water).is_danger_to_life());
}

#[test]
fn judging_a_message_is_fast() {
    let message =
        "السلام عليكم، من امس الصبح ما عندنا كهربا ولا مي والعيال تعبانين من الحر، وش السالفة؟";
    alarm(message);
    let started = std::time::Instant::now();
    let rounds = 2000;
    for _ in 0..rounds {
        std::hint::black_box(alarm(std::hint::black_box(message)));
    }
    let each = started.elapsed() / rounds;
    // Debug builds run several times slower than release; the bound is for both.
    assert!(
        each < std::time::Duration::from_micros(400),
        "{each:?} per message"
    );
}
