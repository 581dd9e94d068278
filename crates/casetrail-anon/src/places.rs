//! Street addresses and postcodes with town names, by their shape.

/// Endings of Danish street names ("Engvej", "Vestergade", "Åboulevarden").
const STREET_ENDINGS: &[&str] = &[
    "vej",
    "vejen",
    "gade",
    "gaden",
    "allé",
    "alle",
    "alléen",
    "vænge",
    "vænget",
    "stræde",
    "strædet",
    "plads",
    "pladsen",
    "torv",
    "torvet",
    "boulevard",
    "boulevarden",
    "bakke",
    "bakken",
    "have",
    "haven",
    "toft",
    "toften",
    "park",
    "parken",
    "sti",
    "stien",
    "bro",
    "broen",
    "kaj",
    "kajen",
    "vang",
    "vangen",
    "høj",
    "højen",
];

fn word_end(text: &str, at: usize) -> usize {
    text[at..]
        .char_indices()
        .find(|(_, c)| !(c.is_alphabetic() || *c == '-'))
        .map_or(text.len(), |(i, _)| at + i)
}

fn digits(bytes: &[u8], at: usize) -> usize {
    bytes[at.min(bytes.len())..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count()
}

/// Abbreviations that begin a town's or a street's name: `St. Merløse`, `Kgs. Lyngby`,
/// `Ndr. Ringgade`.
const NAME_ABBREVIATIONS: &[&str] = &[
    "St", "Sdr", "Ndr", "Nr", "Øs", "Vs", "Gl", "Kgs", "Ø", "V", "N", "S", "Lille", "Store",
    "Sankt", "Skt", "Sct", "Vester", "Øster", "Nørre", "Søndre", "Nordre", "Gammel", "Ny",
];

/// A town's name at `at`: one capitalised word, or an abbreviation and a word
/// (`St.Merløse`, `Kgs. Lyngby`, `Nørre Alslev`); its end.
fn town_at(text: &str, at: usize) -> Option<usize> {
    if !text[at..].chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let end = word_end(text, at);
    if end - at < 1 {
        return None;
    }
    let word = &text[at..end];
    if NAME_ABBREVIATIONS.contains(&word) {
        let rest = &text[end..];
        let skip = if rest.starts_with(". ") {
            2
        } else if rest.starts_with('.') || rest.starts_with(' ') {
            1
        } else {
            0
        };
        if skip > 0
            && text[end + skip..]
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        {
            let second = word_end(text, end + skip);
            if second - (end + skip) >= 2 {
                return Some(second);
            }
        }
    }
    (end - at >= 2).then_some(end)
}

/// `dddd Town` (optionally with a district letter such as `C`, `N`, `SV`) starting at `at`.
pub(crate) fn postcode_at(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if digits(bytes, at) != 4 || bytes[at] == b'0' || bytes.get(at + 4) != Some(&b' ') {
        return None;
    }
    let mut end = town_at(text, at + 5)?;
    // A district: one or two capitals standing alone ("Aarhus C", "København SV").
    let rest = &text[end..];
    if let Some(district) = rest.strip_prefix(' ') {
        let len = district.chars().take_while(|c| c.is_uppercase()).count();
        let after = district.chars().nth(len);
        if (1..=2).contains(&len) && !after.is_some_and(char::is_alphanumeric) {
            end += 1 + district
                .chars()
                .take(len)
                .map(char::len_utf8)
                .sum::<usize>();
        }
    }
    Some(end)
}

/// A floor and side after a house number: `, 2. tv`, `, st. th.`, `, 1. 3.`, `, kl.`; its
/// length, or 0. The floor's full stop is required, so ", 2 gange" is not a floor.
fn floor_at(text: &str, at: usize) -> usize {
    let Some(rest) = text[at..].strip_prefix(", ") else {
        return 0;
    };
    let bytes = rest.as_bytes();
    let floor = match digits(bytes, 0) {
        1 | 2 => digits(bytes, 0),
        _ if rest.starts_with("st") || rest.starts_with("kl") => 2,
        _ => return 0,
    };
    if bytes.get(floor) != Some(&b'.') {
        return 0;
    }
    let mut len = floor + 1;
    let side = &rest[len..];
    for s in [" tv.", " th.", " mf.", " tv", " th", " mf"] {
        if side.starts_with(s) && !side[s.len()..].starts_with(|c: char| c.is_alphanumeric()) {
            len += s.len();
            break;
        }
    }
    2 + len
}

fn is_street_name(word: &str) -> bool {
    let name = word.to_lowercase();
    STREET_ENDINGS
        .iter()
        .any(|e| name.ends_with(e) && name.len() > e.len() + 1 || name == *e)
}

/// Where a street's name that starts at `at` ends: one word with a street ending
/// (`Engvej`), or up to four words whose last is one (`Sankt Pauls Gade`, `Ndr. Ringgade`).
fn street_name_end(text: &str, at: usize) -> Option<usize> {
    let mut end = at;
    let mut abbreviated = false;
    for _ in 0..4 {
        if !text[end..].chars().next().is_some_and(char::is_uppercase) {
            return None;
        }
        let word_stop = word_end(text, end);
        let word = &text[end..word_stop];
        // Words before the street's own word are abbreviations ("Ndr.", "Sankt") or names
        // before a standalone street word ("Sankt Pauls Gade"); "Botilbud Møllevej" is an
        // institution and a street, not one street.
        let standalone = STREET_ENDINGS.contains(&word.to_lowercase().as_str());
        if is_street_name(word) && (end == at || standalone || abbreviated) {
            return Some(word_stop);
        }
        if end != at && !standalone && !NAME_ABBREVIATIONS.contains(&word) {
            abbreviated = false;
        }
        if end == at {
            abbreviated = NAME_ABBREVIATIONS.contains(&word);
        }
        let rest = &text[word_stop..];
        let skip = if rest.starts_with(". ") {
            2
        } else if rest.starts_with(' ') || rest.starts_with('.') {
            1
        } else {
            return None;
        };
        end = word_stop + skip;
    }
    None
}

/// `Streetname 12`, `Streetname 12B, 2. tv.`, optionally followed by `, 8000 Town`, starting
/// at the capitalised street name at `at`.
pub(crate) fn address_at(text: &str, at: usize) -> Option<usize> {
    let name_end = street_name_end(text, at)?;
    let bytes = text.as_bytes();
    if bytes.get(name_end) != Some(&b' ') {
        return None;
    }
    let number = digits(bytes, name_end + 1);
    if !(1..=3).contains(&number) {
        return None;
    }
    let mut end = name_end + 1 + number;
    // "Møllevej 1. april": the number is a date's day.
    if let Some(after) = text[end..].strip_prefix(". ") {
        let month = after
            .split(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("");
        if crate::dates::month_number(&month.to_lowercase()).is_some() {
            return None;
        }
    }
    if bytes.get(end).is_some_and(|b| b.is_ascii_uppercase())
        && !bytes.get(end + 1).is_some_and(u8::is_ascii_alphanumeric)
    {
        end += 1;
    }
    end += floor_at(text, end);
    let rest = &text[end..];
    if let Some(after) = rest.strip_prefix(", ").or_else(|| rest.strip_prefix(' ')) {
        let skip = rest.len() - after.len();
        if let Some(postcode_end) = postcode_at(text, end + skip) {
            end = postcode_end;
        }
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn towns_with_abbreviations_and_streets_of_several_words() {
        let t = "4370 St.Merløse";
        assert_eq!(postcode_at(t, 0), Some(t.len()));
        let t = "2800 Kgs. Lyngby i dag";
        assert_eq!(postcode_at(t, 0), Some("2800 Kgs. Lyngby".len()));
        let t = "Sankt Pauls Gade 23, 8000 Aarhus C.";
        assert_eq!(address_at(t, 0), Some(t.len() - 1));
        let t = "Ndr. Ringgade 70 i går";
        assert_eq!(address_at(t, 0), Some("Ndr. Ringgade 70".len()));
        assert_eq!(address_at("Han bor 3 år", 0), None);
    }
}
