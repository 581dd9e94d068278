//! Every writer's output reads back: data folders made through every path the product writes
//! by, and every read command run on each. A writer whose events a reader refuses fails here.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{casetrail, ok, text};

const CONTACTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/import/contacts-small.csv"
);
const CASE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/cases/sag-1-skizofreni-botilbud.jsonl"
);

fn key_file(dir: &Path) -> PathBuf {
    let key = dir.join("pseudonym.key");
    if !key.exists() {
        std::fs::write(&key, "3c".repeat(32)).unwrap();
        std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
    }
    key
}

/// `casetrail serve --demo` until it serves, then stopped.
fn serve_demo(data: &Path, key: &Path) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_casetrail"))
        .env("CASETRAIL_SIGNING_KEY", crate::signing_key(data))
        .args([
            "--data",
            data.to_str().unwrap(),
            "serve",
            "--demo",
            "--addr",
            "127.0.0.1:0",
        ])
        .arg("--key")
        .arg(key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let served = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.starts_with("casetrail serving on "));
    let _ = child.kill();
    let _ = child.wait();
    assert!(served, "serve --demo did not start");
}

fn add_user(data: &Path, name: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_casetrail"))
        .args([
            "--data",
            data.to_str().unwrap(),
            "user",
            "add",
            "--name",
            name,
        ])
        .args(["--role", "panel_member"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.as_mut().unwrap(), "korrekt+hest+batteri").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// The folders, each made by one writer path, with a patient and a year to read it by.
fn folders(dir: &Path) -> Vec<(&'static str, PathBuf, &'static str, &'static str)> {
    let key = key_file(dir);
    let key = key.to_str().unwrap();
    let made = |name: &str| dir.join(name);

    let demo = made("demo");
    ok(&demo, &["demo"]);

    let served = made("serve-demo");
    serve_demo(&served, Path::new(key));

    let csv = made("csv");
    ok(&csv, &["import", CONTACTS]);

    let jsonl = made("jsonl");
    ok(&jsonl, &["import", CASE]);

    let audited = made("cli-audit");
    ok(&audited, &["import", CASE]);
    ok(&audited, &["release", "--case", "SAG1", "--key", key]);
    ok(
        &audited,
        &[
            "audit",
            "--id",
            "RB-1",
            "--actor",
            "facilitator",
            "create",
            "--title",
            "Læsetest",
            "--criteria",
            "F20",
        ],
    );
    add_user(&audited, "rb.member");

    let forgotten = made("forgotten");
    ok(&forgotten, &["import", CONTACTS]);
    ok(&forgotten, &["import", CASE]);
    ok(&forgotten, &["forget", "P0001", "--actor", "facilitator"]);

    vec![
        ("demo", demo, "demo-01", "2019"),
        ("serve --demo", served, "SAG1", "2019"),
        ("CSV import", csv, "P0001", "2017"),
        ("JSON Lines import", jsonl, "SAG1", "2019"),
        ("CLI audit and users", audited, "SAG1", "2019"),
        ("forget", forgotten, "SAG1", "2017"),
    ]
}

#[test]
fn every_read_command_reads_what_every_writer_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let key = key.to_str().unwrap();
    for (how, data, patient, year) in folders(dir.path()) {
        let read = |args: &[&str]| {
            let out = casetrail(&data, args);
            assert!(
                out.status.success(),
                "{how}: `casetrail {}` refused what was written: {}",
                args.join(" "),
                text(&out.stderr)
            );
            text(&out.stdout)
        };
        read(&["verify"]);
        read(&["stage1", "--year", year]);
        read(&["select"]);
        read(&["rebuild"]);
        read(&["pathway", patient]);
        read(&["timeline", "--case", patient, "--key", key]);
        read(&["timeline", "--case", patient, "--key", key, "--anonymised"]);
        // export-events, and its file read back by the importer into a fresh folder.
        let events = dir.path().join(format!("{}.jsonl", how.replace(' ', "-")));
        let printed = read(&["export-events", events.to_str().unwrap()]);
        assert!(printed.contains("exported"), "{how}: {printed}");
        assert!(
            !events.with_extension("partial").exists(),
            "{how}: a partial file"
        );
        let copy = dir.path().join(format!("copy-{}", how.replace(' ', "-")));
        let exported = std::fs::read_to_string(&events).unwrap();
        if !exported.is_empty() {
            let out = casetrail(&copy, &["import", events.to_str().unwrap()]);
            assert!(
                out.status.success(),
                "{how}: re-import: {}",
                text(&out.stderr)
            );
            let again = casetrail(&copy, &["stage1", "--year", year]);
            if printed.contains("; 0 of forgotten patients left out") {
                assert_eq!(
                    text(&again.stdout),
                    read(&["stage1", "--year", year]),
                    "{how}: stage 1 of the re-import"
                );
            } else {
                // A forgotten patient cannot be exported: the copy holds the others only.
                assert_eq!(how, "forget", "{printed}");
                assert!(again.status.success(), "{}", text(&again.stderr));
            }
        }
    }
}

#[test]
fn the_audits_of_the_cli_and_the_demo_export_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let key = key.to_str().unwrap();
    let served = dir.path().join("served");
    serve_demo(&served, Path::new(key));
    let out_dir = dir.path().join("out");
    // The demo audit has revealed nothing yet: its export is refused with the reason, not
    // with a read error; its report reads.
    let export = casetrail(
        &served,
        &[
            "export",
            "--audit",
            "DEMO-2019",
            "--format",
            "json",
            "--out",
            out_dir.to_str().unwrap(),
            "--key",
            key,
        ],
    );
    let said = text(&export.stderr);
    assert!(
        export.status.success() || said.contains("revealed"),
        "export: {said}"
    );
    let report_file = dir.path().join("report.html");
    let report = casetrail(
        &served,
        &[
            "report",
            "--audit",
            "DEMO-2019",
            "--key",
            key,
            "--out",
            report_file.to_str().unwrap(),
        ],
    );
    assert!(
        report_file.exists(),
        "the report is written where --out says"
    );
    assert!(report.status.success(), "report: {}", text(&report.stderr));
}
