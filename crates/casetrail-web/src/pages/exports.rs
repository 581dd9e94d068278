//! What facilitators and quality staff take away: the export files with their receipts, the
//! newest signed checkpoint, and the printable audit report.

use casetrail_app::AppError;
use serde::Deserialize;
use warp::{Rejection, Reply};

use crate::ctx::Ctx;
use crate::routes::{Base, FACILITATOR_OR_QUALITY, Route, RouteDoc, Who, boxed, get};
use casetrail_app::Role;
use warp::Filter;

/// GET /report/{audit}: facilitator or quality staff.
pub const REPORT: RouteDoc = RouteDoc::get(
    "/report/{audit}",
    FACILITATOR_OR_QUALITY,
    "the printable audit report (`?year=` adds stage 1), its receipt inside",
);
/// GET /checkpoint: facilitator, quality staff or administrator.
pub const CHECKPOINT: RouteDoc = RouteDoc::get(
    "/checkpoint",
    Who::Roles(&[Role::Facilitator, Role::Quality, Role::Administrator]),
    "the newest signed checkpoint of the log, made now if the log grew",
);
/// GET /export/{audit}/{file}: facilitator or quality staff.
pub const EXPORT: RouteDoc = RouteDoc::get(
    "/export/{audit}/{file}",
    FACILITATOR_OR_QUALITY,
    "an export file (`answers.csv`, `summary.csv`, `answers-da.csv`, `summary-da.csv`, `findings.json`, `fhir.json`, `redcap-dictionary.csv`, `redcap-data.csv`, `answers.parquet`, `stage1-YYYY.parquet`) or its `FILE.receipt.json`; 422 before any reveal",
);

pub const ROUTES: &[&RouteDoc] = &[&REPORT, &CHECKPOINT, &EXPORT];

pub fn routes(b: &Base) -> Vec<Route> {
    vec![
        boxed(
            warp::path!("report" / String)
                .and(get())
                .and(b.guard(&REPORT))
                .and(warp::query())
                .and_then(|a, c, q| report(c, a, q)),
        ),
        boxed(
            warp::path!("checkpoint")
                .and(get())
                .and(b.guard(&CHECKPOINT))
                .and_then(checkpoint),
        ),
        boxed(
            warp::path!("export" / String / String)
                .and(get())
                .and(b.guard(&EXPORT))
                .and_then(|a, f, c| export(c, a, f)),
        ),
    ]
}

/// The findings files of an audit, for facilitators and quality staff (docs/exports.md);
/// `FILE.receipt.json` is the signed receipt of FILE.
pub async fn export(ctx: Ctx, audit: String, file: String) -> Result<Box<dyn Reply>, Rejection> {
    ctx.session()?;
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
    ctx.session()?;
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
    ctx.session()?;
    let shared = ctx.shared.clone();
    let year = query
        .year
        .map(|y| crate::bounds::year(y).ok_or(y))
        .transpose()
        .map_err(|y| AppError::bad_form(crate::bounds::year_problem(y)))
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
