//! Each hazard: reports in both languages and several dialects, and
//! messages that only mention it (denied, supposed, routine).

use super::{calm, danger};
use crate::language::urgency::Hazard;

#[test]
fn not_breathing() {
    danger(
        Hazard::NotBreathing,
        &[
            "my grandfather is not breathing please send help",
            "the baby stopped breathing!!",
            "ابوي ما يتنفس الحقونا",
            "الولد مش بيتنفس خالص",
            "بنتي ما عم تتنفس وشفافها زرق",
            "he's choking on a piece of meat and can't breathe",
            "ibni ma byetnaffas",
        ],
    );
    calm(&[
        "he is breathing normally now, how do I book a follow-up?",
        "what should I do if someone is not breathing?",
        "breathing exercises course for asthma patients, is it free?",
    ]);
}

#[test]
fn unconscious() {
    danger(
        Hazard::Unconscious,
        &[
            "my mum fainted in the kitchen and won't wake up",
            "a man passed out at the bus stop",
            "جدتي اغمي عليها وما ترد علينا",
            "ابويا مغمى عليه من ربع ساعة",
            "someone collapsed in the mall and is unconscious",
            "ولدي جاته تشنجات وهو مو حاسس بشي",
        ],
    );
    calm(&[
        "I felt faint yesterday at the clinic, can I get a sick note?",
        "my dad changed his phone number, how do I update his account?",
        "in case someone faints in the office, what is the first aid?",
    ]);
}

#[test]
fn chest_pain() {
    danger(
        Hazard::ChestPain,
        &[
            "my husband is clutching his chest and sweating",
            "I think my father is having a heart attack",
            "زوجي ماسك صدره ويعرق",
            "امي عندها الم شديد في صدرها",
            "جوزي قلبه بيوجعه جامد ومش قادر يتكلم",
            "3ando jalta",
        ],
    );
    calm(&[
        "I need an appointment for a chest x-ray",
        "how do I prevent a heart attack?",
        "can I book a heart check-up at the health centre",
    ]);
}

#[test]
fn bleeding() {
    danger(
        Hazard::Bleeding,
        &[
            "my son cut his hand and it won't stop bleeding",
            "there is blood everywhere, he fell on the glass",
            "ايده تنزف وما وقف الدم",
            "عنده نزيف من راسه",
            "الدم بيشر من رجله",
        ],
    );
    calm(&[
        "where can I donate blood this week?",
        "I need my blood test results",
        "تحليل الدم متى تطلع نتيجته",
    ]);
}

#[test]
fn fire() {
    danger(
        Hazard::Fire,
        &[
            "there's a fire in the building next to us",
            "our kitchen caught fire",
            "flames coming out of a car in the parking lot",
            "فيه حريق بالعمارة اللي جنبنا",
            "الشقة اللي فوقنا بتولع والدخان مالي السلم",
            "المطبخ ولع وما نقدر نطفيه",
            "النار ماسكة بالمحل تحت بيتنا",
            "شعلات العافية فالدار ديال الجيران",
            "7ari2 bel binaya",
            "thick smoke coming from the roof of the school",
        ],
    );
    calm(&[
        "what should I do if there is a fire?",
        "لو صار حريق وش اسوي",
        "I want a fire safety certificate for my shop",
        "fire extinguisher inspection for my restaurant",
        "مش حريق، بس ريحة اكل محروق من الجيران",
        "how do I get the fire brigade to inspect my factory",
        "I got fired and need unemployment support",
        "الجو نار اليوم",
    ]);
}

#[test]
fn drowning() {
    danger(
        Hazard::Drowning,
        &[
            "a kid is drowning at the north beach",
            "my son went under the water at the pool and hasn't come up",
            "ولدي يغرق في البحر الحقونا",
            "البنت وقعت في المسبح ومش باينة",
            "واحد كيغرق فالبحر",
            "my friend was swimming and now I can't see him",
        ],
    );
    calm(&[
        "how to prevent drowning at the beach",
        "I'm drowning in paperwork, can you help with the forms",
        "swimming lessons registration for kids",
        "is it safe to swim today or is there a warning",
    ]);
}

#[test]
fn trapped() {
    danger(
        Hazard::Trapped,
        &[
            "my dad is stuck between floors",
            "people are trapped in the elevator",
            "ابوي عالق في المصعد من نص ساعة",
            "الاسانسير وقف بين دورين وفيه ناس جوا",
            "ولدي انحبس في الحمام والباب ما ينفتح",
            "a worker is trapped under the rubble",
            "mama 3al2a bel asansir",
        ],
    );
    calm(&[
        "nobody is stuck, the lift is just out of service",
        "محد عالق، بس المصعد خربان",
        "I'm stuck on the payment page",
        "stuck in traffic, will I be late for my appointment",
    ]);
}

#[test]
fn missing() {
    danger(
        Hazard::Missing,
        &[
            "my 5 year old son is missing, we lost him in the market",
            "my grandfather with dementia wandered off and we can't find him",
            "بنتي ضايعة في المول من ساعة",
            "ابني طلع من البيت الصبح وما رجع لحد الحين",
            "جدي مفقود من امس",
            "ولدي تاه بالسوق ومش لاقيينه",
            "binti day3a",
        ],
    );
    calm(&[
        "my son lost his school card",
        "I lost my passport at the airport",
        "ابني ضيع جوازه بالرحلة",
        "I miss my mom, she is travelling",
        "my daughter is missing school because of the fever, I need a letter",
    ]);
}

#[test]
fn flood() {
    danger(
        Hazard::Flood,
        &[
            "the water is up to the car doors",
            "our street is flooded and water is coming into the houses",
            "الماي داخل البيوت والشارع غرقان",
            "المية وصلت للركبة في الشارع",
            "السيول دخلت الحي",
            "a pipe burst in the bathroom and water is everywhere",
            "الماسورة انفجرت والمية مغرقة الشقة",
            "water is leaking through the ceiling from upstairs",
        ],
    );
    calm(&[
        "is the coast road open after last week's floods?",
        "how can I protect my house from flooding",
        "my water bill is higher than usual",
        "I want a new water connection",
    ]);
}

#[test]
fn collapse() {
    danger(
        Hazard::Collapse,
        &[
            "a wall collapsed onto the pavement",
            "the ceiling of our flat fell down",
            "the balcony above us is cracking and leaning",
            "البلكونة طاحت على الشارع",
            "سقف البيت انهار",
            "الارض انخسفت قدام المدرسة",
            "there's a sinkhole in the middle of the road",
            // Said of a pronoun that takes the subject up again.
            "there's a hole in our street, it keeps getting bigger",
            "فيه حفرة قدام البيت من الصبح، وهي تكبر كل شوي",
        ],
    );
    calm(&[
        "there's a pothole on our road, it keeps getting bigger",
        "a hole was dug for the new pipes. the road works ended. now it is growing",
        "I need a demolition permit for the old wall",
        "not an emergency, the road hasn't collapsed, just a pothole",
        "امي وقعت في البيت امس، الحمد لله بخير، ابي موعد",
        "نزلت من البيت الصبح ولقيت الشارع زحمة",
    ]);
}

#[test]
fn live_wire() {
    danger(
        Hazard::LiveWire,
        &[
            "a live wire is hanging over the street",
            "the power line is down near the school",
            "my son got an electric shock from a socket",
            "سلك كهربا مقطوع ونازل عالأرض",
            "فيه اسلاك مكشوفة بالشارع وتشرر",
            "عمود الكهربا طاح على السيارة",
        ],
    );
    calm(&[
        "how do I apply to move an electricity pole from my plot",
        "my phone charger cable is broken",
    ]);
}

#[test]
fn gas_leak() {
    danger(
        Hazard::GasLeak,
        &[
            "strong smell of gas in the corridor",
            "I can hear the gas cylinder hissing",
            "ريحة الغاز مالية البيت",
            "الانبوبة بتسرب غاز",
            "فيه تسرب غاز بالمطبخ",
            "ri7et gaz bel beit",
        ],
    );
    calm(&[
        "how much is a gas cylinder refill?",
        "where is the nearest gas station",
        "سعر جرة الغاز كم",
    ]);
}

#[test]
fn chemical() {
    danger(
        Hazard::Chemical,
        &[
            "chemicals spilled in the warehouse and people are coughing",
            "a truck carrying acid overturned on the road",
            "my toddler swallowed bleach",
            "انسكبت مواد كيماوية بالمصنع والعمال دايخين",
            "ابني شرب كلور",
            "فيه ريحة كلور قوية وعيوننا تحرقنا",
            // ريحته is ريحة with "its": a feminine ة is written ت before
            // a pronoun.
            "في برميل بالشارع وريحته كيماوية",
        ],
    );
    calm(&[
        "how do I get a licence to sell pesticides",
        "where do I dispose of old paint and chemicals safely?",
    ]);
}

#[test]
fn stranded() {
    danger(
        Hazard::Stranded,
        &[
            "we are lost in the desert and our car is stuck in the sand",
            "our boat engine died and we are drifting at sea",
            "احنا عالقين في الصحرا والسيارة غرزت",
            "تهنا في البر وما نعرف وين احنا",
        ],
    );
    calm(&[
        "do we need a permit to camp in the desert?",
        "what are the rules for driving quads on the dunes",
    ]);
}

#[test]
fn injury() {
    danger(
        Hazard::Injury,
        &[
            "a boy was hit by a car outside the school",
            "my dad fell from the ladder and can't move his legs",
            "ابني طاح من السطح",
            "حادث على الطريق وفيه مصابين",
            "رجله انكسرت وما يقدر يمشي",
        ],
    );
    calm(&[
        "someone hit my car from behind, no injuries, how do I report it for insurance",
        "صدمني واحد من ورا ولا فيه اصابات",
    ]);
}

#[test]
fn violence() {
    danger(
        Hazard::Violence,
        &[
            "someone is breaking into our house right now",
            "my husband is beating me, please help",
            "a man stabbed my brother outside the shop",
            "في حرامي في البيت وانا مستخبية",
            "جوزي بيضربني وعايز يقتلني",
            "فيه هوشة واحد طلع سكين وطعن واحد",
        ],
    );
    calm(&[
        "how do I report a theft that happened last month?",
        "my car was stolen last week, is there any update",
        "I saw a violent movie with my kids",
    ]);
}

#[test]
fn medical() {
    danger(
        Hazard::Medical,
        &[
            "we need an ambulance at the school",
            "my wife is in labour and the car won't start",
            "I think my dad is having a stroke, his face is drooping",
            "ابي اسعاف بسرعة الحين",
            "ارسلوا اسعاف ابوي تعبان مرة",
            "بنتي عندها حساسية شديدة ووجهها انتفخ",
        ],
    );
    calm(&[
        "how much are the ambulance service fees?",
        "I need an ambulance report for my insurance claim",
        "what is the number for the ambulance",
    ]);
}
