//! The retrieval and decision path of one message, on the shipped knowledge
//! base (44 entries) and on a synthetic one of 10,000 entries built here from
//! the shipped vocabulary. Also prints index build time, resident memory and
//! per-message p50/p99, which criterion's means do not show, and the
//! negation reading every message goes through.
//!
//!     cargo bench --bench retrieval

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

use khidma::conversation::{Conversation, ConversationId};
use khidma::dialogue::{self, Incoming};
use khidma::i18n::Localizer;
use khidma::kb::{
    Entry, EntryId, KnowledgeBase, LexiconSource, LocalizedEntry, RetrievalOptions, load_dir,
};

const SYNTHETIC_ENTRIES: usize = 10_000;

/// A small deterministic generator (xorshift), so every run builds the same
/// knowledge base without a dependency for it.
struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }

    fn sentence(&mut self, words: &[String], length: usize) -> String {
        (0..length)
            .map(|_| words[self.below(words.len())].as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn vocabulary(entries: &[Entry], pick: impl Fn(&Entry) -> Option<&LocalizedEntry>) -> Vec<String> {
    let mut words: Vec<String> = entries
        .iter()
        .filter_map(&pick)
        .flat_map(|side| side.questions.iter().chain(&side.keywords))
        .flat_map(|text| text.split_whitespace().map(str::to_owned))
        .collect();
    words.sort();
    words.dedup();
    words
}

/// The shipped entries plus synthetic ones made of the shipped words, so
/// that term statistics and posting lists look like a large real base.
fn synthetic(real: &[Entry], total: usize) -> Vec<Entry> {
    let arabic = vocabulary(real, |entry| entry.ar.as_ref());
    let english = vocabulary(real, |entry| entry.en.as_ref());
    let mut random = Xorshift(0x9E37_79B9_7F4A_7C15);
    let side = |random: &mut Xorshift, words: &[String]| LocalizedEntry {
        title: random.sentence(words, 2).chars().take(24).collect(),
        questions: (0..4).map(|_| random.sentence(words, 6)).collect(),
        keywords: (0..5).map(|_| random.sentence(words, 1)).collect(),
        answer: random.sentence(words, 60),
    };
    let mut entries = real.to_vec();
    for n in entries.len()..total {
        entries.push(Entry {
            id: EntryId::parse(&format!("synthetic-{n}")).expect("a valid id"),
            category: format!("category-{}", n % 25),
            escalate: None,
            related: Vec::new(),
            ar: Some(side(&mut random, &arabic)),
            en: Some(side(&mut random, &english)),
            source: format!("category-{}/synthetic-{n}.toml", n % 25).into(),
        });
    }
    entries
}

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn messages() -> Vec<String> {
    std::fs::read_to_string("tests/fixtures/quality-cases.jsonl")
        .expect("run from the repository root")
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|case| case["text"].as_str().map(str::to_owned))
        .collect()
}

fn respond(kb: &KnowledgeBase, localizer: &Localizer, text: &str) -> dialogue::Reply {
    let mut conversation = Conversation::new(ConversationId::new("bench", "citizen").unwrap());
    let incoming = Incoming {
        text: text.to_owned(),
        ..Incoming::default()
    };
    dialogue::respond(&incoming, &mut conversation, kb, localizer)
}

fn percentiles(kb: &KnowledgeBase, localizer: &Localizer, messages: &[String], label: &str) {
    let mut timings: Vec<Duration> = Vec::new();
    for _ in 0..20 {
        for text in messages {
            let started = Instant::now();
            std::hint::black_box(respond(kb, localizer, text));
            timings.push(started.elapsed());
        }
    }
    timings.sort();
    let at = |share: f64| timings[((timings.len() as f64 * share) as usize).min(timings.len() - 1)];
    eprintln!(
        "{label}: per message p50 {:?}, p99 {:?} over {} messages",
        at(0.50),
        at(0.99),
        timings.len()
    );
}

fn bench(c: &mut Criterion) {
    let loaded = load_dir(Path::new("knowledge_base")).expect("the shipped knowledge base loads");
    let localizer = Localizer::load(Path::new("locales")).expect("the shipped locales load");
    let messages = messages();
    let options = RetrievalOptions::default();
    let lexicon: &LexiconSource = &loaded.lexicon;

    let shipped =
        KnowledgeBase::from_entries(loaded.entries.clone(), lexicon, Vec::new(), options).unwrap();
    eprintln!("44 entries: index built in {:?}", shipped.build_time());
    percentiles(&shipped, &localizer, &messages, "44 entries");

    let before = resident_kib();
    let entries = synthetic(&loaded.entries, SYNTHETIC_ENTRIES);
    let large = KnowledgeBase::from_entries(entries.clone(), lexicon, Vec::new(), options).unwrap();
    eprintln!(
        "{SYNTHETIC_ENTRIES} entries: index built in {:?}; resident memory grew by {} MiB (now {} MiB)",
        large.build_time(),
        resident_kib().saturating_sub(before) / 1024,
        resident_kib() / 1024
    );
    percentiles(&large, &localizer, &messages, "10,000 entries");

    let mut group = c.benchmark_group("respond");
    for (label, kb) in [("44", &shipped), ("10000", &large)] {
        let mut next = 0;
        group.bench_function(label, |b| {
            b.iter(|| {
                next = (next + 1) % messages.len();
                respond(kb, &localizer, &messages[next])
            })
        });
    }
    group.finish();

    let mut build = c.benchmark_group("build");
    build.sample_size(10);
    build.bench_function("10000", |b| {
        b.iter(|| KnowledgeBase::from_entries(entries.clone(), lexicon, Vec::new(), options))
    });
    build.finish();

    // Every message is read for negation before retrieval: a budget of
    // about 20 µs in release on a long dialect message.
    let negated = "السلام عليكم، مش عايز اجدد الرخصة ولا حاجة، انا عايز ابلغ عن حفرة كبيرة في الشارع ورا الجامع";
    c.bench_function("negation", |b| {
        b.iter(|| khidma::language::negation::without_rejected(std::hint::black_box(negated)).len())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
