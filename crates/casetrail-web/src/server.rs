//! The web server: warp filters for routes, handlers that go through the application façade,
//! and one place where errors become HTTP statuses. So far the operational routes: `/healthz`
//! and `/metrics` (Prometheus text). Pages and sign-in follow in the web issue.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use casetrail_app::Workbench;
use warp::http::StatusCode;
use warp::{Filter, Rejection, Reply};

/// What every handler shares.
#[derive(Debug)]
pub struct Shared {
    pub workbench: Workbench,
    requests: AtomicU64,
}

impl Shared {
    pub fn new(workbench: Workbench) -> Arc<Shared> {
        Arc::new(Shared {
            workbench,
            requests: AtomicU64::new(0),
        })
    }
}

fn with_shared(
    shared: Arc<Shared>,
) -> impl Filter<Extract = (Arc<Shared>,), Error = std::convert::Infallible> + Clone {
    warp::any().map(move || shared.clone())
}

async fn healthz(shared: Arc<Shared>) -> Result<impl Reply, Rejection> {
    shared.requests.fetch_add(1, Ordering::Relaxed);
    Ok("ok\n")
}

/// Prometheus text format, version 0.0.4.
async fn metrics(shared: Arc<Shared>) -> Result<impl Reply, Rejection> {
    let requests = shared.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let head = shared.workbench.head().map_or(-1, |h| h.position.0 as i64);
    let body = format!(
        "# HELP casetrail_http_requests_total Requests served since start.\n\
         # TYPE casetrail_http_requests_total counter\n\
         casetrail_http_requests_total {requests}\n\
         # HELP casetrail_ledger_head_position Position of the last record (-1 when empty).\n\
         # TYPE casetrail_ledger_head_position gauge\n\
         casetrail_ledger_head_position {head}\n"
    );
    Ok(warp::reply::with_header(
        body,
        "content-type",
        "text/plain; version=0.0.4",
    ))
}

/// Every HTTP status the server answers with is chosen here.
async fn recover(rejection: Rejection) -> Result<impl Reply, std::convert::Infallible> {
    let (status, text) = if rejection.is_not_found() {
        (
            StatusCode::NOT_FOUND,
            "Siden findes ikke. / Page not found.\n",
        )
    } else if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        (
            StatusCode::METHOD_NOT_ALLOWED,
            "Metoden er ikke tilladt. / Method not allowed.\n",
        )
    } else {
        tracing::error!(?rejection, "unhandled rejection");
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Der skete en fejl på serveren. / Something went wrong on the server.\n",
        )
    };
    Ok(warp::reply::with_status(text, status))
}

/// Headers on every response: no framing, no sniffing, no inline script, no referrer.
fn secured(reply: impl Reply) -> impl Reply {
    let reply = warp::reply::with_header(reply, "x-frame-options", "DENY");
    let reply = warp::reply::with_header(reply, "x-content-type-options", "nosniff");
    let reply = warp::reply::with_header(reply, "referrer-policy", "no-referrer");
    warp::reply::with_header(
        reply,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'",
    )
}

/// All routes, with errors recovered and security headers added.
pub fn routes(
    shared: Arc<Shared>,
) -> impl Filter<Extract = (impl Reply,), Error = std::convert::Infallible> + Clone {
    let healthz = warp::path!("healthz")
        .and(warp::get())
        .and(with_shared(shared.clone()))
        .and_then(healthz);
    let metrics = warp::path!("metrics")
        .and(warp::get())
        .and(with_shared(shared))
        .and_then(metrics);
    healthz
        .map(|r| Box::new(r) as Box<dyn Reply>)
        .or(metrics.map(|r| Box::new(r) as Box<dyn Reply>))
        .unify()
        .recover(recover)
        .map(secured)
}

/// Binds `addr` (port 0 picks a free one) and returns the address bound and the server,
/// which runs until the process ends.
pub fn bind(
    shared: Arc<Shared>,
    addr: SocketAddr,
) -> (SocketAddr, impl std::future::Future<Output = ()>) {
    warp::serve(routes(shared)).bind_ephemeral(addr)
}

#[cfg(test)]
mod tests {
    use casetrail_app::{Access, Workbench};
    use casetrail_ledger::{ManualClock, Timestamp};

    use super::*;

    fn shared() -> (tempfile::TempDir, Arc<Shared>) {
        let dir = tempfile::tempdir().unwrap();
        let wb = Workbench::open(
            dir.path(),
            Access::ReadWrite,
            Arc::new(ManualClock::new(Timestamp(0), 1)),
        )
        .unwrap();
        (dir, Shared::new(wb))
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
}
