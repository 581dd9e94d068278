//! Common Danish first names and surnames, shipped with the project: a capitalised word on
//! these lists is taken for a name even when nobody registered it for the case.

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

/// A capitalised gazetteer name (or its genitive) starting at `at`: its end.
pub(crate) fn name_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    if !rest.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let len = rest
        .char_indices()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(rest.len(), |(i, _)| i);
    let word = rest[..len].to_lowercase();
    let known = names();
    if known.contains(&word) {
        return Some(at + len);
    }
    let bare = word.strip_suffix('s')?;
    known.contains(bare).then_some(at + len)
}
