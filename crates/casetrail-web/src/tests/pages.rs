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
                }
            }
        }
        assert!(pages >= 2 * 14, "{pages} pages rendered");
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
