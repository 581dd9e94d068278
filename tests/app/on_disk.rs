//! Personal data is only on disk where it is sealed, and only its owner can read the folder.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use casetrail_app::{MaterialSource, NaiveDate, Quiet, UploadKind};

use crate::{open, with_contacts};

/// Every file and folder under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_owned()];
    let mut i = 0;
    while i < out.len() {
        if out[i].is_dir() {
            let mut children: Vec<PathBuf> = std::fs::read_dir(&out[i])
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            children.sort();
            out.extend(children);
        }
        i += 1;
    }
    out
}

/// The files under `dir` whose bytes hold `needle`.
fn holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|p| p.is_file())
        .filter(|p| {
            std::fs::read(p)
                .unwrap()
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
        })
        .collect()
}

fn assert_clean(data: &Path, secrets: &[&str], after: &str) {
    for secret in secrets {
        assert_eq!(
            holding(data, secret),
            Vec::<PathBuf>::new(),
            "after {after}: {secret:?} on disk in the clear"
        );
    }
}

fn assert_owner_only(data: &Path, after: &str) {
    for path in walk(data) {
        let mode = std::fs::symlink_metadata(&path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        let wanted = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(
            mode,
            wanted,
            "after {after}: {} has mode {mode:o}",
            path.display()
        );
    }
}

const UPLOAD: &str = "patient,cpr,start,end,sector,kind,priority,diagnosis,unit,note,organisation,name,municipality,plan,plan_action\n\
P7001,120488-3319,2019-02-03T22:40,2019-02-03T23:05,out_of_hours,out_of_hours_doctor,acute,,Vagtlæge Nord,\"Ringer om natten. Kontakt: Sørine Vestergaard 41 52 63 74.\",Vagtlægen,Sørine Vestergaard,Randers,,\n";

const BAD_UPLOAD: &str = "patient,cpr,start,end,sector,kind,priority,diagnosis,unit,note,organisation,name,municipality,plan,plan_action\n\
P7002,not-a-cpr,2019-02-03T22:40,,out_of_hours,out_of_hours_doctor,acute,,Vagtlæge Nord,Gorm Ibsgaard ringede fra 3112991234,Vagtlægen,Gorm Ibsgaard,Randers,,\n";

#[test]
fn the_data_folder_holds_no_personal_data_in_the_clear_and_only_its_owner_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let wb = with_contacts(&data);
    let secrets_csv = ["070761-4285", "0707614285", "Bent Madsen", "20 30 40 50"];
    assert_clean(&data, &secrets_csv, "a CSV import");
    assert_owner_only(&data, "a CSV import");

    wb.import_bytes(UPLOAD.as_bytes(), UploadKind::Csv, "anna", &mut Quiet)
        .unwrap();
    let secrets_upload = ["120488-3319", "Sørine Vestergaard", "41 52 63 74"];
    assert_clean(&data, &secrets_upload, "an upload");
    assert_owner_only(&data, "an upload");

    let refused = wb.import_bytes(BAD_UPLOAD.as_bytes(), UploadKind::Csv, "anna", &mut Quiet);
    assert!(refused.is_err(), "an invalid upload is refused");
    assert_clean(&data, &["Gorm Ibsgaard", "3112991234"], "a refused upload");

    let date = NaiveDate::from_ymd_opt(2019, 2, 4).unwrap();
    wb.attach_material(
        "P7001",
        MaterialSource::PoliceReport,
        date,
        "Døgnrapport: Sørine Vestergaard fundet ved Banegården, tlf. 41 52 63 74.",
        "anna",
    )
    .unwrap();
    assert_clean(&data, &secrets_upload, "material");
    assert_owner_only(&data, "material");

    wb.forget("P7001", "anna").unwrap();
    assert_clean(&data, &secrets_upload, "forget");
    assert_owner_only(&data, "forget");
    let pathway = wb.pathway("P7001").unwrap();
    let shown = format!("{pathway:?}");
    assert!(
        !shown.contains("Sørine"),
        "a forgotten patient reads: {shown}"
    );
}

#[test]
fn an_older_folder_is_made_private_and_its_plain_uploads_removed_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    drop(open(&data));
    std::fs::create_dir_all(data.join("uploads")).unwrap();
    std::fs::write(data.join("uploads/anna-1.csv"), UPLOAD).unwrap();
    for path in walk(&data) {
        let mode = if path.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&path, PermissionsExt::from_mode(mode)).unwrap();
    }
    drop(open(&data));
    assert!(!data.join("uploads").exists());
    assert_clean(&data, &["120488-3319", "Sørine Vestergaard"], "reopening");
    assert_owner_only(&data, "reopening");
}
