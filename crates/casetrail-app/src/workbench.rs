//! The façade over one data directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use casetrail_ledger::{Clock, Head, Ledger, VerifyReport};

use crate::error::AppError;

/// Whether this process will append, or only read beside another that does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    ReadOnly,
}

#[derive(Debug, Clone)]
pub struct Workbench {
    ledger: Ledger,
}

impl Workbench {
    /// Opens the data directory. Read-write creates it when missing; read-only requires it.
    pub fn open(data_dir: &Path, access: Access, clock: Arc<dyn Clock>) -> Result<Self, AppError> {
        let ledger = match access {
            Access::ReadWrite => Ledger::open(data_dir, clock)?,
            Access::ReadOnly => {
                if !data_dir.join("CURRENT").exists() {
                    return Err(AppError::NoData {
                        path: PathBuf::from(data_dir),
                    });
                }
                Ledger::open_read_only(data_dir)?
            }
        };
        Ok(Workbench { ledger })
    }

    /// The last record: the value a quality department writes down.
    pub fn head(&self) -> Option<Head> {
        self.ledger.head()
    }

    /// The whole chain, or everything after a trusted checkpoint.
    pub fn verify(&self, checkpoint: Option<Head>) -> Result<VerifyReport, AppError> {
        Ok(match checkpoint {
            Some(c) => self.ledger.verify_from(c)?,
            None => self.ledger.verify()?,
        })
    }

    pub(crate) fn ledger(&self) -> &Ledger {
        &self.ledger
    }
}
