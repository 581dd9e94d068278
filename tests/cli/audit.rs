//! A whole audit of the four fixture cases from the command line: two panels of seven, blind
//! scoring, the reveal, the meeting, and the close.

use std::path::Path;

use serde_json::Value;

use crate::cases::{CASES, case_file};
use crate::{casetrail, contains_word, ok, text};

fn refused(data: &Path, args: &[&str]) -> String {
    let out = casetrail(data, args);
    assert_eq!(out.status.code(), Some(2), "{args:?} was accepted");
    text(&out.stderr)
}

fn a<'a>(rest: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["audit", "--id", "A1", "--actor", "facilitator"];
    v.extend_from_slice(rest);
    v
}

/// `audit answer` arguments: member, case, question, value, justification (empty: none).
fn answer_args<'a>(
    member: &'a str,
    case: &'a str,
    question: &'a str,
    value: &'a str,
    why: &'a str,
) -> Vec<&'a str> {
    let mut v = a(&[
        "answer",
        "--member",
        member,
        "--case",
        case,
        "--question",
        question,
        "--value",
        value,
    ]);
    if !why.is_empty() {
        v.extend_from_slice(&["--justification", why]);
    }
    v
}

fn status(data: &Path, viewer: Option<&str>) -> Value {
    let mut args = a(&["status"]);
    if let Some(v) = viewer {
        args.extend_from_slice(&["--as", v]);
    }
    serde_json::from_str(&ok(data, &args)).unwrap()
}

const SECTORS: [&str; 7] = [
    "region",
    "region",
    "municipality",
    "municipality",
    "general_practice",
    "out_of_hours",
    "police",
];

#[test]
fn a_full_audit_of_the_fixture_cases_with_two_panels_of_seven() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = dir.path().join("k");
    std::fs::write(&key, "5a".repeat(32)).unwrap();
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let key = key.to_str().unwrap();
    for case in CASES {
        ok(&data, &["import", &case_file(case)]);
    }
    for case in ["SAG1", "SAG2", "SAG3", "SAG4"] {
        ok(&data, &["release", "--case", case, "--key", key]);
    }
    ok(
        &data,
        &a(&[
            "create",
            "--title",
            "Hyppige korte indlæggelser",
            "--criteria",
            "F20/F60, 3+ akutte",
        ]),
    );
    assert!(refused(&data, &a(&["create", "--title", "igen"])).contains("already exists"));

    let panels = [("P1", ["SAG1", "SAG2"]), ("P2", ["SAG3", "SAG4"])];
    let mut members: Vec<(String, &str)> = Vec::new();
    for (panel, cases) in panels {
        for (i, sector) in SECTORS.iter().enumerate() {
            let member = format!("{panel}-m{i}");
            ok(
                &data,
                &a(&[
                    "add-member",
                    "--panel",
                    panel,
                    "--member",
                    &member,
                    "--sector",
                    sector,
                    "--role",
                    "fagperson",
                ]),
            );
            members.push((member, panel));
        }
        for case in cases {
            ok(
                &data,
                &a(&["assign", "--panel", panel, "--case", case, "--release", "1"]),
            );
        }
    }
    let before_open = refused(&data, &answer_args("P1-m0", "SAG1", "efforts", "3", "x"));
    assert!(before_open.contains("scoring is not open"), "{before_open}");
    ok(&data, &a(&["open"]));
    assert!(
        refused(&data, &answer_args("P2-m0", "SAG1", "efforts", "3", "x"))
            .contains("not assigned to a panel P2-m0 sits on")
    );
    assert!(
        refused(&data, &answer_args("P1-m0", "SAG1", "efforts", "9", "x"))
            .contains("not on the scale")
    );
    assert!(
        refused(&data, &answer_args("P1-m0", "SAG1", "efforts", "3", ""))
            .contains("requires a justification")
    );

    // Everyone scores their panel's cases: members mostly agree, one step apart at most.
    for (member, panel) in &members {
        let cases = if *panel == "P1" {
            ["SAG1", "SAG2"]
        } else {
            ["SAG3", "SAG4"]
        };
        let m: usize = member.rsplit('m').next().unwrap().parse().unwrap();
        for (c, case) in cases.iter().enumerate() {
            for (qi, question) in ["efforts", "collaboration", "involvement"]
                .iter()
                .enumerate()
            {
                let base = 1 + (c * 2 + qi) % 5;
                let step = if m == 6 && qi == 0 {
                    "cannot-assess".to_string()
                } else {
                    (base + m % 2).min(5).to_string()
                };
                // One member's words echo a theme the panel names later.
                let why = if member == "P2-m0" {
                    "natlige henvendelser blev ikke fulgt op"
                } else {
                    "se tidslinjen dag 3"
                };
                ok(&data, &answer_args(member, case, question, &step, why));
            }
            ok(&data, &a(&["submit", "--member", member, "--case", case]));
        }
    }

    // Blind: a member reads only their own answers; the facilitator only who submitted.
    let mine = status(&data, Some("P1-m1"));
    let answers = mine["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 6);
    assert!(answers.iter().all(|x| x["member"] == "P1-m1"));
    let facilitator = status(&data, None);
    assert!(facilitator["answers"].as_array().unwrap().is_empty());
    assert!(
        !facilitator.to_string().contains("se tidslinjen"),
        "no justification reaches the facilitator before the reveal"
    );
    let others = status(&data, Some("P1-m2")).to_string();
    assert!(
        !others.contains("\"member\":\"P1-m1\""),
        "nor another member"
    );
    assert_eq!(facilitator["submissions"].as_array().unwrap().len(), 28);
    let missing = &facilitator["missing_sectors"];
    assert_eq!(
        missing[0][1].as_array().unwrap().len(),
        0,
        "every sector sits on P1"
    );

    ok(
        &data,
        &a(&[
            "answer",
            "--revise",
            "--member",
            "P1-m0",
            "--case",
            "SAG1",
            "--question",
            "efforts",
            "--value",
            "2",
            "--justification",
            "efter genlæsning",
        ]),
    );
    assert!(refused(&data, &a(&["note", "--panel", "P1", "--text", "x"])).contains("not revealed"));
    // Nobody answered the audit-wide questions: the reveal is guarded, lists who is missing,
    // and goes ahead only with a reason, which the event keeps.
    let unready = refused(&data, &a(&["reveal", "--panel", "P1"]));
    assert!(
        unready.contains("cannot reveal panel P1 yet: 7 thing(s) missing")
            && unready.contains("--reason"),
        "{unready}"
    );
    let gaps = ok(&data, &a(&["gaps", "--step", "reveal", "--panel", "P1"]));
    assert_eq!(gaps.lines().count(), 7, "{gaps}");
    assert!(
        gaps.lines()
            .all(|l| l.ends_with("has not submitted the audit-wide questions")),
        "{gaps}"
    );
    let why = "Spørgsmålene til hele auditten drøftes på mødet";
    ok(&data, &a(&["reveal", "--panel", "P1", "--reason", why]));
    ok(&data, &a(&["reveal", "--panel", "P2", "--reason", why]));
    let revealed_with = status(&data, None);
    assert_eq!(
        revealed_with["state"]["overrides"][0][1], why,
        "{revealed_with}"
    );
    assert!(
        refused(
            &data,
            &a(&[
                "answer",
                "--revise",
                "--member",
                "P1-m0",
                "--case",
                "SAG1",
                "--question",
                "efforts",
                "--value",
                "3",
                "--justification",
                "x"
            ])
        )
        .contains("revealed")
    );
    let revealed = status(&data, Some("P1-m1"));
    assert_eq!(revealed["answers"].as_array().unwrap().len(), 84);
    let hashes: std::collections::BTreeSet<&str> = revealed["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["content_hash"].as_str().unwrap())
        .collect();
    assert_eq!(
        hashes.len(),
        4,
        "each answer is bound to its case's released version"
    );
    let agreement = revealed["agreement"].as_array().unwrap();
    assert_eq!(agreement.len(), 3);
    for entry in agreement {
        assert_eq!(entry["agreement"]["pairable_units"], 4, "{entry}");
        let alpha = entry["agreement"]["alpha"].as_f64().unwrap();
        assert!((-1.0..=1.0).contains(&alpha), "{entry}");
        let lo = entry["interval"][0].as_f64().unwrap();
        let hi = entry["interval"][1].as_f64().unwrap();
        assert!(lo <= hi, "{entry}");
    }
    assert_eq!(agreement[0]["of"], "efforts");
    assert_eq!(
        agreement[0]["agreement"]["pairable"], 24,
        "the cannot-assess answers are missing"
    );
    let per_case = revealed["agreement_per_case"].as_array().unwrap();
    assert_eq!(per_case.len(), 4);
    assert_eq!(per_case[0]["of"], "SAG1");
    assert_eq!(per_case[0]["agreement"]["pairable_units"], 3);

    ok(
        &data,
        &a(&[
            "note",
            "--panel",
            "P1",
            "--text",
            "Ingen fælles kriseplan mellem botilbud og psykiatri",
        ]),
    );
    ok(
        &data,
        &a(&[
            "consensus",
            "--panel",
            "P1",
            "--case",
            "SAG1",
            "--question",
            "collaboration",
            "--value",
            "2",
            "--note",
            "Planer kendes ikke på tværs",
        ]),
    );
    ok(
        &data,
        &a(&[
            "theme",
            "--panel",
            "P2",
            "--theme",
            "Natlige henvendelser uden plan",
        ]),
    );
    assert!(
        refused(
            &data,
            &a(&[
                "recommend",
                "--number",
                "2",
                "--text",
                "x",
                "--owners",
                "region"
            ])
        )
        .contains("the next is 1")
    );
    ok(
        &data,
        &a(&[
            "recommend",
            "--number",
            "1",
            "--text",
            "Fælles kriseplan tilgængelig for lægevagten",
            "--owners",
            "region,municipality",
        ]),
    );
    assert!(
        refused(
            &data,
            &a(&[
                "plan",
                "--number",
                "1",
                "--due",
                "31.03.2027",
                "--follow-up",
                "x"
            ])
        )
        .contains("is no date")
    );
    ok(
        &data,
        &a(&[
            "plan",
            "--number",
            "1",
            "--due",
            "2027-03-31",
            "--follow-up",
            "Samarbejdsudvalget gennemgår kriseplanerne i marts",
        ]),
    );
    let close_gaps = ok(&data, &a(&["gaps", "--step", "close"]));
    assert!(close_gaps.contains("has no consensus on"), "{close_gaps}");
    assert!(refused(&data, &a(&["close"])).contains("cannot close the audit yet"));
    ok(
        &data,
        &a(&[
            "close",
            "--reason",
            "Resten af konsensus noteres i referatet",
        ]),
    );
    assert!(
        refused(
            &data,
            &a(&["theme", "--panel", "P1", "--theme", "for sent"])
        )
        .contains("closed")
    );

    // The state read back from the log in another process is the same, and verifies.
    let first = status(&data, None);
    let again = status(&data, None);
    assert_eq!(first, again);
    assert_eq!(first["state"]["closed"], true);
    assert_eq!(first["state"]["recommendations"][0][0], 1);
    assert!(ok(&data, &["verify"]).contains("intact"));

    // The findings leave as CSV and JSON: pseudonymised, suppressed, final once closed.
    let out = dir.path().join("export");
    let out_s = out.to_str().unwrap();
    let printed = ok(
        &data,
        &[
            "export", "--audit", "A1", "--format", "csv", "--out", out_s, "--key", key, "--bom",
        ],
    );
    assert!(!printed.contains("preliminary"), "{printed}");
    ok(
        &data,
        &[
            "export", "--audit", "A1", "--format", "json", "--out", out_s, "--key", key,
        ],
    );
    let answers = std::fs::read_to_string(out.join("A1-answers.csv")).unwrap();
    assert!(answers.starts_with("\u{feff}audit,preliminary,panel,case,question,member,"));
    assert_eq!(answers.lines().count(), 1 + 84, "one row per answer");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("A1-findings.json")).unwrap())
            .unwrap();
    assert_eq!(json["preliminary"], false);
    assert_eq!(json["answers"].as_array().unwrap().len(), 84);
    let summary = std::fs::read_to_string(out.join("A1-summary.csv")).unwrap();
    for text in [&answers, &summary, &json.to_string()] {
        for id in ["SAG1", "SAG2", "SAG3", "SAG4", "facilitator"] {
            assert!(!text.contains(id), "{id} in an export");
        }
        for (member, _) in &members {
            assert!(!text.contains(member.as_str()), "{member} in an export");
        }
    }
    assert!(summary.contains("<5"), "{summary}");
    ok(
        &data,
        &[
            "export", "--audit", "A1", "--format", "redcap", "--out", out_s, "--key", key,
        ],
    );
    let redcap = std::fs::read_to_string(out.join("A1-redcap-data.csv")).unwrap();
    assert!(redcap.starts_with("record_id,panel,member,member_sector,case,efforts,efforts_why,"));
    assert_eq!(
        redcap.lines().count(),
        1 + 28,
        "one record per member and case: {redcap}"
    );

    ok(
        &data,
        &[
            "export", "--audit", "A1", "--format", "fhir", "--out", out_s, "--key", key,
        ],
    );
    let fhir: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("A1-fhir.json")).unwrap()).unwrap();
    assert_eq!(fhir["resourceType"], "Bundle");
    ok(
        &data,
        &[
            "export", "--audit", "A1", "--format", "parquet", "--out", out_s, "--key", key,
        ],
    );
    assert!(
        std::fs::read(out.join("A1-answers.parquet"))
            .unwrap()
            .starts_with(b"PAR1")
    );

    // Every file has a signed receipt beside it, checked offline against the public key.
    let public = dir.path().join("public.key");
    ok(&data, &["public-key", "--out", public.to_str().unwrap()]);
    let public_s = public.to_str().unwrap();
    for file in [
        "A1-answers.csv",
        "A1-summary.csv",
        "A1-findings.json",
        "A1-fhir.json",
        "A1-redcap-dictionary.csv",
        "A1-redcap-data.csv",
        "A1-answers.parquet",
    ] {
        let receipt = out.join(format!("{file}.receipt.json"));
        let checked = ok(
            &data,
            &[
                "verify-receipt",
                receipt.to_str().unwrap(),
                "--public-key",
                public_s,
            ],
        );
        assert!(checked.contains("content checked"), "{file}: {checked}");
    }
    let edited = dir.path().join("edited.csv");
    std::fs::write(&edited, answers.replacen("A1,", "A2,", 1)).unwrap();
    let rejected = casetrail(
        &data,
        &[
            "verify-receipt",
            out.join("A1-answers.csv.receipt.json").to_str().unwrap(),
            "--content",
            edited.to_str().unwrap(),
        ],
    );
    assert_eq!(rejected.status.code(), Some(1));
    assert!(
        text(&rejected.stderr).contains("the file was changed"),
        "{}",
        text(&rejected.stderr)
    );

    // The report: every section, the cases as pseudonyms, and a PDF through chromium.
    let html = out.join("report.html");
    let pdf = out.join("report.pdf");
    ok(
        &data,
        &[
            "report",
            "--audit",
            "A1",
            "--key",
            key,
            "--out",
            html.to_str().unwrap(),
            "--pdf",
            pdf.to_str().unwrap(),
        ],
    );
    let page = std::fs::read_to_string(&html).unwrap();
    for section in [
        "background",
        "method",
        "results",
        "consensus",
        "recommendations",
        "action-plan",
        "integrity",
    ] {
        assert!(
            page.contains(&format!("id=\"{section}\"")),
            "no {section} section"
        );
    }
    assert!(page.contains("Fælles kriseplan tilgængelig for lægevagten"));
    let panels = &page[page.find("id=\"report-panels\"").expect("the panels table")..];
    let panels = &panels[..panels.find("</table>").unwrap()];
    // Each panel: 7 members × 2 cases, every one submitted.
    assert_eq!(
        panels.matches("<td>14 af 14</td><td>100,0 %</td>").count(),
        2,
        "{panels}"
    );
    assert!(
        page.contains(
            "<td>2027-03-31</td><td>Samarbejdsudvalget gennemgår kriseplanerne i marts</td>"
        ),
        "the action plan's columns are filled"
    );
    // Quotes under the theme they echo; the rest after the themes.
    let themed = page
        .find("<h5>Tema: Natlige henvendelser uden plan</h5>")
        .expect("a theme heading over its quotes");
    let rest = page.find("<h5>Uden for temaerne</h5>").unwrap();
    let quote = page
        .find("natlige henvendelser blev ikke fulgt op")
        .unwrap();
    assert!(themed < quote && quote < rest, "{themed} {quote} {rest}");
    assert!(
        page.contains("<style>"),
        "a report file carries its own styles"
    );
    // As words: the integrity section and the receipt carry hexadecimal hashes, in which
    // any run of digits turns up sooner or later.
    for id in ["SAG1", "SAG2", "SAG3", "SAG4", "Jonas Kristensen", "140378"] {
        assert!(!contains_word(&page, id), "{id} in the report");
    }
    let printed = std::fs::read(&pdf).unwrap();
    assert!(printed.starts_with(b"%PDF-"));
    // A4 (595 × 842 points), as the stylesheet's @page asks, not chromium's US Letter.
    let (width, height) = media_box(&printed).expect("a page with a media box");
    assert!(
        (594.0..=597.0).contains(&width) && (841.0..=843.0).contains(&height),
        "{width} × {height} points"
    );

    // The report carries its receipt inside; the PDF has one beside it.
    assert!(page.contains("id=\"casetrail-receipt\""));
    let checked = ok(
        &data,
        &[
            "verify-receipt",
            html.to_str().unwrap(),
            "--public-key",
            public_s,
        ],
    );
    assert!(checked.contains("content checked"), "{checked}");
    let pdf_receipt = out.join("report.pdf.receipt.json");
    // Without a trusted key a receipt that holds together is not enough: exit 3, and the
    // fingerprint to compare.
    let untrusted = casetrail(&data, &["verify-receipt", pdf_receipt.to_str().unwrap()]);
    assert_eq!(
        untrusted.status.code(),
        Some(3),
        "{}",
        text(&untrusted.stderr)
    );
    assert!(text(&untrusted.stderr).contains("UNTRUSTED"));
    // The fingerprint as the organisation publishes it (`casetrail public-key`).
    let published = ok(&data, &["public-key"]);
    let fingerprint = published
        .split_whitespace()
        .find(|w| w.len() == 39 && w.matches(':').count() == 7)
        .unwrap_or_else(|| panic!("{published}"))
        .to_owned();
    assert!(text(&untrusted.stderr).contains(&fingerprint));
    let checked = ok(
        &data,
        &[
            "verify-receipt",
            pdf_receipt.to_str().unwrap(),
            "--trust-fingerprint",
            &fingerprint,
        ],
    );
    assert!(checked.contains("content checked"), "{checked}");
    let other = casetrail(
        &data,
        &[
            "verify-receipt",
            pdf_receipt.to_str().unwrap(),
            "--trust-fingerprint",
            "0000:0000:0000:0000:0000:0000:0000:0000",
        ],
    );
    assert_eq!(other.status.code(), Some(1), "another key's fingerprint");
    let malformed = dir.path().join("malformed.receipt.json");
    std::fs::write(&malformed, "{\"not\": \"a receipt\"}").unwrap();
    let refused = casetrail(&data, &["verify-receipt", malformed.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    assert!(text(&refused.stderr).contains("REJECTED"));
    let altered = dir.path().join("altered.html");
    std::fs::write(
        &altered,
        page.replacen("Fælles kriseplan", "Fælles plan", 1),
    )
    .unwrap();
    let rejected = casetrail(&data, &["verify-receipt", altered.to_str().unwrap()]);
    assert_eq!(rejected.status.code(), Some(1));
    assert!(
        text(&rejected.stderr).contains("REJECTED"),
        "{}",
        text(&rejected.stderr)
    );
}

#[test]
fn another_questionnaire_needs_no_code_and_a_broken_one_is_refused_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let broken = dir.path().join("broken.questionnaire");
    std::fs::write(
        &broken,
        "questionnaire lokal version 2\ntitle da: Lokal\ntitle en: Local\nquestion q1 rating tre per-case\nda: a\nen: b\n",
    )
    .unwrap();
    let err = refused(
        &data,
        &a(&[
            "create",
            "--title",
            "x",
            "--questionnaire",
            broken.to_str().unwrap(),
        ]),
    );
    assert!(
        err.contains("line 4: question q1 uses scale tre, which is not defined above it"),
        "{err}"
    );

    let three = dir.path().join("three.questionnaire");
    std::fs::write(
        &three,
        "questionnaire lokal version 2\ntitle da: Lokal\ntitle en: Local\n\
         scale tre\nstep 0 da: Nej | en: No\nstep 1 da: Delvis | en: Partly\nstep 2 da: Ja | en: Yes\n\
         missing da: Ved ikke | en: Don't know\n\
         question plan rating tre per-case\nda: Var der en plan?\nen: Was there a plan?\n\
         question ideas text per-audit\nda: Idéer?\nen: Ideas?\n",
    )
    .unwrap();
    ok(
        &data,
        &a(&[
            "create",
            "--title",
            "Lokal audit",
            "--questionnaire",
            three.to_str().unwrap(),
        ]),
    );
    ok(
        &data,
        &a(&[
            "add-member",
            "--panel",
            "P",
            "--member",
            "m",
            "--sector",
            "police",
            "--role",
            "betjent",
        ]),
    );
    ok(
        &data,
        &a(&["open", "--reason", "Én politibetjent prøver spørgeskemaet"]),
    );
    // A per-audit question takes no case; a per-case question is refused without one.
    ok(
        &data,
        &a(&[
            "answer",
            "--member",
            "m",
            "--question",
            "ideas",
            "--value",
            "Fælles vagtnummer",
        ]),
    );
    let err = refused(
        &data,
        &a(&[
            "answer",
            "--member",
            "m",
            "--question",
            "plan",
            "--value",
            "1",
        ]),
    );
    assert!(err.contains("asked per case: name the case"), "{err}");
    ok(&data, &a(&["submit", "--member", "m"]));
    let s = status(&data, Some("m"));
    assert_eq!(s["answers"][0]["value"]["text"], "Fælles vagtnummer");
    assert_eq!(s["state"]["questionnaire"], "lokal");
}

#[test]
fn an_audit_id_that_is_no_id_is_refused_and_no_export_leaves_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = dir.path().join("out");
    for id in ["../../elsewhere/evil", "a/b", "<script>y", "a b", ".", ""] {
        let created = casetrail(
            &data,
            &[
                "audit",
                "--id",
                id,
                "--actor",
                "facilitator",
                "create",
                "--title",
                "T",
            ],
        );
        assert_eq!(
            created.status.code(),
            Some(2),
            "{id:?}: {}",
            text(&created.stderr)
        );
        assert!(text(&created.stderr).contains("not an audit id"), "{id:?}");
        let export = casetrail(
            &data,
            &[
                "export",
                "--audit",
                id,
                "--format",
                "json",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_ne!(export.status.code(), Some(0), "{id:?}");
    }
    assert!(
        !dir.path().join("elsewhere").exists(),
        "nothing outside --out"
    );
}

/// The first page's size in points, from its `/MediaBox [0 0 w h]`.
fn media_box(pdf: &[u8]) -> Option<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    let at = text.find("/MediaBox")?;
    let open = at + text[at..].find('[')?;
    let close = open + text[open..].find(']')?;
    let numbers: Vec<f64> = text[open + 1..close]
        .split_whitespace()
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    match numbers[..] {
        [x0, y0, x1, y1] => Some((x1 - x0, y1 - y0)),
        _ => None,
    }
}
