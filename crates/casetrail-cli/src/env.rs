//! What every command starts from: the data directory, opened once through the façade for
//! reading or for writing, the pseudonym key and the signing key; and the advice the command
//! line adds to the façade's errors (the façade says what happened, not which flag mends it).

use std::path::{Path, PathBuf};

use casetrail_app::{
    Access, AppError, AuditError, AuditRuleError, CaseFileError, CheckpointSigner, CoreError,
    PseudonymKey, Workbench,
};

use crate::args::SigningKeyArgs;

#[derive(Debug)]
pub struct Env {
    data: PathBuf,
}

impl Env {
    pub fn new(data: PathBuf) -> Env {
        Env { data }
    }

    pub fn data(&self) -> &Path {
        &self.data
    }

    /// The workbench for a command that only reads (it may run beside the server).
    pub fn read(&self) -> Result<Workbench, AppError> {
        Workbench::open_system(&self.data, Access::ReadOnly)
    }

    /// The workbench for a command that appends.
    pub fn write(&self) -> Result<Workbench, AppError> {
        Workbench::open_system(&self.data, Access::ReadWrite)
    }

    /// The pseudonym key: the file given, else `CASETRAIL_PSEUDONYM_KEY`, else the data
    /// directory's own.
    pub fn pseudonym_key(&self, file: Option<PathBuf>) -> Result<PseudonymKey, AppError> {
        casetrail_app::pseudonym_key(&key_source(file), &self.data)
    }

    pub fn signer(&self, args: &SigningKeyArgs) -> anyhow::Result<CheckpointSigner> {
        args.open(&self.data)
    }
}

pub fn key_source(file: Option<PathBuf>) -> casetrail_app::KeySource {
    match (file, std::env::var("CASETRAIL_PSEUDONYM_KEY")) {
        (Some(path), _) => casetrail_app::KeySource::File(path),
        (None, Ok(hex)) => casetrail_app::KeySource::Hex(hex),
        (None, Err(_)) => casetrail_app::KeySource::DataDir,
    }
}

/// An error as the command line reports it: the façade's message, and what to type next
/// where the command line knows it.
pub fn with_advice(e: &anyhow::Error) -> String {
    let advice = match e.downcast_ref::<AppError>() {
        Some(AppError::Core(CoreError::NoData { .. })) => {
            Some("run `casetrail demo` (or an import) to create it, or pass --data")
        }
        Some(AppError::CaseFile(CaseFileError::InvalidRows { .. })) => {
            Some("--skip-invalid imports the valid rows")
        }
        Some(AppError::CaseFile(CaseFileError::TooManyInvalid { .. })) => Some(
            "check that this is the extract meant; an import without --skip-invalid lists the first rows' problems",
        ),
        Some(AppError::CaseFile(CaseFileError::IdentityConflict { .. })) => Some(
            "correct the extract, or import those patients under new ids with --rename-patient OLD=NEW",
        ),
        Some(AppError::Audit(AuditError::AuditRule {
            rule: AuditRuleError::NotReady { .. },
            ..
        })) => Some(
            "`casetrail audit AUDIT gaps --step …` lists what is missing; --reason \"…\" goes ahead anyway and stores why",
        ),
        Some(e) if e.needs_migration() => Some(
            "stop the server if it runs, then `casetrail migrate --data DIR` (once; it verifies the ledger before and after)",
        ),
        Some(e) if e.is_data_in_use() => Some(
            "the data folder is in use (by `casetrail serve`?): stop it, or use a command that only reads",
        ),
        _ => None,
    };
    match advice {
        Some(a) => format!("{e:#}\n  hint: {a}"),
        None => format!("{e:#}"),
    }
}
