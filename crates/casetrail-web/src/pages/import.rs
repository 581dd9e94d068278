//! Importing an extract: the upload form, the import running on its own, and its page with
//! the validation report.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use casetrail_app::AppError;
use serde::Serialize;
use warp::http::StatusCode;
use warp::{Rejection, Reply};

use crate::ctx::{Chrome, Ctx, html, render_page, see_other, server_error};
use crate::i18n::text;
use crate::jobs::{ImportJob, JobProgress};
use crate::multipart::read_multipart;
use crate::routes::{Base, FACILITATOR, Route, RouteDoc, boxed, get, post};
use crate::views::percent;
use warp::Filter;

/// GET /import: facilitator.
pub const FORM: RouteDoc = RouteDoc::get("/import", FACILITATOR, "the upload form");
/// POST /import: facilitator, CSRF (the multipart form's first part).
pub const UPLOAD: RouteDoc = RouteDoc::post(
    "/import",
    FACILITATOR,
    "an extract uploaded (multipart); 303 to the import's page",
);
/// GET /import/{id}: facilitator.
pub const STATUS: RouteDoc = RouteDoc::get(
    "/import/{id}",
    FACILITATOR,
    "an import's progress, then its validation report (404 for an unknown id)",
);

pub const ROUTES: &[&RouteDoc] = &[&FORM, &UPLOAD, &STATUS];

pub fn routes(b: &Base) -> Vec<Route> {
    vec![
        boxed(
            warp::path!("import")
                .and(get())
                .and(b.guard(&FORM))
                .and_then(import_form),
        ),
        boxed(
            warp::path!("import")
                .and(post())
                .and(b.guard(&UPLOAD))
                .and(warp::multipart::form().max_length(MAX_UPLOAD))
                .and_then(import_upload),
        ),
        boxed(
            warp::path!("import" / String)
                .and(get())
                .and(b.guard(&STATUS))
                .and_then(|id, c| import_status(c, id)),
        ),
    ]
}

/// The largest extract accepted in one upload.
pub const MAX_UPLOAD: u64 = 64 * 1024 * 1024;

#[derive(Debug, Serialize)]
struct RejectedRow {
    line: u64,
    reasons: String,
}

#[derive(Debug, Serialize)]
struct ImportPage {
    #[serde(flatten)]
    chrome: Chrome,
    done: bool,
    file: String,
    rows: usize,
    patients: usize,
    appended: usize,
    already_stored: usize,
    rejected: Vec<RejectedRow>,
    rejected_total: usize,
    problem: Option<String>,
    /// Events done of the total, while the import runs.
    running: Option<String>,
}

fn import_page(ctx: &Ctx, session: &crate::sessions::Session) -> ImportPage {
    ImportPage {
        chrome: ctx.chrome(session),
        done: false,
        file: String::new(),
        rows: 0,
        patients: 0,
        appended: 0,
        already_stored: 0,
        rejected: Vec::new(),
        rejected_total: 0,
        problem: None,
        running: None,
    }
}

pub async fn import_form(ctx: Ctx) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.session()?;
    render_page("import", ctx.lang, &import_page(&ctx, session))
}

pub async fn import_upload(
    ctx: Ctx,
    form: warp::multipart::FormData,
) -> Result<Box<dyn Reply>, Rejection> {
    let (session, mut upload) = read_multipart(&ctx, form).await?;
    let (file, bytes) = upload.files.remove("extract").unwrap_or_default();
    let mut page = import_page(&ctx, &session);
    page.file = file.clone();
    let kind = casetrail_app::UploadKind::of_name(&file);
    let (Some(kind), false) = (kind, bytes.is_empty()) else {
        page.problem = Some(text(ctx.lang, "import_wrong_file").to_owned());
        let body = crate::templates::render("import", ctx.lang, &page).map_err(server_error)?;
        return Ok(html(body, StatusCode::BAD_REQUEST));
    };
    let by = session.user.clone();
    let job = Arc::new(ImportJob::new(file));
    let id = ctx.shared.start_import(job.clone());
    let shared = ctx.shared.clone();
    // The import runs on its own; the reader follows it on /import/{id}. The façade keeps
    // the bytes only while it imports them.
    tokio::task::spawn_blocking(move || {
        let outcome =
            shared
                .workbench
                .import_bytes(&bytes, kind, &by, &mut JobProgress(job.clone()));
        job.finish(outcome);
    });
    Ok(see_other(format!("/import/{id}")))
}

pub async fn import_status(ctx: Ctx, id: String) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.session()?;
    let job = ctx.shared.import(&id).ok_or_else(|| {
        warp::reject::custom(crate::ctx::UserError {
            lang: ctx.lang,
            kind: casetrail_app::ErrorKind::NotFound,
            detail: format!("no import {id} since the server started"),
        })
    })?;
    let mut page = import_page(&ctx, session);
    page.file = job.file.clone();
    let outcome = job.outcome.lock().unwrap_or_else(|e| e.into_inner());
    let status = match &*outcome {
        None => {
            let (done, total) = (
                job.done.load(Ordering::Relaxed),
                job.total.load(Ordering::Relaxed),
            );
            page.running = Some(format!(
                "{done} / {total} ({})",
                percent(ctx.lang, done, total)
            ));
            StatusCode::OK
        }
        Some(Ok(summary)) => {
            page.done = true;
            page.rows = summary.rows;
            page.patients = summary.patients;
            page.appended = summary.appended;
            page.already_stored = summary.already_stored;
            StatusCode::OK
        }
        Some(Err(AppError::CaseFile(casetrail_app::CaseFileError::InvalidRows {
            rejected,
            total,
            ..
        }))) => {
            page.rejected_total = *total;
            page.rejected = rejected
                .iter()
                .take(200)
                .map(|r| RejectedRow {
                    line: r.line,
                    reasons: r
                        .errors
                        .iter()
                        .map(|e| crate::problems::field_problem(ctx.lang, e))
                        .collect::<Vec<_>>()
                        .join("; "),
                })
                .collect();
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Some(Err(e)) if e.kind() != casetrail_app::ErrorKind::Internal => {
            page.problem = Some(crate::problems::explain(ctx.lang, None, e));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Some(Err(_)) => {
            page.problem = Some(text(ctx.lang, "error_server_advice").to_owned());
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let running = page.running.is_some();
    let body = crate::templates::render("import", ctx.lang, &page).map_err(server_error)?;
    let reply = html(body, status);
    // Until it is done the page reloads itself each second, without any script.
    Ok(if running {
        Box::new(warp::reply::with_header(reply, "refresh", "1"))
    } else {
        reply
    })
}
