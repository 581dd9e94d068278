//! One patient id is one person: a second extract cannot merge two people.

use std::path::Path;

use casetrail_app::{AppError, CaseFileError, ImportOptions, Quiet, Renames, UploadKind};

use crate::{CONTACTS, open, with_contacts};

const HEADER: &str = "patient,cpr,start,end,sector,kind,priority,diagnosis,unit,note,organisation,name,municipality,plan,plan_action\n";

fn other_person(id: &str) -> String {
    format!(
        "{HEADER}{id},050590-2218,2019-03-01T10:00,2019-03-01T11:00,general_practice,gp_consultation,planned,,Lægehuset,Samtale.,Lægehuset,Tove Agersø,Viborg,,\n"
    )
}

#[test]
fn a_known_patient_id_with_another_cpr_number_is_refused_naming_the_id() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let wb = with_contacts(&data);
    let head = wb.head();
    let file = dir.path().join("second.csv");
    std::fs::write(&file, other_person("P0001")).unwrap();
    let err = wb
        .import_file(&file, ImportOptions::default(), "anna", &mut Quiet)
        .unwrap_err();
    assert!(
        matches!(
            err,
            AppError::CaseFile(CaseFileError::IdentityConflict { count: 1, .. })
        ),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("P0001") && message.contains("Nothing was imported"),
        "{message}"
    );
    assert!(
        !message.contains("--"),
        "the façade's message carries no command-line advice: {message}"
    );
    assert!(
        !message.contains("050590"),
        "no CPR number in the message: {message}"
    );
    assert_eq!(wb.head(), head, "nothing was written");

    // The same id through an upload is refused alike.
    let upload = wb.import_bytes(
        other_person("P0001").as_bytes(),
        UploadKind::Csv,
        "anna",
        &mut Quiet,
    );
    assert!(
        matches!(
            upload,
            Err(AppError::CaseFile(CaseFileError::IdentityConflict { .. }))
        ),
        "{upload:?}"
    );

    // Mapped to a new id explicitly, the other person is imported as another patient.
    let options = ImportOptions {
        renames: Renames::parse(["P0001=P0901"]).unwrap(),
        ..ImportOptions::default()
    };
    let summary = wb.import_file(&file, options, "anna", &mut Quiet).unwrap();
    assert_eq!((summary.patients, summary.new_patients), (1, 1));
    let pathway = wb.pathway("P0901").unwrap();
    assert!(format!("{pathway:?}").contains("Tove Agersø"));
    let first = wb.pathway("P0001").unwrap();
    assert!(
        !format!("{first:?}").contains("Tove Agersø"),
        "P0001 is untouched"
    );
}

#[test]
fn the_same_person_again_is_no_conflict_whatever_the_hyphen() {
    let dir = tempfile::tempdir().unwrap();
    let wb = with_contacts(&dir.path().join("data"));
    let again = format!(
        "{HEADER}P0001,0707614285,2019-03-01T10:00,2019-03-01T11:00,general_practice,gp_consultation,planned,,Lægehuset,Samtale.,Lægehuset,Bent Madsen,Aarhus,,\n"
    );
    let file = dir.path().join("again.csv");
    std::fs::write(&file, again).unwrap();
    let summary = wb
        .import_file(&file, ImportOptions::default(), "anna", &mut Quiet)
        .unwrap();
    assert_eq!((summary.patients, summary.new_patients), (1, 0));
}

#[test]
fn an_explicit_event_id_of_another_patients_event_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let wb = open(&dir.path().join("data"));
    let line = |patient: &str, cpr: &str, name: &str| {
        format!(
            "{{\"id\": \"5a3c0000000000000000000000000777\", \"type\": \"PatientRegistered\", \"data\": {{\"patient\": \"{patient}\", \"cpr\": \"{cpr}\", \"name\": \"{name}\", \"birth_year\": 1990, \"sex\": \"female\", \"municipality\": \"Viborg\"}}}}\n"
        )
    };
    let first = line("Q1", "050590-2218", "Tove Agersø");
    wb.import_bytes(first.as_bytes(), UploadKind::JsonLines, "anna", &mut Quiet)
        .unwrap();
    let again = wb
        .import_bytes(first.as_bytes(), UploadKind::JsonLines, "anna", &mut Quiet)
        .unwrap();
    assert_eq!(
        again.already_stored, 1,
        "the same event again is already stored"
    );
    let head = wb.head();
    let other = line("Q2", "120488-3319", "Sørine Vestergaard");
    let err = wb
        .import_bytes(other.as_bytes(), UploadKind::JsonLines, "anna", &mut Quiet)
        .unwrap_err();
    assert!(
        matches!(err, AppError::CaseFile(CaseFileError::EventIdTaken { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("patient-Q1"), "{err}");
    assert_eq!(wb.head(), head, "nothing was written");
}

#[test]
fn a_dry_run_shows_new_and_existing_patients_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let wb = with_contacts(&dir.path().join("data"));
    let head = wb.head();
    let dry = ImportOptions {
        dry_run: true,
        ..ImportOptions::default()
    };
    // The same file again: every patient is already in the record.
    let again = wb
        .import_file(Path::new(CONTACTS), dry.clone(), "anna", &mut Quiet)
        .unwrap();
    assert!(again.patients > 0);
    assert_eq!((again.new_patients, again.appended), (0, 0));
    // Another person under a known id is refused before anything, as the import would.
    let file = dir.path().join("second.csv");
    std::fs::write(&file, other_person("P0001")).unwrap();
    let err = wb
        .import_file(&file, dry.clone(), "anna", &mut Quiet)
        .unwrap_err();
    assert!(
        matches!(
            err,
            AppError::CaseFile(CaseFileError::IdentityConflict { .. })
        ),
        "{err}"
    );
    // A new person: shown as new, not written.
    std::fs::write(&file, other_person("P0777")).unwrap();
    let new = wb.import_file(&file, dry, "anna", &mut Quiet).unwrap();
    assert_eq!((new.patients, new.new_patients, new.appended), (1, 1, 0));
    assert_eq!(wb.head(), head, "a dry run writes nothing");
    assert!(wb.pathway("P0777").is_err(), "no patient was made");
}
