//! A folder of documents from one sector attaches to a case with one command: a PDF, a Word
//! document, an e-mail with attachments, an RTF, read by their bytes; a second run attaches
//! nothing twice; a folder with a file that is no document attaches nothing; the panel's
//! timeline shows the texts redacted.

use std::path::{Path, PathBuf};

use crate::{casetrail, ok, text};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path)
}

const CASE: &str = "patient,cpr,start,end,sector,kind,priority,diagnosis,unit,note
SAG9,010190-4321,2019-03-01T22:10,2019-03-06T11:00,region,ward_admission,acute,DF200,Sengeafsnit P1,
";

#[test]
fn a_folder_of_documents_attaches_once_and_is_redacted_for_the_panel() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let csv = dir.path().join("case.csv");
    std::fs::write(&csv, CASE).unwrap();
    ok(&data, &["import", csv.to_str().unwrap()]);
    let folder = dir.path().join("vagtlaege");
    std::fs::create_dir(&folder).unwrap();
    for name in [
        "documents/notat-hjemmepleje.docx",
        "documents/henvendelse-vagtlaege.eml",
        "web/doegnrapport-sag-6.rtf",
        "web/doegnrapport-sag-6.pdf",
    ] {
        let from = fixture(name);
        std::fs::copy(&from, folder.join(from.file_name().unwrap())).unwrap();
    }
    let folder_arg = folder.to_str().unwrap();
    let attach = [
        "attach",
        "--case",
        "SAG9",
        "--source",
        "out_of_hours_doctor",
        "--date",
        "2019-03-05",
        folder_arg,
    ];
    let first = ok(&data, &attach);
    assert!(
        first.contains("4 documents attached to SAG9 as out_of_hours_doctor, 0 already"),
        "{first}"
    );
    for kind in ["Docx", "Mail", "Rtf", "Pdf"] {
        assert!(first.contains(&format!(": {kind}, ")), "{kind}: {first}");
    }
    let again = ok(&data, &attach);
    assert!(
        again.contains("0 documents attached to SAG9 as out_of_hours_doctor, 4 already"),
        "{again}"
    );

    let key = dir.path().join("pseudonym.key");
    std::fs::write(&key, "4b".repeat(32)).unwrap();
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let timeline = ok(
        &data,
        &[
            "timeline",
            "--case",
            "SAG9",
            "--key",
            key.to_str().unwrap(),
            "--anonymised",
        ],
    );
    assert!(
        timeline.contains("Næste besøg i morgen"),
        "the Word document's text is there"
    );
    assert!(
        timeline.contains("meget urolig"),
        "the e-mail's body is there"
    );
    for name in ["Søren Kjær", "Lene Vagtlæge", "vagtlaege@example.invalid"] {
        assert!(!timeline.contains(name), "{name} in the panel's timeline");
    }

    // a picture among the documents: nothing attached, the file named
    std::fs::write(folder.join("billede.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::write(folder.join("ny.txt"), "Ny tekst fra vagtlægen.").unwrap();
    let out = casetrail(&data, &attach);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("billede.png: "),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("nothing was attached"),
        "{}",
        text(&out.stderr)
    );
    let mut skip = attach.to_vec();
    skip.insert(1, "--skip-invalid");
    let skipped = ok(&data, &skip);
    assert!(skipped.contains("1 documents attached to SAG9 as out_of_hours_doctor, 4 already in the case, 1 not readable"), "{skipped}");
}
