//! The `casetrail` command as a user runs it.

mod agreement;
mod audit;
mod cases;
mod import;
mod lpr3;
mod material;
mod material_folder;
mod medcom;
mod migrate;
mod privacy;
mod readback;
mod receipts;
mod serve;
mod stage1;
mod timeline;
mod users;

use std::process::Command;

pub(crate) fn casetrail(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_casetrail"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("CASETRAIL_DATA")
        .env_remove("CASETRAIL_ORIGIN")
        .env("CASETRAIL_SIGNING_KEY", signing_key(data))
        .output()
        .expect("casetrail runs")
}

/// Where the tests keep a data folder's checkpoint signing key: beside it, never in it.
pub(crate) fn signing_key(data: &std::path::Path) -> std::path::PathBuf {
    data.with_extension("signing.key")
}

/// Runs a command that must succeed; returns what it printed.
pub(crate) fn ok(data: &std::path::Path, args: &[&str]) -> String {
    let out = casetrail(data, args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// Whether `word` occurs in `text` as a word of its own: not inside a longer run of letters
/// and digits, such as the hexadecimal hashes a report's integrity section and receipt carry.
pub(crate) fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Copies a folder and everything in it.
pub(crate) fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_word_inside_a_hash_is_not_that_word() {
    assert!(contains_word("born 140378-1234", "140378"));
    assert!(contains_word("140378", "140378"));
    assert!(!contains_word("root 9f140378ab", "140378"));
    assert!(!contains_word("SAG12", "SAG1"));
}

#[test]
fn demo_head_and_verify_agree() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let demo = casetrail(&data, &["demo"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let out = text(&demo.stdout);
    assert!(out.contains("36 events appended"), "{out}");
    assert!(out.contains("intact: 36 records verified"), "{out}");

    let head = casetrail(&data, &["head"]);
    assert!(
        data.join("ledger").join("CURRENT").exists(),
        "the log lives in DATA/ledger"
    );
    assert!(
        data.join("keys").join("CURRENT").exists(),
        "the keys live apart, in DATA/keys"
    );
    assert!(head.status.success());
    let head = text(&head.stdout);
    let position = head
        .lines()
        .find_map(|l| l.strip_prefix("position "))
        .unwrap()
        .to_string();
    let hash = head
        .lines()
        .find_map(|l| l.strip_prefix("hash "))
        .unwrap()
        .to_string();
    assert_eq!(position, "35");
    assert_eq!(hash.len(), 64);
    assert!(out.contains(&hash), "demo printed the same head");

    let again = casetrail(&data, &["demo"]);
    assert!(text(&again.stdout).contains("0 events appended, 36 already stored"));

    let verify = casetrail(
        &data,
        &["verify", "--from", "20", "--hash", &"0".repeat(64)],
    );
    assert_eq!(
        verify.status.code(),
        Some(1),
        "a wrong checkpoint hash is a break"
    );
    assert!(
        text(&verify.stderr).contains("BROKEN at position 20"),
        "{}",
        text(&verify.stderr)
    );
    let verify = casetrail(&data, &["verify", "--from", &position, "--hash", &hash]);
    assert!(verify.status.success(), "{}", text(&verify.stderr));
}

#[test]
fn missing_data_and_bad_arguments_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nothing-here");
    let out = casetrail(&data, &["verify"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("there is no casetrail data in"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("hint: run `casetrail demo`"),
        "the command line adds its own advice: {}",
        text(&out.stderr)
    );
    assert!(!data.exists(), "verify must not create a data directory");
    casetrail(&data, &["demo"]);
    let out = casetrail(&data, &["verify", "--from", "3", "--hash", "xyz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a 64-digit hexadecimal hash"),
        "{}",
        text(&out.stderr)
    );
}
