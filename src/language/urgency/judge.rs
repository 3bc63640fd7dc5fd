//! Whether a rule fires on one message's cue hits: subjects near their
//! problems in a clause (or taken up by a pronoun), never negated,
//! conditional, modified ("water bill") or vetoed by an `unless` word.

use super::{Compiled, Role};
use crate::language::cues::{Hit, Reading, flag};

/// One message's hits, judged rule by rule.
pub(super) struct Judge<'a> {
    pub(super) reading: &'a Reading,
    pub(super) rules: &'a [Compiled],
    pub(super) by_rule: &'a [Vec<(Role, Hit)>],
    pub(super) anaphors: &'a [Hit],
}

impl Judge<'_> {
    fn of(&self, rule: usize, role: Role) -> impl Iterator<Item = Hit> + '_ {
        self.by_rule[rule]
            .iter()
            .filter(move |(r, _)| *r == role)
            .map(|(_, hit)| *hit)
    }

    fn same_clause(&self, a: &Hit, b: &Hit) -> bool {
        self.reading.clause(a.start) == self.reading.clause(b.start)
    }

    /// Whether the rule may fire in the clause of `hit`: no `unless` word
    /// there.
    fn clause_allows(&self, rule: usize, hit: &Hit) -> bool {
        !self
            .of(rule, Role::Unless)
            .any(|u| self.same_clause(&u, hit))
    }

    /// Whether a subject and problem stand where the rule needs them to: a
    /// context word in the clause ("swimming" for someone who "went under").
    fn in_context(&self, rule: usize, hit: &Hit) -> bool {
        !self.rules[rule].has_context
            || self
                .of(rule, Role::Context)
                .any(|c| self.same_clause(&c, hit))
    }

    /// Whether a modifier turns the cue into another thing: "water bill",
    /// "فاتورة الكهرباء", "fire extinguisher".
    fn modified(&self, rule: usize, hit: &Hit) -> bool {
        self.of(rule, Role::Modifier).any(|m| {
            self.same_clause(&m, hit)
                && m.gap(hit) <= 1
                && !self.of(rule, Role::Problem).any(|p| between(&p, &m, hit))
                && !self.joined_between(&m, hit)
        })
    }

    /// Whether "and" stands between two hits, or the later one starts with
    /// و: "العداد يدور والماء يسرب" is no water meter.
    fn joined_between(&self, a: &Hit, b: &Hit) -> bool {
        let (first, last) = if a.start < b.start { (a, b) } else { (b, a) };
        self.reading.has(last.start, flag::JOINED)
            || (first.end..last.start).any(|j| self.reading.has(j, flag::CONJ))
    }

    pub(super) fn fires(&self, rule: usize) -> bool {
        let reading = self.reading;
        let alone = self.of(rule, Role::Alone).any(|a| {
            reading.reported(&a)
                && !reading.negated(a.start)
                && !self.modified(rule, &a)
                && self.clause_allows(rule, &a)
        });
        let negated_alone = || {
            self.of(rule, Role::NegatedAlone).any(|a| {
                reading.negated(a.start) && reading.reported(&a) && self.clause_allows(rule, &a)
            })
        };
        alone
            || negated_alone()
            || self
                .of(rule, Role::Subject)
                .any(|s| self.subject_fires(rule, &s))
    }

    fn subject_fires(&self, rule: usize, subject: &Hit) -> bool {
        let reading = self.reading;
        if self.modified(rule, subject)
            || self.swallowed(subject)
            || !self.clause_allows(rule, subject)
            || !self.in_context(rule, subject)
            || (self.rules[rule].bare_subjects && reading.has(subject.start, flag::GOVERNED))
        {
            return false;
        }
        if self.rules[rule].absence && reading.absent(subject) && reading.reported(subject) {
            return true;
        }
        self.problems_of(rule).any(|(problem, wanted_negation)| {
            problem.start != subject.start
                && (!self.rules[rule].subject_first || subject.end <= problem.start)
                && self.reaches(rule, subject, &problem)
                && reading.negated(problem.start) == wanted_negation
                && reading.reported(&problem)
                && (!reading.takes_object(&problem) || self.object_is_subject(rule, &problem))
                && !self.outranked(rule, subject, &problem)
        })
    }

    /// Whether the problem is said of the subject: near it in its clause, or
    /// near a pronoun that takes it up later in that clause or the next
    /// ("a hole opened in our street, it's getting bigger").
    fn reaches(&self, rule: usize, subject: &Hit, problem: &Hit) -> bool {
        let window = self.rules[rule].window;
        let near = |from: &Hit| self.same_clause(problem, from) && problem.gap(from) <= window;
        near(subject)
            || self.anaphors.iter().any(|pronoun| {
                let (said, taken_up) = (
                    self.reading.clause(subject.start),
                    self.reading.clause(pronoun.start),
                );
                subject.end <= pronoun.start
                    && pronoun.end <= problem.start
                    && taken_up <= said + 1
                    && near(pronoun)
                    && self.clause_allows(rule, problem)
            })
    }

    /// Whether a longer subject of any rule contains this one: "gas supply"
    /// is no water "supply", "سلك الكهربا" no power cut.
    fn swallowed(&self, subject: &Hit) -> bool {
        let length = subject.end - subject.start;
        self.by_rule.iter().flatten().any(|(role, s)| {
            *role == Role::Subject
                && s.start <= subject.start
                && s.end >= subject.end
                && s.end - s.start > length
        })
    }

    /// The rule's problem hits, each with whether it needs a negation.
    fn problems_of(&self, rule: usize) -> impl Iterator<Item = (Hit, bool)> + '_ {
        self.by_rule[rule]
            .iter()
            .filter_map(|(role, hit)| match role {
                Role::Problem => Some((*hit, false)),
                Role::NegatedProblem => Some((*hit, true)),
                _ => None,
            })
    }

    /// "Lost our little boy" names the lost one; "lost his card" does not.
    fn object_is_subject(&self, rule: usize, problem: &Hit) -> bool {
        let object = problem.end + 1..=problem.end + 2;
        self.of(rule, Role::Subject)
            .any(|s| object.contains(&s.start))
    }

    /// Whether another rule claims the same problem word through a subject
    /// nearer to it: "the building collapsed" is no fainting even with "my
    /// son" further away.
    fn outranked(&self, rule: usize, subject: &Hit, problem: &Hit) -> bool {
        let distance = problem.gap(subject);
        (0..self.rules.len())
            .filter(|&other| other != rule)
            .any(|other| {
                self.problems_of(other)
                    .any(|(p, _)| p.start == problem.start)
                    && self.of(other, Role::Subject).any(|s| {
                        s.start != problem.start
                            && self.same_clause(&s, problem)
                            && problem.gap(&s) < distance
                            && !self.modified(other, &s)
                            && self.clause_allows(other, &s)
                            && self.in_context(other, &s)
                    })
            })
    }
}

/// Whether `x` lies strictly between `a` and `b`.
fn between(x: &Hit, a: &Hit, b: &Hit) -> bool {
    let (low, high) = if a.start < b.start { (a, b) } else { (b, a) };
    x.start >= low.end && x.end <= high.start
}
