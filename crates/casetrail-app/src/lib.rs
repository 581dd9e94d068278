//! casetrail-app: the application façade.
//!
//! The command line and the web server both go through [`Workbench`]; neither opens the
//! ledger or calls a domain core on its own. That keeps one place where data directories are
//! opened, clocks are chosen and errors get the words a user reads.

mod analysis;
mod demo;
mod error;
mod forget;
mod import;
mod pathway;
mod projection;
mod workbench;

pub use casetrail_domain::selection::{Candidate, Criteria};
pub use casetrail_domain::stage1::Stage1Report;
pub use casetrail_domain::{DiagnosisGroup, NaiveDate};
pub use casetrail_ledger::{Break, BreakKind, EventHash, Head, Position, VerifyReport};
pub use demo::DemoSummary;
pub use error::AppError;
pub use forget::Forgotten;
pub use import::{ImportOptions, ImportSummary, Progress, Quiet};
pub use pathway::{Erasure, PathwayEntry, PathwayView, Personal, StayView};
pub use projection::StaysProjection;
pub use workbench::{Access, Workbench};

/// Redacts free text: CPR numbers, phone numbers, e-mail addresses, and the names given (each
/// replaced by `[NAVN]`, in any case and in the genitive). The redactor case timelines will use.
pub fn redact_text(text: &str, names: &[String]) -> String {
    let known: Vec<casetrail_anon::KnownName> = names
        .iter()
        .map(|n| casetrail_anon::KnownName::new(n.as_str(), "[NAVN]"))
        .collect();
    casetrail_anon::Redactor::new(&known).redact(text)
}

/// Where the data lives unless a flag or `CASETRAIL_DATA` says otherwise.
pub const DEFAULT_DATA_DIR: &str = "./casetrail-data";
