//! Fixed-size byte strings written as lower-case hexadecimal: event references, content
//! hashes, keys.

/// `N` bytes from exactly `2·N` hexadecimal digits (either case); None for anything else.
pub fn decode<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// Lower-case hexadecimal, two digits a byte.
pub fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_wrong_lengths_and_digits() {
        let bytes = [0x00, 0xab, 0xff];
        assert_eq!(encode(&bytes), "00abff");
        assert_eq!(decode::<3>("00ABff"), Some(bytes));
        assert_eq!(decode::<3>("00abf"), None);
        assert_eq!(decode::<3>("00abfg"), None);
        assert_eq!(decode::<2>("ææ"), None);
    }
}
