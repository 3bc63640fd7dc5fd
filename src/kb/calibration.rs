//! How sure the bot must be before it answers, learnt from each knowledge
//! base at load time rather than fixed on one agency's messages.
//!
//! Every agency's base has its own vocabulary, overlap between entries and
//! length of questions, so a threshold that separates right from wrong
//! answers on one base sends real questions to fallback on another. The
//! base itself shows where the line lies:
//! - a *right match* looks like one of its questions asked by someone who
//!   does not use the editors' exact wording, and who says a little about
//!   themselves around it (`context.txt`): each sampled question is scored
//!   against its own entry with that question left out;
//! - *nothing fits* looks like the same question asked of an agency that
//!   does not cover its topic: the best entry of another category; and like
//!   the built-in out-of-scope probes (`probes.txt`: recipes, jokes,
//!   football) in both languages.
//!
//! The cut-offs are those that serve citizens best when three messages in
//! four are about the agency's services (the rest fall outside them): right
//! matches answered and "nothing fits" sent to fallback, weighted so. They
//! are taken from the middle of the plateau of near-best cut-offs, so that a
//! few samples more or less do not move them.

use std::collections::BTreeMap;

use super::KnowledgeBase;
use super::hit::Hit;

/// Citizens' messages no government service answers, in both languages and
/// several dialects: the "nothing fits" that every base must fall back on.
const PROBES: &str = include_str!("probes.txt");
/// What citizens say about themselves around a question, in both languages.
const CONTEXT: &str = include_str!("context.txt");
/// Each sampled question is asked with this many different sentences of
/// context: one pairing of question and sentence is luck, and the cut-offs
/// must not depend on it.
const CONTEXTS_PER_QUESTION: usize = 3;

/// Questions sampled for calibration at most: enough for stable cut-offs on
/// a base of any size, few enough to calibrate 10,000 entries in a fraction
/// of a second on two cores.
const MAX_SAMPLES: usize = 600;
/// Ranked entries looked at for the best competitors of a question's entry.
const COMPETITORS: usize = 5;

/// The grid the cut-offs are searched on.
const FIT_GRID: std::ops::RangeInclusive<u8> = 4..=16; // x 0.05: 0.20..=0.80
const COVERAGE_GRID: std::ops::RangeInclusive<u8> = 0..=20; // x 0.02: 0.00..=0.40
const EVIDENCE_GRID: std::ops::RangeInclusive<u8> = 0..=15; // x 0.02: 0.00..=0.30
/// Cut-offs within this much of the best weighted accuracy form the plateau.
const PLATEAU: f32 = 0.01;
/// The share of citizens' messages that are about the agency's services.
/// A product assumption, not a measurement: a public service's chat is used
/// mostly for what the service does, and a wrong answer costs a citizen
/// about as much as an honest "I could not find it" plus one more message.
const IN_SCOPE_SHARE: f32 = 0.75;

/// Used before a base is calibrated, and by a base too small to learn from.
const DEFAULT_MIN_FIT: f32 = 0.5;
const DEFAULT_MIN_COVERAGE: f32 = 0.1;
/// A base needs this many sampled right matches and as many "nothing fits"
/// before its own figures are trusted over the defaults.
const MIN_SAMPLES: usize = 20;

/// The answer cut-offs of one knowledge base and how they were found.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Answer only when the best entry's best question, keyword or title is
    /// at least this share present in the message...
    pub min_fit: f32,
    /// ...and the entry explains at least this share of the message...
    pub min_coverage: f32,
    /// ...and the two together (fit x coverage) reach this: one generic
    /// word that fits a short keyword in a message about something else
    /// ("the price of the dollar" and a "fees" keyword) is not enough.
    pub min_evidence: f32,
    /// Right matches sampled (questions scored with themselves left out).
    pub right_matches: usize,
    /// "Nothing fits" samples: competitors of those questions and probes.
    pub nothing_fits: usize,
    /// Share of right matches the cut-offs answer.
    pub answered: f32,
    /// Share of "nothing fits" samples the cut-offs send to fallback.
    pub fell_back: f32,
    /// Pairs of entries whose questions retrieve each other, most first.
    pub confusable: Vec<Confusable>,
    /// Whether the figures above come from this base (false: too small).
    pub learnt: bool,
}

/// Two entries that one of the editors' questions fits about equally well:
/// a citizen asking it may get either. Editors tell them apart with more
/// specific questions or keywords.
#[derive(Debug, Clone, PartialEq)]
pub struct Confusable {
    /// The entry whose question it is.
    pub entry: usize,
    /// The other entry that fits it.
    pub other: usize,
    /// How many sampled questions of `entry` fit `other` as well.
    pub questions: usize,
    /// One such question, for the editors.
    pub example: String,
}

impl Default for Calibration {
    fn default() -> Self {
        Self {
            min_fit: DEFAULT_MIN_FIT,
            min_coverage: DEFAULT_MIN_COVERAGE,
            min_evidence: 0.0,
            right_matches: 0,
            nothing_fits: 0,
            answered: 0.0,
            fell_back: 0.0,
            confusable: Vec::new(),
            learnt: false,
        }
    }
}

impl Calibration {
    fn cut_offs(&self) -> CutOffs {
        CutOffs {
            fit: self.min_fit,
            coverage: self.min_coverage,
            evidence: self.min_evidence,
        }
    }

    /// Whether a hit is sure enough to answer with.
    pub fn fits(&self, hit: &Hit) -> bool {
        passes(hit.coverage, hit.fit, self.cut_offs())
    }

    /// Whether the hit's best question, keyword or title is as present as
    /// an answer needs, whatever else the message says.
    pub fn named(&self, hit: &Hit) -> bool {
        hit.fit >= self.min_fit
    }

    /// How far above this base's cut-offs a hit is: for fit and coverage,
    /// the share of the room between the cut-off and a perfect 1.0 that
    /// the hit clears, the smaller of the two (below zero: under a
    /// cut-off). A confidence band read from it means the same on every
    /// base, because each base's own cut-offs are the zero.
    pub fn headroom(&self, hit: &Hit) -> f32 {
        let clears =
            |value: f32, cut_off: f32| (value - cut_off) / (1.0 - cut_off).max(f32::EPSILON);
        clears(hit.fit, self.min_fit).min(clears(hit.coverage, self.min_coverage))
    }

    /// Learns the cut-offs of `kb` (whose own calibration is not used).
    pub fn derive(kb: &KnowledgeBase) -> Self {
        let index = &kb.index;
        let questions: Vec<(usize, &str)> = kb
            .entries()
            .iter()
            .enumerate()
            .flat_map(|(ordinal, entry)| {
                entry.sides().flat_map(move |(_, side)| {
                    side.questions.iter().map(move |q| (ordinal, q.as_str()))
                })
            })
            .collect();
        let probes = lines(PROBES);
        let context = lines(CONTEXT);
        let stride = questions.len().div_ceil(MAX_SAMPLES).max(1);
        let sampled: Vec<(usize, (usize, &str))> = questions
            .iter()
            .step_by(stride)
            .copied()
            .enumerate()
            .collect();
        // Each sample is a search of the whole base: on every core at once,
        // because on one core calibration was half of a large base's load.
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let per_worker = sampled.len().div_ceil(cores).max(1);
        let parts: Vec<Samples> = std::thread::scope(|scope| {
            let workers: Vec<_> = sampled
                .chunks(per_worker)
                .map(|part| scope.spawn(|| ask_in_context(kb, part, &context)))
                .collect();
            workers
                .into_iter()
                .map(|worker| {
                    worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        // Joined in sample order: the same figures on any number of cores.
        let mut right = Vec::new();
        let mut nothing = Vec::new();
        let mut pairs: BTreeMap<(usize, usize), (usize, String)> = BTreeMap::new();
        for part in parts {
            right.extend(part.right);
            nothing.extend(part.nothing);
            for (pair, (questions, example)) in part.pairs {
                pairs.entry(pair).or_insert((0, example)).0 += questions;
            }
        }
        for probe in &probes {
            let query = kb.read(probe);
            if let Some(hit) = index.search(&query, 1).first() {
                nothing.push((hit.coverage, hit.fit));
            } else if !query.is_empty() {
                nothing.push((0.0, 0.0));
            }
        }
        let mut calibration = if right.len() < MIN_SAMPLES || nothing.len() < MIN_SAMPLES {
            Self::default()
        } else {
            best_cut_offs(&right, &nothing)
        };
        calibration.right_matches = right.len();
        calibration.nothing_fits = nothing.len();
        let cut_offs = calibration.cut_offs();
        calibration.answered = share(&right, |&(c, f)| passes(c, f, cut_offs));
        calibration.fell_back = share(&nothing, |&(c, f)| !passes(c, f, cut_offs));
        let mut confusable: Vec<Confusable> = pairs
            .into_iter()
            .map(|((entry, other), (questions, example))| Confusable {
                entry,
                other,
                questions,
                example,
            })
            .collect();
        confusable.sort_by(|a, b| b.questions.cmp(&a.questions).then(a.entry.cmp(&b.entry)));
        calibration.confusable = confusable;
        calibration
    }
}

/// What one worker learns from its share of the sampled questions.
#[derive(Default)]
struct Samples {
    /// (coverage, fit) of each question against its own entry.
    right: Vec<(f32, f32)>,
    /// (coverage, fit) of the best entry of another category.
    nothing: Vec<(f32, f32)>,
    /// Entry pairs whose questions retrieve each other: how many, and one.
    pairs: BTreeMap<(usize, usize), (usize, String)>,
}

/// Asks each `(sample, (entry, question))` with sentences of context, with
/// the question left out of its entry, and notes what the base answers.
fn ask_in_context(
    kb: &KnowledgeBase,
    sampled: &[(usize, (usize, &str))],
    context: &[&str],
) -> Samples {
    let index = &kb.index;
    let mut samples = Samples::default();
    for &(sample, (entry, question)) in sampled {
        let left_out = index.descriptor_of(question);
        let category = &kb.entry(entry).category;
        for round in 0..CONTEXTS_PER_QUESTION {
            // Citizens write about twice as many words as an FAQ
            // question: where they live, who it is for, what they tried.
            let around =
                context[(sample + round * context.len() / CONTEXTS_PER_QUESTION) % context.len()];
            let query = kb.read(&format!("{question} {around}"));
            if query.is_empty() {
                continue;
            }
            let terms = index.evidence().query_terms(&query);
            let own = index.evidence().confidence(entry, &terms, Some(&left_out));
            samples.right.push(own);
            let hits = index.search(&query, COMPETITORS);
            if round == 0
                && let Some(hit) = hits.iter().find(|hit| hit.entry != entry)
                && hit.fit >= own.1
                && hit.coverage >= own.0 * 0.9
            {
                let pair = samples
                    .pairs
                    .entry((entry, hit.entry))
                    .or_insert_with(|| (0, question.to_owned()));
                pair.0 += 1;
            }
            // "Nothing fits" is the question asked of an agency without
            // its topic, and an agency that covers a topic covers its
            // siblings (renewing a passport and losing one): the best
            // entry of another category stands for what such an agency
            // would offer.
            if let Some(hit) = hits
                .iter()
                .find(|hit| kb.entry(hit.entry).category != *category)
            {
                samples.nothing.push((hit.coverage, hit.fit));
            }
        }
    }
    samples
}

/// The sentences of a built-in list: one per line, `#` starts a comment.
fn lines(list: &str) -> Vec<&str> {
    list.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
}

fn share(samples: &[(f32, f32)], keep: impl Fn(&(f32, f32)) -> bool) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.iter().filter(|sample| keep(sample)).count() as f32 / samples.len() as f32
}

#[derive(Debug, Clone, Copy)]
struct CutOffs {
    fit: f32,
    coverage: f32,
    evidence: f32,
}

fn passes(coverage: f32, fit: f32, cut_offs: CutOffs) -> bool {
    fit >= cut_offs.fit && coverage >= cut_offs.coverage && fit * coverage >= cut_offs.evidence
}

/// The cut-offs in the middle of the plateau of best weighted accuracy.
fn best_cut_offs(right: &[(f32, f32)], nothing: &[(f32, f32)]) -> Calibration {
    let mut cells = Vec::new();
    for fit_step in FIT_GRID {
        for coverage_step in COVERAGE_GRID {
            for evidence_step in EVIDENCE_GRID {
                let cut_offs = CutOffs {
                    fit: f32::from(fit_step) * 0.05,
                    coverage: f32::from(coverage_step) * 0.02,
                    evidence: f32::from(evidence_step) * 0.02,
                };
                let answered = share(right, |&(c, f)| passes(c, f, cut_offs));
                let fell_back = share(nothing, |&(c, f)| !passes(c, f, cut_offs));
                let served = IN_SCOPE_SHARE * answered + (1.0 - IN_SCOPE_SHARE) * fell_back;
                cells.push((cut_offs, served));
            }
        }
    }
    let best = cells.iter().map(|cell| cell.1).fold(0.0, f32::max);
    let plateau: Vec<CutOffs> = cells
        .iter()
        .filter(|cell| cell.1 >= best - PLATEAU)
        .map(|cell| cell.0)
        .collect();
    let median = |pick: fn(&CutOffs) -> f32| {
        let mut values: Vec<f32> = plateau.iter().map(pick).collect();
        values.sort_by(f32::total_cmp);
        values[values.len() / 2]
    };
    Calibration {
        min_fit: median(|cut_offs| cut_offs.fit),
        min_coverage: median(|cut_offs| cut_offs.coverage),
        min_evidence: median(|cut_offs| cut_offs.evidence),
        learnt: true,
        ..Calibration::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_offs_fall_between_right_matches_and_nothing_fits() {
        let right: Vec<(f32, f32)> = (0..40).map(|i| (0.3 + 0.005 * i as f32, 0.9)).collect();
        let nothing: Vec<(f32, f32)> = (0..40).map(|i| (0.05, 0.2 + 0.005 * i as f32)).collect();
        let calibration = best_cut_offs(&right, &nothing);
        assert!(calibration.learnt);
        assert!(
            calibration.min_fit > 0.4 && calibration.min_fit <= 0.9,
            "{calibration:?}"
        );
        for &(coverage, fit) in &right {
            assert!(calibration.fits(&hit(coverage, fit)), "{calibration:?}");
        }
        for &(coverage, fit) in &nothing {
            assert!(!calibration.fits(&hit(coverage, fit)), "{calibration:?}");
        }
    }

    #[test]
    fn overlapping_samples_favour_answering_in_scope_questions() {
        // Right matches and "nothing fits" overlap on fit 0.5..0.7: with
        // three in-scope messages in four, the cut-off answers most right
        // matches rather than refusing everything in the overlap.
        let right: Vec<(f32, f32)> = (0..40).map(|i| (0.3, 0.5 + 0.0125 * i as f32)).collect();
        let nothing: Vec<(f32, f32)> = (0..40).map(|i| (0.3, 0.2 + 0.0125 * i as f32)).collect();
        let calibration = best_cut_offs(&right, &nothing);
        let answered = right
            .iter()
            .filter(|&&(c, f)| calibration.fits(&hit(c, f)))
            .count();
        assert!(answered >= 30, "{calibration:?} answered {answered}");
    }

    fn hit(coverage: f32, fit: f32) -> Hit {
        Hit {
            entry: 0,
            score: 1.0,
            coverage,
            fit,
        }
    }
}
