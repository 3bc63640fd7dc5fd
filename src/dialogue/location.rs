//! Where the citizen is: "I live in Al Olaya district, building 14",
//! "احنا ساكنين في حي النرجس". A district the editors list (`areas.toml`)
//! is that area; another one said with a district word ("حي X", "X
//! district") becomes an area of its own name, so that reports naming it
//! still group together and agents read it. The words of a location are
//! not a question: what is left of the message is read on its own, and a
//! message that only says where the citizen is gets a short "noted".

use crate::kb::{Area, KnowledgeBase};
use crate::language::conversation::{Message, WORDS};

/// Articles that start a district's name ("Al Olaya", "el rawda"): the
/// name goes on to the next word, and the id leaves them out.
const ARTICLES: &[&str] = &[
    "al", "el", "an", "ar", "as", "ash", "at", "ad", "az", "il", "the",
];
/// An Arabic district name's own article, left out of the id.
const ARABIC_ARTICLE: &str = "ال";

/// A message read for where the citizen is.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub area: Area,
    /// The message without the words that say where.
    pub rest: String,
}

/// A district's name from its words: the editors' area when one has this
/// display name, else an area of the citizen's own words.
fn said_area(name: &[String]) -> Area {
    let key: Vec<String> = name
        .iter()
        .filter(|word| !ARTICLES.contains(&word.as_str()))
        .map(|word| match word.strip_prefix(ARABIC_ARTICLE) {
            Some(rest) if rest.chars().count() >= 3 => rest.to_owned(),
            _ => word.clone(),
        })
        .collect();
    let display = name
        .iter()
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) if first.is_ascii_lowercase() => {
                    first.to_ascii_uppercase().to_string() + chars.as_str()
                }
                _ => word.clone(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    Area {
        id: format!("said:{}", key.join("-")),
        ar: display.clone(),
        en: display,
    }
}

/// The name after a district word: one word, two when the first is an
/// article. Returns it and how many words it took.
fn name_after(words: &[String]) -> (Vec<String>, usize) {
    match words {
        [article, name, ..] if ARTICLES.contains(&article.as_str()) => {
            (vec![article.clone(), name.clone()], 2)
        }
        [name, ..] if name.parse::<f64>().is_err() => (vec![name.clone()], 1),
        _ => (Vec::new(), 0),
    }
}

/// Whether words after "I live in" name a place rather than describe one
/// ("a flat", "the building", "الدور الثاني").
fn is_place_name(name: &[String]) -> bool {
    let location = &WORDS.location;
    name.last().is_some_and(|word| {
        let word = std::slice::from_ref(word);
        !crate::language::dialect::is_function_word(&word[0])
            && location.address.at(word, 0).is_none()
            && location.landmarks.at(word, 0).is_none()
            && !word[0].chars().any(|c| c.is_ascii_digit())
    })
}

/// The name before "district": one word, two when an article precedes it.
fn name_before(kept: &mut Vec<String>) -> Vec<String> {
    let Some(name) = kept.pop() else {
        return Vec::new();
    };
    match kept.last() {
        Some(article) if ARTICLES.contains(&article.as_str()) && article != "the" => {
            let article = kept.pop().unwrap_or_default();
            vec![article, name]
        }
        _ => vec![name],
    }
}

/// Where the message says the citizen is, if it names a district.
pub fn read(text: &str, kb: &KnowledgeBase) -> Option<Located> {
    let location = &WORDS.location;
    let known = kb.area_named_in(text).cloned();
    let known_words: Vec<String> = known
        .iter()
        .flat_map(|area| [area.ar.as_str(), area.en.as_str()])
        .flat_map(|name| Message::read(name).words())
        .collect();
    let mut named: Option<Vec<String>> = None;
    let mut rest: Vec<String> = Vec::new();
    for clause in Message::read(text).clauses {
        let mut kept: Vec<String> = Vec::new();
        let mut at = 0;
        while at < clause.len() {
            if let Some(len) = location.lives_in.at(&clause, at) {
                at += len;
                // "I live in Hittin": the place's name, unless a district
                // word comes first (then that word's own rule reads it).
                let (name, used) = name_after(&clause[at..]);
                if location.district_before.at(&clause, at).is_none() && is_place_name(&name) {
                    if named.is_none() {
                        named = Some(name);
                    }
                    at += used;
                }
            } else if let Some(len) = location.residence.at(&clause, at) {
                at += len;
            } else if let Some(len) = location.district_before.at(&clause, at) {
                let (name, used) = name_after(&clause[at + len..]);
                if named.is_none() && !name.is_empty() {
                    named = Some(name);
                }
                at += len + used;
            } else if let Some(len) = location.district_after.at(&clause, at) {
                let name = name_before(&mut kept);
                if named.is_none() && !name.is_empty() {
                    named = Some(name);
                }
                at += len;
            } else if location.landmarks.at(&clause, at).is_some() {
                at = clause.len();
            } else if let Some(len) = location.address.at(&clause, at) {
                let numbered = clause
                    .get(at + len)
                    .is_some_and(|next| next.chars().any(|c| c.is_ascii_digit()));
                if numbered {
                    at += len + 1;
                } else {
                    kept.push(clause[at].clone());
                    at += 1;
                }
            } else if clause[at].chars().all(|c| c.is_ascii_digit())
                || known_words.contains(&clause[at])
            {
                at += 1;
            } else {
                kept.push(clause[at].clone());
                at += 1;
            }
        }
        rest.extend(kept);
    }
    let area = known.or_else(|| named.as_deref().map(said_area))?;
    Some(Located {
        area,
        rest: rest.join(" "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn districts_said_with_a_district_word_become_areas_of_their_name() {
        let area = said_area(&["al".to_owned(), "olaya".to_owned()]);
        assert_eq!(area.id, "said:olaya");
        assert_eq!(area.en, "Al Olaya");
        let area = said_area(&Message::read("النرجس").words());
        assert_eq!(area.id, "said:نرجس");
        assert_eq!(area.ar, "النرجس");
    }
}
