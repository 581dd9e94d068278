//! The façade over one data directory (its layout: `layout.rs`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use casetrail_ledger::{Actor, Clock, Head, KeyVault, Ledger, Migration, VerifyReport};

use crate::core::caches::{AuditCache, AuditWriters};
use crate::core::error::{AppError, CoreError};

use crate::core::layout::{ledger_dir, vault_dir, vault_name};

/// Whether this process will append, or only read beside another that does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    ReadOnly,
}

#[derive(Debug, Clone)]
pub struct Workbench {
    ledger: Ledger,
    vault: Option<Arc<KeyVault>>,
    writable: bool,
    data_dir: PathBuf,
    audits: Arc<AuditCache>,
    audit_writers: Arc<AuditWriters>,
    /// The clock the ledger stamps records with, for everything else that needs a time.
    clock: Arc<dyn Clock>,
}

impl Workbench {
    /// Opens the data directory. Read-write creates it when missing and makes it private
    /// (owner-only modes, the process's file mask 077; see `private.rs`); read-only requires
    /// it and opens no keys.
    pub fn open(data_dir: &Path, access: Access, clock: Arc<dyn Clock>) -> Result<Self, AppError> {
        let ledger_path = ledger_dir(data_dir);
        let (ledger, vault) = match access {
            Access::ReadWrite => {
                crate::core::private::make_private(data_dir)?;
                let ledger = Ledger::open(&ledger_path, Arc::clone(&clock))?;
                let vault = KeyVault::open(vault_dir(data_dir))?;
                (ledger, Some(Arc::new(vault)))
            }
            Access::ReadOnly => {
                if !ledger_path.join("CURRENT").exists() {
                    return Err(CoreError::NoData {
                        path: PathBuf::from(data_dir),
                    }
                    .into());
                }
                let vault = match vault_dir(data_dir) {
                    dir if dir.join("CURRENT").exists() => {
                        Some(Arc::new(KeyVault::open_read_only(dir)?))
                    }
                    _ => None,
                };
                (Ledger::open_read_only(&ledger_path)?, vault)
            }
        };
        Ok(Workbench {
            ledger,
            vault,
            writable: access == Access::ReadWrite,
            data_dir: data_dir.to_owned(),
            audits: Arc::default(),
            audit_writers: Arc::default(),
            clock,
        })
    }

    /// Opens the data directory with the system clock: what the command line and the server
    /// do (tests pass a clock of their own to [`Workbench::open`]).
    pub fn open_system(data_dir: &Path, access: Access) -> Result<Self, AppError> {
        Self::open(data_dir, access, Arc::new(casetrail_ledger::SystemClock))
    }

    /// Brings the data directory's ledger, closed, to this build's on-disk format: verified
    /// in its old format first (a broken one is left as it is), then in the new one.
    pub fn migrate(data_dir: &Path) -> Result<Migration, AppError> {
        let ledger_path = ledger_dir(data_dir);
        if !ledger_path.join("CURRENT").exists() {
            return Err(CoreError::NoData {
                path: PathBuf::from(data_dir),
            }
            .into());
        }
        Ok(Ledger::migrate(&ledger_path)?)
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

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub(crate) fn audit_cache(&self) -> &AuditCache {
        &self.audits
    }

    pub(crate) fn audit_writers(&self) -> &AuditWriters {
        &self.audit_writers
    }

    /// Now, by the clock the workbench was opened with, in UTC as RFC 3339 (seconds).
    pub(crate) fn now_rfc3339(&self) -> String {
        let micros = self.clock.now().0;
        chrono::DateTime::from_timestamp_micros(micros)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(|| micros.to_string())
    }

    pub fn is_writable(&self) -> bool {
        self.writable
    }

    pub(crate) fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The vault for changing keys: only in a read-write workbench.
    pub(crate) fn vault(&self) -> Result<&KeyVault, AppError> {
        match (&self.vault, self.writable) {
            (Some(v), true) => Ok(v),
            _ => Err(CoreError::ReadOnly.into()),
        }
    }

    /// A patient's key, if the vault still holds it.
    pub(crate) fn patient_key(
        &self,
        patient: &casetrail_domain::PatientId,
    ) -> Result<Option<casetrail_protect::PatientKey>, AppError> {
        let Some(vault) = &self.vault else {
            return Ok(None);
        };
        Ok(vault
            .get(&vault_name(patient))?
            .map(casetrail_protect::PatientKey::from_bytes))
    }
}

/// A stored record as the domain event it holds, upcast to the current schema version.
pub(crate) fn decode_stored(
    record: &casetrail_ledger::Record,
) -> Result<casetrail_domain::DomainEvent, AppError> {
    casetrail_domain::DomainEvent::decode(
        record.event_type.as_str(),
        record.schema_version,
        &record.payload,
    )
    .map_err(|source| CoreError::StoredEvent {
        position: record.position.0,
        source,
    })
    .map_err(AppError::from)
}

/// Who is acting, as recorded in the log.
pub fn actor(name: &str) -> Result<Actor, AppError> {
    Ok(Actor::new(name)?)
}

/// A read-write workbench in a fresh temporary directory, with a manual clock, for tests.
#[cfg(test)]
pub(crate) fn temp_workbench() -> (tempfile::TempDir, Workbench) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let clock = Arc::new(casetrail_ledger::ManualClock::new(
        casetrail_ledger::Timestamp(0),
        1,
    ));
    let wb = Workbench::open(dir.path(), Access::ReadWrite, clock).expect("opens");
    (dir, wb)
}
