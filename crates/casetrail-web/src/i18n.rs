//! User-visible text, from the translation files under `web/i18n/`: Danish by default, English
//! on request. Every language has exactly the same keys (checked by a test), and a template
//! reads its words as `t.key`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Da,
    En,
}

impl Lang {
    /// The language a `lang` cookie asks for; Danish unless it says English.
    pub fn from_cookie(cookie: Option<&str>) -> Lang {
        match cookie {
            Some("en") => Lang::En,
            _ => Lang::Da,
        }
    }
}

pub type Texts = BTreeMap<String, String>;

// The translation files are compiled in and read by a test: a broken one is a build defect,
// found before any request.
#[allow(clippy::panic)]
fn parse(name: &str, text: &str) -> Texts {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("web/i18n/{name} does not read: {e}"))
}

/// The texts of a language.
pub fn texts(lang: Lang) -> &'static Texts {
    static DA: OnceLock<Texts> = OnceLock::new();
    static EN: OnceLock<Texts> = OnceLock::new();
    match lang {
        Lang::Da => DA.get_or_init(|| parse("da.json", include_str!("../../../web/i18n/da.json"))),
        Lang::En => EN.get_or_init(|| parse("en.json", include_str!("../../../web/i18n/en.json"))),
    }
}

fn key_text(key: &str) -> &'static str {
    tracing::warn!(key, "no text for this key in web/i18n");
    "…"
}

/// One text by key, for messages chosen in code.
pub fn text(lang: Lang, key: &str) -> &'static str {
    texts(lang)
        .get(key)
        .map(String::as_str)
        // The test of the translation files checks every key used; a miss shows the key
        // rather than end the request.
        .unwrap_or_else(|| key_text(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_the_same_keys_and_no_empty_text() {
        let da: Vec<&String> = texts(Lang::Da).keys().collect();
        let en: Vec<&String> = texts(Lang::En).keys().collect();
        assert_eq!(da, en);
        for lang in [Lang::Da, Lang::En] {
            assert!(texts(lang).values().all(|v| !v.trim().is_empty()));
        }
        assert_eq!(text(Lang::En, "signin_title"), "Sign in");
        assert_eq!(Lang::from_cookie(Some("fr")), Lang::Da);
    }
}
