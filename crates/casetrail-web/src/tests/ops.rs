//! The operational routes, forwarded addresses and security headers.

use super::*;

#[test]
fn forwarded_addresses_count_only_from_a_trusted_proxy() {
    let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
    let proxy = ip("10.1.1.1");
    let peer = Some(ip("192.0.2.7"));
    // No proxy configured: the header is the client's to forge, and is ignored.
    assert_eq!(client_address(peer, Some("127.0.0.1"), &[]), peer);
    // From the proxy: the nearest address it appended, not the client's own entries.
    assert_eq!(
        client_address(Some(proxy), Some("127.0.0.1, 198.51.100.4"), &[proxy]),
        Some(ip("198.51.100.4"))
    );
    assert_eq!(client_address(Some(proxy), None, &[proxy]), Some(proxy));
    assert_eq!(
        client_address(Some(proxy), Some("garbage"), &[proxy]),
        Some(proxy)
    );
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
