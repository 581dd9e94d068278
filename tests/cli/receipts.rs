//! Signed checkpoints and `verify --consistency` as a quality department uses them: keep a
//! checkpoint, keep a later one, and check that the log between them was only appended to.
//! A rewound log, a forged checkpoint and a wrong key are each refused with their reason.

use std::path::Path;

use crate::cases::case_file;
use crate::{casetrail, copy_dir, ok, signing_key, text};

/// `verify --consistency OLD NEW` (plus `extra`) against the log in `data`: its output, and
/// whether it held.
fn consistency(data: &Path, old: &str, new: &str, extra: &[&str]) -> (bool, String) {
    let mut args = vec!["verify", "--consistency", old, new];
    args.extend_from_slice(extra);
    let out = casetrail(data, &args);
    match out.status.code() {
        Some(0) => (true, text(&out.stdout)),
        Some(1) => (false, text(&out.stderr)),
        other => panic!("{args:?} ended with {other:?}: {}", text(&out.stderr)),
    }
}

#[test]
fn checkpoints_show_an_appended_log_and_refuse_a_rewound_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    ok(&data, &["demo"]);
    let printed = ok(&data, &["checkpoint", "--out", &path("old.json")]);
    assert!(printed.contains("checkpoint of 36 events"), "{printed}");
    assert!(signing_key(&data).exists(), "the key was made at first use");
    let key = ok(&data, &["public-key", "--out", &path("public.key")]);
    assert!(key.contains("fingerprint "), "{key}");

    // A backup of the log as it was at the old checkpoint.
    copy_dir(&data, &dir.path().join("backup"));

    ok(&data, &["import", &case_file("sag-1-skizofreni-botilbud")]);
    ok(&data, &["checkpoint", "--out", &path("new.json")]);
    let (old, new) = (path("old.json"), path("new.json"));
    let trusted = ["--public-key", &path("public.key")];
    let (held, said) = consistency(&data, &old, &new, &trusted);
    assert!(held && said.starts_with("consistent: the log of"), "{said}");

    // Older and newer swapped: the log would have shrunk.
    let (held, said) = consistency(&data, &new, &old, &[]);
    assert!(!held && said.contains("the log was rewound"), "{said}");

    // A forged checkpoint: more events claimed under the old signature.
    let forged = std::fs::read_to_string(&new)
        .unwrap()
        .replacen("\"size\": ", "\"size\": 1", 1);
    std::fs::write(path("forged.json"), forged).unwrap();
    let (held, said) = consistency(&data, &old, &path("forged.json"), &[]);
    assert!(!held && said.contains("signature does not match"), "{said}");

    // Another casetrail's key.
    let other = casetrail(&dir.path().join("other-data"), &["public-key"]);
    let other_hex = text(&other.stdout).lines().next().unwrap().to_owned();
    let (held, said) = consistency(&data, &old, &new, &["--public-key", &other_hex]);
    assert!(!held && said.contains("not by the trusted key"), "{said}");

    // The backup put back and other events appended: the history the new checkpoint signed
    // is gone, and the checks say so.
    let rewound = dir.path().join("rewound");
    copy_dir(&dir.path().join("backup"), &rewound);
    std::fs::copy(signing_key(&data), signing_key(&rewound)).unwrap();
    let (held, said) = consistency(&rewound, &old, &new, &[]);
    assert!(!held && said.contains("rewound"), "{said}");
    for case in [
        "sag-3-personlighedsforstyrrelse-natlige-indlaeggelser",
        "sag-2-skizofreni-eget-hjem",
    ] {
        ok(&rewound, &["import", &case_file(case)]);
    }
    ok(&rewound, &["checkpoint", "--out", &path("rewritten.json")]);
    let (held, said) = consistency(&rewound, &old, &new, &[]);
    assert!(!held && said.contains("not only appended"), "{said}");
    let (held, said) = consistency(&rewound, &new, &path("rewritten.json"), &[]);
    assert!(
        !held && (said.contains("rewritten") || said.contains("rewound")),
        "{said}"
    );
    // The old checkpoint still holds: the rewound log kept its first 36 events.
    let (held, said) = consistency(&rewound, &old, &path("rewritten.json"), &trusted);
    assert!(held, "{said}");
}

#[test]
fn a_signing_key_inside_the_data_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["demo"]);
    let inside = data.join("signing.key");
    let out = casetrail(
        &data,
        &["checkpoint", "--signing-key", inside.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("inside the data directory"),
        "{}",
        text(&out.stderr)
    );
    assert!(!inside.exists());
}
