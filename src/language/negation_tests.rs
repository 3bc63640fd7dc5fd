//! Tests of the negation reader: what a citizen rejects goes, what they
//! report stays.

use super::without_rejected;

fn kept(text: &str) -> String {
    without_rejected(text).into_owned()
}

fn unchanged(text: &str) -> bool {
    matches!(without_rejected(text), std::borrow::Cow::Borrowed(_))
}

#[test]
fn a_message_without_negation_is_borrowed_unchanged() {
    assert!(unchanged("ابي اجدد رخصة القيادة"));
    assert!(unchanged("how do I renew my licence?"));
    assert!(unchanged(""));
}

#[test]
fn a_negated_clause_alone_keeps_its_words() {
    for text in [
        "مو واضح",
        "الموقع مو شغال",
        "مش عايز اجدد الرخصة",
        "I don't want the newsletter",
        "not sure which form",
    ] {
        assert!(unchanged(text), "{text}");
    }
}

#[test]
fn a_rejected_wish_goes_when_another_clause_says_what_is_wanted() {
    assert_eq!(
        kept("مش عايز اجدد الرخصة، عايز بدل تالف"),
        "، عايز بدل تالف"
    );
    assert_eq!(kept("ما بدي موعد جديد بدي الغي القديم"), "بدي الغي القديم");
    assert_eq!(
        kept("ما ابغى اسجل بالبرنامج، بس ابي اعرف الشروط"),
        "، بس ابي اعرف الشروط"
    );
    assert_eq!(
        kept("I don't want a new card, I need the old one unblocked"),
        "I , I need the old one unblocked"
    );
    assert_eq!(
        kept("I'm not asking about the fee - when does the office open?"),
        "I'm - when does the office open?"
    );
}

#[test]
fn a_wish_negated_in_one_word_goes_too() {
    assert_eq!(kept("مابغيتش الكارطة، بغيت الباسبور"), "، بغيت الباسبور");
    assert_eq!(kept("مابدي تصريح، بدي شهادة"), "، بدي شهادة");
}

#[test]
fn a_denied_claim_goes_when_the_real_request_follows() {
    assert_eq!(kept("not lost, I want to renew it"), ", I want to renew it");
    assert_eq!(
        kept("الجواز مش ضايع، بدي اجدده بس"),
        "الجواز ، بدي اجدده بس"
    );
    assert_eq!(kept("مو تصريح بناء، ابي رخصة محل"), "، ابي رخصة محل");
    assert_eq!(
        kept("the dogs aren't aggressive, they just sleep by the school gate"),
        "the dogs , they just sleep by the school gate"
    );
}

#[test]
fn a_rejected_alternative_with_a_final_no_goes() {
    assert_eq!(kept("الرخصة لا، الاستمارة"), "، الاستمارة");
    assert_eq!(kept("renewal no, replacement"), ", replacement");
}

#[test]
fn a_yes_or_no_question_is_not_a_rejection() {
    assert!(unchanged("احتاج موافقة من البلدية ولا لا؟"));
    assert!(unchanged("do I need a permit for a tent or not"));
}

#[test]
fn a_dismissed_emergency_goes() {
    assert_eq!(
        kept("مش حريق ولا حاجة، بس ريحة دخان خفيفة من المطبخ"),
        "، بس ريحة دخان خفيفة من المطبخ"
    );
    assert_eq!(
        kept("nobody is hurt, the wall hasn't fallen or anything, just a crack"),
        "nobody is hurt, the wall , just a crack"
    );
}

#[test]
fn the_absence_of_a_service_is_the_problem_and_stays() {
    for text in [
        "ما في مي من الصبح",
        "مافي كهربا بالحارة كلها",
        "ماكو ماء، والجيران نفس الشي",
        "مفيش نور من امبارح",
        "no water since morning",
        "الفاتورة مدفوعة بس ما في كهربا",
        "ما في مي بس الفاتورة مدفوعة",
        "there is no gas, the bill is paid",
    ] {
        assert!(unchanged(text), "{text}");
    }
}

#[test]
fn a_reported_fault_under_negation_stays() {
    for text in [
        "ما وصلت المي للطابق الثاني، والخزان مليان",
        "the lift is not working, the building manager knows",
        "الكهربا مو شغالة، والفاتورة مدفوعة",
        "he is not moving, please send someone",
        "ما استلمت البطاقة، دفعت الرسوم من شهر",
    ] {
        assert!(unchanged(text), "{text}");
    }
}

#[test]
fn an_absence_that_is_not_a_service_goes_only_before_a_contrast() {
    assert_eq!(
        kept("no appointment needed today but the certificate copy"),
        "but the certificate copy"
    );
    assert!(unchanged("ما عندي جواز، كيف اسافر"));
}

#[test]
fn no_problem_with_something_is_a_denial() {
    assert_eq!(
        kept("ماعندي حتى مشكل فالخلاص، بغيت نمسح الحساب ديالي"),
        "، بغيت نمسح الحساب ديالي"
    );
    assert_eq!(
        kept("no problem with the water, I want to ask about the bill"),
        ", I want to ask about the bill"
    );
}

#[test]
fn ma_as_what_is_not_a_negator() {
    assert!(unchanged("ما هي شروط الترخيص؟ وكم مدة الاجراء"));
    assert!(unchanged("ما المطلوب لتجديد الجواز، والرسوم كم"));
    assert!(unchanged("بعد ما دفعت، وين الايصال"));
}

#[test]
fn only_the_negated_scope_goes() {
    assert_eq!(kept("ابي اجدد الاستمارة مو الرخصة"), "ابي اجدد الاستمارة");
}
