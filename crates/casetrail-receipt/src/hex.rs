//! Lower-case hexadecimal, as every hash and key is written in checkpoints and receipts.

use crate::ReceiptError;

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

pub fn decode<const N: usize>(field: &'static str, text: &str) -> Result<[u8; N], ReceiptError> {
    let malformed = || ReceiptError::Malformed {
        field,
        problem: format!("{text:?} is not {} hexadecimal digits", N * 2),
    };
    if text.len() != N * 2 || !text.is_ascii() {
        return Err(malformed());
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| malformed())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips_and_refuses_bad_digits() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(super::encode(&bytes), "0001abff");
        assert_eq!(super::decode::<4>("x", "0001abff").unwrap(), bytes);
        assert!(super::decode::<4>("x", "0001abf").is_err());
        assert!(super::decode::<4>("x", "0001abfg").is_err());
        assert!(super::decode::<2>("x", "éé").is_err());
    }
}
