//! Finding ready replies from what an agent types after `/`: a few letters
//! of a word, in Arabic or English. Words meet in the base's own analysed
//! form (Arabic letters folded, light stemming), and a word still being
//! typed matches the words it begins, so `/فات` finds «الفاتورة».

use super::Reply;
use crate::kb::Analyzer;
use crate::kb::analysis::words;

/// What a reply is searched by: its analysed words, by how much they say.
struct Searchable {
    /// Of its id, titles and tags: what the reply is for.
    named: Vec<String>,
    /// Of its texts in both languages.
    said: Vec<String>,
}

/// The replies of one knowledge base, ready to be searched.
pub struct ReplyIndex {
    replies: Vec<Reply>,
    searchable: Vec<Searchable>,
    analyzer: Analyzer,
}

impl ReplyIndex {
    /// Replies in id order, which is also how an empty search lists them.
    pub fn build(mut replies: Vec<Reply>, analyzer: &Analyzer) -> Self {
        replies.sort_by(|a, b| a.id.cmp(&b.id));
        let mut analyzer = analyzer.clone();
        let searchable = replies
            .iter()
            .map(|reply| {
                let mut named = forms(&mut analyzer, &reply.id.as_str().replace('-', " "));
                for side in [&reply.ar, &reply.en] {
                    if let Some(title) = &side.title {
                        named.extend(forms(&mut analyzer, title));
                    }
                }
                for tag in &reply.tags {
                    named.extend(forms(&mut analyzer, tag));
                }
                let mut said = forms(&mut analyzer, &reply.ar.text);
                said.extend(forms(&mut analyzer, &reply.en.text));
                Searchable { named, said }
            })
            .collect();
        Self {
            replies,
            searchable,
            analyzer,
        }
    }

    pub fn all(&self) -> &[Reply] {
        &self.replies
    }

    /// The replies every word of `query` is found in, those it names first
    /// (title, tag or id), then in id order. A query of no words lists all.
    pub fn search(&self, query: &str) -> Vec<&Reply> {
        let mut analyzer = self.analyzer.clone();
        let wanted: Vec<(String, String)> = words(query)
            .into_iter()
            .map(|word| {
                let normalized = analyzer.normalize(word);
                let stem = analyzer.stem(&normalized);
                (normalized, stem)
            })
            .collect();
        let mut found: Vec<(usize, &Reply)> = self
            .replies
            .iter()
            .zip(&self.searchable)
            .filter_map(|(reply, searchable)| {
                let mut score = 0;
                for (normalized, stem) in &wanted {
                    let begins = |form: &String| {
                        form.starts_with(normalized.as_str()) || form.starts_with(stem.as_str())
                    };
                    if searchable.named.iter().any(begins) {
                        score += 2;
                    } else if searchable.said.iter().any(begins) {
                        score += 1;
                    } else {
                        return None;
                    }
                }
                Some((score, reply))
            })
            .collect();
        // Stable: equal scores keep id order.
        found.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        found.into_iter().map(|(_, reply)| reply).collect()
    }
}

/// Each word of `text` in its normalised spelling and as its stem, so that
/// a query word can meet either.
fn forms(analyzer: &mut Analyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in words(text) {
        let normalized = analyzer.normalize(word);
        let stem = analyzer.stem(&normalized);
        if stem != normalized {
            out.push(stem);
        }
        out.push(normalized);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::RetrievalOptions;
    use crate::kb::entry::EntryId;
    use crate::kb::replies::ReplySide;

    fn reply(id: &str, ar: &str, en: &str, title: &str) -> Reply {
        Reply {
            id: EntryId::parse(id).unwrap(),
            tags: Vec::new(),
            ar: ReplySide {
                title: None,
                text: ar.to_owned(),
            },
            en: ReplySide {
                title: Some(title.to_owned()),
                text: en.to_owned(),
            },
        }
    }

    fn ids(found: Vec<&Reply>) -> Vec<&str> {
        found.into_iter().map(|reply| reply.id.as_str()).collect()
    }

    #[test]
    fn a_word_being_typed_finds_replies_in_either_language_names_first() {
        let index = ReplyIndex::build(
            vec![
                reply(
                    "water-bill",
                    "يمكنك دفع الفاتورة من البوابة",
                    "You can pay the bill online",
                    "Paying a bill",
                ),
                reply(
                    "greeting",
                    "مرحبًا، كيف أساعدك في فاتورتك؟",
                    "Hello, how can I help?",
                    "Greeting",
                ),
            ],
            &Analyzer::new(RetrievalOptions::ALL),
        );
        assert_eq!(ids(index.search("")), ["greeting", "water-bill"]);
        assert_eq!(ids(index.search("فات")), ["greeting", "water-bill"]);
        assert_eq!(ids(index.search("فاتورة بوابة")), ["water-bill"]);
        assert_eq!(ids(index.search("Gree")), ["greeting"]);
        assert_eq!(ids(index.search("bill")), ["water-bill"]);
        assert_eq!(ids(index.search("help")), ["greeting"]);
        assert!(index.search("passport").is_empty());
    }
}
