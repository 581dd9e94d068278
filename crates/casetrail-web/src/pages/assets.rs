//! The stylesheet every page links.

use warp::{Filter, Reply};

use crate::routes::{Base, Route, RouteDoc, Who, boxed, get};

/// GET /static/casetrail.css: anyone.
pub const CSS: RouteDoc = RouteDoc::get("/static/casetrail.css", Who::Anyone, "the stylesheet");

pub const ROUTES: &[&RouteDoc] = &[&CSS];

pub fn routes(_: &Base) -> Vec<Route> {
    vec![boxed(
        warp::path!("static" / "casetrail.css")
            .and(get())
            .map(stylesheet),
    )]
}

fn stylesheet() -> impl Reply {
    warp::reply::with_header(
        warp::reply::with_header(
            casetrail_report::CSS,
            "content-type",
            "text/css; charset=utf-8",
        ),
        "cache-control",
        "max-age=3600",
    )
}
