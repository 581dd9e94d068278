//! Signing in and out, the language switch, and where each role starts.

use std::net::SocketAddr;

use casetrail_app::Role;
use serde::{Deserialize, Serialize};
use warp::http::StatusCode;
use warp::{Rejection, Reply};

use crate::ctx::{Ctx, StaleForm, html, see_other, server_error};
use crate::i18n::{Lang, text};
use crate::routes::{Base, Route, RouteDoc, Who, boxed, form, get, post};
use crate::sessions::{same, token};
use crate::state::{Shared, client_address};
use crate::templates::render;
use warp::Filter;

/// GET /signin: anyone.
pub const SIGNIN_FORM: RouteDoc = RouteDoc::get("/signin", Who::Anyone, "the sign-in form");
/// POST /signin: anyone, with the sign-in form's own token (its cookie).
pub const SIGNIN: RouteDoc = RouteDoc::post(
    "/signin",
    Who::Anyone,
    "signing in (throttled per name and address)",
);
/// GET /lang/{code}: anyone.
pub const LANG: RouteDoc = RouteDoc::get(
    "/lang/{code}",
    Who::Anyone,
    "the language, remembered in a cookie",
);
/// GET /: anyone; each role to its start page, others to the sign-in form.
pub const HOME: RouteDoc = RouteDoc::get("/", Who::Anyone, "where each role starts");
/// POST /signout: anyone, with the session's token.
pub const SIGNOUT: RouteDoc = RouteDoc::post("/signout", Who::Anyone, "signing out");

pub const ROUTES: &[&RouteDoc] = &[&SIGNIN_FORM, &SIGNIN, &LANG, &HOME, &SIGNOUT];

pub fn routes(b: &Base) -> Vec<Route> {
    vec![
        boxed(
            warp::path!("signin")
                .and(get())
                .and(b.guard(&SIGNIN_FORM))
                .and_then(get_signin),
        ),
        boxed(
            warp::path!("signin")
                .and(post())
                .and(b.guard(&SIGNIN))
                .and(warp::cookie::optional("csrf"))
                .and(warp::header::optional("x-forwarded-for"))
                .and(warp::addr::remote())
                .and(form())
                .and_then(post_signin),
        ),
        boxed(warp::path!("lang" / String).and(get()).and_then(set_lang)),
        boxed(
            warp::path::end()
                .and(get())
                .and(b.guard(&HOME))
                .and_then(home),
        ),
        boxed(
            warp::path!("signout")
                .and(post())
                .and(b.guard(&SIGNOUT))
                .and(warp::cookie::optional("session"))
                .and(form())
                .and_then(signout),
        ),
    ]
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
        csrf: &csrf,
        message: message.map(|key| text(lang, key)),
    };
    let page = render("signin", lang, &view).map_err(server_error)?;
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
