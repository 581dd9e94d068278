//! `casetrail user`: accounts with Argon2id passwords, the password never on the command line
//! or in the log.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::{casetrail, text};

fn add(data: &std::path::Path, name: &str, role: &str, password: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_casetrail"))
        .arg("--data")
        .arg(data)
        .args(["user", "add", "--name", name, "--role", role])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.as_mut().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn users_are_added_listed_and_disabled_and_their_passwords_never_stored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = add(
        &data,
        "ane.facilitator",
        "facilitator",
        "en lang nok adgangskode",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = add(&data, "bo", "panel_member", "kort");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("at least 12 characters"),
        "{}",
        text(&out.stderr)
    );
    let out = add(&data, "bo", "chef", "en lang nok adgangskode");
    assert!(
        text(&out.stderr).contains("is not a role"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        add(&data, "bo", "panel_member", "en anden lang kode")
            .status
            .success()
    );
    assert!(
        casetrail(&data, &["user", "disable", "--name", "bo"])
            .status
            .success()
    );

    let list = text(&casetrail(&data, &["user", "list"]).stdout);
    assert!(
        list.contains("ane.facilitator") && list.contains("facilitator"),
        "{list}"
    );
    assert!(
        list.contains("bo") && list.contains("panel_member  (disabled)"),
        "{list}"
    );
    assert!(!list.contains("argon2"), "the hash is not printed");

    let mut raw = Vec::new();
    for entry in std::fs::read_dir(data.join("ledger")).unwrap() {
        raw.extend(std::fs::read(entry.unwrap().path()).unwrap_or_default());
    }
    let needle = b"en lang nok adgangskode";
    assert!(
        !raw.windows(needle.len()).any(|w| w == needle),
        "a password in the log files"
    );
    assert!(
        raw.windows(10).any(|w| w == b"$argon2id$"),
        "the Argon2id hash is stored"
    );
    assert!(text(&casetrail(&data, &["verify"]).stdout).contains("intact"));
}
