//! The contacts CSV reader against valid, invalid and hostile files.

use super::*;

const SMALL: &str = include_str!("../../../../fixtures/import/contacts-small.csv");
const HEADER: &str = "patient,cpr,start,end,sector,kind,priority,diagnosis,unit,note";

#[test]
fn a_valid_file_reads_every_row() {
    let parsed = parse_contacts(SMALL.as_bytes()).unwrap();
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(parsed.rows.len(), 5);
    let admission = &parsed.rows[1];
    assert_eq!(admission.line, 3);
    assert_eq!(admission.kind, ContactKind::WardAdmission);
    assert_eq!(admission.diagnoses, vec![Icd10::new("DF201").unwrap()]);
    assert_eq!(admission.end.unwrap().to_string(), "2017-01-05T10:00");
    assert!(matches!(
        parsed.rows[2].record,
        RowKind::Plan {
            kind: PlanKind::DischargeAgreement,
            action: PlanAction::Created,
            id: None
        }
    ));
    assert_eq!(parsed.rows[2].end, None);
    assert_eq!(parsed.rows[4].diagnoses.len(), 2);
    assert_eq!(parsed.rows[4].cpr.as_str(), "231299-4432");
}

#[test]
fn every_bad_field_of_every_bad_line_is_named() {
    let text = format!(
        "{HEADER}\n\
         P1,070761-4285,2017-01-03,2017-01-02,region,ward_admission,acute,DF201,A,x\n\
         P2,not-a-cpr,2017-13-01,,space,visit,urgent,F2X,A,x\n\
         P3,070761-4285,2017-01-03,,region,ward_admission,acute,,A,x\n\
         P4,070761-4285,2017-01-03,,region,gp_consultation,planned,,A\n\
         ,070761-4285,2017-01-03,,region,gp_consultation,planned,,A,ok\n"
    );
    let parsed = parse_contacts(text.as_bytes()).unwrap();
    assert!(parsed.rows.is_empty());
    let by_line: Vec<(u64, Vec<&str>)> = parsed
        .rejected
        .iter()
        .map(|r| (r.line, r.errors.iter().map(|e| e.column.as_ref()).collect()))
        .collect();
    assert_eq!(
        by_line,
        vec![
            (2, vec!["end"]),
            (
                3,
                vec!["cpr", "start", "sector", "kind", "priority", "diagnosis"]
            ),
            (4, vec!["diagnosis"]),
            (5, vec!["(line)"]),
            (6, vec!["patient"]),
        ]
    );
    let message = parsed.rejected[1].to_string();
    assert!(
        message.starts_with("line 3: cpr: not a CPR number"),
        "{message}"
    );
    assert!(
        message.contains("\"space\" is not one of region, municipality"),
        "{message}"
    );
    assert_eq!(
        parsed.rejected[3].fields.len(),
        9,
        "the original fields are kept"
    );
}

#[test]
fn a_time_in_the_skipped_spring_hour_is_refused_with_the_reason() {
    let text =
        format!("{HEADER}\nP1,070761-4285,2017-03-26T02:30,,region,gp_consultation,planned,,A,x\n");
    let parsed = parse_contacts(text.as_bytes()).unwrap();
    assert_eq!(parsed.rejected.len(), 1);
    assert!(
        parsed.rejected[0]
            .to_string()
            .contains("does not exist in Danish time"),
        "{}",
        parsed.rejected[0]
    );
}

#[test]
fn one_patient_cannot_have_two_cpr_numbers() {
    let text = format!(
        "{HEADER}\nP1,070761-4285,2017-01-03,,region,gp_consultation,planned,,A,x\n\
         P1,070761-4286,2017-01-04,,region,gp_consultation,planned,,A,x\n"
    );
    let parsed = parse_contacts(text.as_bytes()).unwrap();
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(parsed.rejected[0].line, 3);
    assert!(
        parsed.rejected[0]
            .to_string()
            .contains("another CPR number on line 2")
    );
}

#[test]
fn header_problems_stop_the_whole_file() {
    let missing = parse_contacts("patient,cpr,start\nP1,x,y\n".as_bytes()).unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("end, sector, kind, priority, diagnosis, unit, note"),
        "{missing}"
    );
    let unknown = parse_contacts(format!("{HEADER},colour\n").as_bytes()).unwrap_err();
    assert!(unknown.to_string().contains("\"colour\""), "{unknown}");
    let twice = parse_contacts(format!("{HEADER},note\n").as_bytes()).unwrap_err();
    assert!(
        matches!(twice, ImportError::DuplicateColumn { .. }),
        "{twice}"
    );
}

#[test]
fn a_semicolon_file_is_recognised_and_said_so() {
    let danish = format!("{}\nP1;x\n", HEADER.replace(',', ";"));
    let e = parse_contacts(danish.as_bytes()).unwrap_err();
    let columns = HEADER.split(',').count();
    assert!(
        matches!(e, ImportError::SemicolonSeparated { columns: n } if n == columns),
        "{e}"
    );
    assert!(e.to_string().contains("kommasepareret"), "{e}");
    // One semicolon in a single unknown column is no Danish CSV, just a wrong header.
    let other = parse_contacts("a;b\n1;2\n".as_bytes()).unwrap_err();
    assert!(
        matches!(other, ImportError::UnknownColumn { .. }),
        "{other}"
    );
}

#[test]
fn rows_handed_over_one_by_one_are_the_rows_read_whole() {
    let whole = parse_contacts(SMALL.as_bytes()).unwrap();
    let mut handed = Vec::new();
    let header = parse_contacts_each(SMALL.as_bytes(), |row| handed.push(row.unwrap())).unwrap();
    assert_eq!(handed, whole.rows);
    assert_eq!(header, whole.header);
    let mut bad = SMALL.to_string();
    bad.push_str("P0009,not-a-cpr,2017-01-01,,region,ward_admission,acute,,U,,O,,,,\n");
    let (mut valid, mut refused) = (0, Vec::new());
    parse_contacts_each(bad.as_bytes(), |row| match row {
        Ok(_) => valid += 1,
        Err(r) => refused.push(r.line),
    })
    .unwrap();
    assert_eq!((valid, refused), (whole.rows.len(), vec![7]));
}

#[test]
fn a_line_longer_than_the_bound_stops_the_file_with_its_line() {
    let mut text = SMALL.to_string();
    text.push_str(&"x".repeat(crate::MAX_LINE_BYTES + 1));
    let e = parse_contacts(text.as_bytes()).unwrap_err();
    assert!(
        matches!(e, ImportError::Csv { line: 7, .. }),
        "stopped at the long line: {e}"
    );
    assert!(e.to_string().contains("longer than 16 MiB"), "{e}");
}
