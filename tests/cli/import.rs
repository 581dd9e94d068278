//! Import validation: all or nothing, unless the user asks to skip invalid rows.

use crate::{casetrail, text};

const HEADER: &str = "patient,cpr,start,end,sector,kind,priority,diagnosis,unit,note";

#[test]
fn an_invalid_row_rejects_the_whole_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("extract.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}\nP1,070761-4285,2017-01-03T10:00,2017-01-04,region,ward_admission,acute,DF201,A,ok\n\
             P2,070761-4285,2017-02-30,,region,gp_consultation,planned,,B,bad date\n\
             P3,070761-4285,2017-01-03,,region,ward_admission,sometimes,,C,bad priority and no diagnosis\n"
        ),
    )
    .unwrap();
    let out = casetrail(&data, &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("line 3: start:"), "{err}");
    assert!(err.contains("line 4: priority: \"sometimes\" is not one of acute, planned; diagnosis: a ward admission needs"), "{err}");
    assert!(err.contains("2 of the rows"), "{err}");
    let head = casetrail(&data, &["head"]);
    assert!(
        text(&head.stdout).contains("the ledger is empty"),
        "nothing may be written: {}",
        text(&head.stdout)
    );

    let out = casetrail(&data, &["import", "--skip-invalid", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout)
            .contains("1 rows for 1 patients (1 new, 0 already in the record); 2 events appended"),
        "{}",
        text(&out.stdout)
    );
    let rejected = std::fs::read_to_string(dir.path().join("extract.rejected.csv")).unwrap();
    let lines: Vec<&str> = rejected.lines().collect();
    assert_eq!(lines.len(), 3, "{rejected}");
    assert!(lines[0].starts_with("line,reasons,patient,cpr"));
    assert!(
        lines[1].starts_with("3,\"start: \"\"2017-02-30\"\" is not a date"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("4,\"priority:"), "{}", lines[2]);
}

#[test]
fn a_file_with_a_broken_header_is_refused_naming_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("extract.csv");
    std::fs::write(&file, "patient,cpr,start\nP1,070761-4285,2017-01-03\n").unwrap();
    let out = casetrail(
        &dir.path().join("data"),
        &["import", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("lacks the required column(s) end, sector, kind"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_id_of_another_person_is_refused_with_the_command_lines_way_out() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let row = |cpr: &str| {
        format!(
            "{HEADER}\nP1,{cpr},2017-01-03T10:00,2017-01-04,region,ward_admission,acute,DF201,A,ok\n"
        )
    };
    let first = dir.path().join("first.csv");
    std::fs::write(&first, row("070761-4285")).unwrap();
    let out = casetrail(&data, &["import", first.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let second = dir.path().join("second.csv");
    std::fs::write(&second, row("050590-2218")).unwrap();
    let out = casetrail(&data, &["import", second.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("already belong to other people"), "{err}");
    assert!(
        err.contains("hint:") && err.contains("--rename-patient OLD=NEW"),
        "the command line says how to go on: {err}"
    );
}
