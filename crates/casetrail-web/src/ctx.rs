//! What every page handler starts from: the shared state, the reader's language and their
//! session, and the rejections that become the error pages (the statuses are chosen in
//! `recover.rs`, and nowhere else).

use std::sync::Arc;

use casetrail_app::{AppError, ErrorKind, Role};
use serde::Serialize;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

use crate::i18n::{Lang, Texts, text, texts};
use crate::sessions::{Session, same};
use crate::state::Shared;

/// The request as a page handler sees it.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub shared: Arc<Shared>,
    pub lang: Lang,
    pub session: Option<Session>,
}

/// Not signed in (or the session expired): the sign-in page.
#[derive(Debug)]
pub struct NotSignedIn;
impl warp::reject::Reject for NotSignedIn {}

/// Signed in, but this role may not open this page or this case.
#[derive(Debug)]
pub struct Forbidden {
    pub lang: Lang,
}
impl warp::reject::Reject for Forbidden {}

/// A form whose CSRF token is not the session's: opened in another session, or too old.
#[derive(Debug)]
pub struct StaleForm {
    pub lang: Lang,
}
impl warp::reject::Reject for StaleForm {}

/// Something the user can mend or must know: a bad upload, a rule of the audit, someone
/// else's change first. Shown with what happened and what to do.
#[derive(Debug)]
pub struct UserError {
    pub lang: Lang,
    pub kind: ErrorKind,
    pub detail: String,
}
impl warp::reject::Reject for UserError {}

/// A failure the user cannot mend: logged with its details, shown as a generic page.
#[derive(Debug)]
pub struct ServerError(pub String);
impl warp::reject::Reject for ServerError {}

pub fn server_error(e: impl std::fmt::Display) -> Rejection {
    warp::reject::custom(ServerError(e.to_string()))
}

/// One link of the navigation bar.
#[derive(Debug, Clone, Serialize)]
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
}

/// What every signed-in page template is given besides its own view.
#[derive(Debug, Clone, Serialize)]
pub struct Chrome {
    pub user: String,
    pub role: String,
    pub csrf: String,
    pub nav: Vec<NavLink>,
}

fn nav(lang: Lang, role: Role) -> Vec<NavLink> {
    let link = |href, key| NavLink {
        href,
        label: text(lang, key),
    };
    match role {
        Role::Facilitator => vec![
            link("/audits", "nav_audits"),
            link("/import", "nav_import"),
            link("/stage1", "nav_stage1"),
            link("/select", "nav_select"),
            link("/access", "nav_access"),
        ],
        Role::PanelMember => vec![link("/my", "nav_my_cases")],
        Role::Quality => vec![link("/quality", "nav_quality")],
        Role::Administrator => vec![link("/admin/users", "nav_users")],
    }
}

impl Ctx {
    pub fn t(&self) -> &'static Texts {
        texts(self.lang)
    }

    /// The session the route's guard admitted (`routes.rs`); without one, the sign-in page.
    pub fn session(&self) -> Result<&Session, Rejection> {
        self.session
            .as_ref()
            .ok_or_else(|| warp::reject::custom(NotSignedIn))
    }

    /// A request the user can mend: shown as 422 with what was wrong.
    pub fn invalid(&self, detail: impl Into<String>) -> Rejection {
        warp::reject::custom(UserError {
            lang: self.lang,
            kind: ErrorKind::Invalid,
            detail: detail.into(),
        })
    }

    /// The session, if `csrf` is its form token.
    pub fn check_csrf(&self, csrf: &str) -> Result<&Session, Rejection> {
        let session = self.session()?;
        if same(&session.csrf, csrf) {
            Ok(session)
        } else {
            Err(warp::reject::custom(StaleForm { lang: self.lang }))
        }
    }

    /// Appends the access event of a view of case material; the page is sent only after.
    pub async fn record_view(
        &self,
        session: &Session,
        case: &str,
        viewed: casetrail_app::Viewed,
        release: Option<u32>,
        content_hash: String,
        case_version: Option<u64>,
    ) -> Result<(), Rejection> {
        self.shared
            .workbench
            .record_access(&casetrail_app::CaseAccess {
                user: session.user.clone(),
                role: session.role.as_str().to_owned(),
                case: case.to_owned(),
                viewed,
                release,
                content_hash: Some(content_hash),
                case_version,
            })
            .await
            .map(|_| ())
            .map_err(|e| self.app_error(e))
    }

    pub fn forbidden(&self) -> Rejection {
        warp::reject::custom(Forbidden { lang: self.lang })
    }

    pub fn chrome(&self, session: &Session) -> Chrome {
        Chrome {
            user: session.user.clone(),
            role: text(self.lang, role_key(session.role)).to_owned(),
            csrf: session.csrf.clone(),
            nav: nav(self.lang, session.role),
        }
    }

    /// An application error as the page the user sees.
    pub fn app_error(&self, e: AppError) -> Rejection {
        match e.kind() {
            ErrorKind::Internal => server_error(e),
            kind => warp::reject::custom(UserError {
                lang: self.lang,
                kind,
                detail: crate::problems::explain(self.lang, None, &e),
            }),
        }
    }

    /// Runs `work` on the blocking pool: the workbench reads RocksDB, hashes passwords and
    /// appends with a wait for the disk, none of which may hold an async worker.
    pub async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&casetrail_app::Workbench) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, Rejection> {
        let shared = self.shared.clone();
        tokio::task::spawn_blocking(move || work(&shared.workbench))
            .await
            .map_err(server_error)?
            .map_err(|e| self.app_error(e))
    }
}

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Facilitator => "role_facilitator",
        Role::PanelMember => "role_panel_member",
        Role::Quality => "role_quality",
        Role::Administrator => "role_administrator",
    }
}

/// The context filter: shared state, the `lang` cookie and the `session` cookie.
pub fn ctx(
    shared: Arc<Shared>,
) -> impl Filter<Extract = (Ctx,), Error = std::convert::Infallible> + Clone {
    warp::any()
        .map(move || shared.clone())
        .and(warp::cookie::optional::<String>("lang"))
        .and(warp::cookie::optional::<String>("session"))
        .map(
            |shared: Arc<Shared>, lang: Option<String>, token: Option<String>| {
                let session = token.and_then(|t| shared.sessions.get(&t));
                Ctx {
                    lang: Lang::from_cookie(lang.as_deref()),
                    session,
                    shared,
                }
            },
        )
}

/// An HTML page that is never cached: every page shows case material or a form token.
pub fn html(body: String, status: StatusCode) -> Box<dyn Reply> {
    let reply = warp::reply::with_status(warp::reply::html(body), status);
    Box::new(warp::reply::with_header(reply, "cache-control", "no-store"))
}

pub fn see_other(to: String) -> Box<dyn Reply> {
    Box::new(warp::reply::with_status(
        warp::reply::with_header(warp::reply(), "location", to),
        StatusCode::SEE_OTHER,
    ))
}

pub fn render_page(
    template: &'static str,
    lang: Lang,
    view: &impl Serialize,
) -> Result<Box<dyn Reply>, Rejection> {
    let body = crate::templates::render(template, lang, view).map_err(server_error)?;
    Ok(html(body, StatusCode::OK))
}
