use proptest::prelude::*;

use super::*;

fn score(text: &str) -> Option<f32> {
    read(text).map(|reading| reading.score)
}

/// Every message reads strictly on the given side of neutral.
fn expect(positive: bool, messages: &[&str]) {
    let wrong: Vec<String> = messages
        .iter()
        .filter(|text| match score(text) {
            Some(score) if positive => score <= 0.0,
            Some(score) => score >= 0.0,
            None => true,
        })
        .map(|text| format!("{text}: {:?}", read(text)))
        .collect();
    let side = if positive { "positive" } else { "negative" };
    assert!(
        wrong.is_empty(),
        "expected {side} for:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn plain_questions_carry_no_reading() {
    for text in [
        "كيف اجدد جواز السفر؟",
        "ابي اجدد جوازي",
        "how do I renew my passport?",
        "وين اقرب مركز خدمة",
        "عايز اعرف مواعيد الشغل",
        "شو لازم اعمل لتجديد الاقامة",
        "شنو اوراق الهوية",
        "كيفاش نخلص الفاتورة",
        "kif ajaded el jawaz",
        "good morning",
        "صباح الخير",
        "bye",
        "مع السلامة",
        "no thanks",
        "what kind of documents do I need?",
        "",
        "!!!",
    ] {
        assert_eq!(read(text), None, "{text}");
    }
}

#[test]
fn thanks_and_praise_read_positive_in_every_dialect() {
    expect(
        true,
        &[
            // MSA
            "شكرا جزيلا",
            "الخدمة ممتازة",
            "أشكركم، كانت الإجابة مفيدة جدا",
            // Gulf
            "تسلم، ما قصرت",
            "زين والله، مشكور",
            "كفو",
            // Egyptian
            "متشكر جدا، كده كويس",
            "الخدمة جامدة",
            "انا مبسوط",
            // Levantine
            "يسلمو كتير",
            "منيح كتير",
            // Iraqi
            "كلش زين، شكرا",
            // Maghrebi
            "شكرا بزاف، مزيان",
            "باهي برشا",
            // Arabizi
            "shukran ktir",
            "mumtaz",
            "7elw kteer",
            // English
            "thanks a lot",
            "thank you, that was very helpful",
            "great service",
            "perfect 👍",
            "🙏❤️",
        ],
    );
}

#[test]
fn complaints_and_anger_read_negative_in_every_dialect() {
    expect(
        false,
        &[
            // MSA
            "الخدمة سيئة جدا",
            "لا يرد احد منذ اسبوع",
            // Gulf
            "صار لي اسبوع انتظر",
            "ما احد يرد علي",
            "خايس",
            // Egyptian
            "الخدمة وحشة",
            "بقالي شهر مستني",
            "محدش بيرد",
            // Levantine
            "صرلي يومين ناطر وما حدا عم يرد",
            "بشعة الخدمة",
            // Iraqi
            "ماكو رد",
            "ضايج",
            // Maghrebi
            "خايب بزاف",
            "ماشي مزيان",
            // Arabizi
            "wa7esh",
            "ma7ad yrd",
            // English
            "waiting for days",
            "still waiting",
            "nobody answers",
            "terrible service",
            "😡",
            "😞",
        ],
    );
}

#[test]
fn negation_turns_the_reading() {
    expect(
        false,
        &[
            "مو زين",
            "ما عجبني",
            "ما عجبنيش",
            "مش كويس",
            "مش منيح",
            "not helpful",
            "this is not good",
            "the answer wasn't clear and not helpful",
        ],
    );
    expect(true, &["مش وحش", "not bad", "مو سيء"]);
    // A denied bad word is faint praise, weaker than plain praise.
    assert!(score("not bad").unwrap() < score("good").unwrap());
}

#[test]
fn intensifiers_and_exclamations_strengthen_the_reading() {
    let plain = score("شكرا").unwrap();
    assert!(score("شكرا جزيلا").unwrap() > plain);
    assert!(score("thanks a lot").unwrap() > score("thanks").unwrap());
    assert!(score("very bad").unwrap() < score("bad").unwrap());
    assert!(score("سيء جدا").unwrap() < score("سيء").unwrap());
    assert!(score("bad!!!").unwrap() < score("bad").unwrap());
    assert!(score("حلو كتير").unwrap() > score("حلو").unwrap());
}

#[test]
fn mixed_messages_weigh_both_sides() {
    let mixed = score("شكرا بس الخدمة سيئة").unwrap();
    assert!(mixed < score("شكرا").unwrap());
    assert!(mixed > score("الخدمة سيئة").unwrap());
}

#[test]
fn frustration_is_told_apart_from_plain_displeasure() {
    let frustrated = [
        "useless",
        "this bot is useless!!",
        "waste of time",
        "you don't understand me",
        "ما فهمتني",
        "ما في فايدة",
        "مافي فايدة منك",
        "يا غبي",
        "زهقت",
        "طفشت منكم",
        "حرام عليكم",
        "mafi fayde",
        "fed up with this",
    ];
    let not_frustrated = [
        "الخدمة سيئة",
        "😡",
        "waiting for days",
        "not useless after all",
        "if this is useless, tell me",
        "stupid question, but how do I renew my licence?",
        "شكرا",
    ];
    assert_frustration(&frustrated, &not_frustrated);
}

/// Each of `frustrated` reads as strong, frustrated displeasure; none of
/// `not_frustrated` reads as frustration at all.
fn assert_frustration(frustrated: &[&str], not_frustrated: &[&str]) {
    for text in frustrated {
        let reading = read(text).unwrap_or_else(|| panic!("no reading: {text}"));
        assert!(reading.frustrated, "{text}");
        assert!(reading.score < -0.5, "{text}: {reading:?}");
    }
    for text in not_frustrated {
        assert!(!read(text).is_some_and(|r| r.frustrated), "{text}");
    }
}

#[test]
fn telling_the_bot_it_has_no_answer_is_frustration() {
    let frustrated = [
        "طيب ما عندكم حل؟",
        "يعني انت ما تعرف شي",
        "معندكش اجابة خالص",
        "ما جاوبتني على سؤالي",
        "ما استفدت منك شي",
        "so you can't help me?",
        "you didn't answer my question",
        "this is not helping",
        "ma3ndk 7al?",
        // Spellings the cue reader absorbs: the ما...ش circumfix, the
        // article, a longer sentence around a listed phrase.
        "ما عندكش جواب",
        "ما عندكش الجواب",
        "ما عندكش اجابة",
        "ما عندكش حل",
        "ما جاوبتني على سؤالي",
        "it is not helping",
    ];
    let not_frustrated = [
        "ما عندي حل غير اني اجدد",
        "ما عندي رد من الوزارة",
        "how do I answer the survey?",
        "can you help me renew my licence?",
        "ما تعرف وين مكتب الجوازات؟",
    ];
    assert_frustration(&frustrated, &not_frustrated);
}

#[test]
fn a_condition_or_a_topic_word_is_not_a_feeling() {
    for text in [
        "what if the answer is bad?",
        "لو كانت الخدمة سيئة وين اشتكي",
        "professional license renewal",
        "quick question about fees",
    ] {
        assert_eq!(read(text), None, "{text}");
    }
}

proptest! {
    #[test]
    fn any_text_reads_without_panic_and_in_range(text in "\\PC{0,200}") {
        if let Some(reading) = read(&text) {
            prop_assert!((-1.0..=1.0).contains(&reading.score));
            prop_assert!(reading.score.is_finite());
        }
    }

    #[test]
    fn mixtures_of_cues_stay_in_range(words in proptest::collection::vec(
        proptest::sample::select(vec![
            "شكرا", "جدا", "مو", "زين", "سيء", "!!!", "😡", "👍", "not", "bad", "useless",
            "very", "ما", "عجبني", "صار لي", "اسبوع", "thanks", "a lot", "،", "لو",
        ]),
        0..40,
    )) {
        let text = words.join(" ");
        if let Some(reading) = read(&text) {
            prop_assert!((-1.0..=1.0).contains(&reading.score), "{text}");
        }
    }
}
