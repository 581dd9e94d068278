//! The report as one use case: its content, a fresh checkpoint, the layout the caller chose,
//! and the receipt inside the page. The layout is a trait so that the façade makes the whole
//! report without knowing HTML (the `casetrail-report` crate implements it).

use casetrail_anon::PseudonymKey;
use casetrail_domain::stage1::Stage1Report;
use casetrail_receipt::{Receipt, SignedCheckpoint};

use crate::core::error::{AppError, ExportError};

use crate::core::workbench::Workbench;
use crate::exports::formats::ExportFile;
use crate::exports::receipts::CheckpointSigner;
use crate::exports::report::AuditReport;

/// What a report says, for its layout.
#[derive(Debug, Clone, Copy)]
pub struct ReportContent<'a> {
    pub report: &'a AuditReport,
    pub stage1: Option<&'a Stage1Report>,
    /// The checkpoint the report is made against; its receipt is signed under it.
    pub checkpoint: &'a SignedCheckpoint,
    /// How many events the receipt proves.
    pub events: usize,
}

/// How a report's content becomes a page. The page must carry
/// [`casetrail_receipt::MARKER`] where the receipt goes.
pub trait ReportLayout {
    /// The page for `content`.
    fn render(
        &self,
        content: &ReportContent<'_>,
    ) -> Result<String, Box<dyn std::error::Error + Send + Sync>>;
}

/// Which report to make.
#[derive(Debug, Clone, Copy)]
pub struct ReportRequest<'a> {
    pub audit: &'a str,
    pub key: &'a PseudonymKey,
    /// Include the stage-1 analysis of this year.
    pub year: Option<i32>,
    /// The name the receipt gives the file.
    pub file_name: &'a str,
}

impl Workbench {
    /// The audit report as a page with its receipt inside: the report's content, the stage-1
    /// analysis when asked for, a checkpoint made now, laid out by `layout`.
    pub fn report(
        &self,
        request: &ReportRequest<'_>,
        signer: &CheckpointSigner,
        layout: &dyn ReportLayout,
    ) -> Result<String, AppError> {
        let report = self.audit_report(request.audit, request.key)?;
        let stage1 = request.year.map(|y| self.stage1(y)).transpose()?;
        let checkpoint = self.checkpoint(signer)?;
        let events = self.audit_event_positions(request.audit)?;
        let page = layout
            .render(&ReportContent {
                report: &report,
                stage1: stage1.as_ref(),
                checkpoint: &checkpoint,
                events: events.len(),
            })
            .map_err(|source| ExportError::Layout {
                what: "the audit report",
                reason: source.to_string(),
            })?;
        self.report_with_receipt(
            signer,
            request.audit,
            request.file_name,
            checkpoint,
            &page,
            &events,
        )
    }

    /// The receipt of a report printed to PDF: it covers the PDF's bytes and proves the
    /// audit's events, as the page's embedded receipt does.
    pub fn report_pdf_receipt(
        &self,
        signer: &CheckpointSigner,
        audit: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<Receipt, AppError> {
        let file = ExportFile {
            name: file_name.to_owned(),
            content_type: "application/pdf",
            description: format!("audit report as PDF, audit {audit}"),
            bytes,
            events: self.audit_event_positions(audit)?,
        };
        self.export_receipt(signer, &file)
    }
}
