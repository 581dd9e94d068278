//! casetrail-web: the only crate that knows HTTP. The workbench pages of the three roles
//! (facilitator, panel member, quality staff) and the administrator, sign-in and sessions,
//! and the operational routes. Templates live under `web/` and receive view structs made
//! here, never the façade's types; the printable documents (report, timeline) are laid out by
//! `casetrail-report`.
//!
//! Layers, each using only those below it: `server` (binding, middleware) → `routes` (the
//! table, guards) → `pages/*` (one module a page, its routes and handlers) → `ctx`,
//! `state`, `views`, `multipart`, `jobs`, `sessions`, `templates`, `i18n`, `bounds`.
//!
//! ```no_run
//! # async fn serve(wb: casetrail_app::Workbench, key: casetrail_app::PseudonymKey) {
//! let shared = casetrail_web::server::Shared::new(wb, key);
//! let (addr, server) = casetrail_web::server::bind(shared, "127.0.0.1:0".parse().unwrap());
//! println!("serving on http://{addr}");
//! server.await;
//! # }
//! ```
// No handler may end a request by panicking: errors become statuses in `recover.rs`.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod bounded;
mod bounds;
mod ctx;
mod i18n;
mod jobs;
mod lifelines;
mod localize;
mod multipart;
mod pages;
mod problems;
mod recover;
pub mod routes;
pub mod server;
mod sessions;
mod state;
mod templates;
#[cfg(test)]
mod tests;
mod views;

pub use casetrail_report::RenderError;
pub use views::utc;
