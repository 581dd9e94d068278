//! Errors as the user meets them.

use std::path::PathBuf;

use casetrail_ledger::LedgerError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(
        "there is no casetrail data in {path}: run `casetrail demo` (or an import) to create it, or pass --data"
    )]
    NoData { path: PathBuf },
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("cannot encode a {what} event: {source}")]
    Encode {
        what: &'static str,
        source: serde_json::Error,
    },
}
