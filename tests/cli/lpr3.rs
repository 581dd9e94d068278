//! LPR3 extracts: the example extract in `fixtures/import/lpr3/` imports with one command,
//! again without writing anything twice, and gives the same stage-1 figures as the same
//! contacts written as casetrail's contacts CSV; a bad extract is refused whole, with line
//! and column, and nothing is written.

use std::path::{Path, PathBuf};

use crate::{casetrail, ok, text};

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/import/lpr3")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

fn lpr3(data: &Path, contacts: &str, diagnoses: &str, extra: &[&str]) -> std::process::Output {
    let mapping = fixture("mapping.toml");
    let mut args = vec!["import", "--format", "lpr3", "--mapping", &mapping];
    args.extend_from_slice(extra);
    args.extend([contacts, diagnoses]);
    casetrail(data, &args)
}

/// The example extract's contacts, as casetrail's own contacts CSV gives them.
const SAME_AS_CSV: &str = "patient,cpr,start,end,sector,kind,priority,diagnosis,unit,note
P1,010190-4321,2019-03-01T22:10,2019-03-02T03:40,region,psychiatric_emergency,acute,DF209,Psykiatrisk akutmodtagelse,
P1,010190-4321,2019-03-02T04:05,2019-03-06T11:00,region,ward_admission,acute,DF200;DF101,Sengeafsnit P1,
P1,010190-4321,2019-03-12T19:30,2019-03-15T10:00,region,ward_admission,acute,DF200,Sengeafsnit P1,
P1,010190-4321,2019-03-20T10:00,2019-03-20T10:45,region,outpatient_visit,planned,DF200,Ambulatorium for psykoser,
P2,150785-4328,2019-05-03T09:00,2019-05-10T12:00,region,ward_admission,acute,DF312,Sengeafsnit P1,
P2,150785-4328,2019-05-20T16:00,,region,ward_admission,acute,DF312;DZ915,Sengeafsnit P1,
";

fn stage1(data: &Path, definition: &str) -> serde_json::Value {
    let out = ok(
        data,
        &[
            "stage1",
            "--year",
            "2019",
            "--format",
            "json",
            "--definition",
            definition,
        ],
    );
    serde_json::from_str(&out).unwrap()
}

#[test]
fn an_lpr3_extract_imports_once_and_agrees_with_the_contacts_csv() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("lpr3");
    let (contacts, diagnoses) = (fixture("kontakter.csv"), fixture("diagnoser.csv"));

    let dry = lpr3(&data, &contacts, &diagnoses, &["--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(
        text(&dry.stdout).contains("would import 6 rows for 2 patients (2 new"),
        "{}",
        text(&dry.stdout)
    );
    let first = lpr3(&data, &contacts, &diagnoses, &[]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("6 rows for 2 patients (2 new, 0 already in the record)"),
        "{}",
        text(&first.stdout)
    );
    let again = lpr3(&data, &contacts, &diagnoses, &[]);
    assert!(
        text(&again.stdout).contains("(0 new, 2 already in the record); 0 events appended"),
        "the same people under the same ids, nothing written twice: {}",
        text(&again.stdout)
    );

    let csv_data = dir.path().join("csv");
    let csv: PathBuf = dir.path().join("same.csv");
    std::fs::write(&csv, SAME_AS_CSV).unwrap();
    ok(&csv_data, &["import", csv.to_str().unwrap()]);
    for definition in ["stays-2017", "hospital-stays"] {
        assert_eq!(
            stage1(&data, definition),
            stage1(&csv_data, definition),
            "{definition}"
        );
    }
    assert_eq!(stage1(&data, "stays-2017")["admissions"], 4);
    assert_eq!(stage1(&data, "stays-2017")["readmissions"], 2);
}

#[test]
fn a_bad_lpr3_extract_is_refused_whole_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let contacts = dir.path().join("kontakter.csv");
    let good = std::fs::read_to_string(fixture("kontakter.csv")).unwrap();
    std::fs::write(&contacts, good.replace(",ATA3,", ",ATA9,")).unwrap();
    let out = lpr3(
        &data,
        contacts.to_str().unwrap(),
        &fixture("diagnoser.csv"),
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("line 5: prioritet: \"ATA9\" is not one of ATA1, ATA3"),
        "{err}"
    );
    assert!(
        text(&ok(&data, &["head"]).into_bytes()).contains("the ledger is empty"),
        "nothing written"
    );
    // A contact whose forløbselement the third table does not hold is refused at its
    // episode column, and nothing is written either.
    let episodes = dir.path().join("forloebselementer.csv");
    let all = std::fs::read_to_string(fixture("forloebselementer.csv")).unwrap();
    let without_f503: String = all
        .lines()
        .filter(|l| !l.starts_with("F503,"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&episodes, without_f503).unwrap();
    let mapping = fixture("mapping.toml");
    let (good_contacts, good_diagnoses) = (fixture("kontakter.csv"), fixture("diagnoser.csv"));
    let unknown = casetrail(
        &data,
        &[
            "import",
            "--format",
            "lpr3",
            "--mapping",
            &mapping,
            &good_contacts,
            &good_diagnoses,
            episodes.to_str().unwrap(),
        ],
    );
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown.stderr));
    let err = text(&unknown.stderr);
    assert!(err.contains("line 5: DW_EK_FORLOEB:"), "{err}");
    assert!(err.contains("F503"), "{err}");
    assert!(
        text(&ok(&data, &["head"]).into_bytes()).contains("the ledger is empty"),
        "nothing written"
    );
    let missing = casetrail(
        &data,
        &["import", "--format", "lpr3", &fixture("kontakter.csv")],
    );
    assert!(!missing.status.success());
    assert!(
        text(&missing.stderr).contains("--mapping"),
        "{}",
        text(&missing.stderr)
    );
}

/// The same synthetic region, generated as a contacts CSV and as an LPR3 extract, gives the
/// same stage-1 figures under both readmission definitions.
#[test]
fn a_generated_region_gives_the_same_stage1_as_csv_and_as_lpr3() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("region.csv");
    let tables = dir.path().join("lpr3");
    let region = ["--patients", "300", "--year", "2019", "--seed", "7"];
    let scratch = dir.path().join("scratch");
    let mut args = vec!["generate", "--out", csv.to_str().unwrap()];
    args.extend(region);
    ok(&scratch, &args);
    let mut args = vec![
        "generate",
        "--format",
        "lpr3",
        "--out",
        tables.to_str().unwrap(),
    ];
    args.extend(region);
    let said = ok(&scratch, &args);
    assert!(said.contains("SOR units"), "{said}");

    let from_csv = dir.path().join("from-csv");
    ok(&from_csv, &["import", csv.to_str().unwrap()]);
    let from_lpr3 = dir.path().join("from-lpr3");
    let file = |name: &str| tables.join(name).to_str().unwrap().to_owned();
    let out = casetrail(
        &from_lpr3,
        &[
            "import",
            "--format",
            "lpr3",
            "--mapping",
            &file("mapping.toml"),
            &file("kontakter.csv"),
            &file("diagnoser.csv"),
            &file("forloebselementer.csv"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    for definition in ["stays-2017", "hospital-stays"] {
        let (a, b) = (
            stage1(&from_csv, definition),
            stage1(&from_lpr3, definition),
        );
        assert_eq!(a, b, "{definition}");
        assert!(a["admissions"].as_u64().unwrap() > 100, "{a}");
    }
}
