//! The web server: warp filters for routes, handlers that go through the application façade,
//! and one place where errors become HTTP statuses. So far: `/healthz`, `/metrics`
//! (Prometheus text), and sign-in (`/signin`, `/`, `/signout`) with Argon2id passwords,
//! HttpOnly SameSite=Strict session cookies that expire, CSRF tokens on both forms and
//! throttled failures. The workbench pages follow in the web issue.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use casetrail_app::Workbench;
use serde::{Deserialize, Serialize};
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

use crate::i18n::{Lang, Texts, text, texts};
use crate::sessions::{Sessions, same, token};
use crate::templates::render;

/// What every handler shares.
#[derive(Debug)]
pub struct Shared {
    pub workbench: Workbench,
    sessions: Sessions,
    requests: AtomicU64,
}

/// How long a session lasts: a working day.
pub const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);

impl Shared {
    pub fn new(workbench: Workbench) -> Arc<Shared> {
        Shared::with_ttl(workbench, SESSION_TTL)
    }

    pub fn with_ttl(workbench: Workbench, ttl: Duration) -> Arc<Shared> {
        Arc::new(Shared {
            workbench,
            sessions: Sessions::new(ttl),
            requests: AtomicU64::new(0),
        })
    }
}

#[derive(Debug, Deserialize)]
struct SignIn {
    name: String,
    password: String,
    csrf: String,
}

#[derive(Debug, Deserialize)]
struct CsrfOnly {
    csrf: String,
}

#[derive(Debug, Serialize)]
struct SignInPage<'a> {
    t: &'a Texts,
    csrf: &'a str,
    message: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct HomePage<'a> {
    t: &'a Texts,
    name: &'a str,
    role: &'a str,
    csrf: &'a str,
}

fn html(body: String, status: StatusCode) -> Box<dyn Reply> {
    let reply = warp::reply::with_status(warp::reply::html(body), status);
    Box::new(warp::reply::with_header(reply, "cache-control", "no-store"))
}

fn see_other(to: &'static str) -> Box<dyn Reply> {
    Box::new(warp::reply::with_status(
        warp::reply::with_header(warp::reply(), "location", to),
        StatusCode::SEE_OTHER,
    ))
}

fn with_cookie(reply: Box<dyn Reply>, cookie: String) -> Box<dyn Reply> {
    Box::new(warp::reply::with_header(reply, "set-cookie", cookie))
}

/// The sign-in page; `message` is a key of the translation files.
fn signin_page(
    lang: Lang,
    message: Option<&str>,
    status: StatusCode,
) -> Result<Box<dyn Reply>, Rejection> {
    let csrf = token();
    let view = SignInPage {
        t: texts(lang),
        csrf: &csrf,
        message: message.map(|key| text(lang, key)),
    };
    let page = render("signin", &view).map_err(server_error)?;
    Ok(with_cookie(
        html(page, status),
        format!("csrf={csrf}; HttpOnly; SameSite=Strict; Path=/signin; Max-Age=1800"),
    ))
}

async fn get_signin(lang: Option<String>) -> Result<Box<dyn Reply>, Rejection> {
    signin_page(Lang::from_cookie(lang.as_deref()), None, StatusCode::OK)
}

/// Switches the language, remembered in a cookie.
async fn set_lang(code: String) -> Result<Box<dyn Reply>, Rejection> {
    let lang = if code == "en" { "en" } else { "da" };
    Ok(with_cookie(
        see_other("/"),
        format!("lang={lang}; SameSite=Strict; Path=/; Max-Age=31536000"),
    ))
}

async fn post_signin(
    shared: Arc<Shared>,
    lang: Option<String>,
    cookie: Option<String>,
    form: SignIn,
) -> Result<Box<dyn Reply>, Rejection> {
    let lang = Lang::from_cookie(lang.as_deref());
    if !cookie.is_some_and(|c| same(&c, &form.csrf)) {
        return signin_page(lang, Some("signin_stale"), StatusCode::FORBIDDEN);
    }
    if !shared.sessions.may_try(&form.name) {
        return signin_page(
            lang,
            Some("signin_throttled"),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    // Argon2 and the ledger block: keep them off the async workers.
    let worker = shared.clone();
    let (name, password) = (form.name.clone(), form.password);
    let user = tokio::task::spawn_blocking(move || worker.workbench.authenticate(&name, &password))
        .await
        .map_err(|e| server_error(e.to_string()))?
        .map_err(server_error)?;
    let Some(user) = user else {
        shared.sessions.failed(&form.name);
        return signin_page(lang, Some("signin_wrong"), StatusCode::UNAUTHORIZED);
    };
    shared.sessions.succeeded(&form.name);
    let session = shared.sessions.start(&user.name, user.role);
    Ok(with_cookie(
        see_other("/"),
        format!(
            "session={session}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
            shared.sessions.ttl().as_secs()
        ),
    ))
}

async fn home(
    shared: Arc<Shared>,
    lang: Option<String>,
    cookie: Option<String>,
) -> Result<Box<dyn Reply>, Rejection> {
    let Some(session) = cookie.and_then(|t| shared.sessions.get(&t)) else {
        return Ok(see_other("/signin"));
    };
    let page = render(
        "home",
        &HomePage {
            t: texts(Lang::from_cookie(lang.as_deref())),
            name: &session.user,
            role: session.role.as_str(),
            csrf: &session.csrf,
        },
    )
    .map_err(server_error)?;
    Ok(html(page, StatusCode::OK))
}

async fn signout(
    shared: Arc<Shared>,
    lang: Option<String>,
    cookie: Option<String>,
    form: CsrfOnly,
) -> Result<Box<dyn Reply>, Rejection> {
    let Some((token, session)) = cookie.and_then(|t| shared.sessions.get(&t).map(|s| (t, s)))
    else {
        return Ok(see_other("/signin"));
    };
    if !same(&session.csrf, &form.csrf) {
        let lang = Lang::from_cookie(lang.as_deref());
        return Ok(html(
            format!("{}\n", text(lang, "form_stale")),
            StatusCode::FORBIDDEN,
        ));
    }
    shared.sessions.end(&token);
    Ok(with_cookie(
        see_other("/signin"),
        "session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0".into(),
    ))
}

/// A failure the user cannot mend: logged with its details, shown as a generic page.
#[derive(Debug)]
struct ServerError(String);

impl warp::reject::Reject for ServerError {}

fn server_error(e: impl std::fmt::Display) -> Rejection {
    warp::reject::custom(ServerError(e.to_string()))
}

fn with_shared(
    shared: Arc<Shared>,
) -> impl Filter<Extract = (Arc<Shared>,), Error = std::convert::Infallible> + Clone {
    warp::any().map(move || shared.clone())
}

async fn healthz(shared: Arc<Shared>) -> Result<impl Reply, Rejection> {
    shared.requests.fetch_add(1, Ordering::Relaxed);
    Ok("ok\n")
}

/// Prometheus text format, version 0.0.4.
async fn metrics(shared: Arc<Shared>) -> Result<impl Reply, Rejection> {
    let requests = shared.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let head = shared.workbench.head().map_or(-1, |h| h.position.0 as i64);
    let body = format!(
        "# HELP casetrail_http_requests_total Requests served since start.\n\
         # TYPE casetrail_http_requests_total counter\n\
         casetrail_http_requests_total {requests}\n\
         # HELP casetrail_ledger_head_position Position of the last record (-1 when empty).\n\
         # TYPE casetrail_ledger_head_position gauge\n\
         casetrail_ledger_head_position {head}\n"
    );
    Ok(warp::reply::with_header(
        body,
        "content-type",
        "text/plain; version=0.0.4",
    ))
}

/// Every HTTP status the server answers with is chosen here.
async fn recover(rejection: Rejection) -> Result<impl Reply, std::convert::Infallible> {
    let (status, text) = if rejection.is_not_found() {
        (
            StatusCode::NOT_FOUND,
            "Siden findes ikke. / Page not found.\n",
        )
    } else if let Some(ServerError(detail)) = rejection.find::<ServerError>() {
        tracing::error!(%detail, "server error");
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Der skete en fejl på serveren. / Something went wrong on the server.\n",
        )
    } else if rejection
        .find::<warp::filters::body::BodyDeserializeError>()
        .is_some()
        || rejection
            .find::<warp::reject::UnsupportedMediaType>()
            .is_some()
    {
        (
            StatusCode::BAD_REQUEST,
            "Formularen kunne ikke læses. / The form could not be read.\n",
        )
    } else if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        (
            StatusCode::METHOD_NOT_ALLOWED,
            "Metoden er ikke tilladt. / Method not allowed.\n",
        )
    } else {
        tracing::error!(?rejection, "unhandled rejection");
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Der skete en fejl på serveren. / Something went wrong on the server.\n",
        )
    };
    Ok(warp::reply::with_status(text, status))
}

/// Headers on every response: no framing, no sniffing, no inline script, no referrer.
fn secured(reply: impl Reply) -> impl Reply {
    let reply = warp::reply::with_header(reply, "x-frame-options", "DENY");
    let reply = warp::reply::with_header(reply, "x-content-type-options", "nosniff");
    let reply = warp::reply::with_header(reply, "referrer-policy", "no-referrer");
    warp::reply::with_header(
        reply,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'",
    )
}

/// All routes, with errors recovered and security headers added.
pub fn routes(
    shared: Arc<Shared>,
) -> impl Filter<Extract = (impl Reply,), Error = std::convert::Infallible> + Clone {
    let healthz = warp::path!("healthz")
        .and(warp::get())
        .and(with_shared(shared.clone()))
        .and_then(healthz);
    let metrics = warp::path!("metrics")
        .and(warp::get())
        .and(with_shared(shared.clone()))
        .and_then(metrics);
    let limit = || warp::body::content_length_limit(16 * 1024);
    let lang = || warp::cookie::optional::<String>("lang");
    let signin_get = warp::path!("signin")
        .and(warp::get())
        .and(lang())
        .and_then(get_signin);
    let set_lang = warp::path!("lang" / String)
        .and(warp::get())
        .and_then(set_lang);
    let signin_post = warp::path!("signin")
        .and(warp::post())
        .and(with_shared(shared.clone()))
        .and(lang())
        .and(warp::cookie::optional("csrf"))
        .and(limit())
        .and(warp::body::form::<SignIn>())
        .and_then(post_signin);
    let home = warp::path::end()
        .and(warp::get())
        .and(with_shared(shared.clone()))
        .and(lang())
        .and(warp::cookie::optional("session"))
        .and_then(home);
    let signout = warp::path!("signout")
        .and(warp::post())
        .and(with_shared(shared.clone()))
        .and(lang())
        .and(warp::cookie::optional("session"))
        .and(limit())
        .and(warp::body::form::<CsrfOnly>())
        .and_then(signout);
    healthz
        .map(|r| Box::new(r) as Box<dyn Reply>)
        .or(metrics.map(|r| Box::new(r) as Box<dyn Reply>))
        .unify()
        .or(signin_get)
        .unify()
        .or(signin_post)
        .unify()
        .or(home)
        .unify()
        .or(signout)
        .unify()
        .or(set_lang)
        .unify()
        .recover(recover)
        .map(secured)
}

/// Binds `addr` (port 0 picks a free one) and returns the address bound and the server,
/// which runs until the process ends.
pub fn bind(
    shared: Arc<Shared>,
    addr: SocketAddr,
) -> (SocketAddr, impl std::future::Future<Output = ()>) {
    warp::serve(routes(shared)).bind_ephemeral(addr)
}

#[cfg(test)]
mod tests {
    use casetrail_app::{Access, Workbench};
    use casetrail_ledger::{ManualClock, Timestamp};

    use super::*;

    fn shared() -> (tempfile::TempDir, Arc<Shared>) {
        let dir = tempfile::tempdir().unwrap();
        let wb = Workbench::open(
            dir.path(),
            Access::ReadWrite,
            Arc::new(ManualClock::new(Timestamp(0), 1)),
        )
        .unwrap();
        (dir, Shared::new(wb))
    }

    #[test]
    fn health_metrics_unknown_routes_and_security_headers() {
        let (_dir, shared) = shared();
        // Appends block until synced: outside the runtime, as a handler would use
        // spawn_blocking.
        shared.workbench.load_demo().unwrap();
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(check_routes(shared));
    }

    async fn check_routes(shared: Arc<Shared>) {
        let api = routes(shared);
        let res = warp::test::request().path("/healthz").reply(&api).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.body(), "ok\n");
        assert_eq!(res.headers()["x-frame-options"], "DENY");
        assert!(
            res.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("script-src 'self'")
        );

        let res = warp::test::request().path("/metrics").reply(&api).await;
        assert_eq!(res.status(), 200);
        let body = String::from_utf8(res.body().to_vec()).unwrap();
        assert!(body.contains("casetrail_http_requests_total 2\n"), "{body}");
        assert!(
            body.contains("casetrail_ledger_head_position 35\n"),
            "{body}"
        );

        let res = warp::test::request().path("/nowhere").reply(&api).await;
        assert_eq!(res.status(), 404);
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        let res = warp::test::request()
            .method("POST")
            .path("/healthz")
            .reply(&api)
            .await;
        assert_eq!(res.status(), 405);
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

    async fn check_signin(shared: Arc<Shared>) {
        let api = routes(shared);
        let res = warp::test::request().path("/").reply(&api).await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/signin");

        // A form without its cookie is stale.
        let res = warp::test::request()
            .method("POST")
            .path("/signin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("name=ane&password=korrekt+hest+batteri&csrf=abc")
            .reply(&api)
            .await;
        assert_eq!(res.status(), 403);

        let res = sign_in(&api, "ane", "forkert+kode+her").await;
        assert_eq!(res.status(), 401);
        assert!(body(&res).contains("Forkert brugernavn eller adgangskode."));
        let res = warp::test::request().path("/lang/en").reply(&api).await;
        assert_eq!(res.status(), 303);
        assert!(
            res.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .starts_with("lang=en;")
        );
        let res = warp::test::request()
            .path("/signin")
            .header("cookie", "lang=en")
            .reply(&api)
            .await;
        let page = body(&res);
        assert!(
            page.contains("<h1>Sign in</h1>") && page.contains(r#"lang="en""#),
            "{page}"
        );

        let res = sign_in(&api, "ane", "korrekt+hest+batteri").await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/");
        let session = cookie_value(&res, "session");
        assert!(
            res.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .contains("Max-Age=28800")
        );

        let res = warp::test::request()
            .path("/")
            .header("cookie", format!("session={session}"))
            .reply(&api)
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let page = body(&res);
        assert!(page.contains("Logget ind som ane (facilitator)"), "{page}");
        let csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_string();

        let signout = |csrf: String| {
            warp::test::request()
                .method("POST")
                .path("/signout")
                .header("cookie", format!("session={session}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("csrf={csrf}"))
        };
        assert_eq!(signout("0".repeat(64)).reply(&api).await.status(), 403);
        assert_eq!(signout(csrf).reply(&api).await.status(), 303);
        let res = warp::test::request()
            .path("/")
            .header("cookie", format!("session={session}"))
            .reply(&api)
            .await;
        assert_eq!(res.status(), 303, "signed out");

        // Five failures lock the name, even for the right password.
        for _ in 0..crate::sessions::MAX_FAILURES {
            assert_eq!(sign_in(&api, "bo", "ikke+den+rigtige").await.status(), 401);
        }
        assert_eq!(
            sign_in(&api, "bo", "en+anden+lang+kode").await.status(),
            429
        );
    }

    #[test]
    fn signing_in_and_out_with_csrf_throttling_and_expiry() {
        let (_dir, shared) = shared();
        let wb = &shared.workbench;
        wb.add_user(
            "ane",
            casetrail_app::Role::Facilitator,
            "korrekt hest batteri",
            "t",
        )
        .unwrap();
        wb.add_user(
            "bo",
            casetrail_app::Role::PanelMember,
            "en anden lang kode",
            "t",
        )
        .unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(check_signin(shared.clone()));

        // A session ends when its time is up.
        let short = Shared::with_ttl(shared.workbench.clone(), Duration::from_millis(200));
        runtime.block_on(async move {
            let api = routes(short);
            let res = sign_in(&api, "ane", "korrekt+hest+batteri").await;
            let session = cookie_value(&res, "session");
            tokio::time::sleep(Duration::from_millis(300)).await;
            let res = warp::test::request()
                .path("/")
                .header("cookie", format!("session={session}"))
                .reply(&api)
                .await;
            assert_eq!(res.status(), 303, "expired");
        });
    }

    /// Who may do what: each row of docs/security.md as (method, path, status anonymous,
    /// status signed in with any role). CSRF refusals are the rows' own tests above.
    const ROUTES: &[(&str, &str, u16, u16)] = &[
        ("GET", "/healthz", 200, 200),
        ("GET", "/metrics", 200, 200),
        ("GET", "/signin", 200, 200),
        ("POST", "/signin", 403, 403),
        ("GET", "/lang/en", 303, 303),
        ("GET", "/", 303, 200),
        ("POST", "/signout", 303, 403),
    ];

    #[test]
    fn the_authorisation_table_holds_for_every_route_and_role() {
        let (_dir, shared) = shared();
        let password = "en lang nok adgangskode";
        for role in casetrail_app::Role::ALL {
            shared
                .workbench
                .add_user(role.as_str(), role, password, "t")
                .unwrap();
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        runtime.block_on(async move {
            let api = routes(shared);
            let mut viewers: Vec<(String, Option<String>)> = vec![("anonymous".into(), None)];
            for role in casetrail_app::Role::ALL {
                let res = sign_in(&api, role.as_str(), "en+lang+nok+adgangskode").await;
                assert_eq!(res.status(), 303, "{role:?} signs in");
                viewers.push((role.as_str().into(), Some(cookie_value(&res, "session"))));
            }
            for (method, path, anonymous, signed_in) in ROUTES {
                for (who, session) in &viewers {
                    let mut request = warp::test::request().method(method).path(path);
                    if let Some(token) = session {
                        request = request.header("cookie", format!("session={token}"));
                    }
                    if *method == "POST" {
                        request = request
                            .header("content-type", "application/x-www-form-urlencoded")
                            .body("csrf=wrong&name=x&password=y");
                    }
                    let res = request.reply(&api).await;
                    let expected = if session.is_some() {
                        signed_in
                    } else {
                        anonymous
                    };
                    assert_eq!(res.status().as_u16(), *expected, "{method} {path} as {who}");
                }
            }
        });
    }
}
