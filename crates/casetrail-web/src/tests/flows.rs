//! Journeys through the façade: an import followed, findings downloaded, checkpoints published.

use casetrail_app::Role;

use super::*;

#[test]
fn an_import_page_follows_its_progress_then_shows_the_report() {
    use casetrail_app::Progress;
    let (_dir, shared) = shared();
    shared
        .workbench
        .add_user("ane", Role::Facilitator, "korrekt hest batteri", "t")
        .unwrap();
    let job = Arc::new(crate::jobs::ImportJob::new("region.csv".into()));
    let id = shared.start_import(job.clone());
    let mut progress = crate::jobs::JobProgress(job.clone());
    progress.start(10);
    progress.advance(4);
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let session = cookie_value(
            &sign_in(&api, "ane", "korrekt+hest+batteri").await,
            "session",
        );
        let page = |id: String| {
            warp::test::request()
                .path(&format!("/import/{id}"))
                .header("cookie", format!("session={session}"))
                .reply(&api)
        };
        let res = page(id.clone()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()["refresh"],
            "1",
            "reloads itself while running"
        );
        assert!(body(&res).contains("4 / 10 (40,0 %)"), "{}", body(&res));
        job.finish(Ok(casetrail_app::ImportSummary {
            rows: 10,
            rejected: 0,
            rejected_file: None,
            patients: 3,
            appended: 10,
            already_stored: 0,
            new_patients: 3,
        }));
        let res = page(id).await;
        assert!(
            res.headers().get("refresh").is_none(),
            "done: no more reloading"
        );
        assert!(body(&res).contains("import-report"), "{}", body(&res));
    });
}

#[test]
fn quality_staff_download_the_findings_of_a_revealed_panel() {
    let (_dir, shared) = shared();
    let wb = &shared.workbench;
    wb.load_workbench_demo(&PseudonymKey::from_bytes([9; 32]))
        .unwrap();
    reveal_panel_b(wb);
    let key = shared.signer.public_key();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let session = cookie_value(&sign_in(&api, "kvalitet", DEMO_PASSWORD).await, "session");
        let res = warp::test::request()
            .path("/export/DEMO-2019/summary.csv")
            .header("cookie", format!("session={session}"))
            .reply(&api)
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()["content-disposition"],
            "attachment; filename=\"DEMO-2019-summary.csv\""
        );
        let csv = body(&res);
        assert!(csv.starts_with("\u{feff}audit,preliminary,"), "{csv}");
        assert_eq!(csv.lines().count(), 1 + 6, "2 cases x 3 questions");
        assert!(!csv.contains("SAG3"));
        let res = warp::test::request()
            .path("/export/DEMO-2019/other.txt")
            .header("cookie", format!("session={session}"))
            .reply(&api)
            .await;
        assert_eq!(res.status(), 404);
        // Every linked file downloads, and its receipt verifies it against the server's key.
        for file in casetrail_app::EXPORT_FILES {
            let get = |path: String| {
                warp::test::request()
                    .path(&path)
                    .header("cookie", format!("session={session}"))
                    .reply(&api)
            };
            let content = get(format!("/export/DEMO-2019/{file}")).await;
            assert_eq!(content.status(), 200, "{file}");
            let receipt = get(format!("/export/DEMO-2019/{file}.receipt.json")).await;
            assert_eq!(receipt.status(), 200, "{file}");
            let receipt = casetrail_app::Receipt::from_json(&body(&receipt)).unwrap();
            assert_eq!(receipt.subject.name, format!("DEMO-2019-{file}"));
            let summary = receipt.verify(Some(&key), Some(content.body())).unwrap();
            // The stage-1 episodes summarise the whole log, which the root covers.
            assert_eq!(summary.events > 0, !file.starts_with("stage1-"), "{file}");
        }
        // The newest checkpoint, signed by the same key.
        let res = warp::test::request()
            .path("/checkpoint")
            .header("cookie", format!("session={session}"))
            .reply(&api)
            .await;
        assert_eq!(res.status(), 200);
        let checkpoint = casetrail_app::SignedCheckpoint::from_json(&body(&res)).unwrap();
        assert!(checkpoint.verify(Some(&key)).is_ok());
    });
}

#[test]
fn a_checkpoint_is_published_when_the_log_grew_and_only_then() {
    let (_dir, shared) = shared();
    let wb = &shared.workbench;
    wb.add_user(
        "first",
        Role::Administrator,
        "a long enough password",
        "test",
    )
    .unwrap();
    let size = wb.latest_checkpoint().unwrap().map(|c| c.checkpoint.size);
    assert_eq!(size, None, "nothing published yet");
    let first = shared.publish_checkpoint().unwrap().expect("the log grew");
    assert_eq!(shared.publish_checkpoint().unwrap(), None, "nothing new");
    wb.add_user("second", Role::Quality, "a long enough password", "test")
        .unwrap();
    let second = shared.publish_checkpoint().unwrap().expect("the log grew");
    assert!(second > first);
    let kept = wb.latest_checkpoint().unwrap().unwrap();
    assert_eq!(kept.checkpoint.size, second);
    assert!(kept.verify(Some(&shared.signer.public_key())).is_ok());
}

/// Uploads `content` as an extract and waits for the import's report page.
async fn import_report(
    api: &(impl Filter<Extract = (impl Reply,), Error = std::convert::Infallible> + Clone + 'static),
    session: &str,
    content: &str,
) -> String {
    let page = warp::test::request()
        .path("/import")
        .header("cookie", format!("session={session}"))
        .reply(api)
        .await;
    let csrf = form_token(&body(&page));
    let upload = format!(
        "--XX\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--XX\r\nContent-Disposition: form-data; name=\"extract\"; filename=\"region.csv\"\r\n\r\n{content}--XX--\r\n"
    );
    let res = warp::test::request()
        .method("POST")
        .path("/import")
        .header("cookie", format!("session={session}"))
        .header("content-type", "multipart/form-data; boundary=XX")
        .body(upload)
        .reply(api)
        .await;
    assert_eq!(res.status(), 303, "{}", body(&res));
    let status = res.headers()["location"].to_str().unwrap().to_owned();
    for _ in 0..200 {
        let res = warp::test::request()
            .path(&status)
            .header("cookie", format!("session={session}"))
            .reply(api)
            .await;
        if res.status() == 422 {
            return body(&res);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the import was not refused");
}

const CONTACTS_HEADER: &str = "patient,cpr,start,end,sector,kind,priority,diagnosis,unit,note";

#[test]
fn a_semicolon_csv_is_recognised_in_danish_without_a_server_path() {
    let (dir, shared) = demo_shared();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let session = cookie_value(
            &sign_in(&api, "facilitator", DEMO_PASSWORD).await,
            "session",
        );
        let header = CONTACTS_HEADER.replace(',', ";");
        let report = import_report(&api, &session, &format!("{header}\r\nP1;x\r\n")).await;
        assert!(report.contains("adskilt med semikolon"), "{report}");
        assert!(report.contains("CSV UTF-8 (kommasepareret)"), "{report}");
        let data = dir.path().to_string_lossy().into_owned();
        assert!(!report.contains(&data), "the server's folder is not shown");
        assert!(!report.contains("upload-"), "nor its scratch file");
    });
}

/// Refused rows are explained in the reader's language, with the column and the value, and
/// a header problem names the column; the English sentences stay in the CLI.
#[test]
fn refused_rows_and_headers_are_explained_in_danish() {
    let (_dir, shared) = demo_shared();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let session = cookie_value(&sign_in(&api, "facilitator", DEMO_PASSWORD).await, "session");
        let rows = [
            "P1,010190-1234,2019-03-01T10:00,2019-03-02T10:00,region,ward_admission,sometimes,DF200,U,",
            "P2,,2019-03-05T10:00,2019-03-01T10:00,region,outpatient_visit,planned,,U,",
            "P3,010190-1234,2019-03-31T02:30,,region,ward_admission,acute,,U,",
        ];
        let file = format!("{CONTACTS_HEADER}\r\n{}\r\n", rows.join("\r\n"));
        let report = import_report(&api, &session, &file).await;
        for said in [
            "Kolonnen «priority»: «sometimes» er ikke en af de tilladte koder",
            "Kolonnen «cpr»: mangler en værdi",
            "Kolonnen «end»: slutter 2019-03-01T10:00, før starten 2019-03-05T10:00",
            "findes ikke i dansk tid",
            "en indlæggelse skal have sin aktionsdiagnose",
        ] {
            assert!(report.contains(said), "{said}: {report}");
        }
        for english in ["is not one of", "is empty", "is before the start", "needs its main"] {
            assert!(!report.contains(english), "{english}: {report}");
        }
        let misspelt = import_report(
            &api,
            &session,
            &format!("{CONTACTS_HEADER},colour\r\nP1\r\n"),
        )
        .await;
        assert!(
            misspelt.contains("kolonnen «colour», som formatet ikke kender"),
            "{misspelt}"
        );
    });
}

/// Quality staff follow an open audit's progress per panel in counts, and see none of its
/// answers before the close.
#[test]
fn quality_staff_see_open_audits_progress_but_no_answers() {
    let (_dir, shared) = demo_shared();
    let runtime = runtime();
    runtime.block_on(async move {
        let api = routes(shared);
        let session = cookie_value(&sign_in(&api, "kvalitet", DEMO_PASSWORD).await, "session");
        let res = warp::test::request()
            .path("/quality")
            .header("cookie", format!("session={session}"))
            .reply(&api)
            .await;
        assert_eq!(res.status(), 200);
        let page = body(&res);
        let open = &page[page.find("id=\"open-audits\"").expect("the section")..];
        let open = &open[..open.find("</section>").unwrap()];
        assert!(open.contains("(DEMO-2019)"), "{open}");
        assert!(open.contains("· Vurdering i gang"), "{open}");
        // Panel B: 7 members × 2 cases, every one submitted; panel A: none yet.
        assert!(
            open.contains("<th scope=\"row\">B</th><td>7</td><td>2</td><td>14 / 14</td><td>100"),
            "{open}"
        );
        assert!(open.contains("<th scope=\"row\">A</th>"), "{open}");
        // No answer or justification of panel B is on the page.
        assert!(!page.contains("fælles kriseplan, som lægevagten kendte"));
        assert!(!page.contains("Meget utilstrækkelig"));
    });
}

/// A revealed panel's meeting view: agreement per case, and every step of the scale in each
/// question's distribution, also the steps nobody chose.
#[test]
fn the_meeting_view_shows_agreement_per_case_and_every_step() {
    let (_dir, shared) = demo_shared();
    reveal_panel_b(&shared.workbench);
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
        let panel = &page[page.find("id=\"panel-B\"").unwrap()..];
        let per_case = &panel[panel.find("class=\"per-case\"").expect("a per-case table")..];
        let per_case = &per_case[..per_case.find("</table>").unwrap()];
        assert_eq!(
            per_case.matches("<th scope=\"row\">").count(),
            2,
            "{per_case}"
        );
        assert!(
            per_case.contains("(n &#x3D; "),
            "alpha with its n: {per_case}"
        );
        // The first question's distribution lists all five steps and "cannot be assessed".
        let question = &panel[panel.find("class=\"question\"").unwrap()..];
        let table = &question[question.find("<caption>").unwrap()..];
        let table = &table[..table.find("</table>").unwrap()];
        for step in [
            "1 – Meget utilstrækkelig",
            "5 – Meget tilstrækkelig",
            "Kan ikke vurderes",
        ] {
            assert!(table.contains(step), "{step}: {table}");
        }
    });
}
