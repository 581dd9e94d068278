//! casetrail-web: the only crate that knows HTTP, HTML and templates. Templates live under
//! `web/` and receive view structs made here, never domain types. So far: the printable
//! timeline page, and the server's operational routes (`/healthz`, `/metrics`) with the
//! security headers every response carries.

mod i18n;
pub mod server;
mod sessions;
mod templates;
mod timeline_page;

pub use timeline_page::{TimelinePage, timeline_html};

/// A template failed to render: a bug in a template, named with the template.
#[derive(Debug, thiserror::Error)]
#[error("template {template} did not render: {source}")]
pub struct RenderError {
    pub template: &'static str,
    #[source]
    pub source: handlebars::RenderError,
}
