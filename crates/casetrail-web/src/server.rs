//! Binding and middleware: the route table (`routes.rs`) with requests counted, rejections
//! turned into statuses (`recover.rs`), security headers on every response, and a log line
//! and a latency sample per request; and the task that publishes signed checkpoints.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use warp::{Filter, Reply};

pub use crate::state::{Options, SESSION_TTL, Shared, client_address};

/// Headers on every response: no framing, no sniffing, no inline script, no referrer.
fn secured(reply: impl Reply) -> impl Reply {
    let reply = warp::reply::with_header(reply, "x-frame-options", "DENY");
    let reply = warp::reply::with_header(reply, "x-content-type-options", "nosniff");
    let reply = warp::reply::with_header(reply, "referrer-policy", "no-referrer");
    warp::reply::with_header(
        reply,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    )
}

/// All routes, with errors recovered, latencies measured and security headers added.
pub fn routes(
    shared: Arc<Shared>,
) -> impl Filter<Extract = (impl Reply,), Error = std::convert::Infallible> + Clone {
    let all = crate::routes::table(shared.clone());
    let counted = shared.clone();
    let timed = shared;
    warp::any()
        .map(move || {
            counted.requests.fetch_add(1, Ordering::Relaxed);
        })
        .untuple_one()
        .and(all)
        .recover(crate::recover::recover)
        .unify()
        .map(secured)
        .with(warp::log::custom(move |info| {
            timed.latencies.observe(info.elapsed());
            tracing::info!(
                method = %info.method(),
                path = info.path(),
                status = info.status().as_u16(),
                micros = info.elapsed().as_micros() as u64,
                "request"
            );
        }))
}

/// Serves on `addr` (call it inside a Tokio runtime; port 0 picks a free one) and returns
/// the address bound and the server, which runs until the process ends; publishes a signed
/// checkpoint every second while events arrive.
pub fn bind(
    shared: Arc<Shared>,
    addr: SocketAddr,
) -> (SocketAddr, impl std::future::Future<Output = ()>) {
    tokio::spawn(publish_checkpoints(shared.clone()));
    warp::serve(routes(shared)).bind_ephemeral(addr)
}

async fn publish_checkpoints(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let s = shared.clone();
        match tokio::task::spawn_blocking(move || s.publish_checkpoint()).await {
            Ok(Ok(Some(size))) => tracing::debug!(size, "published a checkpoint"),
            Ok(Ok(None)) => {}
            Ok(Err(error)) => tracing::error!(%error, "publishing a checkpoint failed"),
            Err(error) => tracing::error!(%error, "the checkpoint task failed"),
        }
    }
}
