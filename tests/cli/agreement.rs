//! `casetrail alpha` on rating tables, as quality staff would use it.

use crate::{casetrail, text};

fn alpha(args: &[&str]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = casetrail(&dir.path().join("unused"), args);
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn reference() -> String {
    format!(
        "{}/../../fixtures/ratings/krippendorff-2011.csv",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn the_reference_table_gives_the_published_alphas_first_on_the_line() {
    for (level, expected) in [
        ("nominal", "0.743"),
        ("ordinal", "0.815"),
        ("interval", "0.849"),
        ("ratio", "0.797"),
    ] {
        let (code, out, err) = alpha(&["alpha", "--level", level, &reference()]);
        assert_eq!(code, Some(0), "{err}");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], expected, "{level}: {out}");
        assert!(lines[1].starts_with("observed disagreement "), "{out}");
        assert!(lines[2].starts_with("expected disagreement "), "{out}");
        assert_eq!(lines[3], "pairable values 40 in 11 of 12 units, 4 raters");
        assert!(lines[4].starts_with("95 % interval "), "{out}");
        assert!(
            out.contains("distribution 1: 9, 2: 13, 3: 11, 4: 5, 5: 3"),
            "{out}"
        );
    }
    let (_, again, _) = alpha(&["alpha", "--level", "interval", &reference()]);
    let (_, same, _) = alpha(&["alpha", "--level", "interval", &reference()]);
    assert_eq!(again, same, "the bootstrap is seeded");
}

#[test]
fn no_variation_is_undefined_and_bad_tables_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("flat.csv");
    std::fs::write(&flat, "Læge,Sygeplejerske\n3,3\n3,\n3,3\n").unwrap();
    let (code, out, _) = alpha(&["alpha", "--level", "ordinal", flat.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    assert_eq!(out.lines().next(), Some("undefined"));
    assert!(out.contains("no variation"), "{out}");

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "A,B\n1,2\n2,høj\n").unwrap();
    let (code, _, err) = alpha(&["alpha", "--level", "interval", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("bad.csv: line 3, rater \"B\": \"høj\" is not a number"),
        "{err}"
    );
    let words = dir.path().join("words.csv");
    std::fs::write(&words, "A,B,C\nja,ja,ja\nnej,nej,ja\nnej,nej,nej\n").unwrap();
    let (code, out, _) = alpha(&["alpha", "--level", "nominal", words.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    assert!(out.contains("distribution ja: 4, nej: 5"), "{out}");
}
