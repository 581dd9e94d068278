//! The Danish lexicon: every word form of Stavekontrolden's Hunspell dictionary, compiled by
//! `build.rs` into an `fst` map from the lower-cased form to what the dictionary says of it.
//! It tells a name from a word: "Brodersen" is a proprium, "Ring" an ordinary word,
//! "Hans" both, "Sengeafsnittet" a compound of two ordinary words.

use std::sync::OnceLock;

use fst::Map;

static BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.fst"));

include!("lexicon_bits.rs");

fn map() -> &'static Map<&'static [u8]> {
    static MAP: OnceLock<Map<&'static [u8]>> = OnceLock::new();
    MAP.get_or_init(|| Map::new(BYTES).expect("build.rs writes a valid fst"))
}

/// What the lexicon knows of one lower-cased word form.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Entry(u64);

impl Entry {
    /// An ordinary (lower-case) word: "ring", "holm", "hans".
    pub fn word(self) -> bool {
        self.0 & WORD != 0
    }
    /// A proper noun: a first name, a surname or a place.
    pub fn proprium(self) -> bool {
        self.0 & PROPRIUM != 0
    }
    /// A place name (a proprium that takes Nord-/Syd-).
    pub fn place(self) -> bool {
        self.0 & PLACE != 0
    }
    /// A capitalised entry that is no proprium: an abbreviation or a named thing.
    pub fn capital(self) -> bool {
        self.0 & CAPITAL != 0
    }
    pub fn known(self) -> bool {
        self.0 & (WORD | PROPRIUM | CAPITAL) != 0
    }
}

/// The entry of a lower-cased form; empty when the lexicon does not hold it.
pub(crate) fn lookup(lower: &str) -> Entry {
    Entry(map().get(lower.as_bytes()).unwrap_or(0))
}

/// Whether a lower-cased word is an ordinary word, directly or as a compound of ordinary
/// words ("sengeafsnittet" = "senge" + "afsnittet"), as Hunspell's compound flags allow.
pub(crate) fn is_word(lower: &str) -> bool {
    lookup(lower).word() || is_compound(lower, true, 0)
}

/// `rest` splits into parts of at least two letters: a first part that may begin a compound
/// (or, further in, continue one), then parts that continue it, and a last part that may end
/// it. Depth is bounded: Danish compounds of more than four parts are rare.
fn is_compound(rest: &str, first: bool, depth: usize) -> bool {
    if depth > 3 || rest.chars().count() < 4 {
        return false;
    }
    let m = map();
    let want = if first { BEGIN } else { MIDDLE };
    for (i, _) in rest.char_indices().skip(2) {
        let (head, tail) = rest.split_at(i);
        if tail.chars().count() < 2 {
            break;
        }
        if m.get(head.as_bytes()).is_none_or(|b| b & want == 0) {
            continue;
        }
        if m.get(tail.as_bytes()).is_some_and(|b| b & END != 0)
            || is_compound(tail, false, depth + 1)
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_words_and_both() {
        assert!(lookup("brodersen").proprium() && !lookup("brodersen").word());
        assert!(lookup("ring").word() && !lookup("ring").proprium());
        assert!(lookup("hans").word() && lookup("hans").proprium());
        assert!(lookup("merløse").place());
        assert!(!lookup("zyxqv").known());
    }

    #[test]
    fn inflected_forms_and_compounds_are_words() {
        for w in [
            "ringede",
            "afsnittet",
            "sygeplejersken",
            "sengeafsnittet",
            "bostøttemøde",
        ] {
            assert!(is_word(w), "{w}");
        }
        assert!(!is_word("zyxqvbrt"));
    }
}
