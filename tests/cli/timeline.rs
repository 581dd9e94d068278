//! Case timelines: anonymised for panels, identifiable for facilitators, released versions
//! bound to their content hash, and the residual-risk review.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cases::{CASES, case_file, lines};
use crate::{casetrail, text};

const PATIENTS: [&str; 4] = ["SAG1", "SAG2", "SAG3", "SAG4"];

struct Setup {
    _dir: tempfile::TempDir,
    data: PathBuf,
    key: PathBuf,
    other_key: PathBuf,
}

fn write_key(path: &Path, byte: u8) {
    std::fs::write(path, format!("{}\n", format!("{byte:02x}").repeat(32))).unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for case in CASES {
        let out = casetrail(&data, &["import", &case_file(case)]);
        assert!(out.status.success(), "{case}: {}", text(&out.stderr));
    }
    let key = dir.path().join("pseudonym.key");
    let other_key = dir.path().join("other.key");
    write_key(&key, 0x11);
    write_key(&other_key, 0x22);
    Setup {
        _dir: dir,
        data,
        key,
        other_key,
    }
}

fn run_ok(data: &Path, args: &[&str]) -> String {
    let out = casetrail(data, args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

fn timeline(s: &Setup, case: &str, key: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["timeline", "--case", case, "--key", key.to_str().unwrap()];
    args.extend_from_slice(extra);
    serde_json::from_str(&run_ok(&s.data, &args)).unwrap()
}

/// Every registered personal value of a case, in the forms it could be written.
fn personal_strings(case_index: usize) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let add_name = |name: &str, out: &mut BTreeSet<String>| {
        out.insert(name.to_string());
        for part in name.split_whitespace() {
            out.insert(part.to_string());
        }
    };
    for event in lines(Path::new(&case_file(CASES[case_index]))) {
        let data = &event["data"];
        match event["type"].as_str().unwrap() {
            "PatientRegistered" => {
                let cpr = data["cpr"].as_str().unwrap();
                out.insert(cpr.to_string());
                out.insert(cpr.replace('-', ""));
                out.insert(cpr.replace('-', " "));
                out.insert(cpr[..6].to_string());
                add_name(data["name"].as_str().unwrap(), &mut out);
            }
            "PersonRecorded" => {
                add_name(data["name"].as_str().unwrap(), &mut out);
                if let Some(details) = data["contact_details"].as_str() {
                    let details = details.trim_start_matches("tlf. ");
                    out.insert(details.to_string());
                    out.insert(details.replace(' ', ""));
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn anonymised_timelines_hold_no_registered_personal_string() {
    let s = setup();
    for (i, case) in PATIENTS.iter().enumerate() {
        let anonymised = timeline(&s, case, &s.key, &["--anonymised"]);
        let json = anonymised.to_string();
        let personal = personal_strings(i);
        assert!(personal.len() >= 8, "{case}: {personal:?}");
        for value in &personal {
            assert!(
                !json.contains(value.as_str()),
                "{case}: {value:?} in {json}"
            );
        }
        let html = run_ok(
            &s.data,
            &[
                "timeline",
                "--case",
                case,
                "--anonymised",
                "--format",
                "html",
                "--key",
                s.key.to_str().unwrap(),
            ],
        );
        assert!(html.starts_with("<!doctype html>"), "{html}");
        for value in &personal {
            assert!(
                !html.contains(value.as_str()),
                "{case}: {value:?} in the HTML"
            );
        }
        // The identifiable view, for the facilitator, does show them.
        let identifiable = timeline(&s, case, &s.key, &[]);
        let registered = &lines(Path::new(&case_file(CASES[i])))[0]["data"];
        assert_eq!(identifiable["patient"]["label"], registered["name"]);
        assert_eq!(identifiable["patient"]["cpr"], registered["cpr"]);
        assert_eq!(anonymised["anonymised"], true);
        assert!(anonymised["case"].as_str().unwrap().starts_with("Sag "));
    }
}

#[test]
fn labels_replace_people_and_places_in_text_and_stay_stable() {
    let s = setup();
    let t = timeline(&s, "SAG3", &s.key, &["--anonymised"]);
    let people: Vec<&str> = t["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    let mut doctors: Vec<&str> = people
        .iter()
        .copied()
        .filter(|l| l.starts_with("Vagtlæge"))
        .collect();
    doctors.sort();
    assert_eq!(doctors, ["Vagtlæge 1", "Vagtlæge 2"]);
    let notes: String = t["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["note"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(notes.contains("[Vagtlæge "), "{notes}");
    assert!(notes.contains("[Patienten]"), "{notes}");
    assert!(notes.contains("[Ven]"), "{notes}");

    // Same key: the same timeline, byte for byte. Another key: other pseudonyms and hash.
    let again = timeline(&s, "SAG3", &s.key, &["--anonymised"]);
    assert_eq!(t, again);
    let other = timeline(&s, "SAG3", &s.other_key, &["--anonymised"]);
    assert_ne!(t["case"], other["case"]);
    assert_ne!(t["content_hash"], other["content_hash"]);
    let p1: BTreeSet<&str> = t["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pseudonym"].as_str().unwrap())
        .collect();
    let p2: BTreeSet<&str> = other["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pseudonym"].as_str().unwrap())
        .collect();
    assert!(p1.is_disjoint(&p2), "{p1:?} {p2:?}");

    // Anne Mortensen is registered in two cases: her pseudonym differs between them.
    let sag4 = timeline(&s, "SAG4", &s.key, &["--anonymised"]);
    let anne = |v: &Value| -> BTreeSet<String> {
        v["people"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["role"] == "Botilbudsmedarbejder")
            .map(|p| p["pseudonym"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(anne(&t).is_disjoint(&anne(&sag4)));
}

#[test]
fn date_policies_keep_intervals_weekdays_and_times_of_day() {
    let s = setup();
    for case in PATIENTS {
        let rel = timeline(&s, case, &s.key, &["--anonymised"]);
        let shifted = timeline(&s, case, &s.key, &["--anonymised", "--policy", "shifted"]);
        let real = timeline(&s, case, &s.key, &[]);
        let marks = |v: &Value| -> Vec<(i64, String, Value, Value)> {
            v["contacts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let m = &c["start"];
                    (
                        m["day"].as_i64().unwrap(),
                        m["weekday"].as_str().unwrap().to_string(),
                        m["time"].clone(),
                        m["evening_night"].clone(),
                    )
                })
                .collect()
        };
        assert_eq!(marks(&rel), marks(&real), "{case}");
        assert_eq!(marks(&shifted), marks(&real), "{case}");
        assert!(
            rel["contacts"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["start"]["date"].is_null()),
            "{case}: relative days show no calendar date"
        );
        let first_real = real["contacts"][0]["start"]["date"].as_str().unwrap();
        let first_shifted = shifted["contacts"][0]["start"]["date"].as_str().unwrap();
        assert_ne!(first_real, first_shifted);
        assert!(!shifted.to_string().contains(first_real), "{case}");
        let index_stays: Vec<i64> = rel["stays"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["start"]["day"].as_i64().unwrap())
            .collect();
        assert_eq!(
            index_stays.iter().min(),
            Some(&0),
            "{case}: day 0 is the first admission"
        );
        assert!(rel["patient"]["age_band"].as_str().unwrap().contains('-'));
        assert!(rel["patient"]["birth_year"].is_null());
    }
}

#[test]
fn release_binds_to_the_hash_and_a_changed_key_is_refused() {
    let s = setup();
    let key = s.key.to_str().unwrap();
    let current = timeline(&s, "SAG1", &s.key, &["--anonymised"]);
    let out = run_ok(
        &s.data,
        &[
            "release",
            "--case",
            "SAG1",
            "--key",
            key,
            "--actor",
            "facilitator",
        ],
    );
    let hash = current["content_hash"].as_str().unwrap();
    assert!(out.contains(&format!("content hash {hash}")), "{out}");
    assert!(out.contains("released version 1"), "{out}");

    // Later events do not change what version 1 was.
    run_ok(
        &s.data,
        &[
            "decide",
            "--case",
            "SAG1",
            "--term",
            "Regionshospitalet",
            "--decision",
            "redact",
        ],
    );
    let released: Value = serde_json::from_str(&run_ok(
        &s.data,
        &["timeline", "--case", "SAG1", "--release", "1", "--key", key],
    ))
    .unwrap();
    assert_eq!(released["content_hash"], hash);
    assert_eq!(released, current);
    let now = timeline(&s, "SAG1", &s.key, &["--anonymised"]);
    assert_ne!(
        now["content_hash"], hash,
        "the decision changed the current timeline"
    );
    assert!(!now.to_string().contains("Regionshospitalet"));
    assert!(now.to_string().contains("[FJERNET]"));

    let list = run_ok(&s.data, &["releases", "--case", "SAG1"]);
    assert!(
        list.contains("version 1") && list.contains("by facilitator") && list.contains(hash),
        "{list}"
    );

    let other = casetrail(
        &s.data,
        &[
            "timeline",
            "--case",
            "SAG1",
            "--release",
            "1",
            "--key",
            s.other_key.to_str().unwrap(),
        ],
    );
    assert_eq!(other.status.code(), Some(2));
    assert!(
        text(&other.stderr).contains("no longer rebuilds"),
        "{}",
        text(&other.stderr)
    );
    let missing = casetrail(
        &s.data,
        &["timeline", "--case", "SAG1", "--release", "2", "--key", key],
    );
    assert!(text(&missing.stderr).contains("no released version 2 (1 released so far)"));

    // The decision's term is sealed: not in the log as plain text.
    let export = s.data.parent().unwrap().join("events.jsonl");
    run_ok(&s.data, &["export-events", export.to_str().unwrap()]);
    let log_dir = s.data.join("ledger");
    let mut raw = Vec::new();
    for entry in std::fs::read_dir(&log_dir).unwrap() {
        raw.extend(std::fs::read(entry.unwrap().path()).unwrap_or_default());
    }
    assert!(
        !raw.windows(b"Regionshospitalet Randers".len())
            .any(|w| w == b"Regionshospitalet Randers"),
        "plain text in the log files"
    );
}

#[test]
fn residual_risk_lists_what_redaction_left_and_decisions_take_it_off() {
    let s = setup();
    let key = s.key.to_str().unwrap();
    let review_as = |case: &str, redaction: &str| -> Vec<Value> {
        serde_json::from_str::<Value>(&run_ok(
            &s.data,
            &[
                "review",
                "--case",
                case,
                "--format",
                "json",
                "--key",
                key,
                "--redaction",
                redaction,
            ],
        ))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
    };
    let terms = |list: &[Value]| -> BTreeSet<String> {
        list.iter()
            .map(|f| f["term"].as_str().unwrap().to_string())
            .collect()
    };
    // Strict: only what the redactor left, and never a replacement or a personal string.
    for case in PATIENTS {
        let list = review_as(case, "strict");
        for f in &list {
            let term = f["term"].as_str().unwrap();
            assert!(
                !term.starts_with('['),
                "{case}: a replacement listed: {term}"
            );
            assert!(f["occurrences"].as_u64().unwrap() >= 1);
            assert!(f["context"].is_null(), "{case}: {f}");
        }
        let personal = personal_strings(PATIENTS.iter().position(|p| *p == case).unwrap());
        assert!(
            terms(&list).is_disjoint(&personal),
            "{case}: {:?}",
            terms(&list)
        );
    }
    // Review: the names and places the open-world rules replaced, each with its context.
    let sag1 = review_as("SAG1", "review");
    let hospital = sag1
        .iter()
        .find(|f| f["term"].as_str().unwrap().starts_with("Regionshospitalet"))
        .unwrap_or_else(|| panic!("{:?}", terms(&sag1)));
    assert_eq!(hospital["kind"], "replaced_place");
    assert!(
        hospital["context"]
            .as_str()
            .unwrap()
            .contains("⟦Regionshospitalet"),
        "{hospital}"
    );
    let sag3 = terms(&review_as("SAG3", "review"));
    assert!(sag3.contains("Banegårdspladsen"), "{sag3:?}");
    let t = timeline(&s, "SAG3", &s.key, &["--anonymised"]);
    assert!(
        !t.to_string().contains("Banegårdspladsen"),
        "replaced before the decision"
    );

    run_ok(
        &s.data,
        &[
            "decide",
            "--case",
            "SAG3",
            "--term",
            "Banegårdspladsen",
            "--decision",
            "accept",
        ],
    );
    let after = terms(&review_as("SAG3", "review"));
    assert!(!after.contains("Banegårdspladsen"), "{after:?}");
    let t = timeline(&s, "SAG3", &s.key, &["--anonymised"]);
    assert!(
        t.to_string().contains("Banegårdspladsen"),
        "an accepted word is restored"
    );

    let empty = casetrail(
        &s.data,
        &[
            "decide",
            "--case",
            "SAG3",
            "--term",
            " ",
            "--decision",
            "accept",
        ],
    );
    assert_eq!(empty.status.code(), Some(2));
    assert!(text(&empty.stderr).contains("needs the term"));
}

/// A key file with these contents and permissions, and `timeline` run with it.
fn timeline_with_key_file(s: &Setup, contents: &str, mode: u32) -> std::process::Output {
    let path = s.data.parent().unwrap().join(format!("key-{mode:o}"));
    std::fs::write(&path, contents).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
    casetrail(
        &s.data,
        &[
            "timeline",
            "--case",
            "SAG1",
            "--key",
            path.to_str().unwrap(),
        ],
    )
}

#[test]
fn key_files_must_be_private_and_well_formed() {
    let s = setup();
    let out = timeline_with_key_file(&s, &"ab".repeat(32), 0o644);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("readable by its owner only"),
        "{}",
        text(&out.stderr)
    );
    let out = timeline_with_key_file(&s, "abcd", 0o600);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("64 hexadecimal digits"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        timeline_with_key_file(&s, &"ab".repeat(32), 0o400)
            .status
            .success()
    );

    // Without --key, a key is created in the data directory, owner-only, and reused.
    let first = run_ok(&s.data, &["timeline", "--case", "SAG2", "--anonymised"]);
    let created = s.data.join("pseudonym.key");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&created).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(
        first,
        run_ok(&s.data, &["timeline", "--case", "SAG2", "--anonymised"])
    );
}

#[test]
fn redact_takes_names_labels_a_key_and_an_index_date() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let names = dir.path().join("names.txt");
    std::fs::write(&names, "Karen Holm\tMor\nBent Madsen\n").unwrap();
    let key = dir.path().join("k");
    write_key(&key, 0x33);
    let run = |args: &[&str], input: &str| -> String {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_casetrail"))
            .arg("--data")
            .arg(&data)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        text(&out.stdout)
    };
    let input =
        "Karens søn Bent ringede d. 14/1-2019 kl. 22.15 fra 20 30 40 50. DF603, Zyprexa 10 mg.";
    let plain = run(&["redact", "--names", names.to_str().unwrap()], input);
    assert_eq!(
        plain,
        "[Mor] søn [NAVN] ringede d. [DATO] kl. 22.15 fra [TELEFON]. DF603, Zyprexa 10 mg."
    );
    let keyed_args = [
        "redact",
        "--names",
        names.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--index-date",
        "2019-01-10",
    ];
    let keyed = run(&keyed_args, input);
    assert!(keyed.starts_with("[Mor] søn [Person "), "{keyed}");
    assert!(keyed.contains("d. dag 4 kl. 22.15"), "{keyed}");
    assert_eq!(
        keyed,
        run(&keyed_args, input),
        "the same key gives the same pseudonym"
    );
}
