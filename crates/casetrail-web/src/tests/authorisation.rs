//! The authorisation table: every route as every role.

use casetrail_app::Role;

use super::*;
use crate::i18n::{Lang, text};
use crate::routes::{Method, ROUTES, RouteDoc, Who};

#[test]
fn the_authorisation_table_holds_for_every_route_and_role() {
    let (_dir, shared) = demo_shared();
    let users = ["facilitator", "a.psykiatri", "kvalitet", "admin"];
    // A member names a case by its pseudonym, the only name a member is shown.
    let key = shared.key.clone();
    let named = move |path: &str| {
        ["SAG1", "SAG3"].iter().fold(path.to_owned(), |p, case| {
            p.replace(&format!("{{{case}}}"), &key.case_pseudonym(case))
        })
    };
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let mut sessions = Vec::new();
        for user in users {
            let res = sign_in(&api, user, DEMO_PASSWORD).await;
            assert_eq!(res.status(), 303, "{user} signs in");
            sessions.push(cookie_value(&res, "session"));
        }
        for (method, path, anonymous, signed_in) in STATUSES {
            let viewers = std::iter::once(("anonymous", None, *anonymous)).chain(
                users
                    .iter()
                    .zip(&sessions)
                    .zip(signed_in)
                    .map(|((u, s), status)| (*u, Some(s), *status)),
            );
            let path = &named(path);
            for (who, session, expected) in viewers {
                let mut request = warp::test::request().method(method).path(path);
                if let Some(token) = session {
                    request = request.header("cookie", format!("session={token}"));
                }
                if (*path == "/import" || path.ends_with("/material")) && *method == "POST" {
                    request = request
                        .header("content-type", "multipart/form-data; boundary=XX")
                        .body("--XX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nwrong\r\n--XX--\r\n");
                } else if *method == "POST" {
                    request = request
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body("csrf=wrong&name=x&password=y");
                }
                let res = request.reply(&api).await;
                assert_eq!(res.status().as_u16(), expected, "{method} {path} as {who}");
            }
        }
    });
}

/// A request for an example of `route`: its `{parts}` filled with the demo's.
pub(super) fn example(route: &RouteDoc, key: &PseudonymKey) -> String {
    let case = if route.path.starts_with("/my/") {
        key.case_pseudonym("SAG1")
    } else {
        "SAG1".to_owned()
    };
    route
        .path
        .replace("{audit}", "DEMO-2019")
        .replace("{case}", &case)
        .replace("{id}", "0123456789abcdef")
        .replace("{file}", "answers.csv")
        .replace("{code}", "en")
        .replace("{step}", "open")
}

/// Whether `path` (without its query) is an instance of the route's pattern.
fn matches(route: &RouteDoc, method: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let (want, got): (Vec<&str>, Vec<&str>) =
        (route.path.split('/').collect(), path.split('/').collect());
    route.method.as_str() == method
        && want.len() == got.len()
        && want
            .iter()
            .zip(&got)
            .all(|(w, g)| (w.starts_with('{') && !g.is_empty()) || w == g)
}

fn all_routes() -> impl Iterator<Item = &'static RouteDoc> {
    ROUTES.iter().flat_map(|m| m.iter().copied())
}

#[test]
fn every_route_admits_exactly_the_roles_it_names() {
    let (_dir, shared) = demo_shared();
    let key = shared.key.clone();
    let users = [
        ("facilitator", Role::Facilitator),
        ("a.psykiatri", Role::PanelMember),
        ("kvalitet", Role::Quality),
        ("admin", Role::Administrator),
    ];
    let forbidden = text(Lang::Da, "error_forbidden_title");
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let mut sessions = Vec::new();
        for (user, role) in users {
            let res = sign_in(&api, user, DEMO_PASSWORD).await;
            sessions.push((role, cookie_value(&res, "session")));
        }
        let mut checked = 0;
        for route in all_routes() {
            let path = example(route, &key);
            let request = |session: Option<&str>| {
                let mut r = warp::test::request()
                    .method(route.method.as_str())
                    .path(&path);
                if let Some(token) = session {
                    r = r.header("cookie", format!("session={token}"));
                }
                if route.method == Method::Post {
                    r = r
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body("csrf=wrong");
                }
                r
            };
            let res = request(None).reply(&api).await;
            if let Who::Roles(_) = route.who {
                assert_eq!(res.status(), 303, "{path} anonymously");
                assert_eq!(res.headers()["location"], "/signin", "{path} anonymously");
            }
            for (role, token) in &sessions {
                let res = request(Some(token)).reply(&api).await;
                let page = body(&res);
                let refused = res.status() == 403 && page.contains(forbidden);
                assert_eq!(
                    refused,
                    !route.admits(*role),
                    "{} {path} as {role:?}: {}",
                    route.method.as_str(),
                    res.status()
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 4 * all_routes().count());
    });
}

#[test]
fn the_status_examples_cover_every_route_and_only_routes() {
    for (method, path, _, _) in STATUSES {
        let found: Vec<&RouteDoc> = all_routes().filter(|r| matches(r, method, path)).collect();
        assert_eq!(
            found.len(),
            1,
            "{method} {path} is one route of the table: {found:?}"
        );
    }
    for route in all_routes() {
        assert!(
            STATUSES
                .iter()
                .any(|(method, path, _, _)| matches(route, method, path)),
            "{} {} has a status example",
            route.method.as_str(),
            route.path
        );
    }
}

#[test]
fn this_table_is_the_route_table() {
    const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/security.md");
    let text = std::fs::read_to_string(DOC).unwrap();
    let (begin, end) = ("<!-- routes:begin -->\n", "<!-- routes:end -->");
    let start = text.find(begin).expect("the begin marker") + begin.len();
    let stop = text.find(end).expect("the end marker");
    let made = crate::routes::markdown();
    if std::env::var_os("CASETRAIL_BLESS").is_some() {
        std::fs::write(DOC, format!("{}{made}{}", &text[..start], &text[stop..])).unwrap();
        return;
    }
    assert_eq!(
        &text[start..stop],
        made,
        "docs/security.md's route table differs from ROUTES: CASETRAIL_BLESS=1 cargo test rewrites it"
    );
}
