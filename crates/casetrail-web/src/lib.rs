//! casetrail-web: the only crate that knows HTTP, HTML and templates. Templates live under
//! `web/` and receive view structs made here, never domain types. The workbench pages of the
//! three roles (facilitator, panel member, quality staff) and the administrator, sign-in and
//! sessions, the operational routes, and the printable timeline page.
// No handler may end a request by panicking: errors become statuses in `server::recover`.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod audits;
mod bounded;
mod bounds;
mod casework;
mod charts;
mod ctx;
mod i18n;
mod lifelines;
mod panel;
mod quality;
mod report;
pub mod server;
mod sessions;
mod templates;
mod timeline_page;

pub use ctx::utc;
pub use report::{ReportFile, report_html};
pub use timeline_page::{TimelinePage, timeline_html};

/// A template failed to render: a bug in a template, named with the template.
#[derive(Debug, thiserror::Error)]
#[error("template {template} did not render: {source}")]
pub struct RenderError {
    pub template: &'static str,
    #[source]
    pub source: handlebars::RenderError,
}
