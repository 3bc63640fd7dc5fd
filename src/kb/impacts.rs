//! Each indexed term's score in each entry that holds it (an impact index),
//! worked out once when the index is built, and the ranking of a message by
//! adding them up.
//!
//! A term's score in an entry is its best field's BM25 score plus a share
//! of its other fields' (Lucene's `dis_max` with a tie-breaker). None of it
//! depends on the message, so it need not be recomputed for every one: a
//! message's words expand into tens of terms (synonyms, dialect readings,
//! corrections), each looked for in four fields, and setting up a tantivy
//! query tree for them cost more than scoring the entries. A knowledge base
//! is small enough to keep every (term, entry) score in memory: the
//! benchmark's 10,000 entries hold 1.5 million, about 12 MB.

use std::collections::HashMap;

/// One term's score in each entry that holds it, by entry ordinal, in
/// ascending order of entry.
type Postings = Box<[(u32, f32)]>;

pub(super) struct Impacts {
    by_term: HashMap<String, Postings>,
    entries: usize,
}

impl Impacts {
    /// The best `limit` entries that `admits` lets through, by the sum of
    /// their scores for each (term, weight), each score times its weight;
    /// best first, a tie to the earlier entry. An entry no term is found in
    /// is left out.
    pub fn top<'t>(
        &self,
        terms: impl IntoIterator<Item = (&'t str, f32)>,
        admits: impl Fn(usize) -> bool,
        limit: usize,
    ) -> Vec<(usize, f32)> {
        if limit == 0 {
            return Vec::new();
        }
        let mut scores = vec![0.0_f32; self.entries];
        let mut touched: Vec<usize> = Vec::new();
        for (term, weight) in terms {
            let Some(postings) = self.by_term.get(term) else {
                continue;
            };
            for &(entry, impact) in postings.iter() {
                let entry = entry as usize;
                // Scores and weights are positive: zero is "not yet found".
                // An entry outside the scope is never scored.
                if scores[entry] == 0.0 {
                    if !admits(entry) {
                        continue;
                    }
                    touched.push(entry);
                }
                scores[entry] += weight * impact;
            }
        }
        // Thousands of entries may hold one of the message's terms, and a
        // search wants a handful: keep the best so far, in order.
        let better = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let mut best: Vec<(usize, f32)> = Vec::with_capacity(limit + 1);
        for entry in touched {
            let candidate = (entry, scores[entry]);
            if best.len() == limit && better(&candidate, &best[limit - 1]).is_ge() {
                continue;
            }
            let at = best.partition_point(|kept| better(kept, &candidate).is_lt());
            best.insert(at, candidate);
            best.truncate(limit);
        }
        best
    }
}

/// Gathers each term's scores field by field, then folds each entry's
/// fields into one score.
pub(super) struct ImpactsBuilder {
    /// Per term: (entry, field, the field's score), in the order added.
    by_term: HashMap<String, Vec<(u32, u8, f32)>>,
    entries: usize,
    tie_breaker: f32,
}

impl ImpactsBuilder {
    /// `tie_breaker`: the share of a term's score in its other fields that
    /// adds to its best field's.
    pub fn new(entries: usize, tie_breaker: f32) -> Self {
        Self {
            by_term: HashMap::new(),
            entries,
            tie_breaker,
        }
    }

    /// The term's score in `field` of each entry that holds it there.
    /// Fields must come in the same order for every term: their scores are
    /// added in that order.
    pub fn add(&mut self, term: &str, field: u8, scores: impl IntoIterator<Item = (usize, f32)>) {
        let postings = match self.by_term.get_mut(term) {
            Some(postings) => postings,
            None => self.by_term.entry(term.to_owned()).or_default(),
        };
        postings.extend(
            scores
                .into_iter()
                .map(|(entry, score)| (entry as u32, field, score)),
        );
    }

    pub fn build(self) -> Impacts {
        let tie_breaker = self.tie_breaker;
        let by_term = self
            .by_term
            .into_iter()
            .map(|(term, mut fields)| {
                fields.sort_by_key(|&(entry, field, _)| (entry, field));
                let mut postings: Vec<(u32, f32)> = Vec::new();
                let mut at = 0;
                while at < fields.len() {
                    let entry = fields[at].0;
                    let (mut best, mut sum) = (0.0_f32, 0.0_f32);
                    while at < fields.len() && fields[at].0 == entry {
                        best = best.max(fields[at].2);
                        sum += fields[at].2;
                        at += 1;
                    }
                    // As tantivy's `DisjunctionMaxCombiner` adds them up.
                    postings.push((entry, best + (sum - best) * tie_breaker));
                }
                (term, postings.into_boxed_slice())
            })
            .collect();
        Impacts {
            by_term,
            entries: self.entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn impacts() -> Impacts {
        let mut builder = ImpactsBuilder::new(4, 0.5);
        builder.add("water", 0, [(0, 2.0), (2, 1.0)]);
        builder.add("bill", 0, [(0, 1.0), (1, 3.0)]);
        builder.add("water", 1, [(2, 4.0), (3, 1.0)]);
        builder.build()
    }

    #[test]
    fn a_term_counts_its_best_field_and_a_share_of_the_others() {
        // Entry 2: best 4.0 plus half of 1.0.
        assert_eq!(
            impacts().top([("water", 1.0)], |_| true, 10),
            [(2, 4.5), (0, 2.0), (3, 1.0)]
        );
    }

    #[test]
    fn terms_add_up_by_weight_and_ties_go_to_the_earlier_entry() {
        let top = impacts().top(
            [("water", 1.0), ("bill", 0.5), ("unknown", 1.0)],
            |_| true,
            10,
        );
        assert_eq!(top, [(2, 4.5), (0, 2.5), (1, 1.5), (3, 1.0)]);
        assert_eq!(
            impacts().top([("bill", 1.0), ("water", 1.5)], |_| true, 2),
            [(2, 6.75), (0, 4.0)]
        );
        let mut builder = ImpactsBuilder::new(4, 0.5);
        builder.add("fee", 0, [(3, 1.0), (1, 1.0), (2, 0.5)]);
        assert_eq!(
            builder.build().top([("fee", 1.0)], |_| true, 2),
            [(1, 1.0), (3, 1.0)]
        );
    }

    #[test]
    fn only_admitted_entries_are_ranked() {
        assert_eq!(
            impacts().top([("water", 1.0), ("bill", 1.0)], |entry| entry % 2 == 1, 10),
            [(1, 3.0), (3, 1.0)]
        );
        assert!(impacts().top([("water", 1.0)], |_| true, 0).is_empty());
    }
}
