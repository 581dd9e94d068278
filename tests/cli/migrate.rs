//! `casetrail migrate` on a data folder the format-2 build wrote (`fixtures/ledger-format-2`,
//! made by `casetrail` at commit 578ef29: an import in two parts around an audit's creation).
//! Before the migration every command refuses the folder and says what to run; after it, the
//! head, the exported events and the audit read exactly as the old build printed them.

use std::path::PathBuf;

use crate::{casetrail, copy_dir, ok, text};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(format!(
        "{}/../../fixtures/ledger-format-2/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

#[test]
fn a_data_folder_from_the_format_2_build_migrates_and_reads_as_it_did() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&fixture("data"), &data);

    for args in [
        &["verify"][..],
        &["head"],
        &["audit", "--id", "AUDIT-F2", "status"],
    ] {
        let refused = casetrail(&data, args);
        assert!(
            !refused.status.success(),
            "{args:?} opened a format-2 folder"
        );
        let said = text(&refused.stderr);
        assert!(said.contains("format version 2"), "{args:?}: {said}");
        assert!(
            said.contains("casetrail migrate --data"),
            "{args:?}: {said}"
        );
    }

    let migrated = ok(&data, &["migrate"]);
    assert!(
        migrated
            .contains("migrated the ledger from format 2 to format 3: 353 records verified before"),
        "{migrated}"
    );
    assert!(
        migrated.contains("intact: 353 records verified"),
        "{migrated}"
    );

    assert_eq!(ok(&data, &["head"]), read("head.txt"));
    let out = dir.path().join("events.jsonl");
    ok(&data, &["export-events", out.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        read("export-events.jsonl")
    );
    assert_eq!(
        ok(&data, &["audit", "--id", "AUDIT-F2", "status"]),
        read("audit-status.json")
    );

    let again = ok(&data, &["migrate"]);
    assert!(again.contains("already in format 3"), "{again}");
}

#[test]
fn migrate_without_a_data_folder_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = casetrail(&dir.path().join("nothing"), &["migrate"]);
    assert!(!out.status.success());
    let said = text(&out.stderr);
    assert!(said.contains("nothing"), "{said}");
}
