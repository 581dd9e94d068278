//! Imports of bytes that arrived from elsewhere (a web upload, the demo's fixtures). The bytes
//! go to an owner-only temporary file under `DATA/tmp` for the importer to read, and the file
//! is removed when the import ends, whatever its outcome: nothing of the extract stays on disk
//! in plain text. Rows it holds are sealed per patient as the importer appends them.

use std::io::Write;

use crate::casefile::import::{ImportOptions, ImportSummary, Progress};
use crate::core::error::{AppError, CaseFileError, CoreError};

use crate::core::layout::scratch_dir;
use crate::core::workbench::Workbench;

/// The kinds of file an upload may be, by the extension its name ends in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadKind {
    /// A contacts CSV.
    Csv,
    /// JSON Lines of events.
    JsonLines,
}

impl UploadKind {
    /// The kind a file name says, or none for a file the importer does not read.
    pub fn of_name(name: &str) -> Option<UploadKind> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(UploadKind::Csv),
            "jsonl" | "ndjson" => Some(UploadKind::JsonLines),
            _ => None,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            UploadKind::Csv => ".csv",
            UploadKind::JsonLines => ".jsonl",
        }
    }
}

impl Workbench {
    /// Validates and imports an extract given as bytes, as [`Workbench::import_file`] does a
    /// file, all or nothing (rejected rows are reported from memory, never written beside the
    /// copy); the bytes never stay on disk.
    pub fn import_bytes(
        &self,
        bytes: &[u8],
        kind: UploadKind,
        by: &str,
        progress: &mut dyn Progress,
    ) -> Result<ImportSummary, AppError> {
        let dir = scratch_dir(self.data_dir());
        let io = |source| CoreError::Io {
            path: dir.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let mut file = tempfile::Builder::new()
            .prefix("upload-")
            .suffix(kind.extension())
            .tempfile_in(&dir)
            .map_err(io)?;
        file.write_all(bytes).map_err(io)?;
        file.flush().map_err(io)?;
        let outcome = self.import_file(file.path(), ImportOptions::default(), by, progress);
        file.close().map_err(io)?;
        outcome.map_err(without_server_path)
    }
}

/// The name an uploaded file goes by in a message: the server's scratch path is nobody's
/// business, and means nothing to the person who uploaded it.
const UPLOADED: &str = "the uploaded file";

fn without_server_path(e: AppError) -> AppError {
    match e {
        AppError::CaseFile(CaseFileError::ImportFile { source, .. }) => {
            AppError::CaseFile(CaseFileError::ImportFile {
                path: UPLOADED.into(),
                source,
            })
        }
        AppError::CaseFile(CaseFileError::InvalidRows {
            rejected, total, ..
        }) => AppError::CaseFile(CaseFileError::InvalidRows {
            path: UPLOADED.into(),
            rejected,
            total,
        }),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        assert_eq!(UploadKind::of_name("a.CSV"), Some(UploadKind::Csv));
        assert_eq!(UploadKind::of_name("x.ndjson"), Some(UploadKind::JsonLines));
        assert_eq!(UploadKind::of_name("x.pdf"), None);
        assert_eq!(UploadKind::of_name("csv"), None);
    }
}
