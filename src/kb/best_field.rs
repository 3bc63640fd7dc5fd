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

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::{BoostQuery, DisjunctionMaxQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    use super::*;

    /// Every document's score for `query`, by document id.
    fn scores(index: &Index, query: &dyn Query) -> Vec<(u32, Score)> {
        let searcher = index.reader().expect("a reader").searcher();
        let mut hits: Vec<(u32, Score)> = searcher
            .search(query, &TopDocs::with_limit(100).order_by_score())
            .expect("the search runs")
            .into_iter()
            .map(|(score, address)| (address.doc_id, score))
            .collect();
        hits.sort_by_key(|(doc, _)| *doc);
        hits
    }

    #[test]
    fn scores_every_document_as_tantivy_s_dis_max_does_to_the_bit() {
        let mut schema = Schema::builder();
        let fields = [
            schema.add_text_field("title", TEXT),
            schema.add_text_field("questions", TEXT),
            schema.add_text_field("answer", TEXT),
        ];
        let index = Index::create_in_ram(schema.build());
        let mut writer = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("a writer");
        let texts = [
            [
                "water bill",
                "why is my water bill high",
                "pay the bill online",
            ],
            [
                "power cut",
                "no power since noon",
                "report a water leak too",
            ],
            ["", "water water everywhere", "the water board answers"],
            ["permits", "how do I get a permit", "bring your id"],
            ["water", "", ""],
        ];
        for text in texts {
            let mut document = TantivyDocument::default();
            for (field, value) in fields.iter().zip(text) {
                document.add_text(*field, value);
            }
            writer.add_document(document).expect("added");
        }
        writer.commit().expect("committed");
        let by_field = || -> Vec<Box<dyn Query>> {
            fields
                .iter()
                .zip([1.5, 2.0, 0.8])
                .map(|(field, boost)| {
                    let term = TermQuery::new(
                        Term::from_field_text(*field, "water"),
                        IndexRecordOption::WithFreqs,
                    );
                    Box::new(BoostQuery::new(Box::new(term), boost)) as Box<dyn Query>
                })
                .collect()
        };

        let ours = scores(&index, &BestFieldQuery::new(by_field(), 0.3));
        let tantivy_s = scores(
            &index,
            &DisjunctionMaxQuery::with_tie_breaker(by_field(), 0.3),
        );

        assert_eq!(ours.len(), 4, "{ours:?}");
        assert_eq!(ours, tantivy_s);
    }
}
