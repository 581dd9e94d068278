//! casetrail-app: the application façade.
//!
//! The command line and the web server both go through [`Workbench`]; neither opens the
//! ledger or calls a domain core on its own. That keeps one place where data directories are
//! opened, clocks are chosen and errors get the words a user reads.
//!
//! Capabilities live in folders: `core` (opening, layout, caches, errors), `casefile`
//! (imports, pathways, material, releases), `audit` (audits, users, access, agreement),
//! `exports` (findings in every format, receipts, the report), `demo`.
//!
//! ```no_run
//! use casetrail_app::{Access, Workbench};
//! let wb = Workbench::open_system(std::path::Path::new("casetrail-data"), Access::ReadOnly)?;
//! let stage1 = wb.stage1(2019)?;
//! println!("{} patients, {} acute readmissions", stage1.patients, stage1.readmissions);
//! # Ok::<(), casetrail_app::AppError>(())
//! ```

mod audit;
mod casefile;
mod core;
mod demo;
mod exports;

pub use audit::access::{AccessEntry, CaseAccess, Viewed};
pub use audit::agreement::{AlphaReport, alpha_of_file};
pub use audit::audits::{
    AuditStatus, AuditSummary, DEFACTUM_2019, MAX_AUDIT_ID, MemberCase, NewAudit,
    QuestionAgreement, is_audit_id,
};
pub use audit::users::{MIN_PASSWORD_CHARS, Role, User};
pub use casefile::decisions::MAX_DECISIONS;
pub use casefile::documents::folder::{Attached, MAX_DOCUMENTS, ReadDocument};
pub use casefile::documents::{DocumentKind, document_text};
pub use casefile::forget::Forgotten;
pub use casefile::identity::Renames;
pub use casefile::import::{ImportOptions, ImportSummary, Progress, Quiet};
pub use casefile::lpr3::Lpr3Files;
pub use casefile::material::{
    MAX_PDF_BYTES, PdfReader, limit_this_process_for_pdf, pdf_text, pdf_text_here,
    pdf_text_sandboxed, read_pdfs_with,
};
pub use casefile::medcom::{MAX_BUNDLE_BYTES, MAX_BUNDLES};
pub use casefile::pathway::{EntryDetail, Erasure, PathwayEntry, PathwayView, Personal, StayView};
pub use casefile::projection::StaysProjection;
pub use casefile::release::{KeySource, Release, create_key_file, pseudonym_key};
pub use casefile::uploads::UploadKind;
pub use casetrail_anon::{
    HashedTimeline, PseudonymKey, RedactionPolicy, RiskFinding, RiskKind, Timeline, timeline,
};
pub use casetrail_audit::Questionnaire;
pub use casetrail_audit::audit::{ActionPlan, MAX_FOLLOW_UP};
pub use casetrail_audit::audit::{Answer, Audit, AuditEvent, Value};
pub use casetrail_audit::audit::{AuditError as AuditRuleError, Gap, MAX_REASON, Step};
pub use casetrail_audit::audit::{PANEL_SECTORS, Panel, PanelText};
pub use casetrail_audit::questionnaire::{Asked, Question, QuestionKind, Text as QuestionText};
pub use casetrail_audit::{Agreement, Level};
pub use casetrail_domain::hospital_stays::Definition as ReadmissionDefinition;
pub use casetrail_domain::selection::{Candidate, Criteria};
pub use casetrail_domain::stage1::{Share, Stage1Report};
pub use casetrail_domain::{DatePolicy, MaterialSource, RiskDecision, hex};
pub use casetrail_domain::{DiagnosisGroup, NaiveDate};
pub use casetrail_import::{Expected, FieldError, ImportError, Problem};
pub use casetrail_ledger::{Break, BreakKind, EventHash, Head, Migration, Position, VerifyReport};
pub use casetrail_receipt::{
    MARKER as RECEIPT_MARKER, PublicKey, Receipt, ReceiptError, ReceiptSummary, SignedCheckpoint,
    embed_in_html as embed_receipt_in_html, extract_from_html as receipt_in_html,
};
pub use core::error::{AppError, AuditError, CaseFileError, CoreError, ErrorKind, ExportError};
pub use core::workbench::{Access, Workbench};
pub use demo::generate::{SyntheticRegion, generate_contacts_csv, generate_lpr3, generate_medcom};
pub use demo::load::DemoSummary;
pub use demo::workbench::{
    DEMO_AUDIT, DEMO_PASSWORD, DemoUser, LONG_CASE, WorkbenchDemo, long_case_jsonl,
};
pub use exports::download::{Download, EXPORT_FILES, STAGE1_YEARS};
pub use exports::findings::{AnswerRow, DEFAULT_MIN_CELL, Findings, SummaryRow};
pub use exports::formats::{Export, ExportFile, ExportFormat, ExportOptions};
pub use exports::receipts::{CheckpointSigner, DEFAULT_ORIGIN, signing_key};
pub use exports::redcap::{CANNOT_ASSESS_CODE, DICTIONARY_HEADER, redcap};
pub use exports::report::{AuditReport, QuestionResult, Quote, ReportCase};
pub use exports::report_file::{ReportContent, ReportLayout, ReportRequest};
pub use exports::spreadsheet;

/// A name given to the redactor, with the label that replaces it (else a pseudonym or
/// `[NAVN]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameEntry {
    pub name: String,
    pub label: Option<String>,
}

/// Redacts free text with the redactor case timelines use: CPR numbers, phone numbers,
/// e-mail addresses, addresses, postcodes with towns, common Danish names, exact dates, and
/// the names given. A name without a label becomes a keyed pseudonym (`[Person 7K…]`) when a
/// key is given, else `[NAVN]`. Dates become days from `index` when given, else `[DATO]`.
pub fn redact_text(
    text: &str,
    names: &[NameEntry],
    key: Option<&PseudonymKey>,
    index: Option<NaiveDate>,
) -> String {
    let known: Vec<casetrail_anon::KnownName> = names
        .iter()
        .map(|n| {
            let label = match (&n.label, key) {
                (Some(label), _) => format!("[{label}]"),
                (None, Some(key)) => {
                    format!(
                        "[Person {}]",
                        key.pseudonym("redact", &n.name.to_lowercase())
                    )
                }
                (None, None) => "[NAVN]".to_string(),
            };
            casetrail_anon::KnownName::new(n.name.as_str(), label)
        })
        .collect();
    let mut redactor = casetrail_anon::Redactor::new(&known);
    if let Some(index) = index {
        redactor = redactor.with_dating(casetrail_anon::Dating::Relative { index });
    }
    redactor.redact_dated(text, index.map(|d| casetrail_domain::Datelike::year(&d)))
}

/// Where the data lives unless a flag or `CASETRAIL_DATA` says otherwise.
pub const DEFAULT_DATA_DIR: &str = "./casetrail-data";
