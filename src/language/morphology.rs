//! Dialect morphology: the cores hidden under the prefixes, circumfixes and
//! suffixes that the dialects attach to a word and that Modern Standard
//! Arabic, the language of every knowledge base, does not use (بيجدد،
//! حيجدد، كيدوزو، ماعرفتش، سيارتي، چبير). Candidates are guesses; the caller
//! keeps those its knowledge base knows, so a wrong guess costs one lookup.

/// Letters an imperfect verb starts with (I, you/she, we, he).
const PERSON: &[char] = &['ا', 'ي', 'ت', 'ن'];

/// Markers of aspect, mood and tense that sit before an imperfect verb,
/// each with the person letters it may precede: Levantine/Egyptian ب
/// (بيجدد), future ح/ه (حيجدد، هنجدد), Maghrebi ك and تا (كيدوزو، تايدوز)
/// and future غا (غانجدد), Levantine عم when written onto the verb.
const ASPECT: &[(&str, &[char])] = &[
    ("ب", PERSON),
    ("ح", PERSON),
    ("ه", PERSON),
    ("ك", &['ي', 'ت', 'ن']),
    ("تا", &['ي', 'ت', 'ن']),
    ("غا", &['ي', 'ت', 'ن']),
    ("عم", &['ي', 'ت', 'ن', 'ب']),
];

/// Conjunctions and prepositions written onto a word. light10 removes them
/// only together with the article; alone they hide the dialect verb (وبيجدد)
/// or noun (لسيارتي).
const PROCLITICS: &[&str] = &["و", "ف", "ب", "ل", "ك"];

/// Endings of dialect verbs and nouns, longest first: plural verbs (يدوزو،
/// يجددون، يجددوا), datives (اطلعلي، جددولي، عطيوليا), object and possessive
/// pronouns (اجددها، جوازو، موتري).
const ENDINGS: &[&str] = &[
    "وليا", "ولي", "وله", "ولها", "ولنا", "ليا", "لها", "لهم", "لنا", "لكم", "ون", "وا", "ين",
    "ها", "هم", "هن", "كم", "كن", "نا", "ني", "لي", "لك", "له", "و", "ه", "ك", "ي",
];

/// Shortest core worth proposing: shorter strings match too many words.
const MIN_CORE: usize = 3;

/// Collects candidates with a cost (how many guesses made them), so that
/// the likeliest readings come first.
struct Candidates<'a> {
    word: &'a str,
    found: Vec<(u8, String)>,
}

impl Candidates<'_> {
    fn push(&mut self, cost: u8, letters: &[char]) {
        if letters.len() < MIN_CORE {
            return;
        }
        let core: String = letters.iter().collect();
        if core == self.word {
            return;
        }
        match self.found.iter_mut().find(|(_, seen)| *seen == core) {
            Some(seen) => seen.0 = seen.0.min(cost),
            None => self.found.push((cost, core)),
        }
    }
}

/// Candidate cores of a normalised dialect word, most likely first, never
/// the word itself. See the module documentation; callers should consult
/// them only for words the knowledge base does not know as they are.
pub fn cores(word: &str) -> Vec<String> {
    let letters: Vec<char> = word.chars().collect();
    if letters.len() < MIN_CORE || !letters.iter().all(|&c| super::text::is_arabic_letter(c)) {
        return Vec::new();
    }
    let mut candidates = Candidates {
        word,
        found: Vec::new(),
    };
    for (spelling, cost) in spellings(&letters) {
        candidates.push(cost, &spelling);
        unwrap_negation(&spelling, cost, &mut candidates);
    }
    candidates.found.sort_by_key(|(cost, _)| *cost);
    candidates.found.into_iter().map(|(_, core)| core).collect()
}

/// Letters that the derived forms of a verb add in front of its root:
/// اِفعال (اغلاق), تفعيل (تجديد), مفعول (مغلق), استفعال (استخراج), and the
/// imperfect's person and the future's س (ستغلق).
const DERIVATION_PREFIXES: &[char] = &['ا', 'ت', 'م', 'ي', 'ن', 'س'];
/// Long vowels that patterns put between a root's letters (غلاق، جديد).
const LONG_VOWELS: &[char] = &['ا', 'و', 'ي'];

/// The three-letter root of a light-stemmed Arabic word, when its pattern
/// letters can be told from its root's: إغلاق، مغلق، تغلق and ستغلق all
/// come from غلق. A guess (a root letter may look like a pattern's), for
/// words the knowledge base does not know in any other form.
pub fn root(stem: &str) -> Option<String> {
    let mut letters: Vec<char> = stem.chars().collect();
    if !letters.iter().all(|&c| super::text::is_arabic_letter(c)) {
        return None;
    }
    while letters.len() > 3 {
        let Some(at) = (1..letters.len()).find(|&at| LONG_VOWELS.contains(&letters[at])) else {
            break;
        };
        letters.remove(at);
    }
    while letters.len() > 3 && DERIVATION_PREFIXES.contains(&letters[0]) {
        letters.remove(0);
    }
    (letters.len() == 3).then(|| letters.into_iter().collect())
}

/// Iraqi and Gulf letters for sounds MSA writes otherwise: چ is ك (چبير،
/// بيتچ) or ج (چان in some regions), گ is ق (گال) or ك (گاع) or ج; ڤ is ف
/// and پ is ب in loanwords. The word as written comes first.
fn spellings(letters: &[char]) -> Vec<(Vec<char>, u8)> {
    let mut spellings = vec![(letters.to_vec(), 0)];
    let swaps: &[(char, &[char])] = &[
        ('چ', &['ك', 'ج']),
        ('گ', &['ق', 'ك', 'ج']),
        ('ڤ', &['ف']),
        ('پ', &['ب']),
    ];
    for (letter, replacements) in swaps {
        if !letters.contains(letter) {
            continue;
        }
        let mut next = Vec::new();
        for (spelling, cost) in &spellings {
            for replacement in *replacements {
                let swapped = spelling
                    .iter()
                    .map(|c| if c == letter { *replacement } else { *c })
                    .collect();
                next.push((swapped, cost + 1));
            }
        }
        spellings = next;
    }
    spellings
}

/// The ما...ش circumfix (ماعرفتش، مابغيتش), its Egyptian short form م...ش
/// (مبيشتغلش، معرفش) and a bare final ش after a separate ما (ما عرفتش).
fn unwrap_negation(letters: &[char], cost: u8, out: &mut Candidates<'_>) {
    strip_clitics(letters, cost, out);
    if letters.len() < 5 || letters.last() != Some(&'ش') {
        return;
    }
    let body = &letters[..letters.len() - 1];
    if let Some(inner) = body.strip_prefix(&['م', 'ا']) {
        out.push(cost + 1, inner);
        strip_clitics(inner, cost + 1, out);
    } else if let Some(inner) = body.strip_prefix(&['م']) {
        out.push(cost + 1, inner);
        strip_clitics(inner, cost + 1, out);
    }
    out.push(cost + 3, body);
    strip_clitics(body, cost + 3, out);
}

/// A conjunction or preposition before the word, then the verb markers.
fn strip_clitics(letters: &[char], cost: u8, out: &mut Candidates<'_>) {
    strip_markers(letters, cost, out);
    // Maghrebi د of the genitive before the article: دالدار is "of the house".
    if letters.starts_with(&['د', 'ا', 'ل']) {
        out.push(cost + 1, &letters[1..]);
    }
    for proclitic in PROCLITICS {
        let proclitic: Vec<char> = proclitic.chars().collect();
        if let Some(rest) = letters
            .strip_prefix(proclitic.as_slice())
            .filter(|rest| rest.len() >= MIN_CORE)
        {
            out.push(cost + 2, rest);
            strip_markers(rest, cost + 2, out);
        }
    }
}

/// Aspect and tense markers before an imperfect verb; what remains is the
/// imperfect (يجدد) and, without its person letter, the stem (جدد).
fn strip_markers(letters: &[char], cost: u8, out: &mut Candidates<'_>) {
    strip_endings(letters, cost, false, out);
    strip_passive(letters, cost, out);
    for (marker, before) in ASPECT {
        let marker: Vec<char> = marker.chars().collect();
        let Some(rest) = letters.strip_prefix(marker.as_slice()) else {
            continue;
        };
        // عم glued to a short word is more often a word of its own (عمارة).
        let long_enough = if marker.len() > 1 { 4 } else { MIN_CORE };
        if rest.len() < long_enough {
            continue;
        }
        if rest.first().is_some_and(|c| before.contains(c)) {
            out.push(cost + 1, rest);
            strip_endings(rest, cost + 1, true, out);
        } else if matches!(marker.as_slice(), ['ب'] | ['ح'] | ['ه']) {
            // First person singular drops its alef after ب/ح/ه: بجدد، هجدد.
            let mut first_person = vec!['ا'];
            first_person.extend_from_slice(rest);
            out.push(cost + 2, &first_person);
            strip_endings(rest, cost + 2, false, out);
        }
    }
}

/// The Egyptian and Levantine passive of a past verb, اتـ (اتسرقت "it was
/// stolen", اتقفل "it was closed"): the verb, and the verb without the
/// past tense's ت (she, I, you).
fn strip_passive(letters: &[char], cost: u8, out: &mut Candidates<'_>) {
    let Some(verb) = letters
        .strip_prefix(&['ا', 'ت'])
        .filter(|verb| verb.len() >= MIN_CORE)
    else {
        return;
    };
    out.push(cost + 2, verb);
    strip_endings(verb, cost + 2, false, out);
    if let Some(bare) = verb.strip_suffix(&['ت']) {
        out.push(cost + 3, bare);
    }
}

/// Plural and pronoun endings; an imperfect then also loses its person
/// letter. A construct teh marbuta comes back: سيارتي is سيارة + ي.
fn strip_endings(letters: &[char], cost: u8, imperfect: bool, out: &mut Candidates<'_>) {
    if imperfect {
        stem_of_imperfect(letters, cost, out);
    }
    for ending in ENDINGS {
        let ending: Vec<char> = ending.chars().collect();
        let Some(rest) = letters.strip_suffix(ending.as_slice()) else {
            continue;
        };
        if rest.len() < MIN_CORE {
            continue;
        }
        // ات is a plural (مخالفاتي), not a construct teh marbuta.
        if let Some(stem) = rest
            .strip_suffix(&['ت'])
            .filter(|stem| stem.last() != Some(&'ا'))
        {
            let mut construct = stem.to_vec();
            construct.push('ه');
            out.push(cost + 1, &construct);
        }
        out.push(cost + 1, rest);
        let plain_imperfect = !imperfect && rest.first().is_some_and(|c| PERSON.contains(c));
        if imperfect || plain_imperfect {
            stem_of_imperfect(rest, cost + 1 + u8::from(plain_imperfect), out);
        }
    }
}

/// The stem of an imperfect verb (يجدد → جدد), and the first person form
/// that knowledge-base questions are written in (كيف أجدد).
fn stem_of_imperfect(letters: &[char], cost: u8, out: &mut Candidates<'_>) {
    let Some((first, stem)) = letters.split_first() else {
        return;
    };
    if !PERSON.contains(first) || stem.len() < MIN_CORE {
        return;
    }
    out.push(cost + 1, stem);
    if *first != 'ا' {
        let mut first_person = vec!['ا'];
        first_person.extend_from_slice(stem);
        out.push(cost + 2, &first_person);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(word: &str, core: &str) -> bool {
        cores(word).iter().any(|found| found == core)
    }

    fn before(word: &str, better: &str, worse: &str) -> bool {
        let found = cores(word);
        let at = |core: &str| found.iter().position(|found| found == core);
        matches!((at(better), at(worse)), (Some(a), Some(b)) if a < b)
    }

    #[test]
    fn never_the_word_itself_nor_short_fragments() {
        assert!(!has("بيجدد", "بيجدد"));
        assert!(cores("بيجدد").iter().all(|core| core.chars().count() >= 3));
        assert!(cores("من").is_empty());
        assert!(cores("renew").is_empty());
    }

    #[test]
    fn levantine_and_egyptian_b_prefix() {
        for word in ["بيجدد", "بتجدد", "بنجدد"] {
            assert!(has(word, "جدد"), "{word}");
        }
        assert!(before("بيجدد", "يجدد", "جدد"));
        // Egyptian first person: ب + (ا)جدد.
        assert!(has("بجدد", "اجدد"));
    }

    #[test]
    fn progressive_am_as_a_prefix() {
        assert!(has("عميشتغل", "يشتغل"));
        assert!(has("عمبيشتغل", "بيشتغل"));
        assert!(!has("عماره", "اره"), "عمارة is a word, not عم + ارة");
    }

    #[test]
    fn future_h_and_ha_prefixes() {
        assert!(has("حيجدد", "يجدد"));
        assert!(has("هيجدد", "جدد"));
        assert!(has("هنسافر", "سافر"));
        assert!(has("حجدد", "اجدد"));
        assert!(has("غانجدد", "جدد"), "Maghrebi future");
    }

    #[test]
    fn maghrebi_k_and_ta_prefixes_and_plural_verbs() {
        assert!(has("كيدوزو", "دوز"));
        assert!(before("كيدوزو", "يدوز", "دوز"));
        assert!(has("كنبغي", "نبغي"));
        assert!(has("تايخدم", "خدم"));
        assert!(has("يدوزو", "دوز"));
        assert!(has("يجددون", "جدد"));
    }

    #[test]
    fn negation_circumfix() {
        assert!(has("ماعرفتش", "عرفت"));
        assert!(has("مابغيتش", "بغيت"));
        assert!(has("ماكانش", "كان"));
        assert!(has("مبيشتغلش", "يشتغل"));
        assert!(has("معرفش", "عرف"));
        assert!(before("ماعرفتش", "عرفت", "ماعرفت"));
    }

    #[test]
    fn possessive_suffixes_restore_teh_marbuta() {
        assert!(has("سيارتي", "سياره"));
        assert!(before("سيارتي", "سياره", "سيارت"));
        assert!(has("موتري", "موتر"));
        assert!(has("جوازو", "جواز"));
        assert!(has("فاتورتنا", "فاتوره"));
        assert!(has("مخالفاتي", "مخالفات"));
        assert!(!has("مخالفاتي", "مخالفاه"));
        assert!(has("اطلعلي", "اطلع"));
        assert!(has("جددولي", "جدد"));
    }

    #[test]
    fn derived_forms_share_their_root() {
        for stem in ["اغلاق", "مغلق", "تغلق", "ستغلق"] {
            assert_eq!(root(stem).as_deref(), Some("غلق"), "{stem}");
        }
        assert_eq!(root("تجديد").as_deref(), Some("جدد"));
        assert_eq!(root("استخراج").as_deref(), Some("خرج"));
        assert_eq!(root("تسجيل").as_deref(), Some("سجل"));
        assert_eq!(root("passport"), None);
    }

    #[test]
    fn egyptian_passive_of_a_past_verb() {
        assert!(has("اتسرقت", "سرق"));
        assert!(has("اتكسر", "كسر"));
        assert!(has("واتقفلت", "قفل"));
        assert!(has("اتسحبوا", "سحب"));
        assert!(!has("اتسرقت", "رقت"));
    }

    #[test]
    fn maghrebi_genitive_d_and_clitics() {
        assert!(has("دالدار", "الدار"));
        assert!(has("وبيجدد", "جدد"));
        assert!(has("لسيارتي", "سياره"));
    }

    #[test]
    fn iraqi_and_gulf_letters_give_both_readings() {
        assert!(has("چبير", "كبير"));
        assert!(has("چبير", "جبير"));
        assert!(has("گال", "قال"));
        assert!(has("بيتچ", "بيت"), "the feminine you of Iraq");
        assert!(before("چبير", "كبير", "بير"));
    }
}
