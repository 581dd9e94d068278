//! Common Danish first names and surnames, shipped with the project: names the Danish
//! lexicon may lack are taken for proper nouns by the open-world rules.

use std::collections::HashSet;
use std::sync::OnceLock;

const FIRST: &str = include_str!("../gazetteer/first_names.txt");
const LAST: &str = include_str!("../gazetteer/last_names.txt");

fn names() -> &'static HashSet<String> {
    static NAMES: OnceLock<HashSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        FIRST
            .lines()
            .chain(LAST.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    })
}

/// Whether a lower-cased word is a first name or surname on the shipped lists.
pub(crate) fn is_name(lower: &str) -> bool {
    names().contains(lower)
}
