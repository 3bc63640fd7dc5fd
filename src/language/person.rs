//! Whether a citizen asks for a human being, built in for every agency with
//! or without a "talk to an agent" entry. The knowledge is `data/person.toml`;
//! `cues` does the reading (spelling, negation, clauses).

use std::sync::LazyLock;

use serde::Deserialize;

use crate::language::cues::{Builder, Cues, FIRST_TAG, Hit, Reading, Tag, flag};

/// Whether the citizen asks for a human being.
pub fn asks_for_person(text: &str) -> bool {
    DETECTOR.asks(text)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    window: usize,
    staff: Vec<String>,
    someone: Vec<String>,
    talk: Vec<String>,
    want: Vec<String>,
    help: Vec<String>,
    real: Vec<String>,
    machine: Vec<String>,
    direct: Vec<String>,
    alone: Vec<String>,
    unless: Vec<String>,
    relatives: Vec<String>,
    filler: Vec<String>,
}

const STAFF: Tag = FIRST_TAG;
const SOMEONE: Tag = FIRST_TAG + 1;
const TALK: Tag = FIRST_TAG + 2;
const WANT: Tag = FIRST_TAG + 3;
const REAL: Tag = FIRST_TAG + 4;
const MACHINE: Tag = FIRST_TAG + 5;
const DIRECT: Tag = FIRST_TAG + 6;
const ALONE: Tag = FIRST_TAG + 7;
const UNLESS: Tag = FIRST_TAG + 8;
const RELATIVE: Tag = FIRST_TAG + 9;
const FILLER: Tag = FIRST_TAG + 10;
const HELP: Tag = FIRST_TAG + 11;

/// "I want a human": a wish names the person right after it, with at most
/// a determiner or "real" between ("ابي اصير موظف" wishes for a job).
const WANT_REACH: usize = 2;
/// A message this short, of nothing but a person and courtesy, is a request
/// for one: "operator!!", "agent please".
const SHORT: usize = 5;

static DETECTOR: LazyLock<Detector> = LazyLock::new(|| {
    let data: Data =
        toml::from_str(include_str!("data/person.toml")).expect("language/data/person.toml parses");
    Detector::new(&data)
});

struct Detector {
    cues: Cues,
    window: usize,
}

impl Detector {
    fn new(data: &Data) -> Self {
        let mut builder = Builder::new();
        let lists = [
            (STAFF, &data.staff),
            (SOMEONE, &data.someone),
            (TALK, &data.talk),
            (WANT, &data.want),
            (REAL, &data.real),
            (MACHINE, &data.machine),
            (DIRECT, &data.direct),
            (ALONE, &data.alone),
            (UNLESS, &data.unless),
            (RELATIVE, &data.relatives),
            (FILLER, &data.filler),
            (HELP, &data.help),
        ];
        for (tag, list) in lists {
            for cue in list {
                builder.add(cue, tag);
            }
        }
        Self {
            cues: builder.build(),
            window: data.window,
        }
    }

    fn asks(&self, text: &str) -> bool {
        let reading = self.cues.read(text);
        Request {
            reading: &reading,
            window: self.window,
        }
        .asked()
    }
}

struct Request<'a> {
    reading: &'a Reading,
    window: usize,
}

impl Request<'_> {
    fn of(&self, tag: Tag) -> impl Iterator<Item = &Hit> + '_ {
        self.reading.hits().iter().filter(move |h| h.tag == tag)
    }

    fn is(&self, at: usize, tag: Tag) -> bool {
        self.of(tag).any(|h| h.start <= at && at < h.end)
    }

    fn people(&self) -> impl Iterator<Item = &Hit> + '_ {
        self.of(STAFF).chain(self.of(SOMEONE))
    }

    fn same_clause(&self, a: &Hit, b: &Hit) -> bool {
        self.reading.clause(a.start) == self.reading.clause(b.start)
    }

    /// Affirmed, and not in a clause that complains or rates.
    fn stands(&self, hit: &Hit) -> bool {
        !self.reading.negated(hit.start) && !self.of(UNLESS).any(|u| self.same_clause(u, hit))
    }

    /// "The agent who talked to me" describes someone; it asks for nobody.
    fn described(&self, person: &Hit, verb: &Hit) -> bool {
        self.reading.definite(person.start)
            && person.end <= verb.start
            && self
                .of(RELATIVE)
                .any(|r| r.start >= person.end && r.end <= verb.start)
    }

    fn asked(&self) -> bool {
        let talks = self.of(TALK).filter(|v| self.stands(v)).any(|verb| {
            self.people().any(|person| {
                self.same_clause(person, verb)
                    && person.gap(verb) <= self.window
                    && !self.described(person, verb)
            })
        });
        let wants = || {
            self.of(WANT).filter(|v| self.stands(v)).any(|verb| {
                self.of(STAFF).any(|person| {
                    person.start >= verb.end
                        && person.start - verb.end <= WANT_REACH
                        && (verb.end..person.start)
                            .all(|j| self.reading.has(j, flag::DET) || self.is(j, REAL))
                })
            })
        };
        let helps = || {
            self.of(HELP).filter(|v| self.stands(v)).any(|verb| {
                self.of(STAFF)
                    .any(|person| self.same_clause(person, verb) && person.gap(verb) <= self.window)
            })
        };
        let real = || {
            self.people().filter(|p| self.stands(p)).any(|person| {
                self.of(REAL).any(|r| {
                    r.start != person.start && self.same_clause(r, person) && r.gap(person) <= 1
                })
            })
        };
        let not_machine = || {
            self.people().any(|p| self.stands(p))
                && self.of(MACHINE).any(|m| self.reading.negated(m.start))
        };
        let direct = || self.of(DIRECT).any(|d| self.stands(d));
        let short = || {
            self.reading.len() <= SHORT
                && self.of(ALONE).any(|a| self.stands(a))
                && (0..self.reading.len()).all(|j| {
                    self.reading.has(j, flag::DET | flag::POLITE)
                        || [ALONE, STAFF, SOMEONE, TALK, WANT, REAL, FILLER]
                            .iter()
                            .any(|&tag| self.is(j, tag))
                })
        };
        talks || wants() || helps() || real() || not_machine() || direct() || short()
    }
}

#[cfg(test)]
#[path = "person_tests.rs"]
mod tests;
