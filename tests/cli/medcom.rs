//! MedCom messages: the example hospital notifications and care communications in
//! `fixtures/import/medcom/` import with one command (a folder), again without writing anything twice; their revisions and
//! cancellations are corrections; a generated region's notifications give the stage-1
//! figures its contacts CSV gives, but for the diagnoses the messages do not carry; a bad
//! message is refused with its file and place, and nothing is written.

use std::path::{Path, PathBuf};

use crate::{casetrail, ok, text};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/import/medcom")
}

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

/// Stage 1 without the table by diagnosis, which notifications cannot fill.
fn without_diagnoses(mut report: serde_json::Value) -> serde_json::Value {
    report.as_object_mut().unwrap().remove("by_diagnosis");
    report
}

/// The example messages' two stays, as casetrail's own contacts CSV gives them (which needs
/// a main diagnosis the messages do not carry).
const SAME_AS_CSV: &str = "patient,cpr,start,end,sector,kind,priority,diagnosis,unit,note
P1,010190-4321,2019-03-01T22:10,2019-03-06T11:00,region,ward_admission,acute,DF200,Sengeafsnit P1,
P2,150785-4328,2019-05-03T09:00,2019-05-10T12:00,region,ward_admission,planned,DF312,Sengeafsnit P1,
";

#[test]
fn the_example_notifications_import_once_with_their_corrections() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("medcom");
    let folder = fixtures();
    let folder = folder.to_str().unwrap();
    let dry = ok(
        &data,
        &["import", "--format", "medcom", "--dry-run", folder],
    );
    assert!(
        dry.contains("would import 12 messages for 2 patients (2 new"),
        "{dry}"
    );
    let first = ok(&data, &["import", "--format", "medcom", folder]);
    assert!(
        first.contains("imported 12 messages for 2 patients (2 new, 0 already in the record); 14 events appended"),
        "{first}"
    );
    let again = ok(&data, &["import", "--format", "medcom", folder]);
    assert!(
        again.contains("(0 new, 2 already in the record); 0 events appended, 14 already stored"),
        "{again}"
    );
    // The export reads the notifications back, personal fields opened; the panel's timeline
    // shows the stay and names neither the patient nor the ward nor the hospital.
    let export = dir.path().join("events.jsonl");
    ok(&data, &["export-events", export.to_str().unwrap()]);
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&export)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let types = |t: &str| lines.iter().filter(|l| l["type"] == t).count();
    assert_eq!((types("HospitalNotified"), types("Corrected")), (8, 2));
    // the two care communications: material from the municipality and the GP, one thread
    let material: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["type"] == "MaterialAttached")
        .collect();
    assert_eq!(material.len(), 2);
    assert_eq!(material[0]["data"]["source"], "municipal_notes");
    assert_eq!(material[1]["data"]["source"], "general_practice");
    let thread = |m: &serde_json::Value| {
        let text = m["data"]["text"].as_str().unwrap().to_owned();
        text.split("(tråd ")
            .nth(1)
            .unwrap()
            .split(')')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        thread(material[0]),
        thread(material[1]),
        "the reply keeps the thread"
    );
    let jens = lines
        .iter()
        .find(|l| l["type"] == "PatientRegistered" && l["data"]["name"] == "Jens Testesen")
        .expect("the registration, name opened");
    let patient = jens["data"]["patient"].as_str().unwrap();
    assert!(
        patient.starts_with('L') && !patient.contains("010190"),
        "{patient}"
    );
    let key = dir.path().join("pseudonym.key");
    std::fs::write(&key, "5a".repeat(32)).unwrap();
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let key = key.to_str().unwrap();
    let timeline = ok(
        &data,
        &["timeline", "--case", patient, "--key", key, "--anonymised"],
    );
    assert!(
        timeline.contains("booket til samtale hos egen læge"),
        "the GP's reply is material"
    );
    for secret in [
        "Testesen",
        "Sengeafsnit P1",
        "Aarhus Universitetshospital",
        "Aarhus Kommune",
    ] {
        assert!(
            !timeline.contains(secret),
            "{secret} in the panel's timeline"
        );
    }
    let timeline: serde_json::Value = serde_json::from_str(&timeline).unwrap();
    assert_eq!(
        timeline["stays"].as_array().map(Vec::len),
        Some(1),
        "{timeline}"
    );

    let csv_data = dir.path().join("csv");
    let csv = dir.path().join("same.csv");
    std::fs::write(&csv, SAME_AS_CSV).unwrap();
    ok(&csv_data, &["import", csv.to_str().unwrap()]);
    for definition in ["stays-2017", "hospital-stays"] {
        let (a, b) = (stage1(&data, definition), stage1(&csv_data, definition));
        assert_eq!(
            without_diagnoses(a.clone()),
            without_diagnoses(b),
            "{definition}"
        );
        assert_eq!(a["admissions"], 2, "{a}");
        assert_eq!(a["acute_admissions"], 1, "{a}");
    }
}

#[test]
fn a_bad_message_is_refused_with_its_file_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let folder = dir.path().join("messages");
    std::fs::create_dir(&folder).unwrap();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if path.ends_with("07-discharge.json") {
            text = text.replace("2019-03-06T11:00:00+01:00", "6 March");
        }
        std::fs::write(folder.join(path.file_name().unwrap()), text).unwrap();
    }
    // a cancellation whose message is not there
    std::fs::remove_file(folder.join("05-discharge.json")).unwrap();
    let out = casetrail(
        &data,
        &["import", "--format", "medcom", folder.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "07-discharge.json: entry[2] Encounter: period.end: \"6 March\" is not an instant"
        ),
        "{err}"
    );
    assert!(
        err.contains("06-cancel-discharge.json: corrects message")
            && err.contains("neither among these messages nor in the record"),
        "{err}"
    );
    assert!(
        err.contains("2 of the messages are invalid, so nothing was imported"),
        "{err}"
    );
    assert!(
        ok(&data, &["head"]).contains("the ledger is empty"),
        "nothing written"
    );

    let skipped = ok(
        &data,
        &[
            "import",
            "--format",
            "medcom",
            "--skip-invalid",
            folder.to_str().unwrap(),
        ],
    );
    assert!(
        skipped.contains("imported 9 messages for 2 patients"),
        "{skipped}"
    );

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = casetrail(
        &data,
        &["import", "--format", "medcom", empty.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("holds no .json files"),
        "{}",
        text(&out.stderr)
    );
}

/// The same synthetic region, generated as a contacts CSV and as hospital notifications,
/// gives the same stage-1 figures under both definitions (the table by diagnosis aside).
#[test]
fn a_generated_region_gives_the_same_stage1_as_csv_and_as_notifications() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("region.csv");
    let messages = dir.path().join("medcom");
    let region = ["--patients", "300", "--year", "2019", "--seed", "7"];
    let scratch = dir.path().join("scratch");
    let mut args = vec!["generate", "--out", csv.to_str().unwrap()];
    args.extend(region);
    ok(&scratch, &args);
    let mut args = vec![
        "generate",
        "--format",
        "medcom",
        "--out",
        messages.to_str().unwrap(),
    ];
    args.extend(region);
    let said = ok(&scratch, &args);
    assert!(said.contains("revisions or cancellations"), "{said}");

    let from_csv = dir.path().join("from-csv");
    ok(&from_csv, &["import", csv.to_str().unwrap()]);
    let from_medcom = dir.path().join("from-medcom");
    let out = casetrail(
        &from_medcom,
        &["import", "--format", "medcom", messages.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The region's LPR3 extract and its notifications in one record: the notified stays are
    // the LPR3 contacts' (the same forløbselement), counted once, diagnoses and all.
    let tables = dir.path().join("lpr3");
    let mut args = vec![
        "generate",
        "--format",
        "lpr3",
        "--out",
        tables.to_str().unwrap(),
    ];
    args.extend(region);
    ok(&scratch, &args);
    let file = |name: &str| tables.join(name).to_str().unwrap().to_owned();
    let lpr3 = [
        "import",
        "--format",
        "lpr3",
        "--mapping",
        &file("mapping.toml"),
        &file("kontakter.csv"),
        &file("diagnoser.csv"),
    ];
    let both = dir.path().join("both");
    ok(&both, &lpr3);
    let lpr3_alone = dir.path().join("lpr3-alone");
    ok(&lpr3_alone, &lpr3);
    ok(
        &both,
        &["import", "--format", "medcom", messages.to_str().unwrap()],
    );
    for definition in ["stays-2017", "hospital-stays"] {
        assert_eq!(
            stage1(&both, definition),
            stage1(&lpr3_alone, definition),
            "{definition}"
        );
    }
    for definition in ["stays-2017", "hospital-stays"] {
        let (a, b) = (
            stage1(&from_csv, definition),
            stage1(&from_medcom, definition),
        );
        assert_eq!(
            without_diagnoses(a.clone()),
            without_diagnoses(b),
            "{definition}"
        );
        assert!(a["admissions"].as_u64().unwrap() > 100, "{a}");
        assert!(a["readmissions"].as_u64().unwrap() > 10, "{a}");
    }
}
