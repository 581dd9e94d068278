//! Sample data for the demo: a few synthetic pathways, written through the importer like any
//! extract, so every event the demo writes is one every reader reads (the stage-1 analysis,
//! the selection, the projection, `export-events` and its re-import).
//!
//! Everything here is invented. Each line carries an id derived from a fixed key, so running
//! the demo twice writes nothing the second time.

use casetrail_ledger::{EventId, Head, VerifyReport};
use serde_json::json;

use crate::casefile::import::Quiet;
use crate::casefile::uploads::UploadKind;
use crate::core::error::AppError;
use crate::core::workbench::Workbench;

/// What the demo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub streams: usize,
    pub appended: usize,
    pub already_stored: usize,
    pub head: Option<Head>,
    pub verify: VerifyReport,
}

/// One synthetic pathway: (event type, data) in order, in the import format of
/// `docs/import.md`.
fn pathway(n: usize) -> Vec<(&'static str, serde_json::Value)> {
    let patient = format!("demo-{:02}", n + 1);
    let ward = ["Sengeafsnit A", "Sengeafsnit B"][n % 2];
    let diagnosis = ["DF201", "DF603"][n % 2];
    let contact = |i: usize, sector: &str, kind: &str, start: String, priority: &str| {
        json!({"contact": format!("{patient}-C{i}"), "patient": patient, "sector": sector,
               "kind": kind, "organisation": "Demo", "unit": "Demo", "start": start, "end": null,
               "priority": priority, "diagnoses": [], "court_ordered": false, "note": null})
    };
    let admission = |i: usize, start: String| {
        json!({"stay": format!("{patient}-A{i}"), "patient": patient, "ward": ward,
               "priority": "acute", "main_diagnosis": diagnosis, "court_ordered": false,
               "start": start})
    };
    let discharge = |i: usize, end: String| json!({"stay": format!("{patient}-A{i}"), "patient": patient, "end": end});
    vec![
        (
            "PatientRegistered",
            json!({"patient": patient, "cpr": format!("0101{:02}-400{n}", 90 + n),
                   "name": format!("Demo Person {}", n + 1), "birth_year": 1990 + n,
                   "sex": if n.is_multiple_of(2) { "female" } else { "male" },
                   "municipality": "Demo Kommune"}),
        ),
        (
            "ContactRecorded",
            contact(
                1,
                "general_practice",
                "gp_consultation",
                format!("2019-03-0{}", n + 1),
                "planned",
            ),
        ),
        (
            "ContactRecorded",
            contact(
                2,
                "out_of_hours",
                "out_of_hours_doctor",
                format!("2019-03-0{}T22:40", n + 2),
                "acute",
            ),
        ),
        (
            "AdmissionStarted",
            admission(1, format!("2019-03-0{}T23:55", n + 2)),
        ),
        (
            "DischargeRecorded",
            discharge(1, format!("2019-03-0{}T10:00", n + 4)),
        ),
        (
            "PlanChanged",
            json!({"plan": format!("{patient}-P1"), "patient": patient,
                   "kind": "discharge_agreement", "action": "created",
                   "at": format!("2019-03-0{}", n + 4), "participants": ["region", "municipality"],
                   "content": "Udskrivningsaftale med bostøtten."}),
        ),
        (
            "ContactRecorded",
            contact(
                3,
                "municipality",
                "housing_support",
                format!("2019-03-1{n}"),
                "planned",
            ),
        ),
        (
            "AdmissionStarted",
            admission(2, format!("2019-03-1{}T21:10", n + 2)),
        ),
        (
            "DischargeRecorded",
            discharge(2, format!("2019-03-1{}T09:30", n + 3)),
        ),
    ]
}

const DEMO_PATIENTS: usize = 4;

/// The demo as JSON Lines, each line with its fixed id.
fn demo_lines() -> String {
    let mut out = String::new();
    for n in 0..DEMO_PATIENTS {
        for (i, (event_type, data)) in pathway(n).into_iter().enumerate() {
            let id = EventId::derive(format!("demo/v2/{n}/{i}").as_bytes());
            let line = json!({"id": casetrail_domain::hex::encode(&id.0), "type": event_type, "data": data});
            out.push_str(&line.to_string());
            out.push('\n');
        }
    }
    out
}

impl Workbench {
    /// Appends the sample pathways (once), then verifies the whole chain.
    pub fn load_demo(&self) -> Result<DemoSummary, AppError> {
        let summary = self.import_bytes(
            demo_lines().as_bytes(),
            UploadKind::JsonLines,
            "demo",
            &mut Quiet,
        )?;
        Ok(DemoSummary {
            streams: DEMO_PATIENTS,
            appended: summary.appended,
            already_stored: summary.already_stored,
            head: self.head(),
            verify: self.verify(None)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use casetrail_ledger::{ManualClock, Timestamp};

    use super::*;
    use crate::core::workbench::Access;

    #[test]
    fn the_demo_writes_once_and_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(Timestamp(0), 1));
        let wb = Workbench::open(dir.path(), Access::ReadWrite, clock).unwrap();
        let first = wb.load_demo().unwrap();
        assert_eq!(first.appended, 36);
        assert_eq!(first.already_stored, 0);
        assert!(first.verify.is_intact());
        assert_eq!(first.verify.checked, 36);
        let second = wb.load_demo().unwrap();
        assert_eq!(second.appended, 0);
        assert_eq!(second.already_stored, 36);
        assert_eq!(second.head, first.head);
    }
}
