//! The operational routes: `/healthz` for the load balancer, `/metrics` for Prometheus.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use warp::{Rejection, Reply};

use crate::ctx::server_error;
use crate::routes::{Base, Route, RouteDoc, Who, boxed, get};
use crate::state::{BUCKETS, Shared};
use warp::Filter;

/// GET /healthz: anyone.
pub const HEALTHZ: RouteDoc =
    RouteDoc::get("/healthz", Who::Anyone, "liveness, for a load balancer");
/// GET /metrics: anyone (bind to an address only the scraper reaches).
pub const METRICS: RouteDoc = RouteDoc::get("/metrics", Who::Anyone, "Prometheus metrics");

pub const ROUTES: &[&RouteDoc] = &[&HEALTHZ, &METRICS];

pub fn routes(b: &Base) -> Vec<Route> {
    vec![
        boxed(warp::path!("healthz").and(get()).and_then(healthz)),
        boxed(
            warp::path!("metrics")
                .and(get())
                .and(b.shared())
                .and_then(metrics),
        ),
    ]
}

pub async fn healthz() -> Result<impl Reply, Rejection> {
    Ok("ok\n")
}

/// Prometheus text format, version 0.0.4.
pub async fn metrics(shared: Arc<Shared>) -> Result<impl Reply, Rejection> {
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
