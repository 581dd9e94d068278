//! A generated region through the import path reproduces the published stage-1 table.

use crate::{casetrail, text};

/// DEFACTUM 2019, Region Midtjylland 2017: (episodes, patients, acute admissions).
const PUBLISHED: [(&str, u64, u64); 11] = [
    ("1", 3082, 2844),
    ("2", 771, 1446),
    ("3", 330, 931),
    ("4", 167, 638),
    ("5", 101, 473),
    ("6", 57, 315),
    ("7", 35, 232),
    ("8", 24, 182),
    ("9", 20, 171),
    ("10", 16, 154),
    ("11+", 70, 1176),
];

fn within(found: u64, published: u64) -> bool {
    let tolerance = (published * 5).div_ceil(100).max(2);
    found.abs_diff(published) <= tolerance
}

#[test]
fn a_generated_region_reproduces_the_published_table() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let csv = dir.path().join("region.csv");
    let csv_arg = csv.to_str().unwrap();
    let generate = casetrail(
        &data,
        &[
            "generate",
            "--patients",
            "4673",
            "--year",
            "2017",
            "--seed",
            "11",
            "--out",
            csv_arg,
        ],
    );
    assert!(generate.status.success(), "{}", text(&generate.stderr));
    let import = casetrail(&data, &["import", csv_arg]);
    assert!(import.status.success(), "{}", text(&import.stderr));
    assert!(
        text(&import.stdout).contains("for 4673 patients"),
        "{}",
        text(&import.stdout)
    );

    let out = casetrail(&data, &["stage1", "--year", "2017", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["year"], 2017);
    for (row, (episodes, patients, acute)) in
        report["table"].as_array().unwrap().iter().zip(PUBLISHED)
    {
        assert_eq!(row["episodes"], episodes);
        let (p, a) = (
            row["patients"].as_u64().unwrap(),
            row["acute_admissions"].as_u64().unwrap(),
        );
        assert!(
            within(p, patients),
            "{episodes} episodes: {p} patients, published {patients}"
        );
        assert!(
            within(a, acute),
            "{episodes} episodes: {a} acute admissions, published {acute}"
        );
    }
    assert!(within(report["patients"].as_u64().unwrap(), 4673));
    assert!(within(report["acute_admissions"].as_u64().unwrap(), 8562));
    // about half of acute admissions last 0-3 days; many begin in the evening or night
    let short = report["short_stay_share"].as_f64().unwrap();
    assert!((0.40..0.60).contains(&short), "short stays {short}");
    assert!(report["readmissions"].as_u64().unwrap() > 500);
    let groups: Vec<&str> = report["by_diagnosis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["F20", "F60", "other"]);

    // case selection by the published inclusion criteria
    let select = casetrail(
        &data,
        &[
            "select",
            "--from",
            "2017-01-01",
            "--to",
            "2017-12-31",
            "--diagnosis",
            "F20,F60",
            "--min-short-admissions",
            "3",
            "--min-actors",
            "3",
            "--exclude-court-ordered",
            "--format",
            "json",
        ],
    );
    assert!(select.status.success(), "{}", text(&select.stderr));
    let candidates: Vec<serde_json::Value> = serde_json::from_slice(&select.stdout).unwrap();
    assert!(candidates.len() >= 10, "{} candidates", candidates.len());
    for c in &candidates {
        assert!(
            ["F20", "F60"].contains(&c["group"].as_str().unwrap()),
            "{c}"
        );
        assert!(c["short_acute_admissions"].as_u64().unwrap() >= 3, "{c}");
        assert!(c["actors"].as_array().unwrap().len() >= 3, "{c}");
        assert_eq!(c["court_ordered"], false);
    }
    let bad = casetrail(&data, &["select", "--diagnosis", "F99"]);
    assert!(
        text(&bad.stderr).contains("not a diagnosis group"),
        "{}",
        text(&bad.stderr)
    );

    // the same file again writes nothing new
    let again = casetrail(&data, &["import", csv_arg]);
    assert!(
        text(&again.stdout).contains(" 0 events appended"),
        "{}",
        text(&again.stdout)
    );
    let table = casetrail(&data, &["stage1", "--year", "2017", "--format", "csv"]);
    assert!(
        text(&table.stdout).lines().any(|l| l == "2017,11+,70,1176"),
        "{}",
        text(&table.stdout)
    );
}

#[test]
fn the_generator_is_deterministic_per_seed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("unused");
    let run = |seed: &str, name: &str| {
        let out = dir.path().join(name);
        let o = casetrail(
            &data,
            &[
                "generate",
                "--patients",
                "300",
                "--year",
                "2019",
                "--seed",
                seed,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        std::fs::read(out).unwrap()
    };
    assert_eq!(run("5", "a.csv"), run("5", "b.csv"));
    assert_ne!(run("5", "a.csv"), run("6", "c.csv"));
}

/// One patient's year in LPR3 fashion: a transfer between wards two hours apart, a
/// seven-hour attendance, and an admission after it. The 2017 definition counts four
/// admissions and two readmissions; LPR3's sygehusophold count two and one.
#[test]
fn both_readmission_definitions_count_the_same_extract_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let csv = dir.path().join("lpr3-style.csv");
    let rows = [
        "2019-03-01T08:00,2019-03-02T14:00,A",
        "2019-03-02T16:00,2019-03-09T10:00,B",
        "2019-03-20T08:00,2019-03-20T15:00,A",
        "2019-03-25T08:00,2019-03-28T10:00,A",
    ];
    let mut text_csv =
        String::from("patient,cpr,start,end,sector,kind,priority,diagnosis,unit,note\n");
    for row in rows {
        let mut f = row.split(',');
        let (start, end, unit) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
        text_csv.push_str(&format!(
            "P1,070761-4285,{start},{end},region,ward_admission,acute,DF201,{unit},\n"
        ));
    }
    std::fs::write(&csv, text_csv).unwrap();
    let import = casetrail(&data, &["import", csv.to_str().unwrap()]);
    assert!(import.status.success(), "{}", text(&import.stderr));
    let figures = |definition: &str| {
        let out = casetrail(
            &data,
            &[
                "stage1",
                "--year",
                "2019",
                "--format",
                "json",
                "--definition",
                definition,
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            report["admissions"].as_u64().unwrap(),
            report["readmissions"].as_u64().unwrap(),
            report["definition"].as_str().unwrap().to_owned(),
        )
    };
    assert_eq!(figures("stays-2017"), (4, 2, "stays_2017".to_owned()));
    assert_eq!(
        figures("hospital-stays"),
        (2, 1, "hospital_stays".to_owned())
    );
    let table = casetrail(
        &data,
        &["stage1", "--year", "2019", "--definition", "hospital-stays"],
    );
    assert!(
        text(&table.stdout).contains("Counted as: sygehusophold"),
        "the table names its definition: {}",
        text(&table.stdout)
    );
}
