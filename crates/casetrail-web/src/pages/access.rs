//! The access log: who opened which case material, when, and which version.

use serde::Serialize;
use warp::{Rejection, Reply};

use crate::ctx::{Chrome, Ctx, render_page};
use crate::routes::{Base, FACILITATOR, Route, RouteDoc, boxed, get};
use warp::Filter;

/// GET /access: facilitator.
pub const LOG: RouteDoc = RouteDoc::get("/access", FACILITATOR, "the access log");

pub const ROUTES: &[&RouteDoc] = &[&LOG];

pub fn routes(b: &Base) -> Vec<Route> {
    vec![boxed(
        warp::path!("access")
            .and(get())
            .and(b.guard(&LOG))
            .and_then(access_log),
    )]
}

#[derive(Debug, Serialize)]
struct AccessRow {
    position: u64,
    at: String,
    user: String,
    role: String,
    case: String,
    viewed: String,
    release: String,
    hash: String,
}

#[derive(Debug, Serialize)]
struct AccessPage {
    #[serde(flatten)]
    chrome: Chrome,
    rows: Vec<AccessRow>,
}

pub async fn access_log(ctx: Ctx) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.session()?;
    let entries = ctx.blocking(|wb| wb.access_log(None)).await?;
    render_page(
        "access",
        ctx.lang,
        &AccessPage {
            chrome: ctx.chrome(session),
            rows: entries
                .into_iter()
                .take(1000)
                .map(|e| AccessRow {
                    position: e.position,
                    at: crate::views::local_time(e.at_micros),
                    user: e.access.user,
                    role: crate::views::vocab(ctx.lang, "role", &e.access.role),
                    case: e.access.case,
                    viewed: crate::views::vocab(
                        ctx.lang,
                        "viewed",
                        &format!("{:?}", e.access.viewed),
                    ),
                    release: e.access.release.map(|r| r.to_string()).unwrap_or_default(),
                    hash: e
                        .access
                        .content_hash
                        .map(|h| h.chars().take(12).collect())
                        .unwrap_or_default(),
                })
                .collect(),
        },
    )
}
