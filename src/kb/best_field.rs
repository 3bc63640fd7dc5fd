//! One term's score in an entry: its best field's, plus a share of its
//! other fields' (Lucene's `dis_max` with a tie-breaker), as a tantivy
//! query.
//!
//! tantivy's own `DisjunctionMaxQuery` scores exactly this, through a
//! buffered union that sets up a 4,096-document window (about 64 KB,
//! zeroed and copied) for every term of every message. A term is found in
//! at most four fields, so walking its fields' postings side by side costs
//! nothing to set up, whatever the size of the base, and adds the fields'
//! scores in the same order, to the same bits.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

#[derive(Debug)]
pub(super) struct BestFieldQuery {
    /// The term's query in each field that holds it, in a fixed order.
    fields: Vec<Box<dyn Query>>,
    tie_breaker: Score,
}

impl BestFieldQuery {
    pub fn new(fields: Vec<Box<dyn Query>>, tie_breaker: Score) -> Self {
        Self {
            fields,
            tie_breaker,
        }
    }
}

impl Clone for BestFieldQuery {
    fn clone(&self) -> Self {
        Self {
            fields: self.fields.iter().map(|field| field.box_clone()).collect(),
            tie_breaker: self.tie_breaker,
        }
    }
}

impl Query for BestFieldQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(BestFieldWeight {
            fields: self
                .fields
                .iter()
                .map(|field| field.weight(enable_scoring))
                .collect::<tantivy::Result<_>>()?,
            tie_breaker: self.tie_breaker,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for field in &self.fields {
            field.query_terms(visitor);
        }
    }
}

struct BestFieldWeight {
    fields: Vec<Box<dyn Weight>>,
    tie_breaker: Score,
}

impl Weight for BestFieldWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut fields = Vec::with_capacity(self.fields.len());
        for weight in &self.fields {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                fields.push(scorer);
            }
        }
        Ok(match fields.len() {
            0 => Box::new(EmptyScorer),
            // Alone, a field's score is the best field's, exactly.
            1 => fields.pop().expect("one field"),
            _ => Box::new(BestFieldScorer::new(fields, self.tie_breaker)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation = Explanation::new_with_string(
            format!("best field, tie-breaker {}", self.tie_breaker),
            scorer.score(),
        );
        for field in &self.fields {
            if let Ok(detail) = field.explain(reader, doc) {
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }
}

/// The fields' postings walked together, one document at a time.
struct BestFieldScorer {
    /// In the query's order.
    fields: Vec<Box<dyn Scorer>>,
    /// Each field's current document (`TERMINATED` once exhausted), kept
    /// here to spare a call through the box per field and document.
    at: Vec<DocId>,
    doc: DocId,
    tie_breaker: Score,
}

impl BestFieldScorer {
    fn new(fields: Vec<Box<dyn Scorer>>, tie_breaker: Score) -> Self {
        let at: Vec<DocId> = fields.iter().map(|field| field.doc()).collect();
        Self {
            doc: at.iter().copied().min().unwrap_or(TERMINATED),
            fields,
            at,
            tie_breaker,
        }
    }
}

impl DocSet for BestFieldScorer {
    fn advance(&mut self) -> DocId {
        let mut next = TERMINATED;
        for (field, at) in self.fields.iter_mut().zip(&mut self.at) {
            if *at == self.doc {
                *at = field.advance();
            }
            next = next.min(*at);
        }
        self.doc = next;
        next
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.fields
            .iter()
            .map(|field| field.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for BestFieldScorer {
    fn score(&mut self) -> Score {
        // As tantivy's `DisjunctionMaxCombiner` adds them up.
        let (mut max, mut sum): (Score, Score) = (0.0, 0.0);
        for (field, at) in self.fields.iter_mut().zip(&self.at) {
            if *at == self.doc {
                let score = field.score();
                max = max.max(score);
                sum += score;
            }
        }
        max + (sum - max) * self.tie_breaker
    }
}
