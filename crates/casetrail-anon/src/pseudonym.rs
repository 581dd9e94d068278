//! Keyed pseudonyms. The CPR space is small enough to enumerate, so nothing shown to a panel
//! may be an unkeyed function of an identifier: every pseudonym, label order and date shift
//! here is BLAKE3 in keyed mode, under a key that lives outside the log.

use std::fmt;

/// The secret behind every pseudonym. 32 bytes; written as 64 hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct PseudonymKey([u8; 32]);

impl fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PseudonymKey(…)")
    }
}

/// A pseudonym key that does not read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a pseudonym key is 64 hexadecimal digits (32 bytes); found {found}")]
pub struct KeyError {
    /// What was found instead, described without echoing the secret.
    pub found: String,
}

/// Crockford's base32 alphabet: no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl PseudonymKey {
    /// The key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        PseudonymKey(bytes)
    }

    /// Reads the key from its text form: 64 hex digits, surrounding whitespace ignored.
    pub fn parse_hex(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let found = || KeyError {
            found: if text.len() == 64 {
                "64 characters that are not all hexadecimal digits".into()
            } else {
                format!("{} characters", text.chars().count())
            },
        };
        let bytes: [u8; 32] = casetrail_domain::hex::decode(text).ok_or_else(found)?;
        Ok(PseudonymKey(bytes))
    }

    /// The key as 64 hex digits, for the key vault.
    pub fn to_hex(&self) -> String {
        casetrail_domain::hex::encode(&self.0)
    }

    /// Keyed hash of a purpose and length-prefixed parts, so ("ab","c") and ("a","bc") differ.
    pub(crate) fn hash(&self, purpose: &str, parts: &[&str]) -> [u8; 32] {
        let mut h = blake3::Hasher::new_keyed(&self.0);
        for part in std::iter::once(purpose).chain(parts.iter().copied()) {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        *h.finalize().as_bytes()
    }

    /// A stable pseudonym for `subject` within `scope`: 8 characters of base32 (40 bits).
    /// The same subject in another scope (another case) gets an unrelated pseudonym.
    pub fn pseudonym(&self, scope: &str, subject: &str) -> String {
        let h = self.hash("casetrail pseudonym v1", &[scope, subject]);
        let bits = u64::from_le_bytes(h[..8].try_into().expect("8 bytes"));
        (0..8)
            .map(|i| char::from(ALPHABET[((bits >> (5 * i)) & 31) as usize]))
            .collect()
    }

    /// The name a case goes by wherever people outside the case file see it (panel pages,
    /// exports, the report): `C-` and a keyed pseudonym of its patient id.
    pub fn case_pseudonym(&self, case: &str) -> String {
        format!("C-{}", self.pseudonym("export-case", case))
    }

    /// A per-case sort key: orders the people and places of one role within a case, so the
    /// letters and numbers they get say nothing about who they are, and differ between cases.
    pub(crate) fn order(&self, case: &str, subject: &str) -> [u8; 32] {
        self.hash("casetrail label order v1", &[case, subject])
    }

    /// Whole weeks to move a case's dates back: 52 to 520 weeks (1 to 10 years). Whole weeks
    /// keep the weekday; time of day is left as it was.
    pub fn shift_weeks(&self, case: &str) -> i64 {
        let h = self.hash("casetrail date shift v1", &[case]);
        let n = u64::from_le_bytes(h[..8].try_into().expect("8 bytes"));
        52 + (n % 469) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> PseudonymKey {
        PseudonymKey::from_bytes([b; 32])
    }

    #[test]
    fn pseudonyms_are_stable_and_depend_on_key_and_scope() {
        let a = key(1).pseudonym("SAG1", "person:mor");
        assert_eq!(a, key(1).pseudonym("SAG1", "person:mor"));
        assert_eq!(a.len(), 8);
        assert!(a.bytes().all(|b| ALPHABET.contains(&b)), "{a}");
        assert_ne!(a, key(2).pseudonym("SAG1", "person:mor"), "another key");
        assert_ne!(a, key(1).pseudonym("SAG2", "person:mor"), "another case");
        assert_ne!(a, key(1).pseudonym("SAG1", "person:far"), "another person");
        assert_ne!(
            key(1).pseudonym("ab", "c"),
            key(1).pseudonym("a", "bc"),
            "parts are length-prefixed"
        );
    }

    #[test]
    fn pseudonyms_of_every_cpr_in_a_day_are_distinct() {
        // Enumerating the 10,000 serials of one birth date gives no collisions to exploit, and
        // without the key the pseudonyms cannot be recomputed at all.
        let k = key(7);
        let mut seen = std::collections::BTreeSet::new();
        for serial in 0..10_000 {
            assert!(seen.insert(k.pseudonym("patient", &format!("140378-{serial:04}"))));
        }
    }

    #[test]
    fn shifts_are_whole_weeks_within_range_and_differ_by_case() {
        let k = key(3);
        let shifts: Vec<i64> = (0..50).map(|i| k.shift_weeks(&format!("SAG{i}"))).collect();
        assert!(shifts.iter().all(|w| (52..=520).contains(w)), "{shifts:?}");
        let distinct: std::collections::BTreeSet<_> = shifts.iter().collect();
        assert!(distinct.len() > 40, "{distinct:?}");
    }

    #[test]
    fn keys_read_from_hex_and_refuse_anything_else() {
        let k = key(0xab);
        assert_eq!(
            PseudonymKey::parse_hex(&format!(" {}\n", k.to_hex())),
            Ok(k)
        );
        let short = PseudonymKey::parse_hex("abcd").unwrap_err();
        assert!(short.to_string().contains("found 4 characters"), "{short}");
        let bad = PseudonymKey::parse_hex(&"g".repeat(64)).unwrap_err();
        assert!(bad.to_string().contains("not all hexadecimal"), "{bad}");
    }
}
