//! What an import would do, checked as the import checks it, writing nothing: `--dry-run`.

use std::collections::BTreeSet;
use std::path::Path;

use super::{ImportOptions, ImportSummary, Keep, StagedRows, invalid_rows};
use crate::core::error::AppError;
use crate::core::workbench::Workbench;
use casetrail_domain::PatientId;

impl Workbench {
    /// What an import of `file` would do, checked as the import checks it, writing nothing.
    pub(super) fn preview(
        &self,
        file: &Path,
        options: &ImportOptions,
    ) -> Result<ImportSummary, AppError> {
        match file.extension().and_then(|e| e.to_str()) {
            Some("jsonl" | "ndjson") => {
                let staged = self.stage_events(file, options, Keep::CountOnly)?;
                if !staged.rejected.is_empty() {
                    return Err(invalid_rows(file, staged.rejected));
                }
                self.would_import(staged.lines, staged.patients.iter().collect())
            }
            _ => self.preview_rows(file, self.stage_contacts(file, options, Keep::CountOnly)?),
        }
    }

    /// What an import of rows already read would do: refused when any row is invalid, else
    /// the counts, writing nothing.
    pub(crate) fn preview_rows(
        &self,
        file: &Path,
        staged: StagedRows,
    ) -> Result<ImportSummary, AppError> {
        if !staged.rejected.is_empty() {
            return Err(invalid_rows(file, staged.rejected));
        }
        let patients = staged.patients().map(|(p, _)| p).collect();
        self.would_import(staged.rows, patients)
    }

    /// The counts of an import of `rows` for `patients`: how many the record does not hold.
    fn would_import(
        &self,
        rows: usize,
        patients: BTreeSet<&PatientId>,
    ) -> Result<ImportSummary, AppError> {
        let mut new_patients = 0;
        for p in &patients {
            let stream = casetrail_ledger::StreamId::new(casetrail_import::stream_name(p))?;
            new_patients += usize::from(self.ledger().stream_version(&stream)?.is_none());
        }
        Ok(ImportSummary {
            rows,
            rejected: 0,
            rejected_file: None,
            patients: patients.len(),
            appended: 0,
            already_stored: 0,
            new_patients,
        })
    }
}
