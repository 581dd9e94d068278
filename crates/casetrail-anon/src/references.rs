//! Identifying numbers that are not CPR or phone numbers, and links: car registration
//! numbers, account, journal and case numbers where a label names them, and URLs.

/// Labels before an identifying number: `J.nr. 2019-004512`, `reg.nr. 1551`, `konto 3476…`.
const LABELS: &[&str] = &[
    "j.nr.",
    "j.nr",
    "jnr.",
    "jnr",
    "journalnr.",
    "journalnr",
    "journalnummer",
    "sagsnr.",
    "sagsnr",
    "sagsnummer",
    "sags-nr.",
    "reg.nr.",
    "reg.nr",
    "regnr.",
    "regnr",
    "kontonr.",
    "kontonr",
    "kontonummer",
    "konto",
    "konto-nr.",
    "patientnr.",
    "patientnummer",
    "id-nr.",
    "kundenr.",
    "kundenummer",
    "medlemsnr.",
    "policenr.",
    "ref.nr.",
    "løbenr.",
];

/// A labelled number starting at the label at `at`: where the number starts and ends. The
/// number may hold digits, letters, `-` and `/`, and has at least three digits.
pub(crate) fn labelled_number_at(text: &str, at: usize) -> Option<(usize, usize)> {
    let head = &text.as_bytes()[at..];
    // Every label starts with one of these letters: most words are passed over at once.
    if !head
        .first()
        .is_some_and(|b| b"jJsSrRkKpPiImMlL".contains(b))
    {
        return None;
    }
    let label = LABELS
        .iter()
        .filter(|l| head.len() >= l.len() && head[..l.len()].eq_ignore_ascii_case(l.as_bytes()))
        .max_by_key(|l| l.len())?;
    let mut i = at + label.len();
    // A label is a word of its own: "kontoret" is no "konto".
    if !label.ends_with('.')
        && text[i..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric())
    {
        return None;
    }
    let bytes = text.as_bytes();
    while i < bytes.len() && matches!(bytes[i], b' ' | b':' | b'.' | b'\t') {
        i += 1;
    }
    let start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'-' | b'/')) {
        i += 1;
    }
    while i > start && matches!(bytes[i - 1], b'-' | b'/') {
        i -= 1;
    }
    let digits = bytes[start..i]
        .iter()
        .filter(|b| b.is_ascii_digit())
        .count();
    (digits >= 3).then_some((start, i))
}

/// A Danish car registration number at `at`: two capitals, then five digits written
/// together or as 2 + 3 (`CV 42 881`, `CV42881`).
pub(crate) fn plate_at(bytes: &[u8], at: usize) -> Option<usize> {
    let letters = bytes.get(at..at + 2)?;
    if !letters.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    let mut i = at + 2;
    if bytes.get(i) == Some(&b' ') {
        i += 1;
    }
    let run = |from: usize| {
        bytes[from.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let end = match run(i) {
        5 => i + 5,
        2 if bytes.get(i + 2) == Some(&b' ') && run(i + 3) == 3 => i + 6,
        _ => return None,
    };
    (!bytes.get(end).is_some_and(u8::is_ascii_alphanumeric)).then_some(end)
}

/// A URL starting at `at` (`https://…`, `http://…`, `www.…`): its end, without the
/// punctuation that closes the sentence around it.
pub(crate) fn url_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let starts = |p: &str| {
        rest.len() >= p.len() && rest.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    };
    if !(starts("https://") || starts("http://") || starts("www.")) {
        return None;
    }
    let len = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '}' | '{'))
        .map_or(rest.len(), |(i, _)| i);
    let trimmed = rest[..len].trim_end_matches(['.', ',', ';', ':', ')', '!', '?', '\'']);
    (trimmed.len() > 4).then_some(at + trimmed.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_numbers() {
        let t =
            "J.nr. 2019-004512 og reg.nr. 1551 konto 3476201987, kontoret har sagsnr. 19/08843.";
        let found: Vec<&str> = ["J.nr.", "reg.nr.", "konto ", "sagsnr."]
            .into_iter()
            .filter_map(|label| labelled_number_at(t, t.find(label)?).map(|(s, e)| &t[s..e]))
            .collect();
        assert_eq!(found, ["2019-004512", "1551", "3476201987", "19/08843"]);
        assert_eq!(labelled_number_at("kontoret 12345", 0), None);
        assert_eq!(labelled_number_at("konto nr", 0), None);
    }

    #[test]
    fn plates_and_urls() {
        assert_eq!(plate_at(b"CV 42 881.", 0), Some(9));
        assert_eq!(plate_at(b"CV42881", 0), Some(7));
        assert_eq!(plate_at(b"DF200", 0), None);
        let t = "se https://www.example.dk/a?b=1. og www.x.dk)";
        assert_eq!(
            url_at(t, 3).map(|e| &t[3..e]),
            Some("https://www.example.dk/a?b=1")
        );
        assert_eq!(url_at(t, 36).map(|e| &t[36..e]), Some("www.x.dk"));
    }
}
