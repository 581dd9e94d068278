//! Hostile and random requests on every route: bounded answers, never a server error.

use super::*;

/// Every route of the authorisation table, as every role, with random hostile query
/// strings and form bodies: no answer is a server error. Seeded, so a failure repeats.
#[test]
fn random_queries_and_forms_on_every_route_never_make_a_server_error() {
    let (_dir, shared) = demo_shared();
    let key = shared.key.clone();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let mut tokens = vec![String::new()];
        for user in ["facilitator", "a.psykiatri", "kvalitet", "admin"] {
            let res = sign_in(&api, user, DEMO_PASSWORD).await;
            tokens.push(cookie_value(&res, "session"));
        }
        let names = [
            "from",
            "to",
            "year",
            "source",
            "redaction",
            "saved",
            "csrf",
            "action",
            "id",
            "name",
            "password",
            "term",
            "decision",
            "policy",
            "panel",
            "case",
            "x",
        ];
        let values = [
            "-9223372036854775808",
            "9223372036854775807",
            "0",
            "-1",
            "1e9",
            "%00",
            "%FF%FE",
            "..%2F..%2F",
            "%3Cscript%3E",
            "review",
            "strict",
            "2019",
            "02019",
            "",
            "%E2%80%AE",
            "a%20b",
            "999999999999999999999999",
        ];
        // xorshift: no dependency, and the same sequence every run.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut sent = 0;
        for (method, path, _, _) in STATUSES {
            let path = path
                .replace("{SAG1}", &key.case_pseudonym("SAG1"))
                .replace("{SAG3}", &key.case_pseudonym("SAG3"));
            for round in 0..12 {
                let pairs: Vec<String> = (0..1 + next(5))
                    .map(|_| {
                        let value = if next(4) == 0 {
                            "z".repeat(next(3000))
                        } else {
                            values[next(values.len())].to_owned()
                        };
                        format!("{}={value}", names[next(names.len())])
                    })
                    .collect();
                let query = pairs.join("&");
                let token = &tokens[round % tokens.len()];
                let target = if path.contains('?') {
                    format!("{path}&{query}")
                } else {
                    format!("{path}?{query}")
                };
                let mut request = warp::test::request()
                    .method(method)
                    .path(&target)
                    .header("cookie", format!("session={token}; csrf=x; lang=en"));
                if *method == "POST" {
                    request = request
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(query.clone());
                }
                let res = request.reply(&api).await;
                sent += 1;
                assert!(
                    res.status().as_u16() < 500,
                    "{method} {target}: {}",
                    res.status()
                );
            }
        }
        assert!(sent >= 12 * STATUSES.len());
    });
}

/// Requests an attacker sends: each gets a bounded answer with the status the docs name,
/// and the server goes on serving.
#[test]
fn hostile_requests_get_bounded_answers_and_the_server_goes_on() {
    let (_dir, shared) = demo_shared();
    let sag1 = shared.key.case_pseudonym("SAG1");
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let session = |user: &'static str| {
            let api = api.clone();
            async move {
                let res = sign_in(&api, user, DEMO_PASSWORD).await;
                cookie_value(&res, "session")
            }
        };
        let member = session("a.psykiatri").await;
        let facilitator = session("facilitator").await;
        let get = |path: String, token: String| {
            let api = api.clone();
            async move {
                warp::test::request()
                    .path(&path)
                    .header("cookie", format!("session={token}"))
                    .reply(&api)
                    .await
            }
        };
        // A window whose width overflows: the default window, at once.
        let started = std::time::Instant::now();
        for query in [
            "from=-9223372036854775808&to=0",
            "from=0&to=9223372036854775807",
            "from=-9223372036854775808&to=9223372036854775807",
            "from=99999999999&to=99999999999999",
            &format!("from=0&to=30&source={}", "x".repeat(5_000)),
        ] {
            let res = get(format!("/my/DEMO-2019/{sag1}?{query}"), member.clone()).await;
            assert_eq!(res.status(), 200, "{query}");
        }
        assert!(started.elapsed() < Duration::from_secs(20));
        let res = get(format!("/my/DEMO-2019/{sag1}?from=x"), member.clone()).await;
        assert_eq!(res.status(), 400, "an unreadable number");
        // A year written another way is no file of the export; far years are refused.
        for (path, status) in [
            ("/export/DEMO-2019/stage1-02019.parquet", 404),
            ("/export/DEMO-2019/stage1-+2019.parquet", 404),
            ("/export/DEMO-2019/stage1-99999.parquet", 404),
            ("/stage1?year=99999", 422),
            ("/stage1?year=-2147483648", 422),
            ("/report/DEMO-2019?year=2147483647", 422),
        ] {
            let res = get(path.to_owned(), facilitator.clone()).await;
            assert_eq!(res.status().as_u16(), status, "{path}");
        }
        // The case file's review policy is one of its two names, or refused.
        let review = get("/cases/SAG3?redaction=review".into(), facilitator.clone()).await;
        assert_eq!(review.status(), 200);
        assert!(
            body(&review).contains("Erstattet som"),
            "replaced words listed"
        );
        let strict = get("/cases/SAG3".into(), facilitator.clone()).await;
        assert!(!body(&strict).contains("Erstattet som"), "strict lists none");
        let bad = get("/cases/SAG3?redaction=all".into(), facilitator.clone()).await;
        assert_eq!(bad.status(), 400);
        // HEAD is served where GET is.
        for path in ["/healthz", "/signin"] {
            let res = warp::test::request()
                .method("HEAD")
                .path(path)
                .reply(&api)
                .await;
            assert_eq!(res.status(), 200, "HEAD {path}");
        }
        // An empty token and an empty cookie do not make a sign-in form.
        let res = warp::test::request()
            .method("POST")
            .path("/signin")
            .header("cookie", "csrf=")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("name=facilitator&password={DEMO_PASSWORD}&csrf="))
            .reply(&api)
            .await;
        assert_eq!(res.status(), 403, "an empty CSRF pair signs nobody in");
        // A malformed multipart body is the user's to mend: 422, not 500.
        let page = get("/import".into(), facilitator.clone()).await;
        let csrf = form_token(&body(&page));
        for malformed in [
            "--XX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n".to_owned(),
            "not multipart at all".to_owned(),
            format!("--XX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--XX\r\nContent-Disposition: form-data; name=\"extract\"; filename=\"a.csv\"\r\n\r\nunterminated"),
        ] {
            let res = warp::test::request()
                .method("POST")
                .path("/import")
                .header("cookie", format!("session={facilitator}"))
                .header("content-type", "multipart/form-data; boundary=XX")
                .body(malformed.clone())
                .reply(&api)
                .await;
            assert!(
                matches!(res.status().as_u16(), 422 | 403),
                "{malformed:?}: {}",
                res.status()
            );
        }
        // Ids are checked where they enter: none of these becomes an audit.
        let page = get("/audits".into(), facilitator.clone()).await;
        let csrf = form_token(&body(&page));
        for id in ["%3Cscript%3Ey", "..%2F..%2F..%2Fx", "a%2Fb", "a+b", ".", ""] {
            let res = warp::test::request()
                .method("POST")
                .path("/audits")
                .header("cookie", format!("session={facilitator}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("csrf={csrf}&id={id}&title=T&topic=&criteria="))
                .reply(&api)
                .await;
            assert_eq!(res.status(), 422, "audit id {id:?}");
        }
        // The server still answers.
        let res = get("/healthz".into(), String::new()).await;
        assert_eq!(res.status(), 200);
    });
}
