//! casetrail-report: the layout of casetrail's printable documents, the audit report and a
//! case's timeline, each an HTML file that stands on its own (or is served by the
//! workbench). The façade gathers what a document says; this crate only lays it out, so
//! the command line and the web server print the same pages without either knowing the
//! other.
//!
//! ```no_run
//! # fn make(wb: &casetrail_app::Workbench, key: &casetrail_app::PseudonymKey,
//! #         signer: &casetrail_app::CheckpointSigner) -> Result<(), casetrail_app::AppError> {
//! let request = casetrail_app::ReportRequest { audit: "RM-2026-1", key, year: Some(2025),
//!     file_name: "report.html" };
//! let html = wb.report(&request, signer, &casetrail_report::Layout::Standalone)?;
//! # Ok(()) }
//! ```
// A document that fails to render is an error for the caller, never a panic.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod charts;
mod format;
mod report;
pub mod templates;
mod timeline;

pub use format::{Words, local, utc, when, when_in};
pub use report::Layout;
pub use timeline::{TimelinePage, timeline_html};

/// The stylesheet every page uses; a standalone file carries it inside.
pub const CSS: &str = include_str!("../../../web/static/casetrail.css");

/// A template failed to render: a bug in a template, named with the template.
#[derive(Debug, thiserror::Error)]
#[error("template {template} did not render: {source}")]
pub struct RenderError {
    pub template: &'static str,
    #[source]
    pub source: handlebars::RenderError,
}
