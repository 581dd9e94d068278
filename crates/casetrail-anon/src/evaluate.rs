//! Measuring a redactor against a labelled corpus (`fixtures/redaction/`) with the metrics of
//! the Text Anonymization Benchmark (Pilán et al. 2022):
//! - mention-level recall per kind: the share of marked mentions masked whole;
//! - entity-level recall: an entity (one identifier of a note, however often it is written)
//!   counts only when every one of its mentions is masked whole;
//! - token-level recall per kind: the share of marked tokens masked;
//! - token-level precision: the share of masked tokens that were marked;
//! - and the share of unmarked (clinical) tokens left as they were.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::dates::Dating;
use crate::names::KnownName;
use crate::scan::{Kind, Redactor};

/// A marked identifier in a note's plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    /// What kind of identifier it is.
    pub kind: Kind,
    /// Byte offset of its start in the plain text.
    pub start: usize,
    /// Byte offset just past its end.
    pub end: usize,
}

/// One annotated note of an evaluation corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The note's id in the corpus.
    pub id: String,
    /// Names the case registered for the note (as a case would know them).
    pub known: Vec<String>,
    /// Places the case registered.
    pub places: Vec<String>,
    /// The year the note's dates fall in, when the corpus says.
    pub year: Option<i32>,
    /// The text without its marks.
    pub text: String,
    /// The identifiers marked in the text.
    pub marked: Vec<Marked>,
}

/// A corpus line that does not read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("corpus line {line}: {problem}")]
pub struct CorpusError {
    /// The line (1-based).
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

fn kind_named(name: &str) -> Option<Kind> {
    Kind::ALL.into_iter().find(|k| k.as_str() == name)
}

fn list(value: &str) -> Vec<String> {
    value
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Reads notes in the corpus format (see `fixtures/redaction/README.md`).
pub fn parse_corpus(input: &str) -> Result<Vec<Note>, CorpusError> {
    let mut notes: Vec<Note> = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line_no = i + 1;
        let error = |problem: String| CorpusError {
            line: line_no,
            problem,
        };
        if let Some(id) = line.strip_prefix("## ") {
            notes.push(Note {
                id: id.trim().to_owned(),
                known: Vec::new(),
                places: Vec::new(),
                year: None,
                text: String::new(),
                marked: Vec::new(),
            });
            continue;
        }
        let Some(note) = notes.last_mut() else {
            if line.trim().is_empty() {
                continue;
            }
            return Err(error("text before the first `## id` header".into()));
        };
        if note.text.is_empty() {
            if let Some(v) = line.strip_prefix("known:") {
                note.known = list(v);
                continue;
            }
            if let Some(v) = line.strip_prefix("places:") {
                note.places = list(v);
                continue;
            }
            if let Some(v) = line.strip_prefix("year:") {
                let year = v
                    .trim()
                    .parse()
                    .map_err(|_| error(format!("{v:?} is not a year")))?;
                note.year = Some(year);
                continue;
            }
        }
        if line.trim().is_empty() {
            continue;
        }
        if !note.text.is_empty() {
            note.text.push('\n');
        }
        let mut rest = line;
        while let Some(open) = rest.find('{') {
            note.text.push_str(&rest[..open]);
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| error("a `{` mark is never closed".into()))?
                + open;
            let inner = &rest[open + 1..close];
            let (kind, text) = inner
                .split_once(':')
                .ok_or_else(|| error(format!("mark {{{inner}}} has no `kind:`")))?;
            let kind = kind_named(kind).ok_or_else(|| error(format!("unknown kind {kind:?}")))?;
            let start = note.text.len();
            note.text.push_str(text);
            note.marked.push(Marked {
                kind,
                start,
                end: note.text.len(),
            });
            rest = &rest[close + 1..];
        }
        note.text.push_str(rest);
    }
    Ok(notes)
}

/// Found and total, for one kind or for clinical tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many were found (or kept).
    pub hit: usize,
    /// Of how many.
    pub total: usize,
}

impl Tally {
    /// In basis points (10,000 = 100 %); None when there was nothing to count.
    pub fn basis_points(&self) -> Option<u32> {
        (self.total > 0).then(|| (self.hit * 10_000 / self.total) as u32)
    }
}

/// Direct identifiers, as the benchmark splits them from quasi-identifiers (places, postcodes
/// and dates, which identify only together with other facts).
pub const DIRECT: [Kind; 7] = [
    Kind::Name,
    Kind::Cpr,
    Kind::Phone,
    Kind::Email,
    Kind::Address,
    Kind::Url,
    Kind::Number,
];

/// Whether the case's registry of people and places is given to the redactor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registry {
    /// As case timelines redact: the people and places the case registered are known.
    Case,
    /// As the open world: nothing registered, only what the rules find.
    None,
}

/// How the redactor did on a corpus.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Score {
    /// Mention-level recall per kind.
    pub recall: BTreeMap<Kind, Tally>,
    /// Entity-level recall per kind.
    pub entities: BTreeMap<Kind, Tally>,
    /// Token-level recall per kind.
    pub tokens: BTreeMap<Kind, Tally>,
    /// Token-level precision: masked tokens that were marked, of all masked tokens.
    pub precision: Tally,
    /// Clinical tokens (diagnoses, drugs, ordinary words) that survived redaction, of all.
    pub clinical_kept: Tally,
    /// Marked identifiers not removed whole: note id, kind, text.
    pub missed: Vec<(String, Kind, String)>,
    /// Clinical tokens that were replaced: note id, token.
    pub over_redacted: Vec<(String, String)>,
}

fn sum_direct(per_kind: &BTreeMap<Kind, Tally>) -> Tally {
    DIRECT
        .iter()
        .filter_map(|k| per_kind.get(k))
        .fold(Tally::default(), |a, t| Tally {
            hit: a.hit + t.hit,
            total: a.total + t.total,
        })
}

impl Score {
    /// Entity-level recall over every direct identifier together.
    pub fn direct_entities(&self) -> Tally {
        sum_direct(&self.entities)
    }

    /// Token-level recall over every direct identifier together.
    pub fn direct_tokens(&self) -> Tally {
        sum_direct(&self.tokens)
    }
}

/// The redactor a case timeline would use for this note: its people and places known, dates
/// relative to 1 January of its year.
pub fn redactor_for(note: &Note) -> Redactor {
    redactor_with(note, Registry::Case)
}

/// The redactor for this note, with or without the case's registry.
pub fn redactor_with(note: &Note, registry: Registry) -> Redactor {
    let index = NaiveDate::from_ymd_opt(note.year.unwrap_or(2019), 1, 1).expect("1 January");
    if registry == Registry::None {
        return Redactor::new(&[]).with_dating(Dating::Relative { index });
    }
    let mut known: Vec<KnownName> = note
        .known
        .iter()
        .map(|n| KnownName::new(n.clone(), "[Person]"))
        .collect();
    known.extend(
        note.places
            .iter()
            .map(|p| KnownName::place(p.clone(), "[Sted]")),
    );
    Redactor::new(&known).with_dating(Dating::Relative { index })
}

/// Scores the redactor on every note, with each note's registry.
pub fn score(notes: &[Note]) -> Score {
    score_with(notes, Registry::Case)
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// The tokens (runs of letters and digits) of `text`, as byte ranges.
fn token_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_token_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_token_byte(bytes[i]) {
            i += 1;
        }
        out.push((start, i));
    }
    out
}

/// What makes two mentions one entity: the same kind, and for names a shared name part
/// ("Jette Kjær" and "Jette"), for everything else the same text.
fn entity_key(kind: Kind, text: &str) -> Vec<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    if kind == Kind::Name {
        words
    } else {
        vec![words.join(" ")]
    }
}

/// Mentions of one note grouped into entities: for each entity, whether all were masked.
fn entities(note: &Note, masked: &[bool]) -> Vec<(Kind, bool)> {
    let mut groups: Vec<(Kind, Vec<String>, bool)> = Vec::new();
    for (m, &whole) in note.marked.iter().zip(masked) {
        let key = entity_key(m.kind, &note.text[m.start..m.end]);
        match groups
            .iter_mut()
            .find(|(k, words, _)| *k == m.kind && words.iter().any(|w| key.contains(w)))
        {
            Some(group) => {
                group.1.extend(key);
                group.2 &= whole;
            }
            None => groups.push((m.kind, key, whole)),
        }
    }
    groups.into_iter().map(|(k, _, w)| (k, w)).collect()
}

/// Scores the redactor on every note, with or without the registry.
pub fn score_with(notes: &[Note], registry: Registry) -> Score {
    let mut score = Score::default();
    for note in notes {
        let found = redactor_with(note, registry).find_dated(&note.text, note.year);
        let bytes = note.text.as_bytes();
        let covered = |start: usize, end: usize| {
            // Whole: every letter and digit of the span inside some finding ("Karen Holm" may
            // go as "[NAVN] [NAVN]").
            (start..end)
                .filter(|&b| bytes[b].is_ascii_alphanumeric() || bytes[b] >= 0x80)
                .all(|b| found.iter().any(|f| f.start <= b && b < f.end))
        };
        let tokens = token_spans(&note.text);
        let is_masked = |(s, e): (usize, usize)| found.iter().any(|f| f.start < e && s < f.end);
        for &(s, e) in &tokens {
            let marked = note.marked.iter().find(|m| m.start < e && s < m.end);
            if let Some(m) = marked {
                let t = score.tokens.entry(m.kind).or_default();
                t.total += 1;
                t.hit += usize::from(is_masked((s, e)));
            }
            if is_masked((s, e)) {
                score.precision.total += 1;
                score.precision.hit += usize::from(marked.is_some());
            }
        }
        let mut whole = Vec::with_capacity(note.marked.len());
        for m in &note.marked {
            let tally = score.recall.entry(m.kind).or_default();
            tally.total += 1;
            whole.push(covered(m.start, m.end));
            if covered(m.start, m.end) {
                tally.hit += 1;
            } else {
                score.missed.push((
                    note.id.clone(),
                    m.kind,
                    note.text[m.start..m.end].to_owned(),
                ));
            }
        }
        for (kind, all) in entities(note, &whole) {
            let t = score.entities.entry(kind).or_default();
            t.total += 1;
            t.hit += usize::from(all);
        }
        // Clinical tokens: words and numbers outside every mark.
        for &(start, i) in &tokens {
            if note.marked.iter().any(|m| m.start < i && start < m.end) {
                continue;
            }
            score.clinical_kept.total += 1;
            if found.iter().any(|f| f.start < i && start < f.end) {
                score
                    .over_redacted
                    .push((note.id.clone(), note.text[start..i].to_owned()));
            } else {
                score.clinical_kept.hit += 1;
            }
        }
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_and_marks() {
        let notes = parse_corpus(
            "## n1\nknown: Karen Holm; Bo\nyear: 2019\n{name:Karen} ringer {phone:20304050}.\n",
        )
        .unwrap();
        assert_eq!(notes.len(), 1);
        let n = &notes[0];
        assert_eq!(n.known, ["Karen Holm", "Bo"]);
        assert_eq!(n.text, "Karen ringer 20304050.");
        assert_eq!(&n.text[n.marked[1].start..n.marked[1].end], "20304050");
        assert_eq!(n.marked[1].kind, Kind::Phone);
    }

    #[test]
    fn bad_corpus_lines_are_named() {
        let err = parse_corpus("## n1\n{name:Karen ringer\n").unwrap_err();
        assert_eq!(err.line, 2);
        let err = parse_corpus("## n1\n{nom:Karen}\n").unwrap_err();
        assert!(err.problem.contains("unknown kind"), "{err}");
        assert!(parse_corpus("text\n").is_err());
    }

    #[test]
    fn scores_count_misses_and_over_redaction() {
        let notes = parse_corpus("## n1\nring {phone:20304050} og Zyprexa {name:Zulu}\n").unwrap();
        let s = score(&notes);
        assert_eq!(s.recall[&Kind::Phone], Tally { hit: 1, total: 1 });
        assert_eq!(s.recall[&Kind::Name], Tally { hit: 0, total: 1 });
        assert_eq!(s.clinical_kept, Tally { hit: 3, total: 3 });
        assert_eq!(s.missed, [("n1".into(), Kind::Name, "Zulu".into())]);
    }
}
