//! An extract larger than one sorted run: the rows go through the sealed scratch files and
//! come back a patient at a time, each patient's rows in file order, nothing lost or doubled.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use casetrail_app::{AppError, CaseFileError, ImportOptions, Quiet, Workbench};

use crate::open;

const HEADER: &str = "patient,cpr,start,end,sector,kind,priority,diagnosis,unit,note,organisation,name,municipality,plan,plan_action\n";
const PATIENTS: usize = 450;
/// More rows than two runs hold (25,000 each), so at least three are written and merged.
const ROWS: usize = 61_000;

/// Row `i` belongs to patient `i % PATIENTS`: every patient's rows are spread over the whole
/// file and over every run, the hardest order for the merge. Each note names its row.
fn extract() -> String {
    let mut csv = String::from(HEADER);
    for i in 0..ROWS {
        let p = i % PATIENTS;
        let day = 1 + (i / PATIENTS) % 28;
        let month = 1 + (i / PATIENTS / 28) % 12;
        csv.push_str(&format!(
            "S{p:04},{:02}{:02}70-{:04},2018-{month:02}-{day:02}T{:02}:{:02},,general_practice,gp_consultation,planned,,Lægehuset,Række {i},Lægehuset,Person {p},Aarhus,,\n",
            1 + p % 28,
            1 + p / 28 % 12,
            1000 + p,
            8 + (i / 60) % 12,
            i % 60,
        ));
    }
    // The same row twice, far apart: one event, as within a run.
    let first = csv.lines().nth(1).unwrap().to_string();
    csv.push_str(&first);
    csv.push('\n');
    csv
}

/// A temporary folder with an empty workbench in `data` and the extract in `big.csv`.
fn with_extract() -> (tempfile::TempDir, PathBuf, Workbench, PathBuf) {
    with_file(&extract())
}

/// A temporary folder with an empty workbench in `data` and `text` in `big.csv`.
fn with_file(text: &str) -> (tempfile::TempDir, PathBuf, Workbench, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let wb = open(&data);
    let file = dir.path().join("big.csv");
    std::fs::write(&file, text).unwrap();
    (dir, data, wb, file)
}

#[test]
fn an_extract_larger_than_a_run_imports_every_row_once_in_file_order_per_patient() {
    let (dir, data, wb, file) = with_extract();

    let summary = wb
        .import_file(&file, ImportOptions::default(), "anna", &mut Quiet)
        .unwrap();
    assert_eq!(summary.rows, ROWS + 1);
    assert_eq!(summary.patients, PATIENTS);
    assert_eq!(
        summary.appended,
        ROWS + PATIENTS,
        "a registration each, the double once"
    );
    let scratch = data.join("tmp");
    let left = std::fs::read_dir(&scratch).map_or(0, |d| d.count());
    assert_eq!(left, 0, "no scratch file stays behind");

    // Read back through the exporter: each patient's notes in the order of the file.
    let out = out_again(&wb);
    let written = out.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(written, ROWS + PATIENTS, "one line per event");
    let mut notes: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut first_of: BTreeMap<String, String> = BTreeMap::new();
    for line in String::from_utf8(out).unwrap().lines() {
        let event: serde_json::Value = serde_json::from_str(line).unwrap();
        let data = &event["data"];
        let patient = data["patient"].as_str().unwrap().to_owned();
        match event["type"].as_str().unwrap() {
            "PatientRegistered" => {
                assert!(!notes.contains_key(&patient), "registered before its rows");
                first_of.insert(patient, data["name"].as_str().unwrap().to_owned());
            }
            "ContactRecorded" => {
                assert!(
                    first_of.contains_key(&patient),
                    "{patient}: registered first"
                );
                let note = data["note"].as_str().unwrap();
                let row: usize = note.strip_prefix("Række ").unwrap().parse().unwrap();
                notes.entry(patient).or_default().push(row);
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(notes.len(), PATIENTS);
    for (patient, rows) in &notes {
        let p: usize = patient[1..].parse().unwrap();
        let expected: Vec<usize> = (p..ROWS).step_by(PATIENTS).collect();
        assert_eq!(rows, &expected, "{patient}: every row once, in file order");
        assert_eq!(first_of[patient], format!("Person {p}"));
    }

    // Importing it again finds every event stored, through the same scratch files.
    let again = wb
        .import_file(&file, ImportOptions::default(), "anna", &mut Quiet)
        .unwrap();
    assert_eq!((again.appended, again.already_stored), (0, ROWS + PATIENTS));

    // The export, itself longer than a run, imports into another folder line by line and in
    // its order: exported again, it is the same text.
    let exported = dir.path().join("events.jsonl");
    std::fs::write(&exported, out_again(&wb)).unwrap();
    let other = open(&dir.path().join("other"));
    let copied = other
        .import_file(&exported, ImportOptions::default(), "anna", &mut Quiet)
        .unwrap();
    assert_eq!(copied.appended, ROWS + PATIENTS);
    assert_eq!(out_again(&other), std::fs::read(&exported).unwrap());
}

/// The workbench's events exported as JSON Lines.
fn out_again(wb: &Workbench) -> Vec<u8> {
    let mut out = Vec::new();
    wb.export_events(&mut out).unwrap();
    out
}

#[test]
fn a_dry_run_of_a_large_extract_writes_no_scratch_file() {
    let (_dir, data, wb, file) = with_extract();
    let options = ImportOptions {
        dry_run: true,
        ..ImportOptions::default()
    };
    let summary = wb.import_file(&file, options, "anna", &mut Quiet).unwrap();
    assert_eq!((summary.rows, summary.new_patients), (ROWS + 1, PATIENTS));
    assert!(
        !Path::new(&data.join("tmp")).exists(),
        "nothing under DATA/tmp"
    );
    assert!(wb.head().is_none(), "nothing appended");
}

/// `n` rows whose CPR number is not one, after one valid row.
fn bad_rows(n: usize) -> String {
    let mut csv = String::from(HEADER);
    csv.push_str("S0001,010170-1000,2018-01-01T10:00,,general_practice,gp_consultation,planned,,Lægehuset,,Lægehuset,Person 1,Aarhus,,\n");
    for i in 0..n {
        csv.push_str(&format!(
            "S{i:04},not a cpr,2018-01-01T10:00,,general_practice,gp_consultation,planned,,Lægehuset,,Lægehuset,,Aarhus,,\n"
        ));
    }
    csv
}

#[test]
fn a_file_of_many_bad_rows_is_refused_holding_only_the_first_and_counting_all() {
    let (_dir, _, wb, file) = with_file(&bad_rows(1_234));
    let err = wb
        .import_file(&file, ImportOptions::default(), "anna", &mut Quiet)
        .unwrap_err();
    let AppError::CaseFile(CaseFileError::InvalidRows {
        rejected, total, ..
    }) = &err
    else {
        panic!("{err}");
    };
    assert_eq!((rejected.len(), *total), (1_000, 1_234));
    assert_eq!(rejected[0].line, 3, "the first bad rows, in file order");
    assert!(err.to_string().contains("1234 of its rows"), "{err}");
    assert!(wb.head().is_none());
}

#[test]
fn more_bad_rows_than_can_be_set_aside_refuse_the_file_and_write_no_rejected_file() {
    let (_dir, _, wb, file) = with_file(&bad_rows(50_001));
    let skip = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let err = wb
        .import_file(&file, skip.clone(), "anna", &mut Quiet)
        .unwrap_err();
    assert!(
        matches!(
            err,
            AppError::CaseFile(CaseFileError::TooManyInvalid {
                total: 50_001,
                limit: 50_000,
                ..
            })
        ),
        "{err}"
    );
    assert!(!file.with_extension("rejected.csv").exists());
    assert!(wb.head().is_none(), "nothing imported");

    // At the limit, they are set aside and the valid row imported.
    std::fs::write(&file, bad_rows(50_000)).unwrap();
    let summary = wb.import_file(&file, skip, "anna", &mut Quiet).unwrap();
    assert_eq!((summary.rows, summary.rejected), (1, 50_000));
    let written = std::fs::read_to_string(file.with_extension("rejected.csv")).unwrap();
    assert_eq!(
        written.lines().count(),
        50_001,
        "a header and every bad row"
    );
}
