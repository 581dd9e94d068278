//! The administrator's user accounts: the list, adding a user with a role.

use casetrail_app::Role;
use serde::{Deserialize, Serialize};
use warp::{Rejection, Reply};

use crate::ctx::{Chrome, Ctx, html, see_other, server_error};
use crate::i18n::text;
use crate::routes::{ADMIN, Base, Route, RouteDoc, boxed, form, get, post};
use warp::Filter;
use warp::http::StatusCode;

/// GET /admin/users: administrator.
pub const LIST: RouteDoc = RouteDoc::get("/admin/users", ADMIN, "the user accounts");
/// POST /admin/users: administrator, CSRF.
pub const ADD: RouteDoc = RouteDoc::post("/admin/users", ADMIN, "a user added with a role");

pub const ROUTES: &[&RouteDoc] = &[&LIST, &ADD];

pub fn routes(b: &Base) -> Vec<Route> {
    vec![
        boxed(
            warp::path!("admin" / "users")
                .and(get())
                .and(b.guard(&LIST))
                .and_then(users),
        ),
        boxed(
            warp::path!("admin" / "users")
                .and(post())
                .and(b.guard(&ADD))
                .and(form())
                .and_then(add_user),
        ),
    ]
}

#[derive(Debug, Serialize)]
struct UserRow {
    name: String,
    role: String,
    disabled: bool,
}

#[derive(Debug, Serialize)]
struct UsersPage {
    #[serde(flatten)]
    chrome: Chrome,
    users: Vec<UserRow>,
    roles: Vec<(String, String)>,
    min_password: usize,
    /// A refused form, shown again: why, and the name and role entered (never the password).
    refused: Refused,
}

/// Why the new-user form came back, and what it held.
#[derive(Debug, Default, Serialize)]
struct Refused {
    message: String,
    name: String,
    role: String,
    /// Which field the refusal is about: `name` or `password`.
    field: &'static str,
}

pub async fn users(ctx: Ctx) -> Result<Box<dyn Reply>, Rejection> {
    let body = page(&ctx, Refused::default()).await?;
    Ok(html(body, StatusCode::OK))
}

async fn page(ctx: &Ctx, refused: Refused) -> Result<String, Rejection> {
    let session = ctx.session()?;
    let lang = ctx.lang;
    let users = ctx.blocking(|wb| wb.users()).await?;
    crate::templates::render(
        "users",
        ctx.lang,
        &UsersPage {
            chrome: ctx.chrome(session),
            users: users
                .into_iter()
                .map(|u| UserRow {
                    name: u.name,
                    role: text(lang, crate::ctx::role_key(u.role)).to_owned(),
                    disabled: u.disabled,
                })
                .collect(),
            roles: [
                Role::Facilitator,
                Role::PanelMember,
                Role::Quality,
                Role::Administrator,
            ]
            .into_iter()
            .map(|r| {
                (
                    r.as_str().to_owned(),
                    text(lang, crate::ctx::role_key(r)).to_owned(),
                )
            })
            .collect(),
            min_password: casetrail_app::MIN_PASSWORD_CHARS,
            refused,
        },
    )
    .map_err(server_error)
}

/// Every field defaults, so who may send the form is checked before what it holds.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserForm {
    csrf: String,
    name: String,
    role: String,
    password: String,
}

pub async fn add_user(ctx: Ctx, form: UserForm) -> Result<Box<dyn Reply>, Rejection> {
    let by = ctx.check_csrf(&form.csrf)?.user.clone();
    let lang = ctx.lang;
    let (name, role) = (form.name.clone(), form.role.clone());
    let outcome = ctx
        .blocking(move |wb| {
            let Some(role) = Role::parse(&form.role) else {
                return Ok(Err(casetrail_app::AppError::bad_form(
                    text(lang, "form_incomplete").to_owned(),
                )));
            };
            Ok(wb.add_user(form.name.trim(), role, &form.password, &by))
        })
        .await?;
    let e = match outcome {
        Ok(_) => return Ok(see_other("/admin/users".into())),
        Err(e) => e,
    };
    use casetrail_app::{AppError, AuditError};
    let field = match &e {
        AppError::Audit(AuditError::UserName { .. } | AuditError::UserExists { .. }) => "name",
        AppError::Audit(AuditError::WeakPassword { .. }) => "password",
        AppError::Core(casetrail_app::CoreError::BadForm { .. }) => "role",
        _ => return Err(ctx.app_error(e)),
    };
    let refused = Refused {
        message: crate::problems::explain(lang, None, &e),
        name,
        role,
        field,
    };
    let body = page(&ctx, refused).await?;
    Ok(crate::recover::refused_form(e.kind(), body))
}
