//! The three journeys of the web workbench, in a real browser (Debian's chromium, driven
//! through chromium-driver with fantoccini), against `casetrail serve --demo` on loopback:
//!
//! 1. a facilitator imports an extract, selects and releases a case and forms a panel;
//! 2. a panel member reads the timeline, submits the questionnaire, and cannot open a case of
//!    another panel;
//! 3. after the reveal the facilitator records consensus and closes the audit, and quality
//!    staff find the findings and verify the chain.
//!
//! Screenshots of the key pages are written to `browser-screenshots/` under cargo's test
//! temporary folder (printed when the test runs), for a reviewer to look at.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

mod every_page;

const PASSWORD: &str = "casetrail-demo-2019";

/// A child process that is killed when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The pseudonym key the server runs with, so the test can name cases as members see them.
const PSEUDONYM_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// The name a panel member knows a case by.
fn pseudonym(case: &str) -> String {
    casetrail_app::PseudonymKey::parse_hex(PSEUDONYM_KEY)
        .unwrap()
        .case_pseudonym(case)
}

/// `casetrail serve --demo` on a free port; returns the process and its base URL.
fn serve(data: &Path) -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_casetrail"))
        .env("CASETRAIL_SIGNING_KEY", data.with_extension("signing.key"))
        .env("CASETRAIL_PSEUDONYM_KEY", PSEUDONYM_KEY)
        .args([
            "--data",
            data.to_str().unwrap(),
            "serve",
            "--demo",
            "--addr",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("casetrail starts");
    let stdout = child.stdout.take().unwrap();
    let child = Killed(child);
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(url) = line.strip_prefix("casetrail serving on ") {
            return (child, url.to_owned());
        }
    }
    panic!("casetrail serve ended without saying where it listens");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn chromedriver() -> (Killed, String) {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is installed (scripts/setup installs chromium-driver)");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (Killed(child), format!("http://127.0.0.1:{port}"))
}

async fn browser(driver: &str) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(driver)
        .await
        .expect("a browser session")
}

struct Journey<'a> {
    c: &'a Client,
    base: &'a str,
    shots: &'a Path,
}

impl Journey<'_> {
    async fn go(&self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    async fn text(&self, css: &str) -> String {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    /// The text of `css` once it contains `needle`: a click that submits a form returns
    /// before the next page has necessarily loaded.
    async fn eventually(&self, css: &str, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let text = match self.c.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.ok(),
                Err(_) => None,
            };
            if let Some(text) = text {
                if text.contains(needle) {
                    return text;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "{css} never contained {needle:?}: {text}"
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{css} never appeared"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn body(&self) -> String {
        self.text("body").await
    }

    async fn click(&self, css: &str) {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Clicks a button that submits a form, and waits for the next page: until the old
    /// page's root element is gone from the document.
    async fn submit(&self, css: &str) {
        let old = self.c.find(Locator::Css("html")).await.unwrap();
        self.click(css).await;
        let started = Instant::now();
        while old.tag_name().await.is_ok() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{css} did not load a page"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    async fn type_into(&self, css: &str, text: &str) {
        let field = self
            .c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    async fn choose(&self, css: &str, value: &str) {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .select_by_value(value)
            .await
            .unwrap();
    }

    async fn shot(&self, name: &str) {
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }

    async fn sign_in(&self, user: &str) {
        self.go("/signin").await;
        self.type_into("input[name=name]", user).await;
        self.type_into("input[name=password]", PASSWORD).await;
        self.submit("form button[type=submit]").await;
        self.eventually(".who", user).await;
    }

    async fn sign_out(&self) {
        self.submit("header form button").await;
        self.eventually("h1", "Log ind").await;
    }
}

async fn facilitator_imports_selects_releases_and_forms_a_panel(j: &Journey<'_>) {
    j.sign_in("facilitator").await;
    j.shot("01-facilitator-audits").await;
    assert!(j.body().await.contains("DEMO-2019"));

    // Import: a wrong file first, then the extract.
    j.go("/import").await;
    let bad = j.shots.join("notes.txt");
    std::fs::write(&bad, "not an extract").unwrap();
    j.c.find(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(bad.to_str().unwrap())
        .await
        .unwrap();
    j.submit("#import button").await;
    j.eventually("p.alert", ".csv").await;
    let extract = repo()
        .join("fixtures/web/sag-6-upload.jsonl")
        .canonicalize()
        .unwrap();
    j.c.find(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(extract.to_str().unwrap())
        .await
        .unwrap();
    j.submit("#import button").await;
    let report = j.eventually("#import-report", "14").await;
    assert!(
        report.contains("SAG6") || report.contains("sag-6"),
        "{report}"
    );
    j.shot("02-import-report").await;

    // Selection by the inclusion criteria finds the new case.
    j.go("/select").await;
    j.submit("#criteria button").await;
    j.eventually("#candidates", "SAG6").await;
    j.shot("03-selection").await;
    j.click("#candidates a[href='/cases/SAG6']").await;

    // The case file: identifiable for the facilitator, the review, then the release.
    let page = j.eventually("body", "Mikkel Thorsen").await;
    assert!(page.contains("Mikkel Thorsen") && page.contains("020295-1234"));
    assert!(
        page.contains("casebaseret audit 2019"),
        "consent status shown"
    );
    // Material as a PDF: its text is extracted, sealed, and shown redacted like any note.
    j.choose("#material select[name=source]", "police_report")
        .await;
    j.type_into("#material input[name=date]", "2019-03-01")
        .await;
    let pdf = repo()
        .join("fixtures/web/doegnrapport-sag-6.pdf")
        .canonicalize()
        .unwrap();
    j.c.find(Locator::Css("#material input[type=file]"))
        .await
        .unwrap()
        .send_keys(pdf.to_str().unwrap())
        .await
        .unwrap();
    j.submit("#material button").await;
    let material = j
        .eventually("#material-list", "Døgnrapport, [Politi A]")
        .await;
    assert!(
        material.contains("[CPR]") && material.contains("[TELEFON]"),
        "{material}"
    );
    for personal in ["Mikkel", "Thorsen", "020295", "22 41 90 17"] {
        assert!(
            !material.contains(personal),
            "{personal} in the redacted material: {material}"
        );
    }
    j.shot("04-case-file").await;
    // The release is confirmed on its preview: the case as the panel will see it.
    j.submit("#release button").await;
    j.eventually("h1", "Forhåndsvisning: sag SAG6").await;
    let preview = j.eventually("#panel-view", "Som panelet ser den").await;
    for personal in ["Mikkel", "Thorsen", "020295"] {
        assert!(!preview.contains(personal), "{personal} in the preview");
    }
    j.shot("04b-release-preview").await;
    let undecided = j.text("#undecided").await;
    if undecided.contains("ikke er afgjort") {
        j.type_into(
            "#confirm-release textarea[name=reason]",
            "Gennemgået med panelets formand",
        )
        .await;
    }
    j.submit("#confirm-release button").await;
    j.eventually("#releases", "Dage fra indeksindlæggelsen")
        .await;

    // A panel with every sector, and the case assigned to it.
    j.go("/audits/DEMO-2019").await;
    for (member, sector) in [
        ("b.psykiatri", "region"),
        ("b.socialpsykiatri", "municipality"),
        ("b.laege", "general_practice"),
        ("b.vagtlaege", "out_of_hours"),
        ("b.politi", "police"),
    ] {
        j.type_into("#add-member input[name=panel]", "C").await;
        j.choose("#add-member select[name=member]", member).await;
        j.choose("#add-member select[name=sector]", sector).await;
        j.type_into("#add-member input[name=role]", "medlem").await;
        j.submit("#add-member button").await;
    }
    j.choose("#assign select[name=panel]", "C").await;
    j.choose("#assign select[name=case]", "SAG6@1").await;
    j.submit("#assign button").await;
    let panel = j.eventually("#panel-C", "SAG6").await;
    assert!(
        panel.contains("Alle sektorer er repræsenteret"),
        "every sector on panel C: {panel}"
    );
    j.shot("05-panel-formed").await;
    j.sign_out().await;
}

async fn panel_member_reads_scores_and_is_kept_to_their_panel(j: &Journey<'_>) {
    j.sign_in("a.laege").await;
    let mine = j.text("#my-cases").await;
    assert!(
        mine.contains(&pseudonym("SAG1"))
            && mine.contains(&pseudonym("SAG5"))
            && !mine.contains(&pseudonym("SAG3")),
        "{mine}"
    );
    for id in ["SAG1", "SAG5", "patient-"] {
        assert!(
            !mine.contains(id),
            "a member sees the patient id {id}: {mine}"
        );
    }
    j.shot("06-my-cases").await;
    j.click(&format!(
        "#my-cases a[href='/my/DEMO-2019/{}']",
        pseudonym("SAG1")
    ))
    .await;
    let page = j.body().await;
    assert!(!page.contains("SAG1"), "the case page names the patient id");
    let title = j.c.title().await.unwrap();
    assert!(
        title.contains(&pseudonym("SAG1")) && !title.contains("SAG1"),
        "{title}"
    );

    // The timeline: lanes, stays and marks; nothing identifying.
    let marks =
        j.c.find_all(Locator::Css("#lifelines polygon.mark"))
            .await
            .unwrap();
    let stays =
        j.c.find_all(Locator::Css("#lifelines rect.stay"))
            .await
            .unwrap();
    assert!(
        marks.len() >= 10 && stays.len() >= 2,
        "{} marks, {} stays",
        marks.len(),
        stays.len()
    );
    let page = j.body().await;
    for personal in ["Jonas Kristensen", "140378", "Lise Dahl", "40 12 87 33"] {
        assert!(
            !page.contains(personal),
            "{personal} shown to a panel member"
        );
    }
    // Details on demand: a mark is a link to its line in the list, reachable by keyboard.
    j.click("#lifelines a[href='#K3']").await;
    assert_eq!(j.c.current_url().await.unwrap().fragment(), Some("K3"));
    assert!(j.text("#K3").await.contains("K3"));
    // Zoom to a period.
    j.click("nav.zoom a:nth-of-type(2)").await;
    assert!(
        j.c.current_url()
            .await
            .unwrap()
            .query()
            .unwrap()
            .contains("from=")
    );
    j.shot("07-timeline").await;
    // On a phone's width (390 px) the page does not widen: the chart scrolls inside its
    // figure, hashes and tables wrap.
    j.c.set_window_size(390, 844).await.unwrap();
    let (wide, inner) = every_page::page_width(j).await;
    j.shot("07-timeline-390").await;
    assert!(
        wide <= inner + 1.0,
        "the page is {wide} px wide in a {inner} px window"
    );
    j.c.set_window_size(1400, 1000).await.unwrap();

    // The questionnaire: a draft, then the submission.
    j.click("#q-efforts input[value='2']").await;
    j.type_into(
        "#q-efforts textarea",
        "Ingen plan før K3; opfølgning først dag 20 (K8).",
    )
    .await;
    j.submit("#answers button[value=save]").await;
    j.eventually("#questionnaire", "Gemt.").await;
    assert!(
        j.c.find(Locator::Css("#q-efforts input[value='2']"))
            .await
            .unwrap()
            .is_selected()
            .await
            .unwrap(),
        "the draft is kept"
    );
    j.click("#q-collaboration input[value='1']").await;
    j.type_into(
        "#q-collaboration textarea",
        "Søsteren blev ikke orienteret (K13).",
    )
    .await;
    j.click("#q-involvement input[value='cannot_assess']").await;
    j.type_into(
        "#q-involvement textarea",
        "Patientens egne ønsker fremgår ikke.",
    )
    .await;
    j.submit("#answers button[value=submit]").await;
    j.eventually("#questionnaire", "Indsendt").await;
    j.shot("08-questionnaire-submitted").await;

    // A case of another panel is not theirs to open.
    j.go(&format!("/my/DEMO-2019/{}", pseudonym("SAG3"))).await;
    j.eventually("h1", "Ingen adgang").await;
    j.go("/my/DEMO-2019/SAG1").await;
    j.eventually("h1", "Ingen adgang").await;
    j.shot("09-other-panel-refused").await;
    // The questions asked once per audit, on the start page.
    j.go("/my").await;
    j.type_into(
        "#audit-DEMO-2019 textarea[name=t_reducible]",
        "Natlige indlæggelser fra botilbud uden kriseplan.",
    )
    .await;
    j.type_into(
        "#audit-DEMO-2019 textarea[name=t_support]",
        "Fælles kriseplan; kommunen melder udskrivelser videre samme dag.",
    )
    .await;
    j.submit("#audit-DEMO-2019 button[value=submit]").await;
    j.eventually("#audit-DEMO-2019", "Indsendt").await;
    j.sign_out().await;
}

async fn facilitator_meets_records_consensus_and_closes(j: &Journey<'_>) {
    j.sign_in("facilitator").await;
    j.go("/audits/DEMO-2019").await;
    // Panel B scored before the demo started: every answer is in, so its reveal's
    // confirmation lists nothing missing and asks no reason.
    j.submit("#panel-B a.reveal").await;
    j.eventually("h1", "Afslør svarene i panel B?").await;
    j.eventually("#gaps", "Intet mangler.").await;
    j.shot("10-confirm-reveal").await;
    j.submit("#confirm button").await;
    j.eventually("p.done", "Gemt.").await;
    let panel = j.eventually("#panel-B", "Krippendorffs alfa").await;
    assert!(
        panel.contains("lægevagten") && panel.contains("bostøtten"),
        "justifications from every sector side by side: {panel}"
    );
    j.shot("10-meeting").await;
    let consensus = "#panel-B form.consensus";
    j.choose(&format!("{consensus} select[name=value]"), "2")
        .await;
    j.type_into(
        &format!("{consensus} input[name=text]"),
        "Ingen fælles plan før tredje indlæggelse.",
    )
    .await;
    j.submit(&format!("{consensus} button")).await;
    j.eventually("#panel-B", "Ingen fælles plan før tredje indlæggelse.")
        .await;
    j.type_into(
        "#panel-B form.theme input[name=text]",
        "Udskrivelser om natten uden besked til kommunen",
    )
    .await;
    j.submit("#panel-B form.theme button").await;
    j.eventually(
        "#panel-B",
        "Udskrivelser om natten uden besked til kommunen",
    )
    .await;
    j.type_into(
        "#recommend input[name=text]",
        "Fælles kriseplan før første udskrivelse",
    )
    .await;
    j.click("#recommend input[name=owner_region]").await;
    j.click("#recommend input[name=owner_municipality]").await;
    j.submit("#recommend button").await;
    j.eventually("body", "Fælles kriseplan før første udskrivelse")
        .await;
    // Panel A has not met: the close lists what is missing and needs a reason.
    j.submit("a#close").await;
    j.eventually("#gaps", "Panel A er ikke afsløret").await;
    j.shot("11-confirm-close").await;
    j.type_into(
        "#confirm textarea[name=reason]",
        "Panel A mødes i næste kvartal; resultaterne herfra offentliggøres nu.",
    )
    .await;
    j.submit("#confirm button").await;
    j.eventually("#overrides", "Panel A mødes i næste kvartal")
        .await;
    j.eventually("body", "Afsluttet").await;
    j.shot("11-closed").await;
    // Every view of case material is listed for the facilitator.
    j.go("/access").await;
    let log = j.text("#access").await;
    assert!(log.contains("a.laege") && log.contains("SAG1"), "{log}");
    j.sign_out().await;

    j.sign_in("kvalitet").await;
    j.eventually("body", "Fælles kriseplan før første udskrivelse")
        .await;
    // The findings files are offered for download (their content: findings and server tests).
    for file in [
        "answers.csv",
        "summary.csv",
        "findings.json",
        "fhir.json",
        "answers.parquet",
        "answers.csv.receipt.json",
    ] {
        j.c.find(Locator::Css(&format!("a[href='/export/DEMO-2019/{file}']")))
            .await
            .unwrap_or_else(|e| panic!("no link to {file}: {e}"));
    }
    // The newest signed checkpoint is offered to keep, with the key's fingerprint.
    let checkpoint = j.text("#checkpoint").await;
    assert!(checkpoint.contains("fingeraftryk"), "{checkpoint}");
    j.c.find(Locator::Css("#checkpoint a[href='/checkpoint']"))
        .await
        .expect("a link to the newest checkpoint");
    // The report shows the checkpoint it was made against.
    j.go("/report/DEMO-2019?year=2019").await;
    j.eventually("#receipt", "kontrolpunkt").await;
    j.shot("13-report").await;
    j.go("/quality").await;
    j.submit("#head form button").await;
    j.eventually("#verified", "intakt").await;
    j.shot("12-quality").await;
}

#[test]
fn three_journeys_in_a_real_browser() {
    let data = tempfile::tempdir().unwrap();
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    println!("screenshots: {}", shots.display());
    let (_server, base) = serve(&data.path().join("data"));
    let (_driver, driver) = chromedriver();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let c = browser(&driver).await;
        let j = Journey {
            c: &c,
            base: &base,
            shots: &shots,
        };
        facilitator_imports_selects_releases_and_forms_a_panel(&j).await;
        panel_member_reads_scores_and_is_kept_to_their_panel(&j).await;
        facilitator_meets_records_consensus_and_closes(&j).await;
        every_page::every_page_is_accessible_and_fits_a_phone(&j).await;
        c.close().await.unwrap();
    });
}
