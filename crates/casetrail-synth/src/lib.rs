//! casetrail-synth: a deterministic synthetic region, written in the contacts import format.
//!
//! Every patient, number, name and note here is invented. The number of patients per row of
//! the published 2017 table (admission episodes per patient) and the acute admissions per row
//! are allocated exactly, scaled to the requested population; around each admission the
//! generator places the contacts of a real pathway (out-of-hours doctor, police, emergency
//! reception, outpatient follow-up, GP, housing support, plans), with notes that contain
//! made-up names, CPR numbers, phone numbers and addresses for anonymisation to find.
//!
//! Generated CPR numbers have birth dates before 1990 and fail the modulus-11 check: every
//! number issued before October 2007 passes it, so none of these was ever issued then.
//! Output depends only on (patients, year, seed).
#![warn(missing_docs)]

mod allocate;
mod lpr3;
mod medcom;
mod names;
mod pathway;

pub use allocate::{PUBLISHED_2017, PublishedRow, allocate};
pub use lpr3::{Lpr3Written, write_lpr3};
pub use medcom::{MedcomWritten, write_medcom};
pub use pathway::{Generator, Row};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How many patients to invent.
    pub patients: usize,
    /// The calendar year the admissions fall in.
    pub year: i32,
    /// The seed every random choice is drawn from.
    pub seed: u64,
}

/// Writes the whole synthetic region as a contacts CSV; returns the number of rows.
pub fn write_csv(config: Config, out: impl std::io::Write) -> csv::Result<u64> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(Row::HEADER)?;
    let mut written = 0u64;
    let mut failure = None;
    Generator::new(config).run(|rows| {
        for row in rows {
            if failure.is_none() {
                match writer.write_record(row.fields()) {
                    Ok(()) => written += 1,
                    Err(e) => failure = Some(e),
                }
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    writer.flush()?;
    Ok(written)
}
