//! Personal data is sealed in the log, and forgetting a patient leaves no readable trace.

use std::path::Path;

use crate::{casetrail, text};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/import/contacts-small.csv"
);

/// Every file under `dir` (recursively) whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .unwrap()
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
            {
                hits.push(path.display().to_string());
            }
        }
    }
    hits
}

#[test]
fn forgetting_erases_the_personal_fields_and_the_chain_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let import = casetrail(&data, &["import", FIXTURE]);
    assert!(import.status.success(), "{}", text(&import.stderr));

    let before = text(&casetrail(&data, &["pathway", "P0001"]).stdout);
    assert!(
        before.contains("Bent Madsen (CPR 070761-4285)"),
        "readable before: {before}"
    );
    assert!(
        before.contains("Kontakt: Bent Madsen 20 30 40 50"),
        "{before}"
    );
    for secret in ["070761-4285", "0707614285", "Bent Madsen", "20 30 40 50"] {
        assert_eq!(
            files_containing(&data, secret),
            Vec::<String>::new(),
            "{secret} stored in the clear"
        );
    }

    let forget = casetrail(&data, &["forget", "P0001", "--actor", "facilitator-anna"]);
    assert!(forget.status.success(), "{}", text(&forget.stderr));
    let after = text(&casetrail(&data, &["pathway", "P0001", "--format", "json"]).stdout);
    let view: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(view["cpr"], "erased");
    assert_eq!(view["name"], "erased");
    assert_eq!(view["erased"]["by"], "facilitator-anna");
    assert!(
        view["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["note"] == "erased"),
        "{after}"
    );
    assert_eq!(view["birth_year"], 1961, "non-personal facts stay");
    // the other patient is untouched
    let other = text(&casetrail(&data, &["pathway", "P0002"]).stdout);
    assert!(other.contains("Sofie Holm"), "{other}");

    let verify = casetrail(&data, &["verify"]);
    assert!(verify.status.success(), "{}", text(&verify.stderr));
    for secret in ["070761-4285", "0707614285"] {
        assert_eq!(files_containing(&data, secret), Vec::<String>::new());
    }
    let twice = casetrail(&data, &["forget", "P0001"]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(
        text(&twice.stderr).contains("already forgotten"),
        "{}",
        text(&twice.stderr)
    );
    let unknown = casetrail(&data, &["forget", "P9999"]);
    assert!(
        text(&unknown.stderr).contains("no patient P9999"),
        "{}",
        text(&unknown.stderr)
    );
}

#[test]
fn redact_reads_standard_input_and_knows_the_names_it_is_given() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let names = dir.path().join("names.txt");
    std::fs::write(&names, "Karen Holm\n\nBent Madsen\n").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_casetrail"))
        .args(["redact", "--names", names.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            "Karens søn Bent (070761-4285) ringede kl. 22.15 fra 20 30 40 50, DF201.\n".as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout),
        "[NAVN] søn [NAVN] ([CPR]) ringede kl. 22.15 fra [TELEFON], DF201.\n"
    );
}
