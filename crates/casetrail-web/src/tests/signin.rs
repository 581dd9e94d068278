//! Signing in and out: CSRF, throttling, expiry.

use super::*;

async fn check_signin(shared: Arc<Shared>) {
    let api = routes(shared);
    let res = warp::test::request().path("/").reply(&api).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/signin");

    // A form without its cookie is stale.
    let res = warp::test::request()
        .method("POST")
        .path("/signin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=ane&password=korrekt+hest+batteri&csrf=abc")
        .reply(&api)
        .await;
    assert_eq!(res.status(), 403);

    let res = sign_in(&api, "ane", "forkert+kode+her").await;
    assert_eq!(res.status(), 401);
    assert!(body(&res).contains("Forkert brugernavn eller adgangskode."));
    let res = warp::test::request().path("/lang/en").reply(&api).await;
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("lang=en;")
    );
    let res = warp::test::request()
        .path("/signin")
        .header("cookie", "lang=en")
        .reply(&api)
        .await;
    let page = body(&res);
    assert!(
        page.contains("<h1>Sign in</h1>") && page.contains(r#"lang="en""#),
        "{page}"
    );

    let res = sign_in(&api, "ane", "korrekt+hest+batteri").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/");
    let session = cookie_value(&res, "session");
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=28800")
    );

    let res = warp::test::request()
        .path("/")
        .header("cookie", format!("session={session}"))
        .reply(&api)
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/audits",
        "a facilitator starts at the audits"
    );
    let res = warp::test::request()
        .path("/audits")
        .header("cookie", format!("session={session}"))
        .reply(&api)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let page = body(&res);
    assert!(page.contains("ane · facilitator"), "{page}");
    let csrf = form_token(&page);

    let signout = |csrf: String| {
        warp::test::request()
            .method("POST")
            .path("/signout")
            .header("cookie", format!("session={session}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("csrf={csrf}"))
    };
    assert_eq!(signout("0".repeat(64)).reply(&api).await.status(), 403);
    assert_eq!(signout(csrf).reply(&api).await.status(), 303);
    let res = warp::test::request()
        .path("/")
        .header("cookie", format!("session={session}"))
        .reply(&api)
        .await;
    assert_eq!(res.status(), 303, "signed out");

    // Five failures lock the name, even for the right password.
    for _ in 0..crate::sessions::MAX_FAILURES {
        assert_eq!(sign_in(&api, "bo", "ikke+den+rigtige").await.status(), 401);
    }
    assert_eq!(
        sign_in(&api, "bo", "en+anden+lang+kode").await.status(),
        429
    );
}

#[test]
fn signing_in_and_out_with_csrf_throttling_and_expiry() {
    let (_dir, shared) = shared();
    let wb = &shared.workbench;
    wb.add_user(
        "ane",
        casetrail_app::Role::Facilitator,
        "korrekt hest batteri",
        "t",
    )
    .unwrap();
    wb.add_user(
        "bo",
        casetrail_app::Role::PanelMember,
        "en anden lang kode",
        "t",
    )
    .unwrap();
    let runtime = runtime();
    runtime.block_on(check_signin(shared.clone()));

    // A session ends when its time is up.
    let short = Shared::with_options(
        shared.workbench.clone(),
        PseudonymKey::from_bytes([9; 32]),
        Options {
            session_ttl: Duration::from_millis(200),
            secure_cookies: true,
            ..Options::default()
        },
    );
    runtime.block_on(async move {
        let api = routes(short);
        let res = sign_in(&api, "ane", "korrekt+hest+batteri").await;
        let session = cookie_value(&res, "session");
        assert!(
            res.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .ends_with("; Secure"),
            "secure cookies when set up so"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        let res = warp::test::request()
            .path("/")
            .header("cookie", format!("session={session}"))
            .reply(&api)
            .await;
        assert_eq!(res.status(), 303, "expired");
    });
}
