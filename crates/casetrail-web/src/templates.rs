//! Every template under `web/templates/`, registered once per language with its words put
//! in (`localize.rs`), rendered from view structs.

use std::sync::OnceLock;

use handlebars::Handlebars;
use serde::Serialize;

use crate::RenderError;
use crate::i18n::{Lang, texts};
use crate::localize::localize;

const TEMPLATES: &[(&str, &str)] = &[
    ("signin", include_str!("../../../web/templates/signin.hbs")),
    ("error", include_str!("../../../web/templates/error.hbs")),
    ("audits", include_str!("../../../web/templates/audits.hbs")),
    ("audit", include_str!("../../../web/templates/audit.hbs")),
    (
        "confirm",
        include_str!("../../../web/templates/confirm.hbs"),
    ),
    ("import", include_str!("../../../web/templates/import.hbs")),
    ("stage1", include_str!("../../../web/templates/stage1.hbs")),
    ("select", include_str!("../../../web/templates/select.hbs")),
    (
        "casefile",
        include_str!("../../../web/templates/casefile.hbs"),
    ),
    (
        "release",
        include_str!("../../../web/templates/release.hbs"),
    ),
    ("access", include_str!("../../../web/templates/access.hbs")),
    (
        "my_cases",
        include_str!("../../../web/templates/my_cases.hbs"),
    ),
    ("case", include_str!("../../../web/templates/case.hbs")),
    (
        "case_timeline",
        include_str!("../../../web/templates/case_timeline.hbs"),
    ),
    (
        "quality",
        include_str!("../../../web/templates/quality.hbs"),
    ),
    ("users", include_str!("../../../web/templates/users.hbs")),
];

/// Pieces every page shares, used as `{{> top}}`, `{{> bottom}}` and `{{> barchart}}`.
const PARTIALS: &[(&str, &str)] = &[
    ("top", include_str!("../../../web/templates/_top.hbs")),
    ("bottom", include_str!("../../../web/templates/_bottom.hbs")),
    (
        "barchart",
        include_str!("../../../web/templates/_barchart.hbs"),
    ),
    (
        "exports",
        include_str!("../../../web/templates/_exports.hbs"),
    ),
];

// The templates and texts are compiled in and every template is rendered by the tests in
// both languages: one that cannot be localized is a build defect, found before any request.
#[allow(clippy::panic)]
fn build(lang: Lang) -> Handlebars<'static> {
    let localized = |list: &[(&'static str, &'static str)]| -> Vec<(&'static str, String)> {
        list.iter()
            .map(|(name, source)| {
                let text = localize(name, source, texts(lang)).unwrap_or_else(|e| panic!("{e}"));
                (*name, text)
            })
            .collect()
    };
    casetrail_report::templates::build(&localized(PARTIALS), &localized(TEMPLATES))
}

fn registry(lang: Lang) -> &'static Handlebars<'static> {
    static DA: OnceLock<Handlebars<'static>> = OnceLock::new();
    static EN: OnceLock<Handlebars<'static>> = OnceLock::new();
    match lang {
        Lang::Da => DA.get_or_init(|| build(Lang::Da)),
        Lang::En => EN.get_or_init(|| build(Lang::En)),
    }
}

/// Renders `template` in `lang` with `view`, HTML-escaped.
pub fn render(
    template: &'static str,
    lang: Lang,
    view: &impl Serialize,
) -> Result<String, RenderError> {
    #[cfg(test)]
    rendered::mark(template);
    registry(lang)
        .render(template, view)
        .map_err(|source| RenderError { template, source })
}

/// Which templates the tests rendered, so a test can say that every one was.
#[cfg(test)]
mod rendered {
    use std::collections::BTreeSet;
    use std::sync::Mutex;

    static RENDERED: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());

    pub fn mark(template: &'static str) {
        RENDERED.lock().unwrap().insert(template);
    }

    pub fn forget() {
        RENDERED.lock().unwrap().clear();
    }

    /// The registered templates not rendered since [`forget`].
    pub fn missing() -> Vec<&'static str> {
        let done = RENDERED.lock().unwrap();
        super::TEMPLATES
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| !done.contains(name))
            .collect()
    }
}

#[cfg(test)]
pub fn forget_rendered() {
    rendered::forget();
}

#[cfg(test)]
pub fn not_rendered() -> Vec<&'static str> {
    rendered::missing()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_parses_in_every_language() {
        for lang in [super::Lang::Da, super::Lang::En] {
            assert_eq!(
                super::registry(lang).get_templates().len(),
                super::TEMPLATES.len() + super::PARTIALS.len()
            );
        }
    }
}
