//! Residual risk: what still looks identifying after redaction, for a facilitator to review.
//!
//! Redaction removes what it recognises. What it does not recognise is listed here instead of
//! being guessed at: capitalised words that are neither ordinary Danish nor clinical words,
//! long runs of digits, and town names (a named town can make a rare event recognisable).
//! A facilitator accepts or redacts each term; both decisions are recorded as events.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const WORDS: &str = include_str!("../gazetteer/words.txt");
const TOWNS: &str = include_str!("../gazetteer/towns.txt");

fn list(text: &'static str) -> HashSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_lowercase)
        .collect()
}

fn dictionary() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| list(WORDS))
}

fn towns() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| list(TOWNS))
}

/// Whether a lower-cased word is a town on the shipped list.
pub fn is_town(lower: &str) -> bool {
    towns().contains(lower)
}

/// Whether a lower-cased word is an ordinary Danish or clinical word on the shipped list.
pub fn is_ordinary_word(lower: &str) -> bool {
    dictionary().contains(lower)
}

/// What kind of term still looks identifying after redaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskKind {
    /// A town name: with a rare event it can point to one person.
    Town,
    /// A capitalised word that is not an ordinary or clinical word: perhaps a name.
    UnknownCapitalised,
    /// Five digits or more in a row: perhaps a case number, a licence plate, an account.
    LongDigits,
    /// A word the open-world rules replaced as a person's name (listed under the `review`
    /// policy, so a harmless word can be restored).
    ReplacedName,
    /// A word the open-world rules replaced as a place or institution.
    ReplacedPlace,
}

/// Whether the names and places the open-world rules replace are listed for review.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedactionPolicy {
    /// Every candidate is replaced, and only what still looks identifying is listed: the
    /// default for released case files.
    #[default]
    Strict,
    /// Candidates are replaced and listed with their context, for the facilitator to restore
    /// a harmless word with one recorded decision.
    Review,
}

impl RedactionPolicy {
    /// Both policies, strictest first.
    pub const ALL: [RedactionPolicy; 2] = [RedactionPolicy::Strict, RedactionPolicy::Review];

    /// The policy's code, as the CLI and forms spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            RedactionPolicy::Strict => "strict",
            RedactionPolicy::Review => "review",
        }
    }

    /// Reads a policy's code.
    pub fn parse(s: &str) -> Option<RedactionPolicy> {
        RedactionPolicy::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// One term to review, with how often and where it occurs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskFinding {
    /// The term (personal data: shown to the facilitator only).
    pub term: String,
    /// Why it looks identifying.
    pub kind: RiskKind,
    /// How often it occurs in the case.
    pub occurrences: usize,
    /// Where it occurs first: the reference the caller gave that text.
    pub first_seen: String,
    /// For a replaced word, the words around its first occurrence in the original text.
    pub context: Option<String>,
}

/// Words of a redacted text, outside the `[…]` replacements.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0usize;
    text.split(move |c: char| {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        !(c.is_alphanumeric()) || depth > 0 || c == ']'
    })
    .filter(|t| !t.is_empty())
}

fn classify(token: &str, ordinary: &HashSet<String>) -> Option<RiskKind> {
    let lower = token.to_lowercase();
    if token.chars().all(|c| c.is_ascii_digit()) {
        return (token.len() >= 5).then_some(RiskKind::LongDigits);
    }
    let first = token.chars().next()?;
    if !first.is_uppercase() {
        return None;
    }
    if towns().contains(&lower) {
        return Some(RiskKind::Town);
    }
    let letters = token.chars().count();
    let abbreviation = token.chars().all(|c| !c.is_lowercase()) && letters <= 6;
    let has_digit = token.chars().any(|c| c.is_ascii_digit());
    let stem = lower.strip_suffix('s').unwrap_or(&lower);
    let known =
        dictionary().contains(&lower) || dictionary().contains(stem) || ordinary.contains(&lower);
    (letters >= 3 && !abbreviation && !has_digit && !known).then_some(RiskKind::UnknownCapitalised)
}

/// The review list for one case's redacted texts, each given with where it comes from.
/// Terms already decided (`decided`, lower-cased) are left out.
pub fn residual_risk<'a>(
    texts: impl IntoIterator<Item = (String, &'a str)> + Clone,
    decided: &BTreeSet<String>,
) -> Vec<RiskFinding> {
    // A word the case also writes in lower case is an ordinary word at a sentence start.
    let ordinary: HashSet<String> = texts
        .clone()
        .into_iter()
        .flat_map(|(_, t)| tokens(t))
        .filter(|t| t.chars().next().is_some_and(char::is_lowercase))
        .map(str::to_owned)
        .collect();
    let mut found: BTreeMap<(RiskKind, String), RiskFinding> = BTreeMap::new();
    for (place, text) in texts {
        for token in tokens(text) {
            let Some(kind) = classify(token, &ordinary) else {
                continue;
            };
            if decided.contains(&token.to_lowercase()) {
                continue;
            }
            found
                .entry((kind, token.to_owned()))
                .and_modify(|f| f.occurrences += 1)
                .or_insert_with(|| RiskFinding {
                    term: token.to_owned(),
                    kind,
                    occurrences: 1,
                    first_seen: place.clone(),
                    context: None,
                });
        }
    }
    found.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(text: &str) -> Vec<(String, RiskKind)> {
        residual_risk([("n1".to_string(), text)], &BTreeSet::new())
            .into_iter()
            .map(|f| (f.term, f.kind))
            .collect()
    }

    #[test]
    fn lists_towns_unknown_capitalised_words_and_long_digit_runs() {
        let found = review(
            "Pt. kørt til Grenaa af [Betjent]. Bor hos Zulfikar. Sag 4471234. Hun har GAF 35 og F20.",
        );
        assert_eq!(
            found,
            [
                ("Grenaa".to_string(), RiskKind::Town),
                ("Zulfikar".to_string(), RiskKind::UnknownCapitalised),
                ("4471234".to_string(), RiskKind::LongDigits),
            ]
        );
    }

    #[test]
    fn replacements_ordinary_words_and_decided_terms_are_not_listed() {
        assert!(review("[Botilbud A] ringer. Personalet ringer til [Mor].").is_empty());
        assert!(review("Skovbrynet er lukket. Han går i skovbrynet.").is_empty());
        let decided = BTreeSet::from(["zulfikar".to_string()]);
        let found = residual_risk([("n1".to_string(), "Bor hos Zulfikar.")], &decided);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn counts_occurrences_and_remembers_the_first_place() {
        let found = residual_risk(
            [
                ("kontakt 1".to_string(), "Set i Grenaa."),
                ("kontakt 2".to_string(), "Igen i Grenaa."),
            ],
            &BTreeSet::new(),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].occurrences, found[0].first_seen.as_str()),
            (2, "kontakt 1")
        );
    }
}
