//! ICD-10 diagnosis codes as Danish registers write them (SKS: `DF201`), and their groups.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// An ICD-10 code in SKS form: `D`, a chapter letter, two digits, then up to four more
/// letters or digits. `F201` and `df20.1` are accepted and normalised to `DF201`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Icd10(String);

/// The diagnosis groups of the stage-1 analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DiagnosisGroup {
    /// Schizophrenia, F20.
    #[serde(rename = "F20")]
    Schizophrenia,
    /// Personality disorder, F60.
    #[serde(rename = "F60")]
    PersonalityDisorder,
    /// Any other main diagnosis, or none.
    #[serde(rename = "other")]
    Other,
}

impl Icd10 {
    /// Checks and normalises an ICD-10 code in SKS form (`DF201`; the `D` may be left out).
    pub fn new(value: &str) -> Result<Self, DomainError> {
        let cleaned: String = value
            .trim()
            .chars()
            .filter(|c| *c != '.')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let code = if cleaned.starts_with('D')
            && cleaned.len() >= 4
            && cleaned.as_bytes()[1].is_ascii_alphabetic()
        {
            cleaned
        } else {
            format!("D{cleaned}")
        };
        let b = code.as_bytes();
        let ok = (4..=8).contains(&b.len())
            && b[1].is_ascii_uppercase()
            && b[2].is_ascii_digit()
            && b[3].is_ascii_digit()
            && b[4..].iter().all(|c| c.is_ascii_alphanumeric());
        if ok {
            Ok(Icd10(code))
        } else {
            Err(DomainError::InvalidDiagnosis {
                value: value.to_owned(),
            })
        }
    }

    /// The code in SKS form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Chapter letter and the two-digit category, as a number for range checks: C50 → ('C', 50).
    fn category(&self) -> (u8, u8) {
        let b = self.0.as_bytes();
        (b[1], (b[2] - b'0') * 10 + (b[3] - b'0'))
    }

    /// The stage-1 diagnosis group of the code.
    pub fn group(&self) -> DiagnosisGroup {
        match self.category() {
            (b'F', 20) => DiagnosisGroup::Schizophrenia,
            (b'F', 60) => DiagnosisGroup::PersonalityDisorder,
            _ => DiagnosisGroup::Other,
        }
    }

    /// Cancer: C00–C97 and carcinoma in situ D00–D09.
    pub fn is_cancer(&self) -> bool {
        matches!(self.category(), (b'C', 0..=97) | (b'D', 0..=9))
    }

    /// Accident: injuries and poisonings, S00–T98.
    pub fn is_accident(&self) -> bool {
        matches!(self.category(), (b'S', _) | (b'T', 0..=98))
    }
}

impl TryFrom<String> for Icd10 {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, DomainError> {
        Icd10::new(&value)
    }
}

impl From<Icd10> for String {
    fn from(code: Icd10) -> String {
        code.0
    }
}

impl fmt::Display for Icd10 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> Icd10 {
        Icd10::new(s).unwrap()
    }

    #[test]
    fn codes_are_normalised_to_sks_form() {
        assert_eq!(code("DF201").as_str(), "DF201");
        assert_eq!(code("F20.1").as_str(), "DF201");
        assert_eq!(code("df603").as_str(), "DF603");
        assert_eq!(code("DZ00").as_str(), "DZ00");
        for bad in ["", "D", "DF2", "20F", "DF2X1", "DF201234567"] {
            assert!(Icd10::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn groups_and_exclusions() {
        assert_eq!(code("DF200").group(), DiagnosisGroup::Schizophrenia);
        assert_eq!(code("DF603").group(), DiagnosisGroup::PersonalityDisorder);
        assert_eq!(code("DF32").group(), DiagnosisGroup::Other);
        assert!(code("DC509").is_cancer());
        assert!(code("DD05").is_cancer());
        assert!(!code("DD50").is_cancer());
        assert!(code("DS720").is_accident());
        assert!(code("DT401").is_accident());
        assert!(!code("DF100").is_accident());
        assert!(!code("DF100").is_cancer());
    }
}
