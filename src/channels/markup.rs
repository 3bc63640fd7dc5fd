//! Answers are Markdown in the knowledge base; each platform has its own
//! markup. This renders Markdown for each and splits long text on sentence
//! boundaries under a platform's length limit.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::message::{Button, OutgoingMessage};

/// One chat bubble as a platform receives it: rendered text, and the
/// buttons it carries.
pub struct Bubble<'a> {
    pub text: String,
    pub buttons: &'a [Button],
}

/// Messages as bubbles: each rendered and split under `limit` characters,
/// its buttons on the last piece, which stays under `buttons_limit` when
/// there are buttons.
pub fn bubbles(
    messages: &[OutgoingMessage],
    markup: Markup,
    limit: usize,
    buttons_limit: usize,
) -> Vec<Bubble<'_>> {
    let mut bubbles = Vec::new();
    for message in messages {
        let last_limit = if message.buttons.is_empty() {
            limit
        } else {
            buttons_limit
        };
        let pieces = render_split(&message.text, markup, limit, last_limit);
        let count = pieces.len();
        bubbles.extend(pieces.into_iter().enumerate().map(|(index, text)| Bubble {
            text,
            buttons: if index + 1 == count {
                &message.buttons
            } else {
                &[]
            },
        }));
    }
    bubbles
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// `*bold*`, `_italic_`, `` `code` ``; links as "text (url)".
    WhatsApp,
    /// Telegram's HTML parse mode: `<b>`, `<i>`, `<code>`, `<a href>`, and
    /// `<`, `>`, `&` escaped everywhere else.
    TelegramHtml,
    /// No markup at all (Messenger).
    Plain,
}

impl Markup {
    fn escape(self, text: &str, out: &mut String) {
        match self {
            Markup::TelegramHtml => {
                for c in text.chars() {
                    match c {
                        '<' => out.push_str("&lt;"),
                        '>' => out.push_str("&gt;"),
                        '&' => out.push_str("&amp;"),
                        '"' => out.push_str("&quot;"),
                        _ => out.push(c),
                    }
                }
            }
            Markup::WhatsApp | Markup::Plain => out.push_str(text),
        }
    }

    fn bold(self) -> (&'static str, &'static str) {
        match self {
            Markup::WhatsApp => ("*", "*"),
            Markup::TelegramHtml => ("<b>", "</b>"),
            Markup::Plain => ("", ""),
        }
    }

    fn italic(self) -> (&'static str, &'static str) {
        match self {
            Markup::WhatsApp => ("_", "_"),
            Markup::TelegramHtml => ("<i>", "</i>"),
            Markup::Plain => ("", ""),
        }
    }

    fn code(self) -> (&'static str, &'static str) {
        match self {
            Markup::WhatsApp => ("`", "`"),
            Markup::TelegramHtml => ("<code>", "</code>"),
            Markup::Plain => ("", ""),
        }
    }

    /// Renders one Markdown text.
    pub fn render(self, markdown: &str) -> String {
        let mut out = String::new();
        // Numbers of the ordered lists being written, innermost last.
        let mut lists: Vec<Option<u64>> = Vec::new();
        let mut link: Option<String> = None;
        for event in Parser::new(markdown) {
            match event {
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Item) => {}
                Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Heading(_)) => {
                    out.push_str("\n\n")
                }
                Event::Start(Tag::Heading { .. }) | Event::Start(Tag::Strong) => {
                    out.push_str(self.bold().0)
                }
                Event::End(TagEnd::Strong) => out.push_str(self.bold().1),
                Event::Start(Tag::Emphasis) => out.push_str(self.italic().0),
                Event::End(TagEnd::Emphasis) => out.push_str(self.italic().1),
                Event::Start(Tag::List(start)) => {
                    if !lists.is_empty() && !out.ends_with('\n') {
                        out.push('\n');
                    }
                    lists.push(start);
                }
                Event::End(TagEnd::List(_)) => {
                    lists.pop();
                    while lists.is_empty() && !out.ends_with("\n\n") {
                        out.push('\n');
                    }
                }
                Event::Start(Tag::Item) => {
                    if !out.is_empty() && !out.ends_with('\n') {
                        out.push('\n');
                    }
                    out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                    match lists.last_mut() {
                        Some(Some(number)) => {
                            out.push_str(&format!("{number}. "));
                            *number += 1;
                        }
                        _ => out.push_str("• "),
                    }
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    if self == Markup::TelegramHtml {
                        out.push_str("<a href=\"");
                        self.escape(&dest_url, &mut out);
                        out.push_str("\">");
                    }
                    link = Some(dest_url.to_string());
                }
                Event::End(TagEnd::Link) => match (self, link.take()) {
                    (Markup::TelegramHtml, _) => out.push_str("</a>"),
                    (_, Some(url)) if !out.ends_with(url.as_str()) => {
                        out.push_str(" (");
                        out.push_str(&url);
                        out.push(')');
                    }
                    _ => {}
                },
                Event::Code(code) => {
                    let (open, close) = self.code();
                    out.push_str(open);
                    self.escape(&code, &mut out);
                    out.push_str(close);
                }
                Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                    self.escape(&text, &mut out)
                }
                Event::SoftBreak | Event::HardBreak => out.push('\n'),
                Event::Rule => out.push_str("\n\n"),
                _ => {}
            }
        }
        out.trim_end().to_owned()
    }
}

/// Splits `text` into pieces of at most `limit` characters, at paragraph
/// breaks when it can, else at sentence ends, else at spaces; a single
/// word longer than the limit is cut.
fn split(text: &str, limit: usize) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    for unit in units(text.trim(), limit) {
        let joined = current.chars().count() + unit.chars().count();
        if !current.is_empty() && joined > limit {
            pieces.push(current.trim().to_owned());
            current.clear();
        }
        current.push_str(&unit);
    }
    if !current.trim().is_empty() {
        pieces.push(current.trim().to_owned());
    }
    pieces
}

/// The text as pieces no longer than `limit` that may be glued together
/// again: paragraphs, or sentences (each keeping its trailing space), or
/// words.
fn units(text: &str, limit: usize) -> Vec<String> {
    let mut units = Vec::new();
    for paragraph in text.split_inclusive("\n\n") {
        if paragraph.chars().count() <= limit {
            units.push(paragraph.to_owned());
            continue;
        }
        for sentence in sentences(paragraph) {
            if sentence.chars().count() <= limit {
                units.push(sentence.to_owned());
                continue;
            }
            for word in sentence.split_inclusive(char::is_whitespace) {
                let chars: Vec<char> = word.chars().collect();
                units.extend(chars.chunks(limit).map(|chunk| chunk.iter().collect()));
            }
        }
    }
    units
}

/// Sentences with their ending punctuation and following whitespace: after
/// `.`, `!`, `?`, the Arabic `؟` and `۔`, and line breaks.
fn sentences(text: &str) -> Vec<&str> {
    let mut sentences = Vec::new();
    let mut start = 0;
    let mut after_end = false;
    for (index, c) in text.char_indices() {
        if after_end && !c.is_whitespace() {
            sentences.push(&text[start..index]);
            start = index;
        }
        after_end =
            matches!(c, '.' | '!' | '?' | '؟' | '۔' | '\n') || (after_end && c.is_whitespace());
    }
    sentences.push(&text[start..]);
    sentences
}

/// `markdown` rendered for `markup`, in pieces of at most `limit`
/// characters, the last of them at most `last_limit` (a platform's shorter
/// limit for a message that carries buttons).
fn render_split(markdown: &str, markup: Markup, limit: usize, last_limit: usize) -> Vec<String> {
    let mut pieces = render_pieces(markdown, markup, limit);
    if let Some(last) = pieces.pop() {
        if last.chars().count() <= last_limit {
            pieces.push(last);
        } else {
            let mut tail = split(&last, last_limit);
            let end = tail.pop().expect("a non-empty text splits into pieces");
            pieces.push(tail.join(" "));
            pieces.push(end);
        }
    }
    pieces
}

fn render_pieces(markdown: &str, markup: Markup, limit: usize) -> Vec<String> {
    split(markdown, limit)
        .into_iter()
        .flat_map(|piece| {
            let rendered = markup.render(&piece);
            // Markup can make a piece longer (a link's address spelled
            // out): split that piece finer.
            if rendered.chars().count() <= limit || piece.chars().count() < 2 {
                vec![rendered]
            } else {
                render_pieces(&piece, markup, limit * 3 / 4)
            }
        })
        .filter(|piece| !piece.is_empty())
        .collect()
}

/// `title` in at most `max` characters, cut at a word boundary with an
/// ellipsis when it is longer.
pub fn shorten(title: &str, max: usize) -> String {
    let title = title.trim();
    if title.chars().count() <= max {
        return title.to_owned();
    }
    let room: String = title.chars().take(max - 1).collect();
    let cut = match room.rfind(char::is_whitespace) {
        Some(space) if space > 0 => room[..space].trim_end(),
        _ => room.as_str(),
    };
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = "**Passport renewal** takes *three* days.\n\n\
        1. Open the [portal](https://example.gov/p?a=1&b=2).\n\
        2. Pay the fee.\n\n\
        Use `code <42>` & wait.";

    #[test]
    fn whatsapp_gets_single_asterisks_and_plain_links() {
        assert_eq!(
            Markup::WhatsApp.render(ANSWER),
            "*Passport renewal* takes _three_ days.\n\n\
             1. Open the portal (https://example.gov/p?a=1&b=2).\n\
             2. Pay the fee.\n\n\
             Use `code <42>` & wait."
        );
    }

    #[test]
    fn telegram_gets_html_with_everything_else_escaped() {
        assert_eq!(
            Markup::TelegramHtml.render(ANSWER),
            "<b>Passport renewal</b> takes <i>three</i> days.\n\n\
             1. Open the <a href=\"https://example.gov/p?a=1&amp;b=2\">portal</a>.\n\
             2. Pay the fee.\n\n\
             Use <code>code &lt;42&gt;</code> &amp; wait."
        );
        assert_eq!(
            Markup::TelegramHtml.render("a <b> & c"),
            "a &lt;b&gt; &amp; c"
        );
    }

    #[test]
    fn messenger_gets_plain_text() {
        assert_eq!(
            Markup::Plain.render("**تجديد** الجواز: [البوابة](https://example.gov)"),
            "تجديد الجواز: البوابة (https://example.gov)"
        );
    }

    #[test]
    fn long_text_splits_at_sentence_ends_under_the_limit() {
        let sentence = "هذه جملة عربية قصيرة للاختبار. ";
        let text = sentence.repeat(20);
        let pieces = split(&text, 100);
        assert!(pieces.len() > 1);
        for piece in &pieces {
            assert!(piece.chars().count() <= 100, "{piece}");
            assert!(piece.ends_with('.'), "split mid-sentence: {piece}");
        }
        assert_eq!(pieces.join(" "), text.trim());
    }

    #[test]
    fn paragraphs_stay_whole_when_they_fit() {
        let pieces = split("First paragraph.\n\nSecond one? Yes.", 20);
        assert_eq!(pieces, ["First paragraph.", "Second one? Yes."]);
        assert_eq!(split("short", 20), ["short"]);
        let word = "x".repeat(25);
        assert_eq!(split(&word, 10).len(), 3);
    }

    #[test]
    fn the_last_piece_respects_its_own_limit() {
        let text = "One sentence here. ".repeat(10);
        let pieces = render_split(&text, Markup::Plain, 150, 40);
        assert!(pieces.last().unwrap().chars().count() <= 40, "{pieces:?}");
        assert!(
            pieces.iter().all(|piece| piece.chars().count() <= 150),
            "{pieces:?}"
        );
        assert_eq!(pieces.join(" "), text.trim());
    }

    #[test]
    fn titles_are_cut_on_a_word_boundary() {
        assert_eq!(shorten("Renew a passport", 20), "Renew a passport");
        assert_eq!(
            shorten("Renew an expired passport online", 20),
            "Renew an expired…"
        );
        assert_eq!(
            shorten("تجديد جواز السفر المنتهي إلكترونيًا", 20),
            "تجديد جواز السفر…"
        );
        assert_eq!(shorten(&"y".repeat(30), 20).chars().count(), 20);
    }
}
