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

/// `dddd Town` (optionally with a district letter such as `C`, `N`, `SV`) starting at `at`.
pub(crate) fn postcode_at(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if digits(bytes, at) != 4 || bytes[at] == b'0' || bytes.get(at + 4) != Some(&b' ') {
        return None;
    }
    let town = at + 5;
    if !text[town..].chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let mut end = word_end(text, town);
    if end - town < 2 {
        return None;
    }
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

/// `Streetname 12`, `Streetname 12B, 2. tv.`, optionally followed by `, 8000 Town`, starting
/// at the capitalised street name at `at`.
pub(crate) fn address_at(text: &str, at: usize) -> Option<usize> {
    if !text[at..].chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let name_end = word_end(text, at);
    let name = text[at..name_end].to_lowercase();
    if !STREET_ENDINGS
        .iter()
        .any(|e| name.ends_with(e) && name.len() > e.len() + 1 || name == *e)
    {
        return None;
    }
    let bytes = text.as_bytes();
    if bytes.get(name_end) != Some(&b' ') {
        return None;
    }
    let number = digits(bytes, name_end + 1);
    if !(1..=3).contains(&number) {
        return None;
    }
    let mut end = name_end + 1 + number;
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
