//! One export file by the name the workbench offers it under, with or without its receipt:
//! the web's download and anything else that fetches a single file go through this, so the
//! names and their formats live in one place (docs/exports.md).

use casetrail_anon::PseudonymKey;

use crate::core::error::{AppError, ExportError};

use crate::core::workbench::Workbench;
use crate::exports::findings::DEFAULT_MIN_CELL;
use crate::exports::formats::{ExportFormat, ExportOptions};
use crate::exports::receipts::CheckpointSigner;

/// Every file an audit's export offers (after the audit id and a hyphen), each also as
/// `NAME.receipt.json`; `stage1-YYYY.parquet` stands for any year.
pub const EXPORT_FILES: &[&str] = &[
    "answers.csv",
    "summary.csv",
    "answers-da.csv",
    "summary-da.csv",
    "findings.json",
    "fhir.json",
    "redcap-dictionary.csv",
    "redcap-data.csv",
    "answers.parquet",
    "stage1-2019.parquet",
];

/// The years a stage-1 analysis can be asked for.
pub const STAGE1_YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// A downloaded file: what it is and its bytes.
#[derive(Debug, Clone)]
pub struct Download {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Which export a file name belongs to, and the stage-1 year of `stage1-YYYY.parquet`.
fn format_of(name: &str) -> Option<(ExportFormat, Option<i32>)> {
    use ExportFormat::*;
    if let Some(year) = name
        .strip_prefix("stage1-")
        .and_then(|rest| rest.strip_suffix(".parquet"))
    {
        let year = (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
            .then(|| year.parse().ok())
            .flatten()
            .filter(|y| STAGE1_YEARS.contains(y))?;
        return Some((Parquet, Some(year)));
    }
    let format = match name {
        "answers.csv" | "summary.csv" => Csv,
        "answers-da.csv" | "summary-da.csv" => CsvDanish,
        "findings.json" => Json,
        "fhir.json" => Fhir,
        "redcap-dictionary.csv" | "redcap-data.csv" => Redcap,
        "answers.parquet" => Parquet,
        _ => return None,
    };
    Some((format, None))
}

impl Workbench {
    /// The export file `name` of `audit` (one of [`EXPORT_FILES`], or its receipt as
    /// `NAME.receipt.json`). CSV files start with a byte-order mark, for Excel.
    pub fn export_file(
        &self,
        audit: &str,
        key: &PseudonymKey,
        signer: &CheckpointSigner,
        name: &str,
    ) -> Result<Download, AppError> {
        let (wanted, receipt) = match name.strip_suffix(".receipt.json") {
            Some(f) => (f, true),
            None => (name, false),
        };
        let not_found = || ExportError::NoSuchExport {
            name: name.to_owned(),
        };
        let (format, stage1_year) = format_of(wanted).ok_or_else(not_found)?;
        let options = ExportOptions {
            min_cell: DEFAULT_MIN_CELL,
            bom: true,
            stage1_year,
        };
        let full = format!("{audit}-{wanted}");
        let file = self
            .export(audit, key, format, options)?
            .files
            .into_iter()
            .find(|f| f.name == full)
            .ok_or_else(not_found)?;
        Ok(if receipt {
            Download {
                content_type: "application/json",
                bytes: self.export_receipt(signer, &file)?.to_json().into_bytes(),
            }
        } else {
            Download {
                content_type: file.content_type,
                bytes: file.bytes,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_their_formats_and_nothing_else_does() {
        assert_eq!(format_of("fhir.json"), Some((ExportFormat::Fhir, None)));
        assert_eq!(
            format_of("stage1-2024.parquet"),
            Some((ExportFormat::Parquet, Some(2024)))
        );
        for bad in [
            "stage1-02024.parquet",
            "stage1-+202.parquet",
            "stage1-1899.parquet",
            "stage1-9999.parquet",
            "stage1-2019 .parquet",
            "stage1-２０１９.parquet",
            "answers.xlsx",
            "../answers.csv",
            "",
        ] {
            assert_eq!(format_of(bad), None, "{bad:?}");
        }
        for name in EXPORT_FILES {
            assert!(format_of(name).is_some(), "{name}");
        }
    }
}
