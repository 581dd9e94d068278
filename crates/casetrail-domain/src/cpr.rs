//! Danish CPR numbers: `DDMMYY-SSSS`, hyphen optional.
//!
//! The 7th digit and the year give the century; the last digit gives sex (odd: male).
//! Modulus 11 held for all numbers issued before 1 October 2007 but not for all since, so it
//! is never required. Substitute numbers in health care (e-CPR) have letters in positions 8-9;
//! their birth date and century still read from the first seven characters.

use chrono::NaiveDate;

use crate::error::DomainError;
use crate::vocab::Sex;

/// A parsed CPR number. Personal data: seal it before it goes anywhere.
#[derive(Clone, PartialEq, Eq)]
pub struct Cpr {
    normalised: String,
    /// The birth date the number encodes (century from the seventh digit).
    pub birth_date: NaiveDate,
    /// The sex the last digit encodes.
    pub sex: Sex,
    /// A health-care substitute number (letters in positions 8-9).
    pub substitute: bool,
}

impl std::fmt::Debug for Cpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the number itself, not even in a debug log.
        write!(
            f,
            "Cpr(born {}, {:?})",
            self.birth_date.format("%Y"),
            self.sex
        )
    }
}

impl Cpr {
    /// Reads `DDMMYY-SSSS` or `DDMMYYSSSS`, checking the date (modulus 11 is not required since 2007).
    pub fn parse(text: &str) -> Result<Cpr, DomainError> {
        let bad = |problem: &'static str| DomainError::InvalidCpr { problem };
        let compact: String = text
            .trim()
            .chars()
            .filter(|c| *c != '-' && *c != ' ')
            .collect();
        let b = compact.as_bytes();
        if b.len() != 10 {
            return Err(bad("must have 10 characters (DDMMYY-SSSS)"));
        }
        if !b[..7].iter().all(u8::is_ascii_digit) || !b[9].is_ascii_digit() {
            return Err(bad(
                "must be digits, except letters in positions 8-9 of a substitute number",
            ));
        }
        let substitute = !b[7].is_ascii_digit() || !b[8].is_ascii_digit();
        if !b[7..9].iter().all(u8::is_ascii_alphanumeric) {
            return Err(bad("positions 8-9 must be digits or letters"));
        }
        let num = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
        let (day, month, yy) = (num(0), num(2), num(4) as i32);
        let century = match (b[6] - b'0', yy) {
            (0..=3, _) => 1900,
            (4 | 9, 0..=36) => 2000,
            (4 | 9, _) => 1900,
            (5..=8, 0..=57) => 2000,
            (5..=8, _) => 1800,
            _ => unreachable!("a digit"),
        };
        let birth_date = NaiveDate::from_ymd_opt(century + yy, month, day)
            .ok_or(bad("does not begin with a real date"))?;
        let sex = if (b[9] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        };
        let normalised = format!("{}-{}", &compact[..6], &compact[6..]).to_ascii_uppercase();
        Ok(Cpr {
            normalised,
            birth_date,
            sex,
            substitute,
        })
    }

    /// `DDMMYY-SSSS`.
    pub fn as_str(&self) -> &str {
        &self.normalised
    }

    /// Whether the modulus-11 check holds (weights 4 3 2 7 6 5 4 3 2 1). Raises confidence that
    /// a digit run is a CPR number; its failure proves nothing for numbers issued since 2007.
    pub fn passes_modulus_11(&self) -> bool {
        const WEIGHTS: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
        let digits: Vec<u32> = self
            .normalised
            .chars()
            .filter_map(|c| c.to_digit(10))
            .collect();
        digits.len() == 10 && digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum::<u32>() % 11 == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn born(text: &str) -> String {
        Cpr::parse(text).unwrap().birth_date.to_string()
    }

    #[test]
    fn the_seventh_digit_and_the_year_give_the_century() {
        assert_eq!(born("010203-1234"), "1903-02-01");
        assert_eq!(born("010203-3234"), "1903-02-01");
        assert_eq!(born("010220-4234"), "2020-02-01");
        assert_eq!(born("010250-4234"), "1950-02-01");
        assert_eq!(born("010236-9234"), "2036-02-01");
        assert_eq!(born("010237-9234"), "1937-02-01");
        assert_eq!(born("010257-5234"), "2057-02-01");
        assert_eq!(born("010258-5234"), "1858-02-01");
        assert_eq!(born("0102588234"), "1858-02-01");
    }

    #[test]
    fn sex_formats_and_substitutes() {
        assert_eq!(Cpr::parse("010203-1231").unwrap().sex, Sex::Male);
        assert_eq!(Cpr::parse("010203 1232").unwrap().sex, Sex::Female);
        assert_eq!(Cpr::parse("0102031232").unwrap().as_str(), "010203-1232");
        let e = Cpr::parse("010203-1AB2").unwrap();
        assert!(e.substitute);
        assert_eq!(e.as_str(), "010203-1AB2");
        for bad in [
            "",
            "010203-123",
            "320103-1234",
            "011303-1234",
            "A10203-1234",
            "010203-12345",
        ] {
            assert!(Cpr::parse(bad).is_err(), "{bad}");
        }
        assert!(
            !format!("{e:?}").contains("010203"),
            "Debug must not print the number"
        );
    }

    #[test]
    fn modulus_11_is_reported_not_required() {
        // 070761-4285: 0*4+7*3+0*2+7*7+6*6+1*5+4*4+2*3+8*2+5*1 = 154 = 14 × 11
        assert!(Cpr::parse("070761-4285").unwrap().passes_modulus_11());
        let fails = Cpr::parse("070761-4286").unwrap();
        assert!(!fails.passes_modulus_11());
    }
}
