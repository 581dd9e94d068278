//! Agreement on any rating table: the façade's way to Krippendorff's alpha from a CSV file.

use std::path::Path;

use casetrail_audit::{Agreement, Level, read_table};

use crate::core::error::{AppError, AuditError, CoreError};

/// Alpha of a rating table, with its bootstrap interval and the distribution of values.
#[derive(Debug, Clone, PartialEq)]
pub struct AlphaReport {
    pub level: Level,
    pub raters: usize,
    pub units: usize,
    pub agreement: Agreement,
    /// The percentile interval, when alpha is defined in enough resamples.
    pub interval: Option<(f64, f64)>,
    pub confidence: f64,
    pub samples: usize,
    pub seed: u64,
    /// Each value given and how often; words of nominal tables by their own label.
    pub distribution: Vec<(String, usize)>,
}

/// Reads a rating table (header of raters, one row per unit, empty = missing) and computes
/// alpha at `level`, with a `samples`-fold bootstrap seeded by `seed`.
pub fn alpha_of_file(
    path: &Path,
    level: Level,
    samples: usize,
    seed: u64,
) -> Result<AlphaReport, AppError> {
    let text = std::fs::read_to_string(path).map_err(|source| CoreError::Io {
        path: path.to_owned(),
        source,
    })?;
    let table = read_table(&text, level).map_err(|source| AuditError::RatingTable {
        path: path.to_owned(),
        source,
    })?;
    let confidence = 0.95;
    Ok(AlphaReport {
        level,
        raters: table.raters.len(),
        units: table.units.len(),
        agreement: casetrail_audit::agreement(&table.units, level),
        interval: casetrail_audit::bootstrap_interval(
            &table.units,
            level,
            samples,
            seed,
            confidence,
        ),
        confidence,
        samples,
        seed,
        distribution: casetrail_audit::distribution(&table.units)
            .into_iter()
            .map(|(v, n)| (table.label(v), n))
            .collect(),
    })
}
