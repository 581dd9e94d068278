//! The four hand-written case files: every sector, every source of material, corrections, and
//! a lossless export and re-import.

use std::collections::BTreeSet;

use crate::{casetrail, text};

pub(crate) const CASES: [&str; 4] = [
    "sag-1-skizofreni-botilbud",
    "sag-2-skizofreni-eget-hjem",
    "sag-3-personlighedsforstyrrelse-natlige-indlaeggelser",
    "sag-4-personlighedsforstyrrelse-venter-paa-bolig",
];

pub(crate) fn case_file(name: &str) -> String {
    format!(
        "{}/../../fixtures/cases/{name}.jsonl",
        env!("CARGO_MANIFEST_DIR")
    )
}

pub(crate) fn lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn each_case_covers_every_sector_and_every_source_of_material() {
    let sectors = [
        "region",
        "municipality",
        "general_practice",
        "out_of_hours",
        "police",
        "other",
    ];
    let sources = [
        "psychiatric_record",
        "general_practice",
        "out_of_hours_doctor",
        "police_report",
        "municipal_notes",
        "housing_diary",
        "addiction_treatment",
        "job_centre",
        "patient_comment",
    ];
    for case in CASES {
        let events = lines(std::path::Path::new(&case_file(case)));
        let of = |t: &str, field: &str| -> BTreeSet<String> {
            events
                .iter()
                .filter(|e| e["type"] == t)
                .map(|e| e["data"][field].as_str().unwrap().to_string())
                .collect()
        };
        let found = of("ContactRecorded", "sector");
        for s in sectors {
            assert!(found.contains(s), "{case} has no contact with sector {s}");
        }
        let found = of("MaterialAttached", "source");
        for s in sources {
            assert!(found.contains(s), "{case} has no material from {s}");
        }
        let dates: BTreeSet<String> = events
            .iter()
            .filter_map(|e| e["data"]["start"].as_str())
            .map(|d| d[..7].to_string())
            .collect();
        assert!((2..=4).contains(&dates.len()), "{case} spans {dates:?}");
        assert_eq!(
            events
                .iter()
                .filter(|e| e["type"] == "ConsentGiven")
                .count(),
            1,
            "{case}"
        );
    }
}

#[test]
fn the_cases_import_apply_their_corrections_and_round_trip_losslessly() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    for case in CASES {
        let out = casetrail(&first, &["import", &case_file(case)]);
        assert!(out.status.success(), "{case}: {}", text(&out.stderr));
    }
    let again = casetrail(&first, &["import", &case_file(CASES[0])]);
    assert!(
        text(&again.stdout).contains("0 events appended, 34 already stored"),
        "{}",
        text(&again.stdout)
    );

    let sag3: serde_json::Value =
        serde_json::from_slice(&casetrail(&first, &["pathway", "SAG3", "--format", "json"]).stdout)
            .unwrap();
    let amended: Vec<&serde_json::Value> = sag3["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["amended_by"].as_array().unwrap().is_empty())
        .collect();
    assert_eq!(amended.len(), 1);
    assert!(
        amended[0]["summary"]
            .as_str()
            .unwrap()
            .contains("Akutafdelingen, Skejby"),
        "{}",
        amended[0]
    );
    assert_eq!(
        amended[0]["note"]["text"],
        "Syet 8 sting på underarmen. Sendt videre til psykiatrien."
    );
    let stays = sag3["stays"].as_array().unwrap();
    assert_eq!(stays.len(), 7);
    assert_eq!(
        stays.iter().filter(|s| s["readmission"] == true).count(),
        6,
        "every night admission after the first"
    );
    assert!(
        stays
            .iter()
            .all(|s| s["evening_night"] == true && s["length_days"].as_i64().unwrap() <= 2)
    );

    // an identity correction changes what the facilitator sees
    let fix = dir.path().join("fix.jsonl");
    std::fs::write(
        &fix,
        r#"{"type":"IdentityCorrected","data":{"patient":"SAG2","cpr":null,"name":"Maria Holm Jensen","birth_year":null,"sex":null,"municipality":"Aarhus"}}"#,
    )
    .unwrap();
    assert!(
        casetrail(&first, &["import", fix.to_str().unwrap()])
            .status
            .success()
    );
    let sag2 = text(&casetrail(&first, &["pathway", "SAG2"]).stdout);
    assert!(
        sag2.starts_with("patient SAG2: Maria Holm Jensen (CPR 030985-2347), born 1985, Aarhus"),
        "{sag2}"
    );

    let sag4: serde_json::Value =
        serde_json::from_slice(&casetrail(&first, &["pathway", "SAG4", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(sag4["retracted"], 1);
    assert!(
        !sag4.to_string().contains("Dobbeltregistreret"),
        "the retracted contact is not shown"
    );

    let export_a = dir.path().join("a.jsonl");
    let out = casetrail(&first, &["export-events", export_a.to_str().unwrap()]);
    assert!(
        text(&out.stdout).contains("exported 141 events"),
        "{}",
        text(&out.stdout)
    );
    let second = dir.path().join("second");
    let out = casetrail(&second, &["import", export_a.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let export_b = dir.path().join("b.jsonl");
    casetrail(&second, &["export-events", export_b.to_str().unwrap()]);
    let (a, b) = (
        std::fs::read_to_string(&export_a).unwrap(),
        std::fs::read_to_string(&export_b).unwrap(),
    );
    let first_difference = a.lines().zip(b.lines()).position(|(x, y)| x != y);
    assert!(
        a == b,
        "export → import → export differs, first at line {first_difference:?}"
    );

    // forgetting a patient leaves them out of the export
    casetrail(&second, &["forget", "SAG2"]);
    let export_c = dir.path().join("c.jsonl");
    let out = casetrail(&second, &["export-events", export_c.to_str().unwrap()]);
    assert!(
        text(&out.stdout).contains("exported 110 events"),
        "{}",
        text(&out.stdout)
    );
    assert!(!std::fs::read_to_string(&export_c).unwrap().contains("SAG2"));
}

#[test]
fn contacts_imported_from_csv_export_with_every_personal_field_opened() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let csv = format!(
        "{}/../../fixtures/import/contacts-small.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    assert!(casetrail(&data, &["import", &csv]).status.success());
    let export = dir.path().join("out.jsonl");
    let out = casetrail(&data, &["export-events", export.to_str().unwrap()]);
    assert!(
        text(&out.stdout).contains("exported 7 events of the patients' pathways to"),
        "{}",
        text(&out.stdout)
    );
    let lines = lines(&export);
    let plan = lines.iter().find(|l| l["type"] == "PlanChanged").unwrap();
    assert_eq!(
        plan["data"]["content"],
        "Udskrivningsaftale aftalt med bostøtten."
    );
    assert_eq!(lines[0]["data"]["cpr"], "070761-4285");
}
