//! The guarded steps in the browser's terms: the audit page links to a confirmation that lists
//! what is missing; going ahead without a reason is refused, with one it is done, the reason
//! is shown, and the page confirms the action and returns to it.

use super::*;

#[test]
fn closing_lists_what_is_missing_and_needs_a_reason() {
    let (_dir, shared) = demo_shared();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let session = cookie_value(
            &sign_in(&api, "facilitator", DEMO_PASSWORD).await,
            "session",
        );
        let get = |path: String| {
            warp::test::request()
                .path(&path)
                .header("cookie", format!("session={session}"))
                .reply(&api)
        };
        let audit = body(&get("/audits/DEMO-2019".into()).await);
        assert!(
            audit.contains("href=\"/audits/DEMO-2019/confirm/close\""),
            "the close is a link to its confirmation, not a one-click form"
        );
        assert!(audit.contains("Indsendt pr. medlem og sag"), "the matrix");
        assert!(audit.contains("✓ indsendt"), "panel B's submissions");

        // Panel B has every answer in: its reveal needs no reason.
        let reveal = body(&get("/audits/DEMO-2019/confirm/reveal?panel=B".into()).await);
        assert!(reveal.contains("Afslør svarene i panel B?"), "{reveal}");
        assert!(reveal.contains("Intet mangler."), "{reveal}");
        assert!(!reveal.contains("name=\"reason\""), "no reason asked");

        // The close lists panel A unrevealed, panel B's consensus and the recommendations.
        let confirm = body(&get("/audits/DEMO-2019/confirm/close".into()).await);
        assert!(confirm.contains("Afslut auditten?"), "{confirm}");
        assert!(confirm.contains("Panel A er ikke afsløret"), "{confirm}");
        assert!(confirm.contains("Der er ingen anbefalinger."), "{confirm}");
        assert!(
            confirm.contains("<textarea name=\"reason\" required"),
            "{confirm}"
        );
        let csrf = form_token(&confirm);
        let post = |fields: String| {
            warp::test::request()
                .method("POST")
                .path("/audits/DEMO-2019")
                .header("cookie", format!("session={session}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(fields)
                .reply(&api)
        };
        // A close sent without a reason (by hand, or a blank one) goes back to the
        // confirmation that lists what is missing and asks for it.
        let refused = post(format!("csrf={csrf}&action=close&reason=+++")).await;
        assert_eq!(refused.status(), 303, "{}", body(&refused));
        assert_eq!(
            refused.headers()["location"],
            "/audits/DEMO-2019/confirm/close"
        );
        let still_open = body(&get("/audits/DEMO-2019".into()).await);
        assert!(still_open.contains("/confirm/close"), "nothing was closed");

        let done = post(format!(
            "csrf={csrf}&action=close&reason=Panel+A+m%C3%B8des+efter+nyt%C3%A5r"
        ))
        .await;
        assert_eq!(done.status(), 303);
        assert_eq!(
            done.headers()["location"],
            "/audits/DEMO-2019?done=close#top"
        );
        let closed = body(&get("/audits/DEMO-2019?done=close".into()).await);
        assert!(closed.contains("role=\"status\">Gemt."), "{closed}");
        assert!(
            closed.contains("Auditten blev afsluttet: Panel A mødes efter nytår"),
            "the reason stands on the page: {closed}"
        );
        // An unknown step, a reveal without or with an unknown panel: no such page.
        for path in [
            "/audits/DEMO-2019/confirm/delete",
            "/audits/DEMO-2019/confirm/reveal",
            "/audits/DEMO-2019/confirm/reveal?panel=Z",
        ] {
            assert_eq!(get(path.into()).await.status(), 404, "{path}");
        }
        // A done= that is no action of the page shows nothing.
        let odd = body(&get("/audits/DEMO-2019?done=%3Cscript%3E".into()).await);
        assert!(!odd.contains("role=\"status\""));
    });
}

#[test]
fn case_ids_link_to_their_case_file_and_an_older_version_is_named() {
    let (_dir, shared) = demo_shared();
    assert_eq!(release_sag1_again(&shared), 2);
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let session = cookie_value(
            &sign_in(&api, "facilitator", DEMO_PASSWORD).await,
            "session",
        );
        let res = warp::test::request()
            .path("/audits/DEMO-2019")
            .header("cookie", format!("session={session}"))
            .reply(&api)
            .await;
        let page = body(&res);
        assert!(page.contains("<a href=\"/cases/SAG1\">SAG1</a>"), "{page}");
        assert!(
            page.contains("panelet har en ældre udgave; nyeste er 2"),
            "panel A still scores version 1: {page}"
        );
        assert_eq!(
            page.matches("nyeste er").count(),
            1,
            "only SAG1 has a newer version"
        );
    });
}
