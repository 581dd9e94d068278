//! One patient id is one person. A second extract that brings a patient id the record already
//! holds must bring the same CPR number; otherwise two people would be merged into one pathway
//! (and stage 1 would count them as one). The import is refused, naming the ids, unless the
//! facilitator maps them to new ids explicitly (`--rename-patient OLD=NEW`).

use std::collections::BTreeMap;

use casetrail_domain::{DomainEvent, PatientId};
use casetrail_ledger::{Direction, StreamId, StreamVersion};

use crate::core::error::{AppError, CaseFileError};

use crate::core::workbench::{Workbench, decode_stored};

/// The CPR number as digits and letters only: "070761-4285" and "0707614285" are one number.
fn normalised(cpr: &str) -> String {
    cpr.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

impl Workbench {
    /// The CPR number the record holds for a patient now (registration, then corrections),
    /// or None for a patient it does not hold or cannot open (forgotten).
    fn recorded_cpr(&self, patient: &PatientId) -> Result<Option<String>, AppError> {
        let stream = StreamId::new(casetrail_import::stream_name(patient))?;
        if self.ledger().stream_version(&stream)?.is_none() {
            return Ok(None);
        }
        let Some(key) = self.patient_key(patient)? else {
            return Ok(None);
        };
        let mut cpr = None;
        for record in self
            .ledger()
            .read_stream(&stream, StreamVersion(0), Direction::Forward)
        {
            let sealed = match decode_stored(&record?)? {
                DomainEvent::PatientRegistered(r) => r.cpr,
                DomainEvent::IdentityCorrected(c) => match c.cpr {
                    Some(cpr) => cpr,
                    None => continue,
                },
                _ => continue,
            };
            if let Ok(bytes) = key.open(patient, "cpr", &sealed) {
                cpr = Some(String::from_utf8_lossy(&bytes).into_owned());
            }
        }
        Ok(cpr)
    }

    /// Refuses an import whose patients the record already holds under other CPR numbers.
    pub(crate) fn check_identities<'a>(
        &self,
        incoming: impl Iterator<Item = (&'a PatientId, &'a str)>,
    ) -> Result<(), AppError> {
        let mut wanted: BTreeMap<&PatientId, &str> = BTreeMap::new();
        for (patient, cpr) in incoming {
            wanted.entry(patient).or_insert(cpr);
        }
        let mut conflicts = Vec::new();
        for (patient, cpr) in wanted {
            if let Some(recorded) = self.recorded_cpr(patient)?
                && normalised(&recorded) != normalised(cpr)
            {
                conflicts.push(patient.to_string());
            }
        }
        if conflicts.is_empty() {
            Ok(())
        } else {
            Err(CaseFileError::IdentityConflict {
                count: conflicts.len(),
                patients: conflicts
                    .into_iter()
                    .take(10)
                    .collect::<Vec<_>>()
                    .join(", "),
            }
            .into())
        }
    }
}

/// Patient ids mapped to others before an import: `OLD=NEW`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames(BTreeMap<PatientId, PatientId>);

impl Renames {
    /// Reads `OLD=NEW` pairs; a bad pair is named.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = &'a str>) -> Result<Renames, AppError> {
        let mut map = BTreeMap::new();
        for pair in pairs {
            let bad = || CaseFileError::BadRename {
                pair: pair.to_owned(),
            };
            let (old, new) = pair.split_once('=').ok_or_else(bad)?;
            let old = PatientId::new(old.trim()).map_err(|_| bad())?;
            let new = PatientId::new(new.trim()).map_err(|_| bad())?;
            if old == new || map.insert(old, new).is_some() {
                return Err(AppError::from(bad()));
            }
        }
        Ok(Renames(map))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The id a patient is imported under.
    pub fn apply(&self, patient: &PatientId) -> Option<&PatientId> {
        self.0.get(patient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_read_pairs_and_name_bad_ones() {
        let r = Renames::parse(["P1=P9", " P2 = P8 "]).unwrap();
        assert_eq!(
            r.apply(&PatientId::new("P1").unwrap()),
            Some(&PatientId::new("P9").unwrap())
        );
        for bad in ["P1", "P1=P1", "=P2", "P1=a b"] {
            let e = Renames::parse([bad]).unwrap_err();
            assert!(e.to_string().contains(bad.trim()), "{e}");
        }
        assert!(Renames::parse(["P1=P2", "P1=P3"]).is_err());
    }

    #[test]
    fn cpr_numbers_compare_without_their_hyphen() {
        assert_eq!(normalised("070761-4285"), normalised("0707614285"));
    }
}
