//! casetrail-web: the only crate that knows HTTP, HTML and templates. Templates live under
//! `web/` and receive view structs made here, never domain types. The workbench pages of the
//! three roles (facilitator, panel member, quality staff) and the administrator, sign-in and
//! sessions, and the operational routes. The printable documents (report, timeline) are laid
//! out by `casetrail-report`.
// No handler may end a request by panicking: errors become statuses in `server::recover`.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod audits;
mod bounded;
mod bounds;
mod casework;
mod ctx;
mod i18n;
mod lifelines;
mod panel;
mod quality;
pub mod server;
mod sessions;
mod templates;

pub use ctx::utc;

pub use casetrail_report::RenderError;
