//! Retrieval's contract with the dialogue: scoring among a few entries (the
//! options just offered, the current topic) gives each of them the score
//! the whole base gave it, and judging one entry alone (an answer's
//! confidence band) its coverage and fit, so a decision made on one ranking
//! holds on the other; how the fields' scores combine; and
//! how words the base does not know are read (typos, roots, guesses, other
//! inflections, real English words, phrasal verbs run together).

use khidma::kb::{KnowledgeBase, RetrievalOptions};

use crate::built_in_knowledge::{agency_c, outcome, reply, shipped};
use crate::helpers::repo_path;

#[test]
fn scoring_among_entries_is_the_whole_base_ranking_of_those_entries_only() {
    let bases = [
        (
            "knowledge_base",
            [
                "ابي اجدد جوازي وكم الرسوم",
                "الكهرباء مقطوعة عندنا من الصبح",
            ],
        ),
        (
            "tests/fixtures/kb-sample-c",
            [
                "كم رسوم تصريح الخيمة ومتى يطلع",
                "how do I apply for a permit and how long does it take",
            ],
        ),
    ];
    for (dir, texts) in bases {
        let kb =
            KnowledgeBase::load(&repo_path(dir), RetrievalOptions::ALL).expect("the base loads");
        let every_entry = kb.entries().len();
        for text in texts {
            let query = kb.read(text);
            let whole = kb.search(&query, every_entry);
            assert!(
                whole.len() >= 3,
                "{dir}: {text:?} touches too few entries to test"
            );
            let untouched = (0..every_entry)
                .find(|entry| whole.iter().all(|hit| hit.entry != *entry))
                .expect("a short message leaves some entry untouched");
            let among = [
                whole[2].entry,
                untouched,
                whole[0].entry,
                whole[whole.len() - 1].entry,
            ];

            let scored = kb.search_among(&query, &among);
            for hit in &whole {
                let judged = kb.judge(&query, hit.entry);
                assert_eq!(
                    (judged.coverage, judged.fit),
                    (hit.coverage, hit.fit),
                    "{dir}: {text:?}: entry {}",
                    hit.entry
                );
            }

            let expected: Vec<_> = whole
                .iter()
                .filter(|hit| among.contains(&hit.entry))
                .collect();
            assert_eq!(scored.len(), expected.len(), "{dir}: {text:?}: {scored:?}");
            for (hit, whole_base) in scored.iter().zip(expected) {
                assert_eq!(
                    (hit.entry, hit.coverage, hit.fit),
                    (whole_base.entry, whole_base.coverage, whole_base.fit),
                    "{dir}: {text:?}"
                );
                // The same BM25 terms, added up in another order.
                assert!(
                    (hit.score - whole_base.score).abs() <= whole_base.score * 1e-5,
                    "{dir}: {text:?}: {} against {}",
                    hit.score,
                    whole_base.score
                );
            }
        }
    }
}

#[test]
fn a_word_an_entry_repeats_in_every_field_does_not_outweigh_the_topic_named() {
    // The pothole entry says "pothole" in every field and "report" in
    // three; the citizen asks where their report has got to. Counted in
    // full in every field, those words tied the two entries.
    let (kb, localizer) = agency_c();
    let text = "I lost my reference number, how can I see where my pothole report has got to?";
    let reply = reply(&kb, &localizer, text);
    assert_eq!(outcome(&reply), "Answer Some(\"document-tracking\")");
}

/// The index terms the first word of `text` is read as.
/// Every index term a message is read as, its words' own and their
/// synonyms, readings and corrections.
fn terms_read(kb: &KnowledgeBase, text: &str) -> Vec<String> {
    kb.read(text)
        .words
        .into_iter()
        .flat_map(|word| word.terms.into_iter().map(|(term, _)| term))
        .collect()
}

#[test]
fn a_short_stem_is_never_taken_for_a_typo_of_another_word() {
    let (kb, _) = shipped();
    // "the heat": one letter from الحي (the district) and الحل (the
    // solution), but a two-letter stem with one letter changed is another
    // word, and guessing one makes the message look explained.
    assert_eq!(terms_read(&kb, "الحر"), ["حر"]);
    // A longer stem with one letter mistyped is still corrected.
    assert!(terms_read(&kb, "الجواذ").contains(&"جواز".to_owned()));
}

#[test]
fn a_word_the_answers_use_is_spelt_right_and_not_corrected() {
    let (kb, _) = agency_c();
    // "send" is one letter from "sand" (a beach entry's word), but the
    // base's answers use it: it is a word, not a typo, and "send money
    // abroad" must not read as a question about the beach.
    assert_eq!(terms_read(&kb, "send"), ["send"]);
    assert_eq!(terms_read(&kb, "keep"), ["keep"]);
    // A word that no entry uses at all is still corrected.
    let terms = terms_read(&kb, "jellyfsh");
    assert!(terms.contains(&"jellyfish".to_owned()), "{terms:?}");
}

#[test]
fn an_arabizi_word_reads_as_its_arabic_root_s_forms_too() {
    let (kb, _) = agency_c();
    // "fate7" (open) is spelt فتح in Arabic letters; the base asks "when do
    // you open" (تفتح), another form of that root, as it would for an
    // Arabic فاتح. The relative is two guesses deep, so it weighs less.
    let query = kb.read("fate7");
    let weight_of = |wanted: &str| {
        query.words[0]
            .terms
            .iter()
            .find(|(term, _)| term == wanted)
            .map(|(_, weight)| *weight)
    };
    let (Some(reading), Some(relative)) = (weight_of("فتح"), weight_of("تفتح")) else {
        panic!("{:?}", query.words[0].terms);
    };
    assert!(relative < reading, "{relative} against {reading}");
}

#[test]
fn another_derived_form_of_a_word_reads_as_the_base_s_forms_of_its_root() {
    let (kb, _) = agency_c();
    // "they will close": the base says مغلق (closed) and إغلاق (closure).
    let terms = terms_read(&kb, "سيغلقون");
    assert!(terms.contains(&"مغلق".to_owned()), "{terms:?}");
}

#[test]
fn a_guessed_reading_explains_its_word_only_as_far_as_it_is_trusted() {
    let (kb, _) = shipped();
    // A typo of "passport" with one correction: the correction is a guess,
    // and the word as written stays unknown, so the message is explained
    // less than the guess's weight (which it was, in full, when the guess
    // alone stood for the word).
    let query = kb.read("جوازز");
    let [(_, 1.0), (guessed, weight)] = query.words[0].terms.as_slice() else {
        panic!("one correction expected: {:?}", query.words[0].terms);
    };
    assert_eq!(guessed, "جواز");
    let passport = kb.ordinal("passport-renewal").expect("a passport entry");
    let coverage = kb
        .search_among(&query, &[passport])
        .first()
        .expect("the entry is scored")
        .coverage;
    assert!(coverage < weight - 0.01, "{coverage} against {weight}");
}

#[test]
fn a_synonym_reaches_the_forms_a_citizen_inflects_otherwise() {
    let (kb, _) = agency_c();
    let terms = |text: &str| terms_read(&kb, text);
    // The thesaurus has "advertisement" and "approve"; the citizen wrote
    // other forms of them.
    let read = terms("who approves an advertising board");
    assert!(read.contains(&"billboard".to_owned()), "{read:?}");
    assert!(read.contains(&"permiss".to_owned()), "{read:?}");
    // A word as written is not a longer word of its stem: "time" is not
    // "timings", "apart" not "apartment".
    let read = terms("is it a good time to buy, or is it falling apart");
    assert!(!read.contains(&"hour".to_owned()), "{read:?}");
    assert!(!read.contains(&"villa".to_owned()), "{read:?}");
}

#[test]
fn a_phrasal_verb_run_together_reads_as_its_two_words() {
    let (kb, _) = agency_c();
    // "sign up" is in the thesaurus with "register"; "signup" is no word.
    let terms = terms_read(&kb, "when does signup open for the youth centre");
    assert!(terms.contains(&"regist".to_owned()), "{terms:?}");
}

#[test]
fn an_english_word_is_never_taken_for_a_typo_of_another() {
    let (kb, _) = agency_c();
    let read = |text: &str| terms_read(&kb, text);
    // No answer of this base says "rent"; its "tent" is one letter away.
    let terms = read("we want to rent a board by the ring road");
    assert!(!terms.contains(&"tent".to_owned()), "{terms:?}");
    // A word that is no English word is still corrected.
    let terms = read("is there a tnet permit");
    assert!(terms.contains(&"tent".to_owned()), "{terms:?}");
}
