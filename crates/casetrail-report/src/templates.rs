//! The documents' templates (under `web/templates/`, beside the workbench's), registered once;
//! and the registry builder the workbench uses for its own.

use std::sync::OnceLock;

use handlebars::Handlebars;
use serde::Serialize;

use crate::RenderError;

const TEMPLATES: &[(&str, &str)] = &[
    ("report", include_str!("../../../web/templates/report.hbs")),
    (
        "timeline",
        include_str!("../../../web/templates/timeline.hbs"),
    ),
];

const PARTIALS: &[(&str, &str)] = &[(
    "barchart",
    include_str!("../../../web/templates/_barchart.hbs"),
)];

fn registry() -> &'static Handlebars<'static> {
    static REGISTRY: OnceLock<Handlebars<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| build(PARTIALS, TEMPLATES))
}

/// A strict registry of compiled-in partials and templates (`(name, text)` pairs), as this
/// crate and the workbench each keep one.
// The templates are compiled in and rendered by tests: one that does not parse is a build
// defect, found before any document or page is made.
#[allow(clippy::panic)]
pub fn build<S: AsRef<str>>(
    partials: &[(&'static str, S)],
    templates: &[(&'static str, S)],
) -> Handlebars<'static> {
    let mut h = Handlebars::new();
    h.set_strict_mode(true);
    for (name, text) in partials {
        h.register_partial(name, text.as_ref())
            .unwrap_or_else(|e| panic!("partial {name} does not parse: {e}"));
    }
    for (name, text) in templates {
        h.register_template_string(name, text.as_ref())
            .unwrap_or_else(|e| panic!("template {name} does not parse: {e}"));
    }
    h
}

/// Renders `template` with `view`, HTML-escaped.
pub(crate) fn render(template: &'static str, view: &impl Serialize) -> Result<String, RenderError> {
    registry()
        .render(template, view)
        .map_err(|source| RenderError { template, source })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_parses() {
        assert_eq!(
            super::registry().get_templates().len(),
            super::TEMPLATES.len() + super::PARTIALS.len()
        );
    }
}
