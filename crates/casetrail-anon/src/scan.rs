//! One pass over the text, finding identifiers by their shape.
//!
//! Hand-written rather than regular expressions: the shapes are few and fixed, a single pass
//! over bytes keeps redaction fast, and each rule reads as what it means.

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard};

use crate::dates::{Dating, date_at};
use crate::names::{KnownName, NameMatcher};
use crate::open_names::{self, NameClass};
use crate::people::People;
use crate::references;

/// What kind of identifier was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A CPR number (with or without the dash).
    Cpr,
    /// A Danish phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// A person's name.
    Name,
    /// A street address.
    Address,
    /// A Danish postcode with its town.
    Postcode,
    /// An institution, ward or other place known to the case, or a term the facilitator chose
    /// to redact.
    Place,
    /// An exact date written in the text.
    Date,
    /// A web address.
    Url,
    /// A car registration number, or an account, journal or case number its label names.
    Number,
}

impl Kind {
    /// What stands in the text instead.
    pub fn placeholder(self) -> &'static str {
        match self {
            Kind::Cpr => "[CPR]",
            Kind::Phone => "[TELEFON]",
            Kind::Email => "[E-MAIL]",
            Kind::Name => "[NAVN]",
            Kind::Address => "[ADRESSE]",
            Kind::Postcode => "[POSTNR BY]",
            Kind::Place => "[STED]",
            Kind::Date => "[DATO]",
            Kind::Url => "[URL]",
            Kind::Number => "[NUMMER]",
        }
    }

    /// Every kind, in the order reports list them.
    pub const ALL: [Kind; 10] = [
        Kind::Cpr,
        Kind::Phone,
        Kind::Email,
        Kind::Name,
        Kind::Address,
        Kind::Postcode,
        Kind::Place,
        Kind::Date,
        Kind::Url,
        Kind::Number,
    ];

    /// The kind's code in corpora, reports and the redaction summary.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Cpr => "cpr",
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::Name => "name",
            Kind::Address => "address",
            Kind::Postcode => "postcode",
            Kind::Place => "place",
            Kind::Date => "date",
            Kind::Url => "url",
            Kind::Number => "number",
        }
    }
}

/// An identifier found at `start..end` (byte offsets) of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What was found.
    pub kind: Kind,
    /// Byte offset of its start.
    pub start: usize,
    /// Byte offset just past its end.
    pub end: usize,
    /// What replaces it: a placeholder, or a person's pseudonym label.
    pub replacement: String,
}

/// Redacts free text. Build once per case (its known people and places, its dating), use for
/// every note: people nobody registered keep one `[Person N]` label through all of them.
#[derive(Debug, Default)]
pub struct Redactor {
    names: NameMatcher,
    /// How exact dates in the text are rewritten; without one they become `[DATO]`.
    dating: Option<Dating>,
    /// Words the open-world rules would take for names that the facilitator restored,
    /// lower-cased.
    restored: BTreeSet<String>,
    people: Mutex<People>,
    /// What the open-world rules replaced, for the review: one entry per term, so the log
    /// grows with the case's distinct names, not with its text.
    replaced: Mutex<ReplacedLog>,
}

#[derive(Debug, Clone, Default)]
struct ReplacedLog {
    entries: Vec<Replaced>,
    index: std::collections::HashMap<String, usize>,
}

/// A word the open-world rules replaced (not a registered name, not a number by its shape):
/// what a facilitator reviews under the `review` policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    /// The word as it stood in the text.
    pub term: String,
    /// What the rules took it for.
    pub kind: Kind,
    /// The label put in its place.
    pub replacement: String,
    /// The words around its first occurrence in the original text, the term marked `⟦…⟧`.
    pub context: String,
    /// How often it was replaced.
    pub occurrences: usize,
}

/// How far the context of a replaced word reaches each side, in characters.
const CONTEXT_CHARS: usize = 40;

fn context_of(text: &str, start: usize, end: usize) -> String {
    let before: String = {
        let mut v: Vec<char> = text[..start].chars().rev().take(CONTEXT_CHARS).collect();
        v.reverse();
        v.into_iter().collect()
    };
    let after: String = text[end..].chars().take(CONTEXT_CHARS).collect();
    format!(
        "{}⟦{}⟧{}",
        before.replace('\n', " "),
        &text[start..end],
        after.replace('\n', " ")
    )
}

impl Clone for Redactor {
    fn clone(&self) -> Self {
        Redactor {
            names: self.names.clone(),
            dating: self.dating,
            restored: self.restored.clone(),
            people: Mutex::new(self.people_book().clone()),
            replaced: Mutex::new(
                self.replaced
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone(),
            ),
        }
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

fn digits_at(bytes: &[u8], at: usize, n: usize) -> bool {
    bytes.len() >= at + n && bytes[at..at + n].iter().all(u8::is_ascii_digit)
}

fn two(bytes: &[u8], at: usize) -> u32 {
    u32::from(bytes[at] - b'0') * 10 + u32::from(bytes[at + 1] - b'0')
}

/// The length of a line break (with the spaces around it) at `at`, or 0.
fn line_break(bytes: &[u8], at: usize) -> usize {
    let mut i = at;
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    if bytes.get(i) == Some(&b'\r') {
        i += 1;
    }
    if bytes.get(i) != Some(&b'\n') {
        return 0;
    }
    i += 1;
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i - at
}

/// A CPR number starting at `at`: `DDMMYY`, an optional `-` or space, then four characters
/// (digits, or a digit, two letters and a digit in a health-care substitute number).
/// Modulus 11 is not asked for: numbers issued since 2007 may fail it.
fn cpr_at(bytes: &[u8], at: usize) -> Option<usize> {
    if !digits_at(bytes, at, 6) {
        return None;
    }
    let (day, month) = (two(bytes, at), two(bytes, at + 2));
    if !(1..=31).contains(&day) || !(1..=12).contains(&month) {
        return None;
    }
    let mut i = at + 6;
    if matches!(bytes.get(i), Some(b'-' | b' ')) {
        i += 1;
    }
    // A number broken over a line after its hyphen: "070761-\n4285".
    if bytes.get(i - 1) == Some(&b'-') {
        i += line_break(bytes, i);
    }
    let serial = bytes.get(i..i + 4)?;
    let digit_serial = serial.iter().all(u8::is_ascii_digit);
    let substitute = serial[0].is_ascii_digit()
        && serial[1].is_ascii_alphabetic()
        && serial[2].is_ascii_alphabetic()
        && serial[3].is_ascii_digit();
    (digit_serial || substitute).then_some(i + 4)
}

/// A Danish phone number starting at `at`: an optional `+45`/`0045` and a space, then eight
/// digits written together, as 4+4, or as 2+2+2+2 (groups split by one space, `-` or `.`).
fn phone_at(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    for prefix in [&b"+45"[..], b"0045"] {
        if bytes[i..].starts_with(prefix) {
            i += prefix.len();
            if bytes.get(i) == Some(&b' ') {
                i += 1;
            }
            break;
        }
    }
    let groups: &[&[usize]] = &[&[8], &[4, 4], &[2, 2, 2, 2]];
    'shape: for shape in groups {
        let mut j = i;
        for (g, &len) in shape.iter().enumerate() {
            if g > 0 {
                match (bytes.get(j), line_break(bytes, j)) {
                    (_, n) if n > 0 => j += n,
                    (Some(b' ' | b'-' | b'.'), _) => j += 1,
                    _ => continue 'shape,
                }
            }
            if !digits_at(bytes, j, len) {
                continue 'shape;
            }
            j += len;
        }
        if !bytes.get(j).is_some_and(|b| b.is_ascii_digit()) {
            return Some(j);
        }
    }
    None
}

/// An e-mail address around the `@` at `at`: returns its start and end. Local part and
/// domain may hold Danish letters (`annette@døfler.dk`); the top-level domain is ASCII.
fn email_around(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let local = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80 || b".%+-_".contains(&b);
    let mut start = at;
    while start > 0 && local(bytes[start - 1]) {
        start -= 1;
    }
    // Not into a non-letter character before the address (a dash, a quotation mark).
    while start < at && bytes[start] >= 0x80 && !starts_letter(bytes, start) {
        start += 1;
        while start < at && (bytes[start] & 0xC0) == 0x80 {
            start += 1;
        }
    }
    let mut end = at + 1;
    while end < bytes.len()
        && (bytes[end].is_ascii_alphanumeric()
            || bytes[end] >= 0x80
            || bytes[end] == b'-'
            || bytes[end] == b'.')
    {
        end += 1;
    }
    // Back to a character boundary, and not into trailing non-ASCII punctuation.
    while end > at + 1 && (bytes[end - 1] >= 0x80 || bytes[end - 1] == b'.') {
        end -= 1;
    }
    // The address ends after the last label that is a top-level domain (two ASCII letters
    // or more): "a@b.dk.Ø" ends at "dk".
    loop {
        let domain = &bytes[at + 1..end];
        let dot = domain.iter().rposition(|&b| b == b'.')?;
        let tld = &domain[dot + 1..];
        if tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic) {
            return (start < at && dot > 0).then_some((start, end));
        }
        end = at + 1 + dot;
    }
}

/// Whether the UTF-8 character at `at` is a letter.
fn starts_letter(bytes: &[u8], at: usize) -> bool {
    let end = (at + 4).min(bytes.len());
    (at + 1..=end)
        .find_map(|e| std::str::from_utf8(&bytes[at..e]).ok())
        .and_then(|s| s.chars().next())
        .is_some_and(char::is_alphabetic)
}

impl Redactor {
    /// A redactor that also knows these people (patient, relatives, staff of the case).
    pub fn new(known: &[KnownName]) -> Redactor {
        Redactor {
            names: NameMatcher::new(known),
            ..Redactor::default()
        }
    }

    /// Words the facilitator restored: the open-world rules leave them in the text.
    pub fn with_restored<I, S>(mut self, terms: I) -> Redactor
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.restored
            .extend(terms.into_iter().map(|t| t.as_ref().to_lowercase()));
        self
    }

    fn people_book(&self) -> MutexGuard<'_, People> {
        // Labels are plain data: a panic elsewhere leaves them usable.
        self.people.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every replacement the open-world rules made so far, in order.
    pub fn replaced(&self) -> Vec<Replaced> {
        self.replaced
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entries
            .clone()
    }

    /// An open-world name at `at`, unless the facilitator restored its words.
    fn open_name_at(&self, text: &str, at: usize) -> Option<(Kind, usize, usize, Option<String>)> {
        let (end, class) = open_names::name_at(text, at)?;
        let span = &text[at..end];
        if !self.restored.is_empty()
            && span
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
                .all(|w| self.restored.contains(&w.to_lowercase()))
        {
            return None;
        }
        let (kind, replacement) = match class {
            NameClass::Person => (Kind::Name, self.people_book().label(span)),
            NameClass::Place => (Kind::Place, Kind::Place.placeholder().to_string()),
        };
        let mut log = self.replaced.lock().unwrap_or_else(|e| e.into_inner());
        match log.index.get(span) {
            Some(&i) => log.entries[i].occurrences += 1,
            None => {
                let i = log.entries.len();
                log.index.insert(span.to_owned(), i);
                log.entries.push(Replaced {
                    term: span.to_string(),
                    kind,
                    replacement: replacement.clone(),
                    context: context_of(text, at, end),
                    occurrences: 1,
                });
            }
        }
        Some((kind, at, end, Some(replacement)))
    }

    /// Dates in the text are rewritten by the case's date policy rather than hidden.
    pub fn with_dating(mut self, dating: Dating) -> Redactor {
        self.dating = Some(dating);
        self
    }

    fn date_replacement(&self, date: chrono::NaiveDate, time: Option<(u32, u32)>) -> String {
        let day = self
            .dating
            .map_or_else(|| Kind::Date.placeholder().to_string(), |d| d.in_text(date));
        match time {
            Some((h, m)) => format!("{day} kl. {h:02}:{m:02}"),
            None => day,
        }
    }

    /// Every identifier in `text`, in order, not overlapping.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        self.find_dated(text, None)
    }

    /// As [`Redactor::find`]; a date written without its year (`d. 14/1`, `3. marts`) is
    /// taken to be in `year`, the year of the note.
    pub fn find_dated(&self, text: &str, year: Option<i32>) -> Vec<Finding> {
        let bytes = text.as_bytes();
        let mut found: Vec<Finding> = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let boundary = i == 0 || !is_word(bytes[i - 1]);
            let hit = if b == b'@' {
                // The address began before `@`: take back what was passed over.
                email_around(bytes, i).map(|(s, e)| (Kind::Email, s, e, None))
            } else if boundary && (b.is_ascii_digit() || b == b'+') {
                cpr_at(bytes, i)
                    .filter(|&e| !bytes.get(e).is_some_and(|&c| is_word(c)))
                    .map(|e| (Kind::Cpr, i, e, None))
                    .or_else(|| phone_at(bytes, i).map(|e| (Kind::Phone, i, e, None)))
                    .or_else(|| {
                        date_at(text, i, year).map(|d| {
                            let label = self.date_replacement(d.date, d.time);
                            (Kind::Date, i, d.end, Some(label))
                        })
                    })
                    .or_else(|| {
                        crate::places::postcode_at(text, i).map(|e| (Kind::Postcode, i, e, None))
                    })
            } else if boundary && (b.is_ascii_alphabetic() || b >= 0xC0) {
                // Links and labelled numbers first; then known people and places (they have
                // labels), unless a longer street address starts here ("Engvej 14" is an
                // address even where "Engvej" also names a known place); then names nobody
                // registered.
                let address = crate::places::address_at(text, i);
                references::url_at(text, i)
                    .map(|e| (Kind::Url, i, e, None))
                    .or_else(|| {
                        references::labelled_number_at(text, i)
                            .map(|(s, e)| (Kind::Number, s, e, None))
                    })
                    .or_else(|| references::plate_at(bytes, i).map(|e| (Kind::Number, i, e, None)))
                    .or_else(|| {
                        self.names
                            .at(text, i)
                            .filter(|&(e, _, _)| address.is_none_or(|a| e >= a))
                            .map(|(e, label, person)| {
                                let kind = if person { Kind::Name } else { Kind::Place };
                                (kind, i, e, Some(label.to_string()))
                            })
                    })
                    .or_else(|| address.map(|e| (Kind::Address, i, e, None)))
                    .or_else(|| self.open_name_at(text, i))
            } else {
                None
            };
            match hit {
                Some((kind, mut start, end, label)) => {
                    // A hit that begins before where the scan stood (an e-mail address, taken
                    // back to its start) overlaps what was found before it. A name running
                    // into it keeps its part before the hit, as a second pass over the output
                    // would find it; addresses run together (`a@b.c@d.e`) become one hit,
                    // so nothing the first had covered comes back; anything else is dropped.
                    let before = text[..start].trim_end().len();
                    while let Some(last) = found.last_mut()
                        && last.end > start
                    {
                        if matches!(last.kind, Kind::Name | Kind::Place) && last.start < before {
                            last.end = before;
                            break;
                        }
                        if kind == Kind::Email && last.kind == Kind::Email {
                            start = start.min(last.start);
                        }
                        found.pop();
                    }
                    let replacement = label.unwrap_or_else(|| kind.placeholder().to_string());
                    found.push(Finding {
                        kind,
                        start,
                        end,
                        replacement,
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
        found
    }

    /// `text` with every identifier replaced.
    pub fn redact(&self, text: &str) -> String {
        self.redact_dated(text, None)
    }

    /// As [`Redactor::redact`], with `year` for dates written without one.
    pub fn redact_dated(&self, text: &str, year: Option<i32>) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for f in self.find_dated(text, year) {
            out.push_str(&text[at..f.start]);
            out.push_str(&f.replacement);
            at = f.end;
        }
        out.push_str(&text[at..]);
        out
    }
}

#[cfg(test)]
mod tests;
