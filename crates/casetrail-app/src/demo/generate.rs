//! A synthetic region as a contacts CSV: invented people only, the same for the same seed.

use crate::core::error::{AppError, CaseFileError};

/// Which synthetic region to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntheticRegion {
    pub patients: usize,
    pub year: i32,
    pub seed: u64,
}

/// Writes the region's hospital contacts as an LPR3 extract (contact, diagnosis and
/// forløbselement tables) and the mapping file that reads it.
pub fn generate_lpr3(
    region: SyntheticRegion,
    mapping: &mut impl std::io::Write,
    contacts: impl std::io::Write,
    diagnoses: impl std::io::Write,
    episodes: impl std::io::Write,
) -> Result<casetrail_synth::Lpr3Written, AppError> {
    let config = casetrail_synth::Config {
        patients: region.patients,
        year: region.year,
        seed: region.seed,
    };
    casetrail_synth::write_lpr3(config, mapping, contacts, diagnoses, episodes)
        .map_err(|e| CaseFileError::Generate {
            reason: e.to_string(),
        })
        .map_err(AppError::from)
}

/// Writes the region's ward admissions as MedCom hospital notifications, one bundle file per
/// message, into the folder `out` (made if missing).
pub fn generate_medcom(
    region: SyntheticRegion,
    out: &std::path::Path,
) -> Result<casetrail_synth::MedcomWritten, AppError> {
    let config = casetrail_synth::Config {
        patients: region.patients,
        year: region.year,
        seed: region.seed,
    };
    let failed = |e: std::io::Error| {
        AppError::from(CaseFileError::Generate {
            reason: format!("{}: {e}", out.display()),
        })
    };
    std::fs::create_dir_all(out).map_err(failed)?;
    casetrail_synth::write_medcom(config, &mut |name, bytes| {
        std::fs::write(out.join(name), bytes)
    })
    .map_err(failed)
}

/// Writes the region as the contacts CSV `casetrail import` reads; returns the rows written.
pub fn generate_contacts_csv(
    region: SyntheticRegion,
    out: impl std::io::Write,
) -> Result<u64, AppError> {
    let config = casetrail_synth::Config {
        patients: region.patients,
        year: region.year,
        seed: region.seed,
    };
    casetrail_synth::write_csv(config, out)
        .map_err(|e| CaseFileError::Generate {
            reason: e.to_string(),
        })
        .map_err(AppError::from)
}
