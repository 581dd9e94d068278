//! Every page in both languages: each GET route, as a role it admits, rendered against the
//! demo in Danish and in English; and every template the workbench registers was rendered
//! by them (so a field renamed in a view struct fails here, not in front of a user).

use casetrail_app::Role;

use super::*;
use crate::routes::{Method, ROUTES, RouteDoc, Who};

fn user_of(role: Role) -> &'static str {
    match role {
        Role::Facilitator => "facilitator",
        Role::PanelMember => "a.psykiatri",
        Role::Quality => "kvalitet",
        Role::Administrator => "admin",
    }
}

/// The statuses a page may answer with besides 200: an unknown import is a 404 page, an
/// export before any reveal a 422 page; both are rendered pages too.
fn rendered(status: u16) -> bool {
    matches!(status, 200 | 404 | 422)
}

#[test]
fn every_page_renders_in_danish_and_english() {
    let (_dir, shared) = demo_shared();
    let key = shared.key.clone();
    crate::templates::forget_rendered();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let mut pages = 0;
        let mut untranslated = Vec::new();
        for lang in ["da", "en"] {
            let mut tokens = std::collections::BTreeMap::new();
            for route in ROUTES.iter().flat_map(|m| m.iter().copied()) {
                if route.method != Method::Get {
                    continue;
                }
                let path = super::authorisation::example(route, &key);
                let cookie = match route.who {
                    Who::Anyone => format!("lang={lang}"),
                    Who::Roles(roles) => {
                        let user = user_of(roles[0]);
                        if !tokens.contains_key(user) {
                            let res = sign_in(&api, user, DEMO_PASSWORD).await;
                            tokens.insert(user, cookie_value(&res, "session"));
                        }
                        format!("lang={lang}; session={}", tokens[user])
                    }
                };
                let res = warp::test::request()
                    .path(&path)
                    .header("cookie", cookie)
                    .reply(&api)
                    .await;
                let status = res.status().as_u16();
                let redirect = matches!(status, 303) && route.who == Who::Anyone;
                assert!(
                    rendered(status) || redirect,
                    "GET {path} in {lang}: {status} {}",
                    body(&res)
                );
                let html = res
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("text/html"));
                if html {
                    let page = body(&res);
                    // The audit report is a Danish document whatever the reader's language.
                    let lang = if route.path.starts_with("/report/") {
                        "da"
                    } else {
                        lang
                    };
                    let marker = format!("<html lang=\"{lang}\"");
                    assert!(page.contains(&marker), "GET {path} says it is in {lang}");
                    pages += 1;
                    for word in code_words(&page) {
                        untranslated.push(format!("GET {path} ({lang}): {word}"));
                    }
                }
            }
        }
        assert!(pages >= 2 * 14, "{pages} pages rendered");
        untranslated.sort();
        untranslated.dedup();
        assert!(
            untranslated.is_empty(),
            "identifiers from the code on pages ({}):\n{}",
            untranslated.len(),
            untranslated.join("\n")
        );
        // The case page's timeline and the error page come with the pages above; the rest
        // are reached by a route of their own.
        let missing = crate::templates::not_rendered();
        assert!(
            missing.is_empty(),
            "templates no route rendered: {missing:?}"
        );
    });
}

/// Routes that take no part are a GET of their own; those that do are filled in by
/// `authorisation::example`.
#[test]
fn every_get_route_has_an_example() {
    for route in ROUTES.iter().flat_map(|m| m.iter().copied()) {
        let path = super::authorisation::example(route, &PseudonymKey::from_bytes([9; 32]));
        assert!(!path.contains('{'), "{} has no example", route.path);
        let _: &RouteDoc = route;
    }
}

/// The words of a page's text (not its markup, scripts or styles) that look like identifiers
/// from the code rather than words: `snake_case` codes and `CamelCase` type names.
fn code_words(html: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        let after = &rest[open..];
        let skip_to = ["script", "style"]
            .iter()
            .find(|t| after[1..].starts_with(*t))
            .and_then(|t| after.find(&format!("</{t}>")))
            .unwrap_or(0);
        match after[skip_to..].find('>') {
            Some(close) => rest = &after[skip_to + close + 1..],
            None => break,
        }
    }
    text.push_str(rest);
    let mut out: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| {
            let snake = w.contains('_') && w.chars().any(|c| c.is_ascii_lowercase());
            let camel = w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && w.chars()
                    .skip(1)
                    .collect::<Vec<_>>()
                    .windows(2)
                    .any(|p| p[0].is_ascii_lowercase() && p[1].is_ascii_uppercase());
            snake || camel
        })
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn code_words_finds_identifiers_in_text_only() {
    let page = "<p class=\"x_y\">Kontakt: home_care, ContactRecorded</p><script>let a_b = 1;</script><style>.c_d{}</style><p>Hjemmepleje i Aarhus, DEMO-2019, McDonald</p>";
    assert_eq!(
        code_words(page),
        ["ContactRecorded", "McDonald", "home_care"]
    );
}
