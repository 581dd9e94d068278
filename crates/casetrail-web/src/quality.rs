//! Quality staff and administrators: closed audits with their findings, the ledger head and
//! a verify button; user accounts.

use casetrail_app::{AppError, Role};
use serde::{Deserialize, Serialize};
use warp::{Rejection, Reply};

use crate::audits::{sector_name, value_text};
use crate::ctx::{Chrome, Ctx, render_page, see_other};
use crate::i18n::text;

const QUALITY: &[Role] = &[Role::Quality];
const ADMIN: &[Role] = &[Role::Administrator];

#[derive(Debug, Serialize)]
struct Finding {
    panel: String,
    case: String,
    question: String,
    value: String,
    note: String,
}

#[derive(Debug, Serialize)]
struct ClosedAudit {
    audit: String,
    title: String,
    themes: Vec<String>,
    consensus: Vec<Finding>,
    recommendations: Vec<(u32, String, String)>,
}

#[derive(Debug, Serialize)]
struct QualityPage {
    #[serde(flatten)]
    chrome: Chrome,
    head_position: String,
    head_hash: String,
    verified: Option<String>,
    intact: bool,
    closed: Vec<ClosedAudit>,
    open: usize,
    /// The checkpoint key's fingerprint, to compare with a receipt's.
    fingerprint: String,
    export_files: &'static [&'static str],
}

async fn quality_page(ctx: Ctx, verify: bool) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.require(QUALITY)?;
    let lang = ctx.lang;
    let (closed, open, head, report) = ctx
        .blocking(move |wb| {
            let mut closed = Vec::new();
            let mut open = 0;
            for summary in wb.audits()? {
                if !summary.closed {
                    open += 1;
                    continue;
                }
                let status = wb.audit_status(&summary.audit, None)?;
                let q = wb.audit_questionnaire(&summary.audit)?;
                let state = &status.state;
                closed.push(ClosedAudit {
                    audit: summary.audit.clone(),
                    title: summary.title.clone(),
                    themes: state
                        .panels
                        .iter()
                        .flat_map(|(p, x)| x.themes.iter().map(move |t| format!("{p}: {t}")))
                        .collect(),
                    consensus: state
                        .panels
                        .iter()
                        .flat_map(|(p, x)| {
                            let q = &q;
                            x.consensus
                                .iter()
                                .map(move |(case, question, v, note)| Finding {
                                    panel: p.clone(),
                                    case: case.clone().unwrap_or_default(),
                                    question: question.clone(),
                                    value: value_text(lang, q, question, v),
                                    note: note.clone(),
                                })
                        })
                        .collect(),
                    recommendations: state
                        .recommendations
                        .iter()
                        .map(|(n, t, owners)| {
                            let owners: Vec<String> =
                                owners.iter().map(|o| sector_name(lang, o)).collect();
                            (*n, t.clone(), owners.join(", "))
                        })
                        .collect(),
                });
            }
            let report = if verify { Some(wb.verify(None)?) } else { None };
            Ok((closed, open, wb.head(), report))
        })
        .await?;
    render_page(
        "quality",
        &QualityPage {
            chrome: ctx.chrome(session),
            head_position: head.map(|h| h.position.0.to_string()).unwrap_or_default(),
            head_hash: head.map(|h| h.hash.to_hex()).unwrap_or_default(),
            intact: report.as_ref().is_some_and(|r| r.is_intact()),
            verified: report.map(|r| {
                if r.is_intact() {
                    format!("{} {}", text(lang, "verify_intact"), r.checked)
                } else {
                    format!("{}: {:?}", text(lang, "verify_broken"), r.broken)
                }
            }),
            closed,
            open,
            fingerprint: ctx.shared.signer.public_key().fingerprint(),
            export_files: EXPORT_FILES,
        },
    )
}

pub async fn quality(ctx: Ctx) -> Result<Box<dyn Reply>, Rejection> {
    quality_page(ctx, false).await
}

/// Every field defaults, so who may send the form is checked before what it holds.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn verify(ctx: Ctx, form: CsrfForm) -> Result<Box<dyn Reply>, Rejection> {
    ctx.check_form(QUALITY, &form.csrf)?;
    quality_page(ctx, true).await
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
}

pub async fn users(ctx: Ctx) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.require(ADMIN)?;
    let lang = ctx.lang;
    let users = ctx.blocking(|wb| wb.users()).await?;
    render_page(
        "users",
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
        },
    )
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
    let by = ctx.check_form(ADMIN, &form.csrf)?.user.clone();
    ctx.blocking(move |wb| {
        let role = Role::parse(&form.role).ok_or_else(|| casetrail_app::AppError::BadForm {
            what: format!("{:?} is not a role", form.role),
        })?;
        wb.add_user(form.name.trim(), role, &form.password, &by)
    })
    .await?;
    Ok(see_other("/admin/users".into()))
}

pub use casetrail_app::EXPORT_FILES;

/// The findings files of an audit, for facilitators and quality staff (docs/exports.md);
/// `FILE.receipt.json` is the signed receipt of FILE.
pub async fn export(ctx: Ctx, audit: String, file: String) -> Result<Box<dyn Reply>, Rejection> {
    ctx.require(&[Role::Facilitator, Role::Quality])?;
    let shared = ctx.shared.clone();
    let download = format!("{audit}-{file}");
    let casetrail_app::Download {
        content_type,
        bytes,
    } = ctx
        .blocking(move |wb| wb.export_file(&audit, &shared.key, &shared.signer, &file))
        .await?;
    let reply = warp::reply::with_header(bytes, "content-type", content_type);
    let reply = warp::reply::with_header(
        reply,
        "content-disposition",
        format!("attachment; filename=\"{download}\""),
    );
    Ok(Box::new(warp::reply::with_header(
        reply,
        "cache-control",
        "no-store",
    )))
}

/// The newest signed checkpoint of the log, made now if the log has grown since the last:
/// what a quality department downloads and keeps, for `casetrail verify --consistency`.
pub async fn checkpoint(ctx: Ctx) -> Result<Box<dyn Reply>, Rejection> {
    ctx.require(&[Role::Facilitator, Role::Quality, Role::Administrator])?;
    let shared = ctx.shared.clone();
    let checkpoint = ctx
        .blocking(move |wb| {
            shared.publish_checkpoint()?;
            match wb.latest_checkpoint()? {
                Some(c) => Ok(c),
                None => wb.checkpoint(&shared.signer),
            }
        })
        .await?;
    let size = checkpoint.checkpoint.size;
    let reply = warp::reply::with_header(checkpoint.to_json(), "content-type", "application/json");
    let reply = warp::reply::with_header(
        reply,
        "content-disposition",
        format!("attachment; filename=\"checkpoint-{size}.json\""),
    );
    Ok(Box::new(warp::reply::with_header(
        reply,
        "cache-control",
        "no-store",
    )))
}

#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    year: Option<i32>,
}

/// The printable audit report, for facilitators and quality staff.
pub async fn report(
    ctx: Ctx,
    audit: String,
    query: ReportQuery,
) -> Result<Box<dyn Reply>, Rejection> {
    ctx.require(&[Role::Facilitator, Role::Quality])?;
    let shared = ctx.shared.clone();
    let year = query
        .year
        .map(|y| crate::bounds::year(y).ok_or(y))
        .transpose()
        .map_err(|y| AppError::BadForm {
            what: crate::bounds::year_problem(y),
        })
        .map_err(|e| ctx.app_error(e))?;
    let body = ctx
        .blocking(move |wb| {
            let request = casetrail_app::ReportRequest {
                audit: &audit,
                key: &shared.key,
                year,
                file_name: &format!("{audit}-report.html"),
            };
            wb.report(&request, &shared.signer, &casetrail_report::Layout::Served)
        })
        .await?;
    Ok(crate::ctx::html(body, warp::http::StatusCode::OK))
}
