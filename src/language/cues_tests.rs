use super::*;

const THING: Tag = FIRST_TAG;
const STATE: Tag = FIRST_TAG + 1;

fn cues(things: &[&str], states: &[&str]) -> Cues {
    let mut builder = Builder::new();
    for cue in things {
        builder.add(cue, THING);
    }
    for cue in states {
        builder.add(cue, STATE);
    }
    builder.build()
}

/// The token positions where `tag` was found.
fn found(reading: &Reading, tag: Tag) -> Vec<usize> {
    reading
        .hits()
        .iter()
        .filter(|h| h.tag == tag)
        .map(|h| h.start)
        .collect()
}

#[test]
fn arabic_clitics_and_suffixes_reach_the_listed_word() {
    let cues = cues(&["كهربا", "البر", "بالوعة"], &["تسرب", "بتسرب"]);
    for text in [
        "الكهربا",
        "والكهربا",
        "بالكهربا",
        "فالكهربا",
        "للبر",
        "البالوعة",
        "وبالوعة",
    ] {
        assert_eq!(found(&cues.read(text), THING), [0], "{text}");
    }
    // Two listed spellings of one word are one word.
    assert_eq!(found(&cues.read("الجرة بتسرب"), STATE), [1]);
    assert_eq!(found(&cues.read("الجرة تسرب"), STATE), [1]);
}

#[test]
fn prepositions_and_look_alike_letters_do_not_merge_words() {
    // بالشارع (in the street) says more than شارع.
    let street = cues(&["شارع"], &["بالشارع"]);
    assert_eq!(found(&street.read("بالشارع"), STATE), [0]);
    assert!(found(&street.read("بالشارع"), THING).is_empty());
    // A short word's first letter is no progressive prefix: بيبي is a baby.
    let cues = cues(&["بيبي", "كهرب"], &["يبي", "هرب"]);
    assert!(found(&cues.read("يبي"), THING).is_empty());
    assert!(found(&cues.read("كهرب"), STATE).is_empty());
    assert!(found(&cues.read("كهربته"), STATE).is_empty());
}

#[test]
fn tanween_alef_is_no_letter_of_the_word() {
    let cues = cues(&["دخان"], &[]);
    assert_eq!(found(&cues.read("أرى دخاناً"), THING), [1]);
}

#[test]
fn a_negation_written_into_the_word_is_read_as_one() {
    let cues = cues(&["الضو"], &["يشتغل"]);
    for text in ["مبيشتغلش الضو", "مايشتغل الضو", "ومايشتغل الضو"]
    {
        let reading = cues.read(text);
        assert_eq!(found(&reading, STATE), [1], "{text}");
        assert!(reading.negated(1), "{text}");
        assert_eq!(found(&reading, THING), [2], "{text}");
    }
}

#[test]
fn negation_reaches_a_few_words_back_but_not_across_and_or_a_clause() {
    let cues = cues(&["lift"], &["stuck"]);
    assert!(cues.read("nobody is stuck").negated(2));
    assert!(cues.read("الكهربا مو stuck").negated(2));
    assert!(!cues.read("I am not sure and he is stuck").negated(6));
    assert!(!cues.read("no, he is stuck").negated(3));
    assert!(!cues.read("he is stuck").negated(2));
    // Denying the stopping is no denial: "won't stop bleeding".
    let cues = cues_with_state("bleeding");
    assert!(!cues.read("it won't stop bleeding").negated(3));
}

fn cues_with_state(state: &str) -> Cues {
    cues(&[], &[state])
}

#[test]
fn conditionals_suppose_and_politeness_does_not() {
    let cues = cues_with_state("fire");
    assert!(cues.read("what do I do if there is a fire").conditional(8));
    assert!(cues.read("لو صار fire").conditional(2));
    assert!(!cues.read("fire, what do I do if").conditional(0));
    assert!(!cues.read("لو سمحت fire").conditional(2));
    assert!(!cues.read("if possible fire").conditional(2));
}

#[test]
fn plans_and_history_are_informational_but_durations_are_not() {
    let cues = cues_with_state("cut");
    assert!(cues.read("planned cut tomorrow").informational(1));
    assert!(cues.read("after last week's cut").informational(4));
    assert!(!cues.read("cut since last week").informational(0));
}

#[test]
fn english_matches_by_stem_and_exact_words_stay_exact() {
    let cues = cues(&["=fire", "caught fire"], &["flood"]);
    assert_eq!(found(&cues.read("the street flooded"), STATE), [2]);
    assert_eq!(found(&cues.read("a fire"), THING), [1]);
    assert!(found(&cues.read("I got fired"), THING).is_empty());
}

#[test]
fn english_typos_of_one_letter_match_long_words() {
    let cues = cues(&["electricity", "flooding"], &["breathing"]);
    assert_eq!(found(&cues.read("no electrisity"), THING), [1]);
    assert_eq!(found(&cues.read("the floding"), THING), [1]);
    assert_eq!(found(&cues.read("not breathng"), STATE), [1]);
    assert!(found(&cues.read("the floor"), THING).is_empty());
}

#[test]
fn arabizi_matches_by_skeleton_and_without_its_article() {
    let cues = cues(&["~kahraba"], &["ma2tou3a"]);
    let reading = cues.read("elkahraba ma2to3a");
    assert_eq!(found(&reading, THING), [0]);
    assert_eq!(found(&reading, STATE), [1]);
    assert_eq!(found(&cues.read("el kahrba maqtou3a"), STATE), [2]);
}

#[test]
fn stretched_letters_are_read_plain() {
    let cues = cues(&["حريق", "help"], &[]);
    assert_eq!(found(&cues.read("حرييييق heeeelp"), THING), [0, 1]);
}

#[test]
fn punctuation_and_but_start_a_clause() {
    let reading = cues(&[], &[]).read("power is fine but the fibre is down, really - yes");
    let clauses: Vec<usize> = (0..reading.len()).map(|i| reading.clause(i)).collect();
    assert_eq!(clauses, [0, 0, 0, 1, 1, 1, 1, 1, 2, 3]);
    // A hyphen inside a word splits no clause.
    let reading = cues(&[], &[]).read("bleach-type smell");
    assert_eq!(reading.clause(2), 0);
}

#[test]
fn absence_is_said_before_or_after_but_no_problem_is_not_absence() {
    let cues = cues(&["water", "مي", "كهربا"], &[]);
    assert!(
        cues.read("no water")
            .absent(&cues.read("no water").hits()[0])
    );
    let reading = cues.read("ما عندنا كهربا");
    assert!(reading.absent(&reading.hits()[0]));
    let reading = cues.read("مي ما فيه");
    assert!(reading.absent(&reading.hits()[0]));
    let reading = cues.read("no problem with the water");
    assert!(!reading.absent(&reading.hits()[0]));
    let reading = cues.read("ما في مي والكهربا تمام");
    let power = reading.hits().iter().find(|h| h.start == 3).unwrap();
    assert!(!reading.absent(power));
}

#[test]
fn an_object_after_a_sensitive_verb_is_seen() {
    let cues = cues_with_state("=lost");
    let reading = cues.read("he lost his card");
    assert!(reading.takes_object(&reading.hits()[0]));
    let reading = cues.read("he is lost");
    assert!(!reading.takes_object(&reading.hits()[0]));
}
