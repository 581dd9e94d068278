//! The router's own tests: every route driven through `warp::test` against a real workbench
//! in a temporary directory. Helpers here; the tests by subject in the files beside.

mod authorisation;
mod flows;
mod guarded;
mod hostile;
mod material;
mod ops;
mod pages;
mod refused;
mod release;
mod signin;
mod timeline;

use std::sync::Arc;
use std::time::Duration;

use casetrail_app::{Access, DEMO_PASSWORD, PseudonymKey, Workbench};
use casetrail_ledger::{ManualClock, Timestamp};
use warp::{Filter, Reply};

use crate::server::{Options, Shared, client_address, routes};

/// A runtime for driving the routes from a test (with timers, for session expiry).
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap()
}

/// Shared state over a fresh workbench with the demo loaded (cases, audit, a user per role).
fn demo_shared() -> (tempfile::TempDir, Arc<Shared>) {
    let (dir, shared) = shared();
    shared
        .workbench
        .load_workbench_demo(&PseudonymKey::from_bytes([9; 32]))
        .unwrap();
    (dir, shared)
}

fn shared() -> (tempfile::TempDir, Arc<Shared>) {
    let dir = tempfile::tempdir().unwrap();
    let wb = Workbench::open(
        dir.path(),
        Access::ReadWrite,
        Arc::new(ManualClock::new(Timestamp(0), 1)),
    )
    .unwrap();
    (dir, Shared::new(wb, PseudonymKey::from_bytes([9; 32])))
}

/// The demo's panel B revealed (it has every answer in, so no reason is needed).
fn reveal_panel_b(wb: &Workbench) {
    let reveal = casetrail_app::AuditEvent::ScoresRevealed {
        panel: "B".into(),
        reason: None,
    };
    wb.audit_event(casetrail_app::DEMO_AUDIT, reveal, "facilitator")
        .unwrap();
}

/// SAG1 again, with a new note: release version 2, which panel A (holding version 1) does not
/// see until the facilitator reassigns it.
fn release_sag1_again(shared: &Shared) -> u32 {
    let wb = &shared.workbench;
    let date = casetrail_app::NaiveDate::from_ymd_opt(2019, 6, 1).unwrap();
    let source = casetrail_app::MaterialSource::MunicipalNotes;
    wb.attach_material(
        "SAG1",
        source,
        date,
        "Nyt notat om bostøtten.",
        "facilitator",
    )
    .unwrap();
    let policy = casetrail_app::DatePolicy::RelativeDays;
    wb.release(
        "SAG1",
        &shared.key,
        policy,
        "facilitator",
        Some("nyt notat"),
    )
    .unwrap()
    .version
}

fn cookie_value(res: &warp::http::Response<warp::hyper::body::Bytes>, name: &str) -> String {
    let header = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Strict"),
        "{header}"
    );
    header
        .strip_prefix(&format!("{name}="))
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("{header}"))
        .to_string()
}

/// The CSRF token of the first form on a page.
fn form_token(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no form on the page: {page}"))
        .to_owned()
}

fn body(res: &warp::http::Response<warp::hyper::body::Bytes>) -> String {
    String::from_utf8(res.body().to_vec()).unwrap()
}

async fn sign_in(
    api: &(impl Filter<Extract = (impl Reply,), Error = std::convert::Infallible> + Clone + 'static),
    name: &str,
    password: &str,
) -> warp::http::Response<warp::hyper::body::Bytes> {
    let res = warp::test::request().path("/signin").reply(api).await;
    let csrf = cookie_value(&res, "csrf");
    assert!(body(&res).contains(&csrf));
    warp::test::request()
        .method("POST")
        .path("/signin")
        .header("cookie", format!("csrf={csrf}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("name={name}&password={password}&csrf={csrf}"))
        .reply(api)
        .await
}

/// Who may do what: each row of docs/security.md as (method, path, status anonymous,
/// statuses signed in as facilitator, panel member (of panel A), quality staff,
/// administrator). POSTs carry a wrong CSRF token: signed-in users who may send the form
/// get 403 for the stale form, the others 403 for the role; the accepted forms are tested
/// in the browser journeys.
const STATUSES: &[(&str, &str, u16, [u16; 4])] = &[
    ("GET", "/healthz", 200, [200; 4]),
    ("GET", "/metrics", 200, [200; 4]),
    ("GET", "/static/casetrail.css", 200, [200; 4]),
    ("GET", "/signin", 200, [200; 4]),
    ("POST", "/signin", 403, [403; 4]),
    ("GET", "/lang/en", 303, [303; 4]),
    ("GET", "/", 303, [303; 4]),
    ("POST", "/signout", 303, [403; 4]),
    ("GET", "/audits", 303, [200, 403, 403, 403]),
    ("POST", "/audits", 303, [403; 4]),
    ("GET", "/audits/DEMO-2019", 303, [200, 403, 403, 403]),
    ("POST", "/audits/DEMO-2019", 303, [403; 4]),
    (
        "GET",
        "/audits/DEMO-2019/confirm/close",
        303,
        [200, 403, 403, 403],
    ),
    ("GET", "/import", 303, [200, 403, 403, 403]),
    ("POST", "/import", 303, [403; 4]),
    ("GET", "/import/0123456789abcdef", 303, [404, 403, 403, 403]),
    ("GET", "/stage1", 303, [200, 403, 403, 403]),
    ("GET", "/select", 303, [200, 403, 403, 403]),
    ("GET", "/cases/SAG1", 303, [200, 403, 403, 403]),
    ("GET", "/cases/SAG1/release", 303, [200, 403, 403, 403]),
    ("POST", "/cases/SAG1", 303, [403; 4]),
    ("POST", "/cases/SAG1/material", 303, [403; 4]),
    ("GET", "/access", 303, [200, 403, 403, 403]),
    ("GET", "/my", 303, [403, 200, 403, 403]),
    ("POST", "/my/DEMO-2019", 303, [403; 4]),
    ("GET", "/my/DEMO-2019/{SAG1}", 303, [403, 200, 403, 403]),
    ("GET", "/my/DEMO-2019/{SAG3}", 303, [403, 403, 403, 403]),
    ("GET", "/my/DEMO-2019/SAG1", 303, [403, 403, 403, 403]),
    ("POST", "/my/DEMO-2019/{SAG1}", 303, [403; 4]),
    ("GET", "/quality", 303, [403, 403, 200, 403]),
    (
        "GET",
        "/export/DEMO-2019/answers.csv",
        303,
        [422, 403, 422, 403],
    ),
    (
        "GET",
        "/report/DEMO-2019?year=2019",
        303,
        [200, 403, 200, 403],
    ),
    (
        "GET",
        "/export/DEMO-2019/answers.csv.receipt.json",
        303,
        [422, 403, 422, 403],
    ),
    ("GET", "/checkpoint", 303, [200, 403, 200, 200]),
    ("POST", "/quality/verify", 303, [403; 4]),
    ("GET", "/admin/users", 303, [403, 403, 403, 200]),
    ("POST", "/admin/users", 303, [403; 4]),
];

pub(super) type Response = warp::http::Response<warp::hyper::body::Bytes>;
/// A signed-in user's session: GET and form POST with it.
pub(super) struct As(String);

impl As {
    /// The cookie header the session is sent with.
    pub(super) fn cookie(&self) -> String {
        format!("session={}", self.0)
    }

    pub(super) async fn new(
        api: &(impl Filter<Extract = (impl Reply,), Error = std::convert::Infallible> + Clone + 'static),
        user: &str,
    ) -> As {
        As(cookie_value(
            &sign_in(api, user, DEMO_PASSWORD).await,
            "session",
        ))
    }

    pub(super) async fn get(
        &self,
        api: &(impl Filter<Extract = (impl Reply,), Error = std::convert::Infallible> + Clone + 'static),
        path: &str,
    ) -> Response {
        warp::test::request()
            .path(path)
            .header("cookie", format!("session={}", self.0))
            .reply(api)
            .await
    }

    pub(super) async fn post(
        &self,
        api: &(impl Filter<Extract = (impl Reply,), Error = std::convert::Infallible> + Clone + 'static),
        path: &str,
        fields: &str,
    ) -> Response {
        warp::test::request()
            .method("POST")
            .path(path)
            .header("cookie", format!("session={}", self.0))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(fields)
            .reply(api)
            .await
    }
}
