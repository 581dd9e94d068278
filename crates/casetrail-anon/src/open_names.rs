//! Names nobody registered: people, places and institutions found in Danish text by the
//! lexicon and the shape of the text around them, with no list of the case's people.
//!
//! Danish writes ordinary nouns in lower case, so a capitalised word inside a sentence is
//! nearly always a name. The rules, in the order they are tried at a word:
//! - an institution: a head word (`Bostedet`, `Afsnit`, `Lægehuset`) followed by a name, or a
//!   name followed by a suffix word (`… Kommune`, `… Skole`, `… Station`);
//! - a person or place: a capitalised word that the lexicon holds as a proper noun, or that it
//!   does not hold at all (neither as a word nor as a compound of words); at a sentence start,
//!   where every word is capitalised, only a proper noun that is no ordinary word, an unknown
//!   word, or an ambiguous one ("Hans", "Bo") followed by another name;
//! - a capitalised ordinary word after a title or role ("hr.", "sygeplejerske", "naboen");
//! - initials before a surname (`M. Krarup`), a surname in capitals (`JENSEN`), and `von`/`de`
//!   particles before a name.
//!
//! A name grows over what follows it: further capitalised words, initials, hyphenated parts,
//! particles and `&` between first names.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::{gazetteer, lexicon};

/// What an open-world name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameClass {
    Person,
    /// A town, a street without a number, an institution or a shop.
    Place,
}

const KEEP: &str = include_str!("../gazetteer/keep.txt");
const MEDICINES: &str = include_str!("../gazetteer/medicines.txt");

fn word_list(text: &'static str) -> HashSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_lowercase)
        .collect()
}

/// Words that stay even capitalised: medicines, clinical and sector terms, abbreviations.
fn kept_word(lower: &str) -> bool {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    let set = SET.get_or_init(|| {
        let mut s = word_list(KEEP);
        s.extend(word_list(MEDICINES));
        s
    });
    set.contains(lower) || lower.strip_suffix('s').is_some_and(|b| set.contains(b))
}

/// Ordinary words often written with a capital at a sentence start or in a heading
/// (`gazetteer/words.txt`): inside a sentence, a capitalised one may still be a name
/// ("Hans", "Line").
fn ordinary_word(lower: &str) -> bool {
    crate::risk::is_ordinary_word(lower)
}

mod cues;

use cues::{
    ABBREVIATIONS, INSTITUTION_ENDINGS, INSTITUTION_HEADS, INSTITUTION_SUFFIXES, LEADING_PARTICLES,
    PARTICLES, PLACE_PREPOSITIONS, STREET_ENDINGS, TITLE_ENDINGS, TITLES,
};

/// A token: letters, with inner hyphens or apostrophes followed by letters.
pub(crate) fn token_end(text: &str, at: usize) -> usize {
    let mut end = at;
    let mut chars = text[at..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphabetic() {
            end = at + i + c.len_utf8();
            continue;
        }
        if matches!(c, '-' | '\'' | '’') && chars.peek().is_some_and(|(_, n)| n.is_alphabetic()) {
            continue;
        }
        break;
    }
    end
}

fn is_capitalised(token: &str) -> bool {
    let mut chars = token.chars();
    chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)
}

fn is_all_caps(token: &str) -> bool {
    token.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && token.chars().all(|c| !c.is_lowercase())
}

/// The lexicon's entry of a token, trying its genitive's stem too ("Mettes", "Thomas'").
fn entry(token: &str) -> (lexicon::Entry, String) {
    let lower = token.to_lowercase();
    let found = lexicon::lookup(&lower);
    if found.known() {
        return (found, lower);
    }
    for suffix in ["s", "'s", "'", "’s", "’"] {
        if let Some(stem) = lower.strip_suffix(suffix) {
            let e = lexicon::lookup(stem);
            if e.known() {
                return (e, stem.to_owned());
            }
        }
    }
    (found, lower)
}

/// The word before `at`, lower-cased, with its full stop if it has one.
fn previous_word(text: &str, at: usize) -> Option<String> {
    let before = text[..at].trim_end_matches([' ', '\t']);
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphabetic() || *c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &before[start..];
    (!word.is_empty()).then(|| word.to_lowercase())
}

/// Whether the word at `at` begins a sentence (or a line, a list item, a quotation).
fn sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches(|c: char| {
        matches!(
            c,
            ' ' | '\t' | '"' | '“' | '„' | '»' | '«' | '(' | '[' | '*' | '•' | '–'
        )
    });
    let Some(last) = before.chars().next_back() else {
        return true;
    };
    match last {
        '\n' | '\r' | '!' | '?' | ':' => true,
        '-' => {
            before[..before.len() - 1]
                .trim_end_matches([' ', '\t'])
                .ends_with('\n')
                || before.len() == 1
        }
        '.' => {
            let word = previous_word(text, before.len()).unwrap_or_default();
            let bare = word.trim_end_matches('.');
            // A numbered list item ("1. Velkomst") starts a sentence too.
            let numbered = before[..before.len() - 1]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_digit());
            numbered || !(bare.chars().count() == 1 || ABBREVIATIONS.contains(&bare))
        }
        _ => false,
    }
}

/// A token that is a name by what the lexicon says of it, where it stands.
fn name_like(token: &str, start_of_sentence: bool) -> Option<NameClass> {
    let (e, lower) = entry(token);
    if kept_word(&lower) || start_of_sentence && ordinary_word(&lower) {
        return None;
    }
    // A compound with a hyphen whose last part is an ordinary lower-case word
    // ("DAT-behandling", "Serum-lithium") is no name.
    if let Some((_, last)) = token.rsplit_once('-')
        && last.chars().next().is_some_and(char::is_lowercase)
    {
        return None;
    }
    let class = if e.place() {
        NameClass::Place
    } else {
        NameClass::Person
    };
    let proprium = e.proprium() || gazetteer::is_name(&lower);
    if proprium && (!start_of_sentence || !e.word()) {
        return Some(class);
    }
    if !start_of_sentence && street_like(token) {
        return Some(NameClass::Place);
    }
    if e.known() {
        return None;
    }
    // Danish writes compounds in lower case: inside a sentence a capitalised word that is a
    // word only by splitting it ("Brodersen" = "broder" + "sen") is taken for a name; a
    // compound that names a street ("Skolevej") is a place.
    if street_like(token) {
        return Some(NameClass::Place);
    }
    if start_of_sentence && lexicon::is_word(&lower) {
        return None;
    }
    Some(NameClass::Person)
}

/// Whether a first name that is also a word ("Line", "Rune") stands among other names: in a
/// list (`Rune, Signe og Dorthe`) or before a surname.
fn among_names(text: &str, end: usize) -> bool {
    [" ", ", ", " og ", " & "].iter().any(|sep| {
        next_after(text, end, sep).is_some_and(|(_, t)| {
            is_capitalised(t) && name_like(t, false) == Some(NameClass::Person)
        })
    })
}

/// Whether a lower-cased word names a kind of institution.
fn is_institution_head(lower: &str) -> bool {
    INSTITUTION_HEADS.contains(&lower) || INSTITUTION_ENDINGS.iter().any(|e| lower.ends_with(e))
}

/// A street named without its number ("på Fredensgade"): a capitalised compound ending in a
/// street word, inside a sentence.
fn street_like(token: &str) -> bool {
    let lower = token.to_lowercase();
    STREET_ENDINGS
        .iter()
        .any(|e| lower.len() > e.len() + 2 && lower.ends_with(e))
}

/// The next token after one space (or `sep`), if it starts right there.
fn next_after<'a>(text: &'a str, end: usize, sep: &str) -> Option<(usize, &'a str)> {
    let rest = text[end..].strip_prefix(sep)?;
    let at = end + sep.len();
    if !rest.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    let e = token_end(text, at);
    Some((at, &text[at..e]))
}

/// An initial: one capital letter and a full stop ("M.").
fn initial_at(text: &str, at: usize) -> Option<usize> {
    let mut chars = text[at..].chars();
    let c = chars.next()?;
    (c.is_uppercase() && chars.next() == Some('.')).then(|| at + c.len_utf8() + 1)
}

/// Extends a person's name over what follows it: capitalised words, initials, particles,
/// `& First`, and all-capital parts.
fn grow(text: &str, mut end: usize) -> usize {
    for _ in 0..6 {
        // "Hanne M. Larsen": an initial, then a capitalised word.
        if let Some(i) = text[end..]
            .strip_prefix(' ')
            .and_then(|_| initial_at(text, end + 1))
            && next_after(text, i, " ").is_some_and(|(_, t)| is_capitalised(t))
        {
            end = i;
            continue;
        }
        if let Some((at, t)) = next_after(text, end, " ") {
            if (is_capitalised(t) || is_all_caps(t) && name_like(t, false).is_some())
                && !kept_word(&t.to_lowercase())
            {
                end = at + t.len();
                continue;
            }
            if PARTICLES.contains(&t)
                && let Some((at2, t2)) = next_after(text, at + t.len(), " ")
                && is_capitalised(t2)
            {
                end = at2 + t2.len();
                continue;
            }
        }
        if let Some((at, t)) = next_after(text, end, " & ")
            && is_capitalised(t)
            && name_like(t, false) == Some(NameClass::Person)
        {
            end = at + t.len();
            continue;
        }
        break;
    }
    end
}

/// An institution starting at `at`: head words and names, or a name and a suffix word.
fn institution_at(text: &str, at: usize, first: &str) -> Option<usize> {
    // One capitalised word alone is no institution: most names are passed over here.
    let end = at + first.len();
    let followed = text[end..]
        .strip_prefix(' ')
        .is_some_and(|r| r.starts_with(|c: char| c.is_uppercase()));
    if !followed && !is_institution_head(&first.to_lowercase()) {
        return None;
    }
    let mut tokens = vec![(at, first)];
    let mut end = at + first.len();
    while tokens.len() < 4 {
        let Some((a, t)) = next_after(text, end, " ") else {
            break;
        };
        if !is_capitalised(t) && !is_all_caps(t) {
            break;
        }
        tokens.push((a, t));
        end = a + t.len();
    }
    let lower: Vec<String> = tokens.iter().map(|(_, t)| t.to_lowercase()).collect();
    // A suffix after a name: "Syddjurs Kommune", "Aarhus Universitetshospital".
    for k in 1..tokens.len() {
        if INSTITUTION_SUFFIXES.contains(&lower[k].as_str())
            && tokens[..k]
                .iter()
                .all(|(_, t)| name_like(t, false).is_some() || !lexicon::is_word(&t.to_lowercase()))
        {
            let (a, t) = tokens[k];
            return Some(a + t.len());
        }
    }
    // A head and a name after it: "Bostedet Egely", "Psykiatrisk Afdeling Aarhus",
    // "Socialpsykiatrien i Favrskov". Words before the head are adjectives ("Psykiatrisk").
    let head = lower.iter().position(|l| is_institution_head(l))?;
    if !lower[..head]
        .iter()
        .all(|l| l.ends_with("isk") || l.ends_with("iske"))
    {
        return None;
    }
    let named = tokens[head + 1..].iter().rposition(|(_, t)| {
        !t.chars().any(|c| c.is_ascii_digit()) && !kept_word(&t.to_lowercase())
    });
    if let Some(n) = named {
        let (a, t) = tokens[head + 1 + n];
        return Some(a + t.len());
    }
    let (a, t) = tokens[head];
    let (pa, place) = next_after(text, a + t.len(), " i ")?;
    (tokens.len() == head + 1 && name_like(place, false).is_some()).then(|| pa + place.len())
}

/// An open-world name starting at `at` (a word start): its end and what it is.
pub(crate) fn name_at(text: &str, at: usize) -> Option<(usize, NameClass)> {
    // Most words are lower-case and start no name (but for `von`/`van`): the fast way out.
    let first = text[at..].chars().next()?;
    if first.is_lowercase() && !(text[at..].starts_with("von ") || text[at..].starts_with("van ")) {
        return None;
    }
    let end = token_end(text, at);
    if end == at {
        return None;
    }
    let token = &text[at..end];
    // A code glued to digits ("HbA1c", "P3") is no name.
    if text[end..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let start = sentence_start(text, at);
    // `von Holstein`: a particle before a capitalised name.
    if LEADING_PARTICLES.contains(&token) {
        let (a, t) = next_after(text, end, " ")?;
        return (is_capitalised(t) && name_like(t, false).is_some())
            .then(|| (grow(text, a + t.len()), NameClass::Person));
    }
    // `M. Krarup`, `A. B. Sejer`: initials before a surname.
    if let Some(mut i) = initial_at(text, at) {
        if start && !text[..at].trim_end().is_empty() && !text[..at].ends_with('\n') {
            return None;
        }
        while let Some(j) = text[i..]
            .strip_prefix(' ')
            .and_then(|_| initial_at(text, i + 1))
        {
            i = j;
        }
        // After initials any capitalised word is a surname ("T. Vind").
        let (a, t) = next_after(text, i, " ")?;
        return (is_capitalised(t) && !kept_word(&t.to_lowercase()))
            .then(|| (grow(text, a + t.len()), NameClass::Person));
    }
    if is_all_caps(token) {
        return all_caps_name(text, end, token);
    }
    if !is_capitalised(token) {
        return None;
    }
    if let Some(e) = institution_at(text, at, token) {
        return Some((e, NameClass::Place));
    }
    let class = name_like(token, start).or_else(|| {
        let (e, lower) = entry(token);
        // "Hans Jensen" at a sentence start, "Rune, Signe og Dorthe"; "Hans mor" is no name.
        let ambiguous_first = start
            && (e.proprium() || gazetteer::is_name(&lower))
            && !TITLES.contains(&lower.as_str())
            && among_names(text, end);
        if ambiguous_first {
            return Some(NameClass::Person);
        }
        if kept_word(&lower) || start {
            return None;
        }
        let previous = previous_word(text, at).unwrap_or_default();
        let previous = previous.trim_end_matches('.');
        let cued =
            TITLES.contains(&previous) || TITLE_ENDINGS.iter().any(|s| previous.ends_with(s));
        if cued {
            return Some(NameClass::Person);
        }
        // "i Hammel": a capitalised ordinary word after a preposition of place, standing
        // alone, is a place ("på Psykiatrisk Akutmodtagelse" is a unit: two capitals).
        let alone = next_after(text, end, " ").is_none_or(|(_, t)| !is_capitalised(t));
        (PLACE_PREPOSITIONS.contains(&previous) && alone && !is_institution_head(&lower))
            .then_some(NameClass::Place)
    })?;
    match class {
        NameClass::Person => Some((grow(text, end), NameClass::Person)),
        NameClass::Place => Some((end, NameClass::Place)),
    }
}

/// A surname in capitals: `JENSEN`, `HANSEN, Birgit`, `LARS BJERRE`, `AUKEN Margrete`.
fn all_caps_name(text: &str, end: usize, token: &str) -> Option<(usize, NameClass)> {
    let (e, lower) = entry(token);
    if kept_word(&lower) || token.chars().count() < 3 {
        return None;
    }
    // Three capitals or fewer are an abbreviation ("PAM", "KIP") unless a name stands by.
    let proper = e.proprium() && !e.word() && !e.capital() && token.chars().count() > 3;
    let unknown = !e.known() && !lexicon::is_word(&lower);
    let next_is_name = next_after(text, end, " ")
        .or_else(|| next_after(text, end, ", "))
        .is_some_and(|(_, t)| {
            (is_capitalised(t) || is_all_caps(t)) && name_like(t, false) == Some(NameClass::Person)
        });
    if !(proper || (unknown || e.proprium()) && next_is_name) {
        return None;
    }
    let class = if e.place() {
        NameClass::Place
    } else {
        NameClass::Person
    };
    Some((grow(text, end), class))
}

#[cfg(test)]
mod tests;
