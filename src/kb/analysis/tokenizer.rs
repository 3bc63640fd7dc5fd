//! The analysis chain as a tantivy tokenizer.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::Analyzer;

/// Lets tantivy index fields with the same chain the queries go through.
#[derive(Clone)]
pub struct KhidmaTokenizer {
    analyzer: Analyzer,
    tokens: Vec<Token>,
}

impl KhidmaTokenizer {
    pub fn new(analyzer: Analyzer) -> Self {
        Self {
            analyzer,
            tokens: Vec::new(),
        }
    }
}

pub struct VecTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for KhidmaTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.tokens.clear();
        for (position, term) in self.analyzer.terms(text).into_iter().enumerate() {
            self.tokens.push(Token {
                position,
                text: term,
                ..Token::default()
            });
        }
        VecTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}
