//! The repository's own conversation scenarios (tests/fixtures/conversations,
//! in the multi-turn harness's format) on both sample knowledge bases, played
//! in process as `khidma eval` plays them: follow-ups, picks, corrections,
//! language switches, districts and outages, relays. The floors sit just
//! under today's scores, so a change that loses a conversation fails here.

use std::path::Path;

use khidma::i18n::Localizer;
use khidma::kb::{KnowledgeBase, RetrievalOptions};
use khidma::scenarios;

use crate::helpers::repo_path;

fn play(kb_dir: &str, file: &str, min_conversations: f64, min_turns: f64) {
    let kb = KnowledgeBase::load(&repo_path(kb_dir), RetrievalOptions::default())
        .expect("the knowledge base loads");
    let localizer = Localizer::load(&repo_path("locales")).expect("the shipped locales load");
    let path = repo_path(file);
    assert!(scenarios::is_scenario_file(Path::new(&path)).unwrap());
    let scenarios = scenarios::read_scenarios(Path::new(&path)).expect("the scenarios parse");
    let results = scenarios::run(&scenarios, &kb, &localizer);
    let score = scenarios::score(&results);
    assert!(
        score.conversations >= min_conversations && score.turns >= min_turns,
        "{}",
        scenarios::report(&scenarios, &results, file, khidma::i18n::Lang::En, true)
    );
}

#[test]
fn conversations_on_the_shipped_knowledge_base_stay_above_their_floor() {
    let file = "tests/fixtures/conversations/shipped.jsonl";
    play("knowledge_base", file, 0.9, 0.95);
}

#[test]
fn conversations_on_the_second_agency_stay_above_their_floor() {
    let file = "tests/fixtures/conversations/kb-sample-c.jsonl";
    play("tests/fixtures/kb-sample-c", file, 0.9, 0.9);
}
