//! Quotes under the themes a panel named: each justification goes under the theme it shares
//! the most word stems with (ties to the earlier theme), or under none. A stem is the first
//! five letters of a word of four letters or more, lower-cased, that is not one of the common
//! Danish and English words below: crude, but it is visible in the report what went where,
//! and a facilitator's theme words usually recur in the justifications they summarise.

use std::collections::BTreeSet;

const COMMON: &[&str] = &[
    "alle", "andre", "blev", "blive", "bliver", "både", "denne", "dette", "eller", "efter",
    "havde", "have", "hende", "ikke", "ingen", "kunne", "meget", "mere", "nogle", "over", "også",
    "sagen", "skal", "skulle", "som", "til", "under", "uden", "blot", "være", "været", "ville",
    "about", "have", "that", "there", "this", "were", "with", "would", "from",
];

fn stems(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 4 && !COMMON.contains(&w.as_str()))
        .map(|w| w.chars().take(5).collect())
        .collect()
}

/// For each quote, the index of its theme, or None when it shares no stem with any.
pub fn assign_to_themes(themes: &[&str], quotes: &[&str]) -> Vec<Option<usize>> {
    let theme_stems: Vec<BTreeSet<String>> = themes.iter().map(|t| stems(t)).collect();
    quotes
        .iter()
        .map(|q| {
            let words = stems(q);
            let mut best: Option<(usize, usize)> = None;
            for (i, t) in theme_stems.iter().enumerate() {
                let shared = t.intersection(&words).count();
                if shared > 0 && best.is_none_or(|(_, n)| shared > n) {
                    best = Some((i, shared));
                }
            }
            best.map(|(i, _)| i)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_goes_under_the_theme_it_shares_most_stems_with() {
        let themes = [
            "Kriseplaner deles ikke med lægevagten",
            "Udskrivelse uden aftale med bostøtten",
        ];
        let quotes = [
            "Lægevagten kendte ikke kriseplanen, så hun blev indlagt igen.",
            "Hun blev udskrevet fredag uden aftale, og bostøtten vidste intet.",
            "Politiet kørte hende til skadestuen.",
            "Kriseplanen var god, men udskrivelsen skete uden aftale med bostøtten.",
        ];
        assert_eq!(
            assign_to_themes(&themes, &quotes),
            vec![Some(0), Some(1), None, Some(1)]
        );
        assert_eq!(assign_to_themes(&[], &quotes[..1]), vec![None]);
    }
}
