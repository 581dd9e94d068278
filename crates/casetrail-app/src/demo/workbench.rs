//! `serve --demo`: a workbench with something in it. Four fixture cases and a long synthetic
//! case, a generated region for stage 1, releases, a demo audit with two panels of seven
//! (every sector on each), and a user for every role. Panel B has scored its cases and waits
//! for the reveal; panel A is scoring. Everything is invented; loading twice writes nothing.

use casetrail_anon::PseudonymKey;
use casetrail_audit::audit::{Answer, AuditEvent, Value};
use casetrail_domain::{DatePolicy, Datelike, NaiveDate};

use crate::audit::audits::{DEFACTUM_2019, NewAudit};
use crate::audit::users::Role;
use crate::casefile::import::Quiet;
use crate::casefile::uploads::UploadKind;
use crate::core::error::{AppError, CoreError};

use crate::core::workbench::Workbench;

/// The demo audit's id.
pub const DEMO_AUDIT: &str = "DEMO-2019";
/// Every demo user's password (printed at start; the demo is not for real data).
pub const DEMO_PASSWORD: &str = "casetrail-demo-2019";
/// The synthetic case with many events, for reading long pathways and for the benchmark.
pub const LONG_CASE: &str = "SAG5";
const LONG_CASE_EVENTS: usize = 2_000;
const REGION_PATIENTS: usize = 2_000;

const FIXTURE_CASES: [(&str, &str); 4] = [
    (
        "sag-1.jsonl",
        include_str!("../../../../fixtures/cases/sag-1-skizofreni-botilbud.jsonl"),
    ),
    (
        "sag-2.jsonl",
        include_str!("../../../../fixtures/cases/sag-2-skizofreni-eget-hjem.jsonl"),
    ),
    (
        "sag-3.jsonl",
        include_str!(
            "../../../../fixtures/cases/sag-3-personlighedsforstyrrelse-natlige-indlaeggelser.jsonl"
        ),
    ),
    (
        "sag-4.jsonl",
        include_str!(
            "../../../../fixtures/cases/sag-4-personlighedsforstyrrelse-venter-paa-bolig.jsonl"
        ),
    ),
];

/// (user, sector, role in the panel) for each panel; the user name is the member id.
const PANEL_A: [(&str, &str, &str); 7] = [
    ("a.psykiatri", "region", "overlæge"),
    ("a.sengeafsnit", "region", "sygeplejerske"),
    ("a.socialpsykiatri", "municipality", "leder"),
    ("a.botilbud", "municipality", "bostøtte"),
    ("a.laege", "general_practice", "praktiserende læge"),
    ("a.vagtlaege", "out_of_hours", "vagtlæge"),
    ("a.politi", "police", "betjent"),
];
const PANEL_B: [(&str, &str, &str); 7] = [
    ("b.psykiatri", "region", "overlæge"),
    ("b.ambulant", "region", "psykolog"),
    ("b.socialpsykiatri", "municipality", "sagsbehandler"),
    ("b.jobcenter", "municipality", "sagsbehandler"),
    ("b.laege", "general_practice", "praktiserende læge"),
    ("b.vagtlaege", "out_of_hours", "vagtlæge"),
    ("b.politi", "police", "vicepolitiinspektør"),
];
const CASES_A: [&str; 3] = ["SAG1", "SAG2", LONG_CASE];
const CASES_B: [&str; 2] = ["SAG3", "SAG4"];

/// A demo sign-in, printed at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    pub name: &'static str,
    pub role: Role,
}

/// What `load_workbench_demo` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbenchDemo {
    pub already_loaded: bool,
    pub users: Vec<DemoUser>,
    pub audit: &'static str,
    pub password: &'static str,
}

fn demo_users() -> Vec<DemoUser> {
    let mut users = vec![
        DemoUser {
            name: "facilitator",
            role: Role::Facilitator,
        },
        DemoUser {
            name: "kvalitet",
            role: Role::Quality,
        },
        DemoUser {
            name: "admin",
            role: Role::Administrator,
        },
    ];
    for (name, _, _) in PANEL_A.iter().chain(&PANEL_B) {
        users.push(DemoUser {
            name,
            role: Role::PanelMember,
        });
    }
    users
}

/// The long case as JSON Lines: a patient who is admitted every nine days for ten years,
/// with the GP, the out-of-hours doctor, the municipality and now and then the police.
pub fn long_case_jsonl(patient: &str, events: usize) -> String {
    let mut lines = vec![
        format!(
            r#"{{"type":"PatientRegistered","data":{{"patient":"{patient}","cpr":"010190-1235","name":"Demo Langforløb","birth_year":1990,"sex":"female","municipality":"Viborg"}}}}"#
        ),
        format!(
            r#"{{"type":"ConsentGiven","data":{{"patient":"{patient}","scope":"casebaseret audit: sagsmateriale fra alle aktører","date":"2019-01-02","comments":null}}}}"#
        ),
    ];
    let first = NaiveDate::from_ymd_opt(2019, 1, 7)
        .expect("a real date")
        .num_days_from_ce();
    let mut n = 0usize;
    while lines.len() < events {
        let day = first + (n as i32) * 9;
        let date = |offset: i64| {
            NaiveDate::from_num_days_from_ce_opt(day + offset as i32)
                .expect("within the calendar")
                .to_string()
        };
        let cycle = [
            format!(
                r#"{{"type":"ContactRecorded","data":{{"contact":"L-GP{n}","patient":"{patient}","sector":"general_practice","kind":"gp_consultation","organisation":"Lægehuset Demo","unit":"Lægehuset Demo","start":"{}T09:15","end":"{}T09:30","priority":"planned","diagnoses":[],"court_ordered":false,"note":"Kontrol. Sover dårligt, medicin gennemgået."}}}}"#,
                date(0),
                date(0)
            ),
            format!(
                r#"{{"type":"ContactRecorded","data":{{"contact":"L-OOH{n}","patient":"{patient}","sector":"out_of_hours","kind":"out_of_hours_doctor","organisation":"Lægevagten","unit":"Lægevagt Viborg","start":"{}T23:40","end":"{}T23:50","priority":"acute","diagnoses":[],"court_ordered":false,"note":"Ringer selv, urolig. Henvist til psykiatrisk akutmodtagelse."}}}}"#,
                date(3),
                date(3)
            ),
            format!(
                r#"{{"type":"AdmissionStarted","data":{{"stay":"L-A{n}","patient":"{patient}","ward":"Sengeafsnit Demo","priority":"acute","main_diagnosis":"DF200","court_ordered":false,"start":"{}T01:10"}}}}"#,
                date(4)
            ),
            format!(
                r#"{{"type":"DischargeRecorded","data":{{"stay":"L-A{n}","patient":"{patient}","end":"{}T10:00"}}}}"#,
                date(4 + 1 + (n as i64 % 3))
            ),
            format!(
                r#"{{"type":"ContactRecorded","data":{{"contact":"L-M{n}","patient":"{patient}","sector":"municipality","kind":"housing_support","organisation":"Viborg Kommune","unit":"Socialpsykiatrien","start":"{}T13:00","end":"{}T14:00","priority":"planned","diagnoses":[],"court_ordered":false,"note":"Bostøtte efter udskrivelse. Aftale om ugentlige besøg."}}}}"#,
                date(7),
                date(7)
            ),
        ];
        for line in cycle {
            if lines.len() < events {
                lines.push(line);
            }
        }
        n += 1;
    }
    lines.join("\n") + "\n"
}

/// A deterministic demo answer: panels disagree a little, more on involvement.
fn demo_answer(member: usize, case: &str, question: &str, hash: &str) -> Answer {
    let base: i64 = match question {
        "efforts" => 2,
        "collaboration" => 2,
        _ => 3,
    };
    let spread = (member as i64 + case.len() as i64 + question.len() as i64) % 3 - 1;
    let value = if member == 6 && question == "involvement" {
        Value::CannotAssess
    } else {
        Value::Step((base + spread).clamp(1, 5))
    };
    Answer {
        member: PANEL_B[member].0.to_owned(),
        case: Some(case.to_owned()),
        question: question.to_owned(),
        value,
        justification: super::justifications::justification(
            PANEL_B[member].1,
            question,
            member + case.len() + usize::from(case.ends_with('4')),
        )
        .to_owned(),
        content_hash: Some(hash.to_owned()),
    }
}

impl Workbench {
    /// Loads the demo, unless this data directory already has it.
    pub fn load_workbench_demo(&self, key: &PseudonymKey) -> Result<WorkbenchDemo, AppError> {
        let users = demo_users();
        let done = WorkbenchDemo {
            already_loaded: true,
            users: users.clone(),
            audit: DEMO_AUDIT,
            password: DEMO_PASSWORD,
        };
        if self.audit_exists(DEMO_AUDIT)? {
            return Ok(done);
        }
        let by = "demo";
        for (name, text) in FIXTURE_CASES {
            let kind = UploadKind::of_name(name).unwrap_or(UploadKind::JsonLines);
            self.import_bytes(text.as_bytes(), kind, by, &mut Quiet)?;
        }
        let long = long_case_jsonl(LONG_CASE, LONG_CASE_EVENTS);
        self.import_bytes(long.as_bytes(), UploadKind::JsonLines, by, &mut Quiet)?;
        let mut region = Vec::new();
        casetrail_synth::write_csv(
            casetrail_synth::Config {
                patients: REGION_PATIENTS,
                year: 2019,
                seed: 2019,
            },
            &mut region,
        )
        .map_err(|e| CoreError::Io {
            path: self.data_dir().join("region-2019.csv"),
            source: std::io::Error::other(e),
        })?;
        self.import_bytes(&region, UploadKind::Csv, by, &mut Quiet)?;

        let existing: Vec<String> = self.users()?.into_iter().map(|u| u.name).collect();
        for user in &users {
            if !existing.iter().any(|n| n == user.name) {
                self.add_user(user.name, user.role, DEMO_PASSWORD, by)?;
            }
        }

        let facilitator = "facilitator";
        for case in CASES_A.iter().chain(&CASES_B) {
            if self.releases(case)?.is_empty() {
                // The demo's cases are invented: their review lists are left for the
                // facilitator trying the workbench, and the release says so.
                let reason = "Demo: opdigtede sager; kontrollisten gennemgås, når demoen prøves";
                self.release(
                    case,
                    key,
                    DatePolicy::RelativeDays,
                    facilitator,
                    Some(reason),
                )?;
            }
        }
        self.create_audit(
            DEMO_AUDIT,
            NewAudit {
                title: "Hyppige korte indlæggelser 2019 (demo)".into(),
                topic: "Tværsektorielt samarbejde om patienter med mange korte akutte indlæggelser"
                    .into(),
                stage1_reference: "stage1 --year 2019".into(),
                criteria: "≥ 3 akutte indlæggelser, heraf ≥ 1 genindlæggelse inden for 30 dage"
                    .into(),
            },
            DEFACTUM_2019,
            facilitator,
        )?;
        for (panel, members) in [("A", &PANEL_A), ("B", &PANEL_B)] {
            for (member, sector, role) in members.iter() {
                self.audit_event(
                    DEMO_AUDIT,
                    AuditEvent::MemberAdded {
                        panel: panel.into(),
                        member: (*member).into(),
                        sector: (*sector).into(),
                        role: (*role).into(),
                    },
                    facilitator,
                )?;
            }
        }
        for (panel, cases) in [("A", &CASES_A[..]), ("B", &CASES_B[..])] {
            for case in cases {
                self.audit_event(
                    DEMO_AUDIT,
                    AuditEvent::CaseAssigned {
                        panel: panel.into(),
                        case: (*case).into(),
                        release_version: 1,
                        content_hash: self.release_hash(case, 1)?,
                        set_aside_submitted: false,
                    },
                    facilitator,
                )?;
            }
        }
        self.audit_event(
            DEMO_AUDIT,
            AuditEvent::ScoringOpened { reason: None },
            facilitator,
        )?;
        for case in CASES_B {
            let hash = self.release_hash(case, 1)?;
            for (i, (member, _, _)) in PANEL_B.iter().enumerate() {
                for question in ["efforts", "collaboration", "involvement"] {
                    self.audit_event(
                        DEMO_AUDIT,
                        AuditEvent::AnswerSaved(demo_answer(i, case, question, &hash)),
                        member,
                    )?;
                }
                self.audit_event(
                    DEMO_AUDIT,
                    AuditEvent::AnswersSubmitted {
                        member: (*member).into(),
                        case: Some(case.into()),
                    },
                    member,
                )?;
            }
        }
        for (member, sector, _) in PANEL_B.iter() {
            for question in ["reducible", "support"] {
                let text = super::justifications::audit_wide(sector, question);
                let answer = Answer {
                    member: (*member).into(),
                    case: None,
                    question: question.into(),
                    value: Value::Text(text.into()),
                    justification: String::new(),
                    content_hash: None,
                };
                self.audit_event(DEMO_AUDIT, AuditEvent::AnswerSaved(answer), member)?;
            }
            let submit = AuditEvent::AnswersSubmitted {
                member: (*member).into(),
                case: None,
            };
            self.audit_event(DEMO_AUDIT, submit, member)?;
        }
        Ok(WorkbenchDemo {
            already_loaded: false,
            ..done
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_has_two_full_panels_panel_b_scored_and_loads_once() {
        let (_dir, wb) = crate::core::workbench::temp_workbench();
        let key = PseudonymKey::from_bytes([7; 32]);
        let first = wb.load_workbench_demo(&key).unwrap();
        assert!(!first.already_loaded);
        assert_eq!(first.users.len(), 17);
        let status = wb.audit_status(DEMO_AUDIT, None).unwrap();
        assert_eq!(status.state.panels.len(), 2);
        for (panel, missing) in &status.missing_sectors {
            assert!(missing.is_empty(), "panel {panel} lacks {missing:?}");
        }
        assert_eq!(
            status.submissions.len(),
            21,
            "panel B: 7 members x (2 cases + the audit-wide questions)"
        );
        let reveal_b = casetrail_audit::audit::Step::Reveal { panel: "B".into() };
        assert_eq!(wb.audit_gaps(DEMO_AUDIT, &reveal_b).unwrap(), Some(vec![]));
        let reveal_z = casetrail_audit::audit::Step::Reveal { panel: "Z".into() };
        assert_eq!(wb.audit_gaps(DEMO_AUDIT, &reveal_z).unwrap(), None);
        assert!(status.state.scoring_open);
        assert_eq!(wb.member_cases("a.politi", &key).unwrap().len(), 3);
        assert_eq!(wb.releases(LONG_CASE).unwrap()[0].stream_version, 2_000);
        let head = wb.head();
        assert!(wb.load_workbench_demo(&key).unwrap().already_loaded);
        assert_eq!(wb.head(), head, "the second load writes nothing");
        assert!(wb.authenticate("b.laege", DEMO_PASSWORD).unwrap().is_some());
    }

    #[test]
    fn the_long_case_has_exactly_the_events_asked_for() {
        let text = long_case_jsonl("SAG5", 2_000);
        assert_eq!(text.lines().count(), 2_000);
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["data"]["patient"], "SAG5");
        }
    }
}
