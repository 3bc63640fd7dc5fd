//! How a citizen feels as they write, read from one message: pleased, let
//! down or fed up, in both languages, the dialects and Arabizi, the same
//! for every agency (never fitted to one). The words are
//! `data/sentiment.toml`; thanks are courtesy's (`data/courtesy.toml`);
//! `cues` absorbs spelling and tells negation, conditions and clauses.
//!
//! A message with no sign of feeling (most questions) has no reading at
//! all rather than a neutral 0.0: satisfaction inferred from readings then
//! averages what citizens felt, not how many plain questions they asked.

use std::sync::LazyLock;

use serde::Deserialize;

use super::courtesy::{Courtesy, courtesy_phrases};
use crate::language::cues::{Builder, Cues, FIRST_TAG, Hit, Reading, Tag};

/// One message's reading.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sentiment {
    /// From -1.0 (angry) through 0.0 (mixed) to 1.0 (pleased).
    pub score: f32,
    /// Fed up with the service or the bot: a person should take over.
    pub frustrated: bool,
}

/// How the citizen feels in `text`; `None` when it shows no feeling.
pub fn read(text: &str) -> Option<Sentiment> {
    LEXICON.read(text)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    positive: Vec<String>,
    negative: Vec<String>,
    complaints: Vec<String>,
    wait: Vec<String>,
    durations: Vec<String>,
    frustration: Vec<String>,
    intensifiers: Vec<String>,
    emoji_cap: usize,
    positive_emojis: String,
    negative_emojis: String,
    angry_emojis: String,
}

const POSITIVE: Tag = FIRST_TAG;
const NEGATIVE: Tag = FIRST_TAG + 1;
const THANKS: Tag = FIRST_TAG + 2;
const COMPLAINT: Tag = FIRST_TAG + 3;
const FRUSTRATION: Tag = FIRST_TAG + 4;
/// Greetings and farewells: no feeling, but they hold words that would
/// read as one ("good morning", "have a nice day").
const COURTESY: Tag = FIRST_TAG + 5;
const INTENSIFIER: Tag = FIRST_TAG + 6;
const WAIT: Tag = FIRST_TAG + 7;
const DURATION: Tag = FIRST_TAG + 8;

/// What a standing cue is worth; frustration counts double.
fn weight(tag: Tag) -> f32 {
    match tag {
        POSITIVE | THANKS => 1.0,
        NEGATIVE | COMPLAINT => -1.0,
        FRUSTRATION => -2.0,
        _ => 0.0,
    }
}

/// "مو زين", "not helpful": a denied good word is nearly as bad as a bad one.
const DENIED_POSITIVE: f32 = -0.8;
/// "مش وحش", "not bad": a denied bad word is faint praise.
const DENIED_NEGATIVE: f32 = 0.4;
/// "جدا", "very": the cue beside it counts this much more.
const INTENSITY: f32 = 1.5;
/// How near an intensifier must stand, in words.
const INTENSIFIER_REACH: usize = 2;
/// "!!!": the whole message counts this much more.
const EXCLAMATION: f32 = 1.25;
/// "صار لي اسبوع": how far after the waiting word its duration comes.
const WAIT_REACH: usize = 3;
const ANGRY_EMOJI: f32 = -1.5;

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let data: Data = toml::from_str(include_str!("data/sentiment.toml"))
        .expect("language/data/sentiment.toml parses");
    Lexicon::new(data)
});

struct Lexicon {
    cues: Cues,
    emoji_cap: usize,
    positive_emojis: String,
    negative_emojis: String,
    angry_emojis: String,
}

impl Lexicon {
    fn new(data: Data) -> Self {
        let mut builder = Builder::new();
        let lists = [
            (POSITIVE, &data.positive),
            (NEGATIVE, &data.negative),
            (COMPLAINT, &data.complaints),
            (FRUSTRATION, &data.frustration),
            (INTENSIFIER, &data.intensifiers),
            (WAIT, &data.wait),
            (DURATION, &data.durations),
        ];
        for (tag, list) in lists {
            for cue in list {
                builder.add(cue, tag);
            }
        }
        for (kind, words) in courtesy_phrases() {
            let tag = match kind {
                Courtesy::Thanks => THANKS,
                _ => COURTESY,
            };
            builder.add(&words.join(" "), tag);
        }
        Self {
            cues: builder.build(),
            emoji_cap: data.emoji_cap,
            positive_emojis: data.positive_emojis,
            negative_emojis: data.negative_emojis,
            angry_emojis: data.angry_emojis,
        }
    }

    fn read(&self, text: &str) -> Option<Sentiment> {
        let reading = self.cues.read(text);
        let cues = feeling_cues(&reading);
        // An intensifier may be part of a cue: "شكرا جزيلا", "thank you so
        // much" are thanks, and warmer ones.
        let intensifiers: Vec<&Hit> = reading
            .hits()
            .iter()
            .filter(|hit| hit.tag == INTENSIFIER)
            .collect();
        let mut signal = false;
        let mut frustrated = false;
        let mut sum = 0.0;
        for cue in cues.iter().filter(|cue| cue.tag != COURTESY) {
            if reading.conditional(cue.start) {
                continue;
            }
            let value = match (cue.tag, reading.negated(cue.start)) {
                (POSITIVE, true) => DENIED_POSITIVE,
                (NEGATIVE, true) => DENIED_NEGATIVE,
                // "لا شكرا", "not useless": nothing to read.
                (_, true) => continue,
                (FRUSTRATION, false) => {
                    frustrated = true;
                    weight(FRUSTRATION)
                }
                (tag, false) => weight(tag),
            };
            let intensified = intensifiers.iter().any(|i| {
                reading.clause(i.start) == reading.clause(cue.start)
                    && i.gap(cue) < INTENSIFIER_REACH
            });
            signal = true;
            sum += if intensified {
                value * INTENSITY
            } else {
                value
            };
        }
        if let Some(waited) = waited(&reading) {
            signal = true;
            sum += waited;
        }
        let (emojis, emoji_sum) = self.emojis(text);
        signal |= emojis > 0;
        sum += emoji_sum;
        if !signal {
            return None;
        }
        if text.contains("!!") {
            sum *= EXCLAMATION;
        }
        Some(Sentiment {
            score: (sum / (sum.abs() + 1.0)).clamp(-1.0, 1.0),
            frustrated,
        })
    }

    /// How many emojis count, and what they are worth together.
    fn emojis(&self, text: &str) -> (usize, f32) {
        let values = text.chars().filter_map(|c| {
            if self.angry_emojis.contains(c) {
                Some(ANGRY_EMOJI)
            } else if self.negative_emojis.contains(c) {
                Some(-1.0)
            } else if self.positive_emojis.contains(c) {
                Some(1.0)
            } else {
                None
            }
        });
        values
            .take(self.emoji_cap)
            .fold((0, 0.0), |(count, sum), value| (count + 1, sum + value))
    }
}

fn overlaps(a: &Hit, b: &Hit) -> bool {
    a.start < b.end && b.start < a.end
}

/// The cues that say a feeling (or courtesy), the longest where several
/// cover the same words: "not helpful at all" is one cue, not "helpful"
/// denied; "good morning" is a greeting, not "good".
fn feeling_cues(reading: &Reading) -> Vec<Hit> {
    let mut hits: Vec<Hit> = reading
        .hits()
        .iter()
        .copied()
        .filter(|hit| matches!(hit.tag, POSITIVE..=COURTESY))
        .collect();
    // Of two cues over the same words, the stronger feeling: "ما فهمتني"
    // is frustration before it is "ما فهمت".
    hits.sort_by_key(|hit| (hit.start, std::cmp::Reverse(hit.end), strength(hit.tag)));
    let mut kept: Vec<Hit> = Vec::new();
    for hit in hits {
        if !covered(&kept, &hit) {
            kept.retain(|other| !overlaps(other, &hit));
            kept.push(hit);
        }
    }
    kept
}

/// Which of two cues over the same words wins: the lower.
fn strength(tag: Tag) -> u8 {
    match tag {
        FRUSTRATION => 0,
        COMPLAINT => 1,
        NEGATIVE => 2,
        COURTESY => 3,
        THANKS => 4,
        _ => 5,
    }
}

/// Whether a kept cue overlapping `hit` is at least as long.
fn covered(kept: &[Hit], hit: &Hit) -> bool {
    kept.iter()
        .any(|other| overlaps(other, hit) && other.end - other.start >= hit.end - hit.start)
}

/// "صار لي اسبوع", "waiting for days": kept waiting, a complaint.
fn waited(reading: &Reading) -> Option<f32> {
    let of = |tag: Tag| reading.hits().iter().filter(move |hit| hit.tag == tag);
    of(WAIT)
        .filter(|wait| !reading.negated(wait.start) && !reading.conditional(wait.start))
        .any(|wait| {
            of(DURATION).any(|duration| {
                duration.start >= wait.end
                    && duration.start - wait.end < WAIT_REACH
                    && reading.clause(duration.start) == reading.clause(wait.start)
            })
        })
        .then_some(weight(COMPLAINT))
}

#[cfg(test)]
#[path = "sentiment_tests.rs"]
mod tests;
