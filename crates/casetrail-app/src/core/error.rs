//! Errors as the user meets them: what happened, with the ids and paths involved. Advice on
//! what to type or click next belongs to each edge (`casetrail-cli/src/env.rs`, the web
//! pages), which know their own flags and forms.

use std::path::{Path, PathBuf};

use casetrail_import::{ImportError, Rejected};
use casetrail_ledger::LedgerError;

/// Every error of the façade: one per capability, each reached through `From`, so a
/// capability's code returns its own error and a caller matches the capability it cares about.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error(transparent)]
    CaseFile(#[from] CaseFileError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error(transparent)]
    Export(#[from] ExportError),
}

impl From<LedgerError> for AppError {
    fn from(e: LedgerError) -> Self {
        AppError::Core(CoreError::Ledger(e))
    }
}

impl From<casetrail_receipt::ReceiptError> for AppError {
    fn from(e: casetrail_receipt::ReceiptError) -> Self {
        AppError::Export(ExportError::Receipt(e))
    }
}

/// Opening the data directory, its layout and keys, stored events, forms.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("there is no casetrail data in {path}")]
    NoData { path: PathBuf },
    #[error("this needs the data directory opened for writing")]
    ReadOnly,
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("cannot encode a {what} event: {source}")]
    Encode {
        what: &'static str,
        source: serde_json::Error,
    },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("stored event at position {position} does not read: {source}")]
    StoredEvent {
        position: u64,
        source: casetrail_domain::DomainError,
    },
    #[error("stored {what} event at position {position} does not read: {source}")]
    StoredJson {
        what: &'static str,
        position: u64,
        source: serde_json::Error,
    },
    #[error(
        "{path} can be read by others (mode {mode:o}): a key file must be readable by its owner only (chmod 600)"
    )]
    KeyFilePermissions { path: PathBuf, mode: u32 },
    #[error("the pseudonym key from {origin} does not read: {source}")]
    PseudonymKey {
        origin: String,
        source: casetrail_anon::KeyError,
    },
    #[error("the operating system gave no randomness for a new key: {0}")]
    Randomness(String),
    #[error("the form is incomplete: {what}")]
    BadForm { what: String },
    #[error(transparent)]
    Spill(#[from] crate::core::spill::SpillError),
}

impl CoreError {
    /// What kind of failure this is (see [`ErrorKind`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            CoreError::NoData { .. } => ErrorKind::NotFound,
            CoreError::ReadOnly => ErrorKind::Internal,
            CoreError::Ledger(LedgerError::VersionConflict { .. }) => ErrorKind::Conflict,
            CoreError::Ledger(_) => ErrorKind::Internal,
            CoreError::Encode { .. } => ErrorKind::Internal,
            CoreError::Io { .. } => ErrorKind::Internal,
            CoreError::StoredEvent { .. } => ErrorKind::Internal,
            CoreError::StoredJson { .. } => ErrorKind::Internal,
            CoreError::KeyFilePermissions { .. } => ErrorKind::Internal,
            CoreError::PseudonymKey { .. } => ErrorKind::Internal,
            CoreError::Randomness(_) => ErrorKind::Internal,
            CoreError::BadForm { .. } => ErrorKind::Invalid,
            CoreError::Spill(_) => ErrorKind::Internal,
        }
    }
}

/// The case file: imports, identities, pathways, material, releases, forgetting.
#[derive(Debug, thiserror::Error)]
pub enum CaseFileError {
    #[error("{path}: {source}")]
    ImportFile { path: PathBuf, source: ImportError },
    /// An LPR3 mapping file that cannot be used.
    #[error("{path}: {source}")]
    Lpr3Mapping {
        path: PathBuf,
        source: casetrail_import::MappingError,
    },
    /// Rows that are invalid: `total` of them, the first of which (at most
    /// `casefile::import::staged::MAX_LISTED`) are in `rejected`.
    #[error("{path}: {total} of its rows are invalid, so nothing was imported")]
    InvalidRows {
        path: PathBuf,
        rejected: Vec<Rejected>,
        total: usize,
    },
    /// More invalid rows than an import sets aside: most likely not the file meant.
    #[error(
        "{path}: {total} of its rows are invalid, more than the {limit} an import sets aside, so nothing was imported"
    )]
    TooManyInvalid {
        path: PathBuf,
        total: usize,
        limit: usize,
    },
    /// A Parquet table that cannot be read.
    #[error("{path}: not a readable Parquet table: {detail}")]
    Parquet { path: PathBuf, detail: String },
    /// Hospital notification bundles that cannot be imported, each with its file.
    #[error("{} of the messages are invalid, so nothing was imported", rejected.len())]
    InvalidBundles {
        rejected: Vec<(PathBuf, casetrail_import::BundleError)>,
    },
    /// No bundle files where the import was pointed.
    #[error("{path}: holds no .json files (MedCom bundles are read from .json files)")]
    NoBundles { path: PathBuf },
    /// More bundle files than one import takes.
    #[error("more than {limit} message files in one import: import the folder in parts")]
    TooManyBundles { limit: usize },
    #[error("{value:?} is not a patient id: {source}")]
    PatientId {
        value: String,
        source: casetrail_domain::DomainError,
    },
    #[error("there is no patient {patient} in the record")]
    UnknownPatient { patient: String },
    #[error(
        "{count} patient id(s) of this extract already belong to other people in the record (their CPR numbers differ): {patients}. Nothing was imported"
    )]
    IdentityConflict { count: usize, patients: String },
    #[error("{pair:?} is not a rename: write OLD=NEW with two different patient ids")]
    BadRename { pair: String },
    #[error(
        "the event id {id} of patient {patient} is already stored in {stream}: two events cannot share an id. Nothing was imported; give the line another id, or none"
    )]
    EventIdTaken {
        id: String,
        patient: String,
        stream: String,
    },
    #[error("patient {patient} was already forgotten")]
    AlreadyForgotten { patient: String },
    #[error("a residual-risk decision needs the term it is about")]
    EmptyTerm,
    #[error("patient {patient} was forgotten: their case file can no longer be opened")]
    Forgotten { patient: String },
    #[error("case {case} has no released version {version} ({released} released so far)")]
    NoSuchRelease {
        case: String,
        version: u32,
        released: usize,
    },
    #[error(
        "released version {version} of case {case} no longer rebuilds to what was released: expected content hash {expected}, found {found} (was the pseudonym key changed, or the patient forgotten?)"
    )]
    ReleaseMismatch {
        case: String,
        version: u32,
        expected: String,
        found: String,
    },
    #[error(
        "case {case} has not changed since its released version {version}: nothing new to release"
    )]
    ReleaseUnchanged { case: String, version: u32 },
    #[error(
        "case {case} has changed since the preview (content hash {previewed}, now {found}): look at the preview again before releasing"
    )]
    PreviewOutdated {
        case: String,
        previewed: String,
        found: String,
    },
    #[error(
        "case {case} has {undecided} review item(s) undecided: decide them (keep or redact), or give a reason to release anyway"
    )]
    UndecidedReview { case: String, undecided: usize },
    #[error("the PDF could not be read: {reason}")]
    Pdf { reason: String },
    /// A document (RTF, text) whose text cannot be read.
    #[error("the document cannot be read: {reason}")]
    Document { reason: String },
    #[error("cannot write the synthetic region: {reason}")]
    Generate { reason: String },
}

impl CaseFileError {
    /// What kind of failure this is (see [`ErrorKind`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            CaseFileError::ImportFile { .. } => ErrorKind::Invalid,
            CaseFileError::Lpr3Mapping { .. } => ErrorKind::Invalid,
            CaseFileError::InvalidRows { .. } => ErrorKind::Invalid,
            CaseFileError::TooManyInvalid { .. } => ErrorKind::Invalid,
            CaseFileError::Parquet { .. } => ErrorKind::Invalid,
            CaseFileError::InvalidBundles { .. } => ErrorKind::Invalid,
            CaseFileError::NoBundles { .. } => ErrorKind::Invalid,
            CaseFileError::TooManyBundles { .. } => ErrorKind::Invalid,
            CaseFileError::PatientId { .. } => ErrorKind::Invalid,
            CaseFileError::UnknownPatient { .. } => ErrorKind::NotFound,
            CaseFileError::IdentityConflict { .. } => ErrorKind::Conflict,
            CaseFileError::BadRename { .. } => ErrorKind::Invalid,
            CaseFileError::EventIdTaken { .. } => ErrorKind::Conflict,
            CaseFileError::AlreadyForgotten { .. } => ErrorKind::Conflict,
            CaseFileError::EmptyTerm => ErrorKind::Invalid,
            CaseFileError::Forgotten { .. } => ErrorKind::Conflict,
            CaseFileError::NoSuchRelease { .. } => ErrorKind::NotFound,
            CaseFileError::ReleaseMismatch { .. } => ErrorKind::Internal,
            CaseFileError::ReleaseUnchanged { .. } => ErrorKind::Conflict,
            CaseFileError::PreviewOutdated { .. } => ErrorKind::Conflict,
            CaseFileError::UndecidedReview { .. } => ErrorKind::Conflict,
            CaseFileError::Pdf { .. } => ErrorKind::Invalid,
            CaseFileError::Document { .. } => ErrorKind::Invalid,
            CaseFileError::Generate { .. } => ErrorKind::Internal,
        }
    }
}

/// Audits, their questionnaires and rules, users and agreement.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(
        "{value:?} is not an audit id: use 1-64 letters A-Z, digits, - and _, starting with a letter or a digit (for example RM-2026-1)"
    )]
    AuditId { value: String },
    #[error("{path}: {source}")]
    RatingTable {
        path: PathBuf,
        source: casetrail_audit::TableError,
    },
    #[error("{name:?} is not a user name (2-64 characters of A-Z a-z 0-9 - _ . @)")]
    UserName { name: String },
    #[error("there is already a user {name}")]
    UserExists { name: String },
    #[error("there is no user {name}")]
    NoUser { name: String },
    #[error("a password needs at least {min} characters; this one has {chars}")]
    WeakPassword { chars: usize, min: usize },
    #[error("password hashing failed: {0}")]
    Password(String),
    #[error("there is no audit {audit}")]
    NoAudit { audit: String },
    /// Named `rule`, not `source`: the message already says it, so a chain printed with
    /// its causes does not say it twice.
    #[error("audit {audit} refuses this: {rule}")]
    AuditRule {
        audit: String,
        rule: casetrail_audit::audit::AuditError,
    },
    /// Changes sent together (one form's answers) of which some are refused: none is kept.
    #[error(
        "audit {audit} refuses {} of the changes sent together, so none is kept; the first: {}",
        refused.len(),
        refused.first().map(|(_, r)| r.to_string()).unwrap_or_default()
    )]
    AuditRules {
        audit: String,
        /// Each refused change: its index among those sent, and the rule.
        refused: Vec<(usize, casetrail_audit::audit::AuditError)>,
    },
    #[error("{origin}: {source}")]
    Questionnaire {
        origin: String,
        source: casetrail_audit::DefinitionError,
    },
}

impl AuditError {
    /// What kind of failure this is (see [`ErrorKind`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            AuditError::AuditId { .. } => ErrorKind::Invalid,
            AuditError::RatingTable { .. } => ErrorKind::Invalid,
            AuditError::UserName { .. } => ErrorKind::Invalid,
            AuditError::UserExists { .. } => ErrorKind::Conflict,
            AuditError::NoUser { .. } => ErrorKind::NotFound,
            AuditError::WeakPassword { .. } => ErrorKind::Invalid,
            AuditError::Password(_) => ErrorKind::Internal,
            AuditError::NoAudit { .. } => ErrorKind::NotFound,
            AuditError::AuditRule { .. } => ErrorKind::Conflict,
            AuditError::AuditRules { .. } => ErrorKind::Conflict,
            AuditError::Questionnaire { .. } => ErrorKind::Invalid,
        }
    }
}

/// Exports, receipts, checkpoints and the report.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("there is no export file {name}")]
    NoSuchExport { name: String },
    #[error(
        "the signing key {path} lies inside the data directory {data_dir}; keep it elsewhere, so that a copy of the data carries no key"
    )]
    SigningKeyInData { path: PathBuf, data_dir: PathBuf },
    #[error("the signing key file {path} does not read: {problem}")]
    SigningKey { path: PathBuf, problem: String },
    #[error(transparent)]
    Receipt(#[from] casetrail_receipt::ReceiptError),
    #[error("stored checkpoint of size {size} does not read: {source}")]
    StoredCheckpoint {
        size: u64,
        source: casetrail_receipt::ReceiptError,
    },
    #[error(
        "the log here holds {here} events, fewer than the {signed} its newer checkpoint signed: it was rewound (restored from an older copy?)"
    )]
    LogRewound { here: u64, signed: u64 },
    #[error("cannot write the Parquet file: {0}")]
    Parquet(String),
    #[error("{what} could not be laid out: {reason}")]
    Layout { what: &'static str, reason: String },
}

impl ExportError {
    /// What kind of failure this is (see [`ErrorKind`]).
    pub fn kind(&self) -> ErrorKind {
        match self {
            ExportError::NoSuchExport { .. } => ErrorKind::NotFound,
            ExportError::SigningKeyInData { .. } => ErrorKind::Internal,
            ExportError::SigningKey { .. } => ErrorKind::Internal,
            ExportError::Receipt(_) => ErrorKind::Invalid,
            ExportError::StoredCheckpoint { .. } => ErrorKind::Internal,
            ExportError::LogRewound { .. } => ErrorKind::Invalid,
            ExportError::Parquet(_) => ErrorKind::Internal,
            ExportError::Layout { .. } => ErrorKind::Internal,
        }
    }
}

impl From<crate::core::spill::SpillError> for AppError {
    fn from(e: crate::core::spill::SpillError) -> Self {
        AppError::Core(CoreError::Spill(e))
    }
}

/// A malformed id reaches the façade as the ledger's error, as it always has.
impl From<casetrail_ledger::IdError> for AppError {
    fn from(e: casetrail_ledger::IdError) -> Self {
        AppError::Core(CoreError::Ledger(LedgerError::Id(e)))
    }
}

/// The error of an I/O call on `path`, for `map_err`.
pub(crate) fn io_error(path: &Path) -> impl Fn(std::io::Error) -> AppError + '_ {
    move |source| {
        AppError::from(CoreError::Io {
            path: path.to_owned(),
            source,
        })
    }
}

/// A stored record's JSON payload as `T`; `what` names the record in the error.
pub(crate) fn stored_json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    record: &casetrail_ledger::Record,
) -> Result<T, AppError> {
    serde_json::from_slice(&record.payload).map_err(|source| {
        AppError::from(CoreError::StoredJson {
            what,
            position: record.position.0,
            source,
        })
    })
}

/// What kind of failure an error is, for a caller that must choose a response (an HTTP
/// status, an exit code) without matching every variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Something named does not exist.
    NotFound,
    /// The request conflicts with the current state (a rule, someone else's change).
    Conflict,
    /// The input is wrong; the user can mend it.
    Invalid,
    /// Not the user's doing: logged, shown generically.
    Internal,
}

impl AppError {
    /// A form (or query) that cannot be used as it is: what is wrong with it.
    pub fn bad_form(what: impl Into<String>) -> AppError {
        AppError::Core(CoreError::BadForm { what: what.into() })
    }

    /// Whether another process (a running server, say) has the data directory open for
    /// writing: a read-only command can still run beside it.
    pub fn is_data_in_use(&self) -> bool {
        matches!(
            self,
            AppError::Core(CoreError::Ledger(LedgerError::Locked { .. }))
        )
    }

    /// The data folder holds an older on-disk format, which `Workbench::migrate` brings up.
    pub fn needs_migration(&self) -> bool {
        matches!(
            self,
            AppError::Core(CoreError::Ledger(LedgerError::NeedsMigration { .. }))
        )
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::Core(e) => e.kind(),
            AppError::CaseFile(e) => e.kind(),
            AppError::Audit(e) => e.kind(),
            AppError::Export(e) => e.kind(),
        }
    }
}
