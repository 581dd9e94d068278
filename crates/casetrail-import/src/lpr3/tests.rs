use super::*;

const MAPPING: &str = include_str!("../../../../fixtures/import/lpr3/mapping.toml");
const CONTACTS: &str = include_str!("../../../../fixtures/import/lpr3/kontakter.csv");
const DIAGNOSES: &str = include_str!("../../../../fixtures/import/lpr3/diagnoser.csv");
const EPISODES: &str = include_str!("../../../../fixtures/import/lpr3/forloebselementer.csv");

/// A stand-in for the keyed id: the test only needs one id per CPR number.
fn patient_of(cpr: &Cpr) -> PatientId {
    PatientId::new(format!("L{}", &cpr.as_str()[..6])).unwrap()
}

fn read(mapping: &str, contacts: &str, diagnoses: &str) -> Parsed {
    read_with(mapping, contacts, diagnoses, None)
}

fn read_with(mapping: &str, contacts: &str, diagnoses: &str, episodes: Option<&str>) -> Parsed {
    let mapping = Lpr3Mapping::parse(mapping).unwrap();
    let mut episodes = episodes.map(str::as_bytes);
    parse_lpr3(
        &mapping,
        contacts.as_bytes(),
        diagnoses.as_bytes(),
        episodes.as_mut().map(|e| e as &mut dyn Read),
        &patient_of,
    )
    .unwrap()
}

fn problems(parsed: &Parsed) -> Vec<(u64, String, Problem)> {
    parsed
        .rejected
        .iter()
        .flat_map(|r| {
            r.errors
                .iter()
                .map(move |e| (r.line, e.column.to_string(), e.problem.clone()))
        })
        .collect()
}

#[test]
fn the_example_extract_reads_every_contact_with_its_diagnoses() {
    let parsed = read(MAPPING, CONTACTS, DIAGNOSES);
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(parsed.rows.len(), 6);
    let first = &parsed.rows[0];
    assert_eq!(first.line, 2);
    assert_eq!(first.patient.as_str(), "L010190");
    assert_eq!(
        first.kind,
        ContactKind::PsychiatricEmergency,
        "the unit's kind"
    );
    assert_eq!(first.priority, Priority::Acute);
    assert_eq!(first.sector, Sector::Region);
    assert_eq!(first.unit, "Psykiatrisk akutmodtagelse");
    assert_eq!(first.start.to_string(), "2019-03-01T22:10");
    // The disproved bidiagnose is left out; the main diagnosis is first and not repeated.
    let codes = |r: &ContactRow| {
        r.diagnoses
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(first), ["DF209"]);
    assert_eq!(codes(&parsed.rows[1]), ["DF200", "DF101"]);
    assert_eq!(parsed.rows[1].kind, ContactKind::WardAdmission);
    // A virtual contact is the kind the contact type names, whatever the unit.
    assert_eq!(parsed.rows[3].kind, ContactKind::OutpatientVisit);
    assert_eq!(parsed.rows[3].priority, Priority::Planned);
    assert_eq!(parsed.rows[5].end, None, "an open contact");
    assert!(matches!(
        &parsed.rows[0].record,
        RowKind::Contact { id: Some(id) } if id.as_str() == "K1001"
    ));
    assert_eq!(parsed.header[0], "DW_EK_KONTAKT");
}

#[test]
fn bad_rows_are_refused_with_their_line_and_column() {
    let contacts = "DW_EK_KONTAKT,CPR,SORENHED_ANS,dato_start,tidspunkt_start,dato_slut,tidspunkt_slut,aktionsdiagnose,prioritet,kontakttype
K1,0101904321,999999,2019-03-01,10:00,2019-03-02,10:00,DF200,ATA1,ALCA00
K2,0101904321,900001,2019-03-01,10:00,2019-03-02,10:00,DF200,ATA9,ALCA00
K3,3213904321,900001,2019-03-01,10:00,2019-03-02,10:00,DF200,ATA1,ALCA00
K4,0101904321,900001,2019-03-05,10:00,2019-03-02,10:00,DF200,ATA1,ALCA00
K5,0101904321,900001,2019-03-31,02:30,2019-04-02,10:00,DF200,ATA1,ALCA00
K6,0101904321,900001,2019-04-01,10:00,2019-04-02,10:00,DF200,ATA1,ALCA00
K6,0101904321,900001,2019-04-05,10:00,2019-04-06,10:00,DF200,ATA1,ALCA00
K7,0101904321,900001,2019-05-01,10:00,2019-05-02,10:00,,ATA1,ALCA00
K8,0101904321,900001,2019-06-01,10:00,2019-06-02,10:00,DF200,ATA1,ALCA77
";
    let diagnoses = "DW_EK_KONTAKT,diagnosekode,diagnosetype,senere_afkraeftet
K6,DF200,A,0
K7,not-a-code,A,0
K99,DF200,A,0
";
    let parsed = read(MAPPING, contacts, diagnoses);
    let found = problems(&parsed);
    let has = |line: u64, column: &str, f: &dyn Fn(&Problem) -> bool| {
        assert!(
            found
                .iter()
                .any(|(l, c, p)| *l == line && c == column && f(p)),
            "line {line}, {column}: {found:#?}"
        );
    };
    has(
        2,
        "SORENHED_ANS",
        &|p| matches!(p, Problem::UnknownUnit { code } if code == "999999"),
    );
    has(
        3,
        "prioritet",
        &|p| matches!(p, Problem::NotOneOf { value, .. } if value == "ATA9"),
    );
    has(4, "CPR", &|p| {
        matches!(
            p,
            Problem::Invalid {
                expected: Expected::Cpr,
                ..
            }
        )
    });
    has(5, "dato_slut", &|p| {
        matches!(p, Problem::EndBeforeStart { .. })
    });
    has(6, "dato_start", &|p| {
        matches!(p, Problem::SkippedHour { .. })
    });
    has(8, "DW_EK_KONTAKT", &|p| {
        matches!(p, Problem::DuplicateContact { line: 7 })
    });
    // K7's diagnosis row is refused (line 3 of the diagnosis table), so K7 is too.
    has(3, "diagnoses: diagnosekode", &|p| {
        matches!(
            p,
            Problem::Invalid {
                expected: Expected::Icd10,
                ..
            }
        )
    });
    has(9, "DW_EK_KONTAKT", &|p| {
        matches!(p, Problem::DiagnosisRefused { line: 3 })
    });
    has(
        10,
        "kontakttype",
        &|p| matches!(p, Problem::NotOneOf { value, .. } if value == "ALCA77"),
    );
    has(
        4,
        "diagnoses: DW_EK_KONTAKT",
        &|p| matches!(p, Problem::UnknownContact { contact } if contact == "K99"),
    );
    // Only the first K6 stands.
    let ids: Vec<u64> = parsed.rows.iter().map(|r| r.line).collect();
    assert_eq!(ids, [7]);
}

#[test]
fn a_regions_own_names_and_separator_are_read_through_the_mapping() {
    let mapping = r#"
delimiter = ";"
[contacts]
contact = "kontakt_id"
cpr = "personnummer"
unit = "afsnit"
start_date = "start"
start_time = "start_kl"
end_date = "slut"
end_time = "slut_kl"
main_diagnosis = "adiag"
priority = "prio"
contact_type = "type"
[diagnoses]
contact = "kontakt_id"
code = "kode"
kind = "art"
disproved = "afkraeftet"
[codes.priority]
"1" = "acute"
[codes.contact_type]
F = "attendance"
[units.P1]
sector = "region"
organisation = "Syntetisk Psykiatri"
name = "P1"
attendance = "ward_admission"
"#;
    let contacts = "kontakt_id;personnummer;afsnit;start;start_kl;slut;slut_kl;adiag;prio;type\n\
                    A1;010190-4321;P1;2019-02-10;08:00:00;2019-02-12;09:30:00;DF200;1;F\n";
    let diagnoses = "kontakt_id;kode;art;afkraeftet\nA1;DF200;A;\nA1;DF431;B;\n";
    let parsed = read(mapping, contacts, diagnoses);
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(parsed.rows[0].diagnoses.len(), 2);
    assert_eq!(parsed.rows[0].start.to_string(), "2019-02-10T08:00");
}

#[test]
fn a_table_without_its_columns_or_a_bad_mapping_is_refused_whole() {
    let mapping = Lpr3Mapping::parse(MAPPING).unwrap();
    let missing = parse_lpr3(
        &mapping,
        "DW_EK_KONTAKT,CPR\nK1,0101904321\n".as_bytes(),
        DIAGNOSES.as_bytes(),
        None,
        &patient_of,
    );
    assert!(
        matches!(&missing, Err(ImportError::MissingColumns { missing, .. }) if missing.contains("SORENHED_ANS") && missing.contains("(contacts)")),
        "{missing:?}"
    );
    let semicolons = parse_lpr3(
        &mapping,
        CONTACTS.replace(',', ";").as_bytes(),
        DIAGNOSES.as_bytes(),
        None,
        &patient_of,
    );
    assert!(matches!(
        semicolons,
        Err(ImportError::SemicolonSeparated { .. })
    ));
    let unknown_key = Lpr3Mapping::parse("[contacts]\ncolour = \"x\"\n");
    assert!(
        matches!(&unknown_key, Err(MappingError::Toml { detail }) if detail.contains("colour")),
        "{unknown_key:?}"
    );
    let bad_value = Lpr3Mapping::parse("[codes.priority]\nATA1 = \"urgent\"\n");
    assert!(matches!(
        bad_value,
        Err(MappingError::Value {
            table: "codes.priority",
            ..
        })
    ));
    let bad_unit = Lpr3Mapping::parse(
        "[units.X]\nsector = \"hospital\"\norganisation = \"o\"\nname = \"n\"\nattendance = \"ward_admission\"\n",
    );
    assert!(matches!(
        bad_unit,
        Err(MappingError::Value { table: "units", .. })
    ));
}

#[test]
fn the_forloebselement_table_checks_each_contacts_episode() {
    let whole = read_with(MAPPING, CONTACTS, DIAGNOSES, Some(EPISODES));
    assert!(whole.rejected.is_empty(), "{:?}", whole.rejected);
    assert_eq!(whole.rows.len(), 6);
    // F502 dropped, F601 another person's, F503 starting a day later, F602 twice, and a
    // row with a bad CPR number: each contact naming one is refused at its episode column.
    let episodes = EPISODES
        .lines()
        .filter(|l| !l.starts_with("F502"))
        .map(|l| {
            if l.starts_with("F601") {
                l.replace("1507854328", "0101904321")
            } else if l.starts_with("F503") {
                l.replace("2019-03-20,10:00,,", "2019-03-21,10:00,,")
            } else {
                l.to_owned()
            }
        })
        .chain([
            "F602,H60,1507854328,900001,2019-05-20,16:00,,,DF312,ALDA00,AFV01A1".to_owned(),
            "F700,H70,3213904321,900001,2019-05-20,16:00,,,DF312,ALDA00,AFV01A1".to_owned(),
        ])
        .collect::<Vec<_>>()
        .join("\n");
    let contacts = format!(
        "{CONTACTS}K3001,F700,0101904321,,,900001,2019-06-01,10:00,2019-06-03,10:00,DF200,ALCC01,ATA1,ALCA00,,\n"
    );
    let parsed = read_with(MAPPING, &contacts, DIAGNOSES, Some(&episodes));
    let found = problems(&parsed);
    let at = |line: u64, column: &str, is: &dyn Fn(&Problem) -> bool| {
        assert!(
            found
                .iter()
                .any(|(l, c, p)| *l == line && c == column && is(p)),
            "line {line} {column}: {found:?}"
        );
    };
    at(
        4,
        "DW_EK_FORLOEB",
        &|p| matches!(p, Problem::UnknownEpisode { episode } if episode == "F502"),
    );
    at(5, "DW_EK_FORLOEB", &|p| {
        matches!(p, Problem::BeforeEpisode { .. })
    });
    at(6, "DW_EK_FORLOEB", &|p| {
        matches!(p, Problem::EpisodeOfAnotherPerson { line: 4 })
    });
    // The second F602 is refused in its own table; the contact is not imported without it.
    at(6, "forløbselementer: DW_EK_FORLOEB", &|p| {
        matches!(p, Problem::DuplicateEpisode { line: 5 })
    });
    at(7, "DW_EK_FORLOEB", &|p| {
        matches!(p, Problem::EpisodeRefused { .. })
    });
    at(8, "DW_EK_FORLOEB", &|p| {
        matches!(p, Problem::EpisodeRefused { line: 7 })
    });
    at(7, "forløbselementer: CPR", &|p| {
        matches!(p, Problem::Invalid { .. })
    });
    assert_eq!(parsed.rows.len(), 2, "K1001 and K1002 of F501 stay");
}
