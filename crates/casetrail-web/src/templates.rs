//! Every template under `web/templates/`, registered once, rendered from view structs.

use std::sync::OnceLock;

use handlebars::Handlebars;
use serde::Serialize;

use crate::RenderError;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "timeline",
        include_str!("../../../web/templates/timeline.hbs"),
    ),
    ("signin", include_str!("../../../web/templates/signin.hbs")),
    ("home", include_str!("../../../web/templates/home.hbs")),
];

fn registry() -> &'static Handlebars<'static> {
    static REGISTRY: OnceLock<Handlebars<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut h = Handlebars::new();
        h.set_strict_mode(true);
        for (name, text) in TEMPLATES {
            h.register_template_string(name, *text)
                .unwrap_or_else(|e| panic!("template {name} does not parse: {e}"));
        }
        h
    })
}

/// Renders `template` with `view`, HTML-escaped.
pub fn render(template: &'static str, view: &impl Serialize) -> Result<String, RenderError> {
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
            super::TEMPLATES.len()
        );
    }
}
