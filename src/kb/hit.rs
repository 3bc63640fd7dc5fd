//! One entry as a search ranked it for a message, with how sure one can
//! be that it is what the message asks ([`super::index`] computes both).

/// One ranked entry for a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Position of the entry in [`super::KnowledgeBase::entries`].
    pub entry: usize,
    /// BM25 score with field boosts, each term counted for its
    /// best field (and a little for its others); comparable only within
    /// one query.
    pub score: f32,
    /// Share of the query's meaning (its terms, weighted by how specific each
    /// is) that the entry's questions, keywords and title contain, and at
    /// half weight its answer: 0..=1, comparable across queries of any
    /// length.
    pub coverage: f32,
    /// Share of the meaning of the entry's best-matching question, keyword
    /// or title that the query contains: 0..=1. A message that touches one
    /// generic word of a long question is not asking it.
    pub fit: f32,
}

impl Hit {
    /// Whether the message holds one of the entry's questions, keywords or
    /// its title whole: every word of it, as written or with a clitic
    /// attached ("مخالفاتي" holds "مخالفات"). Fit is a share, so a little
    /// under that clitic's weight still counts.
    pub fn names_whole(&self) -> bool {
        self.fit >= super::query::CLITIC_WEIGHT - 0.001
    }

    /// Whether any word of the entry's questions, keywords or title is in
    /// the message (its answer's words do not name it).
    pub fn named_at_all(&self) -> bool {
        self.fit > 0.0
    }
}
