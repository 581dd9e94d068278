//! The web server: routes (warp filters) that go through the application façade, the one
//! place where rejections become statuses and error pages (`recover`), security headers on
//! every response, and the operational routes `/healthz` and `/metrics`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use casetrail_app::{CheckpointSigner, ErrorKind, HashedTimeline, PseudonymKey, Role, Workbench};
use serde::{Deserialize, Serialize};
use warp::filters::BoxedFilter;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

use crate::bounded::Bounded;
use crate::ctx::{
    Ctx, Forbidden, NotSignedIn, ServerError, StaleForm, UserError, ctx, html, see_other,
    server_error,
};
use crate::i18n::{Lang, Texts, text, texts};
use crate::sessions::{Sessions, same, token};
use crate::templates::render;
use crate::{audits, casework, panel, quality};

/// Latency buckets of `/metrics`, in seconds (Prometheus `le` bounds).
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Debug, Default)]
struct Latencies {
    /// Requests at or under each bound (cumulative, as Prometheus wants them).
    le: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Latencies {
    fn observe(&self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        for (bound, counter) in BUCKETS.iter().zip(&self.le) {
            if secs <= *bound {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }
}

/// What every handler shares.
#[derive(Debug)]
pub struct Shared {
    pub workbench: Workbench,
    pub(crate) sessions: Sessions,
    /// The pseudonym key timelines are built with.
    pub(crate) key: PseudonymKey,
    /// Released timelines, verified against their hash once; they never change.
    pub(crate) released_cache: Mutex<HashMap<(String, u32), Arc<HashedTimeline>>>,
    /// Imports started since the server started, by id (the newest `MAX_IMPORTS`).
    imports: Mutex<Bounded<String, Arc<casework::ImportJob>>>,
    /// Rendered timeline parts of released versions (see `FragmentKey`).
    fragments: Mutex<HashMap<FragmentKey, Arc<String>>>,
    /// Whether cookies carry `Secure` (served over TLS, directly or behind a proxy).
    secure_cookies: bool,
    requests: AtomicU64,
    latencies: Latencies,
    /// Signs checkpoints and receipts.
    pub(crate) signer: Arc<CheckpointSigner>,
    /// The size of the last checkpoint this server published.
    published: AtomicU64,
    trusted_proxies: Vec<std::net::IpAddr>,
}

/// Import jobs remembered for their pages; older ones are forgotten.
const MAX_IMPORTS: usize = 256;

/// What a rendered timeline part depends on. A released version never changes, so the
/// part is the same for every reader of that version, period, filter and language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FragmentKey {
    pub case: String,
    pub release: u32,
    pub from: i64,
    pub to: i64,
    pub source: Option<String>,
    pub lang: Lang,
}

const MAX_FRAGMENTS: usize = 512;

/// How long a session lasts: a working day.
pub const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);

/// How the server is set up, beyond the workbench.
#[derive(Debug, Clone)]
pub struct Options {
    pub session_ttl: Duration,
    pub secure_cookies: bool,
    /// The checkpoint signing key; without one, a key for this process only (tests).
    pub signer: Option<Arc<CheckpointSigner>>,
    /// Proxies whose `X-Forwarded-For` is believed; from any other peer it is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            session_ttl: SESSION_TTL,
            secure_cookies: false,
            signer: None,
            trusted_proxies: Vec::new(),
        }
    }
}

/// The address a request is throttled by: the peer's, or, when the peer is a trusted proxy,
/// the nearest address in `X-Forwarded-For` that is not itself a trusted proxy (proxies
/// append, so the entries before are whatever the client chose to send).
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    forwarded: Option<&str>,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let Some(forwarded) = forwarded else {
        return Some(peer);
    };
    forwarded
        .rsplit(',')
        .take(32)
        .map_while(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .find(|a| !trusted.contains(a))
        .or(Some(peer))
}

impl Shared {
    pub fn new(workbench: Workbench, key: PseudonymKey) -> Arc<Shared> {
        Shared::with_options(workbench, key, Options::default())
    }

    pub fn with_options(workbench: Workbench, key: PseudonymKey, options: Options) -> Arc<Shared> {
        Arc::new(Shared {
            workbench,
            sessions: Sessions::new(options.session_ttl),
            key,
            released_cache: Mutex::new(HashMap::new()),
            fragments: Mutex::new(HashMap::new()),
            imports: Mutex::new(Bounded::new(MAX_IMPORTS)),
            secure_cookies: options.secure_cookies,
            requests: AtomicU64::new(0),
            latencies: Latencies::default(),
            signer: options.signer.unwrap_or_else(|| {
                Arc::new(CheckpointSigner::ephemeral(casetrail_app::DEFAULT_ORIGIN))
            }),
            published: AtomicU64::new(0),
            trusted_proxies: options.trusted_proxies,
        })
    }

    /// Signs and keeps a checkpoint when the log has grown since the last one: called every
    /// second while the server runs. Returns the new checkpoint's size.
    pub fn publish_checkpoint(&self) -> Result<Option<u64>, casetrail_app::AppError> {
        let published = self.published.load(Ordering::Relaxed);
        let made = self
            .workbench
            .publish_checkpoint_if_grown(&self.signer, published)?;
        if let Some(size) = made {
            self.published.store(size, Ordering::Relaxed);
        }
        Ok(made)
    }

    /// Registers an import and returns its id (random, so one facilitator cannot guess
    /// another's by counting).
    pub(crate) fn start_import(&self, job: Arc<casework::ImportJob>) -> String {
        let id = token()[..16].to_owned();
        self.imports
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.clone(), job);
        id
    }

    pub(crate) fn import(&self, id: &str) -> Option<Arc<casework::ImportJob>> {
        self.imports
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id.to_owned())
            .cloned()
    }

    pub(crate) fn fragment(&self, key: &FragmentKey) -> Option<Arc<String>> {
        self.fragments
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned()
    }

    /// Keeps a rendered part; when full, starts afresh (the parts are cheap to make again,
    /// and a bound keeps an endless walk through periods from growing memory).
    pub(crate) fn keep_fragment(&self, key: FragmentKey, html: Arc<String>) {
        let mut fragments = self.fragments.lock().unwrap_or_else(|e| e.into_inner());
        if fragments.len() >= MAX_FRAGMENTS {
            fragments.clear();
        }
        fragments.insert(key, html);
    }

    /// A cookie's attributes: always HttpOnly and SameSite=Strict, Secure when set up so.
    fn cookie(&self, name_value: String, path: &str, max_age: u64) -> String {
        format!(
            "{name_value}; HttpOnly; SameSite=Strict; Path={path}; Max-Age={max_age}{}",
            if self.secure_cookies { "; Secure" } else { "" }
        )
    }
}

/// Every field defaults, so who may send the form is checked before what it holds.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignIn {
    name: String,
    password: String,
    csrf: String,
}

/// Every field defaults, so who may send the form is checked before what it holds.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CsrfOnly {
    csrf: String,
}

#[derive(Debug, Serialize)]
struct SignInPage<'a> {
    t: &'a Texts,
    csrf: &'a str,
    message: Option<&'a str>,
}

fn with_cookie(reply: Box<dyn Reply>, cookie: String) -> Box<dyn Reply> {
    Box::new(warp::reply::with_header(reply, "set-cookie", cookie))
}

/// The sign-in page; `message` is a key of the translation files.
fn signin_page(
    shared: &Shared,
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
        shared.cookie(format!("csrf={csrf}"), "/signin", 1800),
    ))
}

async fn get_signin(ctx: Ctx) -> Result<Box<dyn Reply>, Rejection> {
    signin_page(&ctx.shared, ctx.lang, None, StatusCode::OK)
}

/// Switches the language, remembered in a cookie.
async fn set_lang(code: String) -> Result<Box<dyn Reply>, Rejection> {
    let lang = if code == "en" { "en" } else { "da" };
    Ok(with_cookie(
        see_other("/".into()),
        format!("lang={lang}; SameSite=Strict; Path=/; Max-Age=31536000"),
    ))
}

async fn post_signin(
    ctx: Ctx,
    cookie: Option<String>,
    forwarded: Option<String>,
    remote: Option<SocketAddr>,
    form: SignIn,
) -> Result<Box<dyn Reply>, Rejection> {
    let (shared, lang) = (ctx.shared.clone(), ctx.lang);
    // The sign-in form's token is one the server made: 64 hex digits, never empty.
    let made_here = |c: &str| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit());
    if !cookie.is_some_and(|c| made_here(&c) && same(&c, &form.csrf)) {
        return signin_page(&shared, lang, Some("signin_stale"), StatusCode::FORBIDDEN);
    }
    // Per name and per address: guessing many names from one place is throttled too.
    let address = client_address(
        remote.map(|r| r.ip()),
        forwarded.as_deref(),
        &shared.trusted_proxies,
    )
    .map(|a| a.to_string())
    .unwrap_or_default();
    let address_key = format!("address:{address}");
    if !shared.sessions.may_try(&form.name) || !shared.sessions.may_try_address(&address_key) {
        return signin_page(
            &shared,
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
        .map_err(server_error)?
        .map_err(server_error)?;
    let Some(user) = user else {
        shared.sessions.failed(&form.name);
        shared.sessions.failed(&address_key);
        tracing::info!(name = %form.name, %address, "sign-in failed");
        return signin_page(
            &shared,
            lang,
            Some("signin_wrong"),
            StatusCode::UNAUTHORIZED,
        );
    };
    shared.sessions.succeeded(&form.name);
    tracing::info!(user = %user.name, role = user.role.as_str(), "signed in");
    let session = shared.sessions.start(&user.name, user.role);
    Ok(with_cookie(
        see_other("/".into()),
        shared.cookie(
            format!("session={session}"),
            "/",
            shared.sessions.ttl().as_secs(),
        ),
    ))
}

/// Where each role starts.
async fn home(ctx: Ctx) -> Result<Box<dyn Reply>, Rejection> {
    let Some(session) = &ctx.session else {
        return Ok(see_other("/signin".into()));
    };
    let start = match session.role {
        Role::Facilitator => "/audits",
        Role::PanelMember => "/my",
        Role::Quality => "/quality",
        Role::Administrator => "/admin/users",
    };
    Ok(see_other(start.into()))
}

async fn signout(
    ctx: Ctx,
    token: Option<String>,
    form: CsrfOnly,
) -> Result<Box<dyn Reply>, Rejection> {
    let Some(session) = &ctx.session else {
        return Ok(see_other("/signin".into()));
    };
    if !same(&session.csrf, &form.csrf) {
        return Err(warp::reject::custom(StaleForm { lang: ctx.lang }));
    }
    if let Some(token) = token {
        ctx.shared.sessions.end(&token);
    }
    Ok(with_cookie(
        see_other("/signin".into()),
        ctx.shared.cookie("session=".into(), "/", 0),
    ))
}

/// Where the route table starts: it matches nothing, so the routes after it are tried in order.
async fn no_route() -> Result<Box<dyn Reply>, Rejection> {
    Err(warp::reject::not_found())
}

async fn healthz() -> Result<impl Reply, Rejection> {
    Ok("ok\n")
}

/// Prometheus text format, version 0.0.4.
async fn metrics(shared: Arc<Shared>) -> Result<impl Reply, Rejection> {
    let requests = shared.requests.load(Ordering::Relaxed);
    let head = shared.workbench.head().map_or(-1, |h| h.position.0 as i64);
    let worker = shared.clone();
    let lag = tokio::task::spawn_blocking(move || worker.workbench.projection_lag())
        .await
        .map_err(server_error)?
        .map_err(server_error)?;
    let l = &shared.latencies;
    let mut body = format!(
        "# HELP casetrail_http_requests_total Requests served since start.\n\
         # TYPE casetrail_http_requests_total counter\n\
         casetrail_http_requests_total {requests}\n\
         # HELP casetrail_ledger_head_position Position of the last record (-1 when empty).\n\
         # TYPE casetrail_ledger_head_position gauge\n\
         casetrail_ledger_head_position {head}\n\
         # HELP casetrail_projection_lag_records Records the stored stays projection is behind the head.\n\
         # TYPE casetrail_projection_lag_records gauge\n\
         casetrail_projection_lag_records {lag}\n\
         # HELP casetrail_http_request_duration_seconds Time to answer a request.\n\
         # TYPE casetrail_http_request_duration_seconds histogram\n"
    );
    for (bound, counter) in BUCKETS.iter().zip(&l.le) {
        body.push_str(&format!(
            "casetrail_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}\n",
            counter.load(Ordering::Relaxed)
        ));
    }
    let count = l.count.load(Ordering::Relaxed);
    body.push_str(&format!(
        "casetrail_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n\
         casetrail_http_request_duration_seconds_sum {:.6}\n\
         casetrail_http_request_duration_seconds_count {count}\n",
        l.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
    ));
    Ok(warp::reply::with_header(
        body,
        "content-type",
        "text/plain; version=0.0.4",
    ))
}

#[derive(Debug, Serialize)]
struct ErrorPage<'a> {
    t: &'a Texts,
    title: &'a str,
    advice: &'a str,
    detail: Option<&'a str>,
}

fn error_page(lang: Lang, status: StatusCode, key: &str, detail: Option<&str>) -> Box<dyn Reply> {
    let view = ErrorPage {
        t: texts(lang),
        title: text(lang, &format!("error_{key}_title")),
        advice: text(lang, &format!("error_{key}_advice")),
        detail,
    };
    match render("error", &view) {
        Ok(body) => html(body, status),
        Err(e) => {
            tracing::error!(%e, "the error page does not render");
            Box::new(warp::reply::with_status(
                text(lang, "error_server_title"),
                status,
            ))
        }
    }
}

/// Every HTTP status the server answers with is chosen here.
async fn recover(rejection: Rejection) -> Result<Box<dyn Reply>, std::convert::Infallible> {
    // Without a session there is no language cookie at hand here: Danish, the default.
    let da = Lang::Da;
    Ok(if rejection.is_not_found() {
        error_page(da, StatusCode::NOT_FOUND, "not_found", None)
    } else if rejection.find::<NotSignedIn>().is_some() {
        see_other("/signin".into())
    } else if let Some(Forbidden { lang }) = rejection.find() {
        error_page(*lang, StatusCode::FORBIDDEN, "forbidden", None)
    } else if let Some(StaleForm { lang }) = rejection.find() {
        error_page(*lang, StatusCode::FORBIDDEN, "stale", None)
    } else if let Some(UserError { lang, kind, detail }) = rejection.find() {
        let (status, key) = match kind {
            ErrorKind::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ErrorKind::Conflict => (StatusCode::CONFLICT, "conflict"),
            _ => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        };
        error_page(*lang, status, key, Some(detail))
    } else if let Some(ServerError(detail)) = rejection.find() {
        tracing::error!(%detail, "server error");
        error_page(da, StatusCode::INTERNAL_SERVER_ERROR, "server", None)
    } else if rejection
        .find::<warp::filters::body::BodyDeserializeError>()
        .is_some()
        || rejection
            .find::<warp::reject::UnsupportedMediaType>()
            .is_some()
        || rejection.find::<warp::reject::InvalidQuery>().is_some()
        || rejection.find::<warp::reject::InvalidHeader>().is_some()
        || rejection.find::<warp::reject::MissingHeader>().is_some()
        || rejection.find::<warp::reject::MissingCookie>().is_some()
        || rejection.find::<warp::reject::LengthRequired>().is_some()
    {
        error_page(da, StatusCode::BAD_REQUEST, "unreadable", None)
    } else if rejection.find::<warp::reject::PayloadTooLarge>().is_some() {
        error_page(da, StatusCode::PAYLOAD_TOO_LARGE, "too_large", None)
    } else if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        error_page(da, StatusCode::METHOD_NOT_ALLOWED, "method", None)
    } else {
        tracing::error!(?rejection, "unhandled rejection");
        error_page(da, StatusCode::INTERNAL_SERVER_ERROR, "server", None)
    })
}

/// Headers on every response: no framing, no sniffing, no inline script, no referrer.
fn secured(reply: impl Reply) -> impl Reply {
    let reply = warp::reply::with_header(reply, "x-frame-options", "DENY");
    let reply = warp::reply::with_header(reply, "x-content-type-options", "nosniff");
    let reply = warp::reply::with_header(reply, "referrer-policy", "no-referrer");
    warp::reply::with_header(
        reply,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    )
}

type Route = BoxedFilter<(Box<dyn Reply>,)>;

fn boxed<R: Reply + 'static>(
    filter: impl Filter<Extract = (R,), Error = Rejection> + Clone + Send + Sync + 'static,
) -> Route {
    filter.map(|r: R| Box::new(r) as Box<dyn Reply>).boxed()
}

pub(crate) use casetrail_report::CSS;

/// All routes, with errors recovered, latencies measured and security headers added.
pub fn routes(
    shared: Arc<Shared>,
) -> impl Filter<Extract = (impl Reply,), Error = std::convert::Infallible> + Clone {
    let c = || ctx(shared.clone());
    let form = || warp::body::content_length_limit(64 * 1024);
    // HEAD is answered wherever GET is (hyper sends the headers without the body).
    let get = || warp::get().or(warp::head()).unify();
    let post = warp::post;
    let list: Vec<Route> = vec![
        boxed(warp::path!("healthz").and(get()).and_then(healthz)),
        boxed(
            warp::path!("metrics")
                .and(get())
                .and(warp::any().map({
                    let s = shared.clone();
                    move || s.clone()
                }))
                .and_then(metrics),
        ),
        boxed(warp::path!("static" / "casetrail.css").and(get()).map(|| {
            warp::reply::with_header(
                warp::reply::with_header(CSS, "content-type", "text/css; charset=utf-8"),
                "cache-control",
                "max-age=3600",
            )
        })),
        boxed(
            warp::path!("signin")
                .and(get())
                .and(c())
                .and_then(get_signin),
        ),
        boxed(
            warp::path!("signin")
                .and(post())
                .and(c())
                .and(warp::cookie::optional("csrf"))
                .and(warp::header::optional("x-forwarded-for"))
                .and(warp::addr::remote())
                .and(form())
                .and(warp::body::form())
                .and_then(post_signin),
        ),
        boxed(warp::path!("lang" / String).and(get()).and_then(set_lang)),
        boxed(warp::path::end().and(get()).and(c()).and_then(home)),
        boxed(
            warp::path!("signout")
                .and(post())
                .and(c())
                .and(warp::cookie::optional("session"))
                .and(form())
                .and(warp::body::form())
                .and_then(signout),
        ),
        // Facilitator.
        boxed(
            warp::path!("audits")
                .and(get())
                .and(c())
                .and_then(audits::list),
        ),
        boxed(
            warp::path!("audits")
                .and(post())
                .and(c())
                .and(form())
                .and(warp::body::form())
                .and_then(audits::create),
        ),
        boxed(
            warp::path!("audits" / String)
                .and(get())
                .and(c())
                .and_then(|a, c| audits::show(c, a)),
        ),
        boxed(
            warp::path!("audits" / String)
                .and(post())
                .and(c())
                .and(form())
                .and(warp::body::form())
                .and_then(|a, c, f| audits::act(c, a, f)),
        ),
        boxed(
            warp::path!("import")
                .and(get())
                .and(c())
                .and_then(casework::import_form),
        ),
        boxed(
            warp::path!("import")
                .and(post())
                .and(c())
                .and(warp::multipart::form().max_length(casework::MAX_UPLOAD))
                .and_then(casework::import_upload),
        ),
        boxed(
            warp::path!("import" / String)
                .and(get())
                .and(c())
                .and_then(|id, c| casework::import_status(c, id)),
        ),
        boxed(
            warp::path!("stage1")
                .and(get())
                .and(c())
                .and(warp::query())
                .and_then(casework::stage1),
        ),
        boxed(
            warp::path!("select")
                .and(get())
                .and(c())
                .and(warp::query())
                .and_then(casework::select),
        ),
        boxed(
            warp::path!("cases" / String)
                .and(get())
                .and(c())
                .and(warp::query())
                .and_then(|case, c, q| casework::case_file(c, case, q)),
        ),
        boxed(
            warp::path!("cases" / String)
                .and(post())
                .and(c())
                .and(form())
                .and(warp::body::form())
                .and_then(|case, c, f| casework::case_action(c, case, f)),
        ),
        boxed(
            warp::path!("cases" / String / "material")
                .and(post())
                .and(c())
                .and(
                    warp::multipart::form()
                        .max_length(casetrail_app::MAX_PDF_BYTES as u64 + 64 * 1024),
                )
                .and_then(|case, c, f| casework::attach_material(c, case, f)),
        ),
        boxed(
            warp::path!("access")
                .and(get())
                .and(c())
                .and_then(casework::access_log),
        ),
        // Panel member.
        boxed(
            warp::path!("my")
                .and(get())
                .and(c())
                .and(warp::query())
                .and_then(panel::my_cases),
        ),
        boxed(
            warp::path!("my" / String)
                .and(post())
                .and(c())
                .and(form())
                .and(warp::body::form())
                .and_then(|a, c, f| panel::save_audit_answers(c, a, f)),
        ),
        boxed(
            warp::path!("my" / String / String)
                .and(get())
                .and(c())
                .and(warp::query())
                .and_then(|a, case, c, q| panel::case_page(c, a, case, q)),
        ),
        boxed(
            warp::path!("my" / String / String)
                .and(post())
                .and(c())
                .and(form())
                .and(warp::body::form())
                .and_then(|a, case, c, f| panel::save_answers(c, a, case, f)),
        ),
        // Quality and administration.
        boxed(
            warp::path!("quality")
                .and(get())
                .and(c())
                .and_then(quality::quality),
        ),
        boxed(
            warp::path!("quality" / "verify")
                .and(post())
                .and(c())
                .and(form())
                .and(warp::body::form())
                .and_then(quality::verify),
        ),
        boxed(
            warp::path!("report" / String)
                .and(get())
                .and(c())
                .and(warp::query())
                .and_then(|a, c, q| quality::report(c, a, q)),
        ),
        boxed(
            warp::path!("checkpoint")
                .and(get())
                .and(c())
                .and_then(quality::checkpoint),
        ),
        boxed(
            warp::path!("export" / String / String)
                .and(get())
                .and(c())
                .and_then(|a, f, c| quality::export(c, a, f)),
        ),
        boxed(
            warp::path!("admin" / "users")
                .and(get())
                .and(c())
                .and_then(quality::users),
        ),
        boxed(
            warp::path!("admin" / "users")
                .and(post())
                .and(c())
                .and(form())
                .and(warp::body::form())
                .and_then(quality::add_user),
        ),
    ];
    let all = list
        .into_iter()
        .fold(warp::any().and_then(no_route).boxed(), |a, b| {
            a.or(b).unify().boxed()
        });
    let counted = shared.clone();
    let timed = shared;
    warp::any()
        .map(move || {
            counted.requests.fetch_add(1, Ordering::Relaxed);
        })
        .untuple_one()
        .and(all)
        .recover(recover)
        .unify()
        .map(secured)
        .with(warp::log::custom(move |info| {
            timed.latencies.observe(info.elapsed());
            tracing::info!(
                method = %info.method(),
                path = info.path(),
                status = info.status().as_u16(),
                micros = info.elapsed().as_micros() as u64,
                "request"
            );
        }))
}

/// Binds `addr` (port 0 picks a free one) and returns the address bound and the server,
/// which runs until the process ends.
/// Serves on `addr` (call it inside a Tokio runtime), and publishes a signed checkpoint
/// every second while events arrive.
pub fn bind(
    shared: Arc<Shared>,
    addr: SocketAddr,
) -> (SocketAddr, impl std::future::Future<Output = ()>) {
    tokio::spawn(publish_checkpoints(shared.clone()));
    warp::serve(routes(shared)).bind_ephemeral(addr)
}

async fn publish_checkpoints(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let s = shared.clone();
        match tokio::task::spawn_blocking(move || s.publish_checkpoint()).await {
            Ok(Ok(Some(size))) => tracing::debug!(size, "published a checkpoint"),
            Ok(Ok(None)) => {}
            Ok(Err(error)) => tracing::error!(%error, "publishing a checkpoint failed"),
            Err(error) => tracing::error!(%error, "the checkpoint task failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use casetrail_app::{Access, DEMO_PASSWORD, Workbench};
    use casetrail_ledger::{ManualClock, Timestamp};

    use super::*;

    /// A runtime for driving the routes from a test (with timers, for session expiry).
    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .unwrap()
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

    /// Every route of the authorisation table, as every role, with random hostile query
    /// strings and form bodies: no answer is a server error. Seeded, so a failure repeats.
    #[test]
    fn random_queries_and_forms_on_every_route_never_make_a_server_error() {
        let (_dir, shared) = shared();
        shared
            .workbench
            .load_workbench_demo(&PseudonymKey::from_bytes([9; 32]))
            .unwrap();
        let key = shared.key.clone();
        let runtime = runtime();
        runtime.block_on(async move {
            let api = routes(shared);
            let mut tokens = vec![String::new()];
            for user in ["facilitator", "a.psykiatri", "kvalitet", "admin"] {
                let res = sign_in(&api, user, DEMO_PASSWORD).await;
                tokens.push(cookie_value(&res, "session"));
            }
            let names = [
                "from",
                "to",
                "year",
                "source",
                "redaction",
                "saved",
                "csrf",
                "action",
                "id",
                "name",
                "password",
                "term",
                "decision",
                "policy",
                "panel",
                "case",
                "x",
            ];
            let values = [
                "-9223372036854775808",
                "9223372036854775807",
                "0",
                "-1",
                "1e9",
                "%00",
                "%FF%FE",
                "..%2F..%2F",
                "%3Cscript%3E",
                "review",
                "strict",
                "2019",
                "02019",
                "",
                "%E2%80%AE",
                "a%20b",
                "999999999999999999999999",
            ];
            // xorshift: no dependency, and the same sequence every run.
            let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
            let mut next = |n: usize| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % n as u64) as usize
            };
            let mut sent = 0;
            for (method, path, _, _) in ROUTES {
                let path = path
                    .replace("{SAG1}", &key.case_pseudonym("SAG1"))
                    .replace("{SAG3}", &key.case_pseudonym("SAG3"));
                for round in 0..12 {
                    let pairs: Vec<String> = (0..1 + next(5))
                        .map(|_| {
                            let value = if next(4) == 0 {
                                "z".repeat(next(3000))
                            } else {
                                values[next(values.len())].to_owned()
                            };
                            format!("{}={value}", names[next(names.len())])
                        })
                        .collect();
                    let query = pairs.join("&");
                    let token = &tokens[round % tokens.len()];
                    let target = if path.contains('?') {
                        format!("{path}&{query}")
                    } else {
                        format!("{path}?{query}")
                    };
                    let mut request = warp::test::request()
                        .method(method)
                        .path(&target)
                        .header("cookie", format!("session={token}; csrf=x; lang=en"));
                    if *method == "POST" {
                        request = request
                            .header("content-type", "application/x-www-form-urlencoded")
                            .body(query.clone());
                    }
                    let res = request.reply(&api).await;
                    sent += 1;
                    assert!(
                        res.status().as_u16() < 500,
                        "{method} {target}: {}",
                        res.status()
                    );
                }
            }
            assert!(sent >= 12 * ROUTES.len());
        });
    }

    /// Requests an attacker sends: each gets a bounded answer with the status the docs name,
    /// and the server goes on serving.
    #[test]
    fn hostile_requests_get_bounded_answers_and_the_server_goes_on() {
        let (_dir, shared) = shared();
        shared
            .workbench
            .load_workbench_demo(&PseudonymKey::from_bytes([9; 32]))
            .unwrap();
        let sag1 = shared.key.case_pseudonym("SAG1");
        let runtime = runtime();
        runtime.block_on(async move {
            let api = routes(shared);
            let session = |user: &'static str| {
                let api = api.clone();
                async move {
                    let res = sign_in(&api, user, DEMO_PASSWORD).await;
                    cookie_value(&res, "session")
                }
            };
            let member = session("a.psykiatri").await;
            let facilitator = session("facilitator").await;
            let get = |path: String, token: String| {
                let api = api.clone();
                async move {
                    warp::test::request()
                        .path(&path)
                        .header("cookie", format!("session={token}"))
                        .reply(&api)
                        .await
                }
            };
            // A window whose width overflows: the default window, at once.
            let started = std::time::Instant::now();
            for query in [
                "from=-9223372036854775808&to=0",
                "from=0&to=9223372036854775807",
                "from=-9223372036854775808&to=9223372036854775807",
                "from=99999999999&to=99999999999999",
                &format!("from=0&to=30&source={}", "x".repeat(5_000)),
            ] {
                let res = get(format!("/my/DEMO-2019/{sag1}?{query}"), member.clone()).await;
                assert_eq!(res.status(), 200, "{query}");
            }
            assert!(started.elapsed() < Duration::from_secs(20));
            let res = get(format!("/my/DEMO-2019/{sag1}?from=x"), member.clone()).await;
            assert_eq!(res.status(), 400, "an unreadable number");
            // A year written another way is no file of the export; far years are refused.
            for (path, status) in [
                ("/export/DEMO-2019/stage1-02019.parquet", 404),
                ("/export/DEMO-2019/stage1-+2019.parquet", 404),
                ("/export/DEMO-2019/stage1-99999.parquet", 404),
                ("/stage1?year=99999", 422),
                ("/stage1?year=-2147483648", 422),
                ("/report/DEMO-2019?year=2147483647", 422),
            ] {
                let res = get(path.to_owned(), facilitator.clone()).await;
                assert_eq!(res.status().as_u16(), status, "{path}");
            }
            // The case file's review policy is one of its two names, or refused.
            let review = get("/cases/SAG3?redaction=review".into(), facilitator.clone()).await;
            assert_eq!(review.status(), 200);
            assert!(body(&review).contains("Replaced"), "replaced words listed");
            let strict = get("/cases/SAG3".into(), facilitator.clone()).await;
            assert!(!body(&strict).contains("Replaced"), "strict lists none");
            let bad = get("/cases/SAG3?redaction=all".into(), facilitator.clone()).await;
            assert_eq!(bad.status(), 400);
            // HEAD is served where GET is.
            for path in ["/healthz", "/signin"] {
                let res = warp::test::request()
                    .method("HEAD")
                    .path(path)
                    .reply(&api)
                    .await;
                assert_eq!(res.status(), 200, "HEAD {path}");
            }
            // An empty token and an empty cookie do not make a sign-in form.
            let res = warp::test::request()
                .method("POST")
                .path("/signin")
                .header("cookie", "csrf=")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("name=facilitator&password={DEMO_PASSWORD}&csrf="))
                .reply(&api)
                .await;
            assert_eq!(res.status(), 403, "an empty CSRF pair signs nobody in");
            // A malformed multipart body is the user's to mend: 422, not 500.
            let page = get("/import".into(), facilitator.clone()).await;
            let csrf = form_token(&body(&page));
            for malformed in [
                "--XX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n".to_owned(),
                "not multipart at all".to_owned(),
                format!("--XX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--XX\r\nContent-Disposition: form-data; name=\"extract\"; filename=\"a.csv\"\r\n\r\nunterminated"),
            ] {
                let res = warp::test::request()
                    .method("POST")
                    .path("/import")
                    .header("cookie", format!("session={facilitator}"))
                    .header("content-type", "multipart/form-data; boundary=XX")
                    .body(malformed.clone())
                    .reply(&api)
                    .await;
                assert!(
                    matches!(res.status().as_u16(), 422 | 403),
                    "{malformed:?}: {}",
                    res.status()
                );
            }
            // Ids are checked where they enter: none of these becomes an audit.
            let page = get("/audits".into(), facilitator.clone()).await;
            let csrf = form_token(&body(&page));
            for id in ["%3Cscript%3Ey", "..%2F..%2F..%2Fx", "a%2Fb", "a+b", ".", ""] {
                let res = warp::test::request()
                    .method("POST")
                    .path("/audits")
                    .header("cookie", format!("session={facilitator}"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(format!("csrf={csrf}&id={id}&title=T&topic=&criteria="))
                    .reply(&api)
                    .await;
                assert_eq!(res.status(), 422, "audit id {id:?}");
            }
            // The server still answers.
            let res = get("/healthz".into(), String::new()).await;
            assert_eq!(res.status(), 200);
        });
    }

    #[test]
    fn forwarded_addresses_count_only_from_a_trusted_proxy() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let proxy = ip("10.1.1.1");
        let peer = Some(ip("192.0.2.7"));
        // No proxy configured: the header is the client's to forge, and is ignored.
        assert_eq!(client_address(peer, Some("127.0.0.1"), &[]), peer);
        // From the proxy: the nearest address it appended, not the client's own entries.
        assert_eq!(
            client_address(Some(proxy), Some("127.0.0.1, 198.51.100.4"), &[proxy]),
            Some(ip("198.51.100.4"))
        );
        assert_eq!(client_address(Some(proxy), None, &[proxy]), Some(proxy));
        assert_eq!(
            client_address(Some(proxy), Some("garbage"), &[proxy]),
            Some(proxy)
        );
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
        assert_eq!(res.status(), 303);
        assert_eq!(
            res.headers()["location"],
            "/audits",
            "a facilitator starts at the audits"
        );
        let res = warp::test::request()
            .path("/audits")
            .header("cookie", format!("session={session}"))
            .reply(&api)
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let page = body(&res);
        assert!(page.contains("ane · facilitator"), "{page}");
        let csrf = form_token(&page);

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
        let runtime = runtime();
        runtime.block_on(check_signin(shared.clone()));

        // A session ends when its time is up.
        let short = Shared::with_options(
            shared.workbench.clone(),
            PseudonymKey::from_bytes([9; 32]),
            Options {
                session_ttl: Duration::from_millis(200),
                secure_cookies: true,
                ..Options::default()
            },
        );
        runtime.block_on(async move {
            let api = routes(short);
            let res = sign_in(&api, "ane", "korrekt+hest+batteri").await;
            let session = cookie_value(&res, "session");
            assert!(
                res.headers()["set-cookie"]
                    .to_str()
                    .unwrap()
                    .ends_with("; Secure"),
                "secure cookies when set up so"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
            let res = warp::test::request()
                .path("/")
                .header("cookie", format!("session={session}"))
                .reply(&api)
                .await;
            assert_eq!(res.status(), 303, "expired");
        });
    }

    #[test]
    fn an_import_page_follows_its_progress_then_shows_the_report() {
        use casetrail_app::Progress;
        let (_dir, shared) = shared();
        shared
            .workbench
            .add_user("ane", Role::Facilitator, "korrekt hest batteri", "t")
            .unwrap();
        let job = Arc::new(casework::ImportJob::new("region.csv".into()));
        let id = shared.start_import(job.clone());
        let mut progress = casework::JobProgress(job.clone());
        progress.start(10);
        progress.advance(4);
        let runtime = runtime();
        runtime.block_on(async move {
            let api = routes(shared);
            let session = cookie_value(
                &sign_in(&api, "ane", "korrekt+hest+batteri").await,
                "session",
            );
            let page = |id: String| {
                warp::test::request()
                    .path(&format!("/import/{id}"))
                    .header("cookie", format!("session={session}"))
                    .reply(&api)
            };
            let res = page(id.clone()).await;
            assert_eq!(res.status(), 200);
            assert_eq!(
                res.headers()["refresh"],
                "1",
                "reloads itself while running"
            );
            assert!(body(&res).contains("4 / 10 (40,0 %)"), "{}", body(&res));
            job.finish(Ok(casetrail_app::ImportSummary {
                rows: 10,
                rejected: 0,
                rejected_file: None,
                patients: 3,
                appended: 10,
                already_stored: 0,
                new_patients: 3,
            }));
            let res = page(id).await;
            assert!(
                res.headers().get("refresh").is_none(),
                "done: no more reloading"
            );
            assert!(body(&res).contains("import-report"), "{}", body(&res));
        });
    }

    #[test]
    fn quality_staff_download_the_findings_of_a_revealed_panel() {
        let (_dir, shared) = shared();
        let wb = &shared.workbench;
        wb.load_workbench_demo(&PseudonymKey::from_bytes([9; 32]))
            .unwrap();
        wb.audit_event(
            casetrail_app::DEMO_AUDIT,
            casetrail_app::AuditEvent::ScoresRevealed { panel: "B".into() },
            "facilitator",
        )
        .unwrap();
        let key = shared.signer.public_key();
        let runtime = runtime();
        runtime.block_on(async move {
            let api = routes(shared);
            let session = cookie_value(&sign_in(&api, "kvalitet", DEMO_PASSWORD).await, "session");
            let res = warp::test::request()
                .path("/export/DEMO-2019/summary.csv")
                .header("cookie", format!("session={session}"))
                .reply(&api)
                .await;
            assert_eq!(res.status(), 200);
            assert_eq!(
                res.headers()["content-disposition"],
                "attachment; filename=\"DEMO-2019-summary.csv\""
            );
            let csv = body(&res);
            assert!(csv.starts_with("\u{feff}audit,preliminary,"), "{csv}");
            assert_eq!(csv.lines().count(), 1 + 6, "2 cases x 3 questions");
            assert!(!csv.contains("SAG3"));
            let res = warp::test::request()
                .path("/export/DEMO-2019/other.txt")
                .header("cookie", format!("session={session}"))
                .reply(&api)
                .await;
            assert_eq!(res.status(), 404);
            // Every linked file downloads, and its receipt verifies it against the server's key.
            for file in crate::quality::EXPORT_FILES {
                let get = |path: String| {
                    warp::test::request()
                        .path(&path)
                        .header("cookie", format!("session={session}"))
                        .reply(&api)
                };
                let content = get(format!("/export/DEMO-2019/{file}")).await;
                assert_eq!(content.status(), 200, "{file}");
                let receipt = get(format!("/export/DEMO-2019/{file}.receipt.json")).await;
                assert_eq!(receipt.status(), 200, "{file}");
                let receipt = casetrail_app::Receipt::from_json(&body(&receipt)).unwrap();
                assert_eq!(receipt.subject.name, format!("DEMO-2019-{file}"));
                let summary = receipt.verify(Some(&key), Some(content.body())).unwrap();
                // The stage-1 episodes summarise the whole log, which the root covers.
                assert_eq!(summary.events > 0, !file.starts_with("stage1-"), "{file}");
            }
            // The newest checkpoint, signed by the same key.
            let res = warp::test::request()
                .path("/checkpoint")
                .header("cookie", format!("session={session}"))
                .reply(&api)
                .await;
            assert_eq!(res.status(), 200);
            let checkpoint = casetrail_app::SignedCheckpoint::from_json(&body(&res)).unwrap();
            assert!(checkpoint.verify(Some(&key)).is_ok());
        });
    }

    #[test]
    fn a_checkpoint_is_published_when_the_log_grew_and_only_then() {
        let (_dir, shared) = shared();
        let wb = &shared.workbench;
        wb.add_user(
            "first",
            Role::Administrator,
            "a long enough password",
            "test",
        )
        .unwrap();
        let size = wb.latest_checkpoint().unwrap().map(|c| c.checkpoint.size);
        assert_eq!(size, None, "nothing published yet");
        let first = shared.publish_checkpoint().unwrap().expect("the log grew");
        assert_eq!(shared.publish_checkpoint().unwrap(), None, "nothing new");
        wb.add_user("second", Role::Quality, "a long enough password", "test")
            .unwrap();
        let second = shared.publish_checkpoint().unwrap().expect("the log grew");
        assert!(second > first);
        let kept = wb.latest_checkpoint().unwrap().unwrap();
        assert_eq!(kept.checkpoint.size, second);
        assert!(kept.verify(Some(&shared.signer.public_key())).is_ok());
    }

    /// Who may do what: each row of docs/security.md as (method, path, status anonymous,
    /// statuses signed in as facilitator, panel member (of panel A), quality staff,
    /// administrator). POSTs carry a wrong CSRF token: signed-in users who may send the form
    /// get 403 for the stale form, the others 403 for the role; the accepted forms are tested
    /// in the browser journeys.
    const ROUTES: &[(&str, &str, u16, [u16; 4])] = &[
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
        ("GET", "/import", 303, [200, 403, 403, 403]),
        ("POST", "/import", 303, [403; 4]),
        ("GET", "/import/0123456789abcdef", 303, [404, 403, 403, 403]),
        ("GET", "/stage1", 303, [200, 403, 403, 403]),
        ("GET", "/select", 303, [200, 403, 403, 403]),
        ("GET", "/cases/SAG1", 303, [200, 403, 403, 403]),
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

    #[test]
    fn the_authorisation_table_holds_for_every_route_and_role() {
        let (_dir, shared) = shared();
        shared
            .workbench
            .load_workbench_demo(&PseudonymKey::from_bytes([9; 32]))
            .unwrap();
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
            for (method, path, anonymous, signed_in) in ROUTES {
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
}
