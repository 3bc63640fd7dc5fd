//! Whether a citizen's message reports an emergency happening now, built in
//! for every agency: danger to life, or the loss of an essential service.
//! The knowledge is `data/urgency*.toml` (cue lists per alarm) and
//! `data/grammar.toml` (negation, conditionals); `cues` does the reading.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::language::cues::{Builder, Cues, FIRST_TAG, Hit, Tag};

mod judge;

use judge::Judge;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hazard {
    NotBreathing,
    Unconscious,
    ChestPain,
    Bleeding,
    Fire,
    Drowning,
    Trapped,
    Missing,
    Flood,
    Collapse,
    LiveWire,
    GasLeak,
    Chemical,
    /// People lost or stuck far from help: desert, sea.
    Stranded,
    /// A serious injury: run over, a fall from height, a broken limb.
    Injury,
    /// Violence happening now: an attack, a break-in, a weapon.
    Violence,
    /// A medical emergency named as such: a stroke, labour, an allergic
    /// reaction, a call for an ambulance.
    Medical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Water,
    Power,
    Internet,
    Gas,
    Sewage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alarm {
    Danger(Hazard),
    Outage(Service),
}

impl Alarm {
    pub const ALL: [Alarm; 22] = [
        Alarm::Danger(Hazard::NotBreathing),
        Alarm::Danger(Hazard::Unconscious),
        Alarm::Danger(Hazard::ChestPain),
        Alarm::Danger(Hazard::Bleeding),
        Alarm::Danger(Hazard::Fire),
        Alarm::Danger(Hazard::Drowning),
        Alarm::Danger(Hazard::Trapped),
        Alarm::Danger(Hazard::Missing),
        Alarm::Danger(Hazard::Flood),
        Alarm::Danger(Hazard::Collapse),
        Alarm::Danger(Hazard::LiveWire),
        Alarm::Danger(Hazard::GasLeak),
        Alarm::Danger(Hazard::Chemical),
        Alarm::Danger(Hazard::Stranded),
        Alarm::Danger(Hazard::Injury),
        Alarm::Danger(Hazard::Violence),
        Alarm::Danger(Hazard::Medical),
        Alarm::Outage(Service::Water),
        Alarm::Outage(Service::Power),
        Alarm::Outage(Service::Internet),
        Alarm::Outage(Service::Gas),
        Alarm::Outage(Service::Sewage),
    ];

    /// The name `data/urgency.toml` uses.
    pub fn name(self) -> &'static str {
        match self {
            Alarm::Danger(hazard) => match hazard {
                Hazard::NotBreathing => "not_breathing",
                Hazard::Unconscious => "unconscious",
                Hazard::ChestPain => "chest_pain",
                Hazard::Bleeding => "bleeding",
                Hazard::Fire => "fire",
                Hazard::Drowning => "drowning",
                Hazard::Trapped => "trapped",
                Hazard::Missing => "missing",
                Hazard::Flood => "flood",
                Hazard::Collapse => "collapse",
                Hazard::LiveWire => "live_wire",
                Hazard::GasLeak => "gas_leak",
                Hazard::Chemical => "chemical",
                Hazard::Stranded => "stranded",
                Hazard::Injury => "injury",
                Hazard::Violence => "violence",
                Hazard::Medical => "medical",
            },
            Alarm::Outage(service) => match service {
                Service::Water => "water",
                Service::Power => "power",
                Service::Internet => "internet",
                Service::Gas => "gas",
                Service::Sewage => "sewage",
            },
        }
    }

    fn named(name: &str) -> Option<Alarm> {
        Alarm::ALL.into_iter().find(|alarm| alarm.name() == name)
    }

    /// Words (both languages, plain spelling) that name this hazard or
    /// service, to rank a knowledge base's urgent entries for it.
    pub fn topic_words(self) -> &'static [&'static str] {
        TOPICS.get(&self).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn is_danger_to_life(self) -> bool {
        matches!(self, Alarm::Danger(_))
    }
}

/// What a citizen's raw message reports happening now, if anything urgent.
pub fn alarm(text: &str) -> Option<Alarm> {
    DETECTOR.alarm(text)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    anaphors: Vec<String>,
    classes: HashMap<String, Vec<String>>,
    alarm: Vec<Rule>,
    topics: HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    kind: String,
    #[serde(default = "default_window")]
    window: usize,
    #[serde(default)]
    absence: bool,
    #[serde(default)]
    bare_subjects: bool,
    #[serde(default)]
    subject_first: bool,
    #[serde(default)]
    alone: Vec<String>,
    #[serde(default)]
    negated_alone: Vec<String>,
    #[serde(default)]
    subjects: Vec<String>,
    #[serde(default)]
    problems: Vec<String>,
    #[serde(default)]
    negated_problems: Vec<String>,
    #[serde(default)]
    context: Vec<String>,
    #[serde(default)]
    modifiers: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
}

fn default_window() -> usize {
    8
}

/// The alarms in priority order: urgency.toml (rules, classes, topics)
/// first, then the alarm files.
static DATA: LazyLock<Data> = LazyLock::new(|| {
    let text = [
        include_str!("data/urgency.toml"),
        include_str!("data/urgency_danger.toml"),
        include_str!("data/urgency_people.toml"),
        include_str!("data/urgency_outage.toml"),
    ]
    .join("\n");
    toml::from_str(&text).expect("language/data/urgency*.toml parse")
});

static TOPICS: LazyLock<HashMap<Alarm, Vec<&'static str>>> = LazyLock::new(|| {
    let data: &'static Data = &DATA;
    data.topics
        .iter()
        .map(|(name, words)| {
            let alarm =
                Alarm::named(name).unwrap_or_else(|| panic!("urgency.toml: unknown topic {name}"));
            (alarm, words.iter().map(String::as_str).collect())
        })
        .collect()
});

static DETECTOR: LazyLock<Detector> = LazyLock::new(|| Detector::new(&DATA));

/// The parts of a rule, each one cue list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Alone,
    NegatedAlone,
    Subject,
    Problem,
    NegatedProblem,
    Context,
    Modifier,
    Unless,
}

const ROLES: Tag = 8;
const ROLE_ORDER: [Role; ROLES as usize] = [
    Role::Alone,
    Role::NegatedAlone,
    Role::Subject,
    Role::Problem,
    Role::NegatedProblem,
    Role::Context,
    Role::Modifier,
    Role::Unless,
];

fn tag(rule: usize, role: Role) -> Tag {
    FIRST_TAG + rule as Tag * ROLES + role as Tag
}

/// Pronouns that take up a subject again; tagged after every rule's roles.
fn anaphor_tag(rules: usize) -> Tag {
    FIRST_TAG + rules as Tag * ROLES
}

fn split(tag: Tag) -> (usize, Role) {
    let offset = tag - FIRST_TAG;
    (
        (offset / ROLES) as usize,
        ROLE_ORDER[(offset % ROLES) as usize],
    )
}

struct Compiled {
    alarm: Alarm,
    window: usize,
    absence: bool,
    /// Subjects with a preposition (بالشارع) name a place, not what fell.
    bare_subjects: bool,
    /// The subject must come before its problem: "الاسفلت نزل" (the asphalt
    /// sank), not "نزلت الشارع" (I went down to the street).
    subject_first: bool,
    has_context: bool,
}

struct Detector {
    cues: Cues,
    rules: Vec<Compiled>,
}

/// A class reference ("@family") expanded to its words, recursively.
fn expand<'a>(
    classes: &'a HashMap<String, Vec<String>>,
    list: &'a [String],
    out: &mut Vec<&'a str>,
) {
    for item in list {
        match item.strip_prefix('@') {
            Some(name) => {
                let class = classes
                    .get(name)
                    .unwrap_or_else(|| panic!("urgency.toml: unknown class @{name}"));
                expand(classes, class, out);
            }
            None => out.push(item),
        }
    }
}

impl Detector {
    fn new(data: &Data) -> Self {
        let mut builder = Builder::new();
        let mut rules = Vec::new();
        for (index, rule) in data.alarm.iter().enumerate() {
            let alarm = Alarm::named(&rule.kind)
                .unwrap_or_else(|| panic!("urgency.toml: unknown kind {}", rule.kind));
            let lists = [
                (Role::Alone, &rule.alone),
                (Role::NegatedAlone, &rule.negated_alone),
                (Role::Subject, &rule.subjects),
                (Role::Problem, &rule.problems),
                (Role::NegatedProblem, &rule.negated_problems),
                (Role::Context, &rule.context),
                (Role::Modifier, &rule.modifiers),
                (Role::Unless, &rule.unless),
            ];
            for (role, list) in lists {
                let mut cues = Vec::new();
                expand(&data.classes, list, &mut cues);
                for cue in cues {
                    builder.add(cue, tag(index, role));
                }
            }
            rules.push(Compiled {
                alarm,
                window: rule.window,
                absence: rule.absence,
                bare_subjects: rule.bare_subjects,
                subject_first: rule.subject_first,
                has_context: !rule.context.is_empty(),
            });
        }
        for anaphor in &data.anaphors {
            builder.add(anaphor, anaphor_tag(rules.len()));
        }
        Self {
            cues: builder.build(),
            rules,
        }
    }

    fn alarm(&self, text: &str) -> Option<Alarm> {
        let reading = self.cues.read(text);
        let mut by_rule: Vec<Vec<(Role, Hit)>> = vec![Vec::new(); self.rules.len()];
        let mut anaphors = Vec::new();
        for hit in reading.hits() {
            if hit.tag == anaphor_tag(self.rules.len()) {
                anaphors.push(*hit);
                continue;
            }
            let (rule, role) = split(hit.tag);
            by_rule[rule].push((role, *hit));
        }
        let judge = Judge {
            reading: &reading,
            rules: &self.rules,
            by_rule: &by_rule,
            anaphors: &anaphors,
        };
        (0..self.rules.len())
            .find(|&rule| judge.fires(rule))
            .map(|rule| self.rules[rule].alarm)
    }
}

#[cfg(test)]
#[path = "urgency_tests.rs"]
mod tests;
