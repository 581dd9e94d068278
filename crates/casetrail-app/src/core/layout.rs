//! Where things live under the data directory.
//!
//! `DATA/ledger` holds the event log and `DATA/keys` the patients' keys. They are separate
//! databases so that destroying a key compacts only the vault, and so that a copy of the log
//! alone carries no key. `DATA/tmp` holds uploaded bytes while they are imported (owner-only,
//! removed whatever the outcome); `DATA/pseudonym.key` and `DATA/signing.key` are made on
//! first use.

use std::path::{Path, PathBuf};

use casetrail_domain::PatientId;

/// The event log's RocksDB folder.
pub(crate) fn ledger_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("ledger")
}

/// The key vault's RocksDB folder.
pub(crate) fn vault_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("keys")
}

/// The folder for uploaded bytes while they are imported.
pub(crate) fn scratch_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("tmp")
}

/// A patient's key's name in the vault.
pub(crate) fn vault_name(patient: &PatientId) -> String {
    format!("patient/{patient}")
}
