//! Sample data for the demo: a few synthetic pathways written as events.
//!
//! Everything here is invented. Event ids are derived from fixed keys, so running the demo
//! twice writes nothing the second time: the ledger recognises each append as a resend.

use casetrail_ledger::{
    Actor, AppendRequest, EventId, EventType, ExpectedVersion, Head, NewEvent, StreamId,
    VerifyReport,
};
use serde_json::json;

use crate::error::AppError;
use crate::workbench::Workbench;

/// What the demo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub streams: usize,
    pub appended: usize,
    pub already_stored: usize,
    pub head: Option<Head>,
    pub verify: VerifyReport,
}

/// One synthetic pathway: (event type, payload) in order.
fn pathway(n: usize) -> Vec<(&'static str, serde_json::Value)> {
    let ward = ["Sengeafsnit A", "Sengeafsnit B"][n % 2];
    let diagnosis = ["DF201", "DF603"][n % 2];
    vec![
        (
            "PatientRegistered",
            json!({"birth_year": 1990 + n, "sex": if n.is_multiple_of(2) { "F" } else { "M" }, "municipality": "Demo Kommune"}),
        ),
        (
            "ContactRecorded",
            json!({"sector": "general_practice", "kind": "gp_consultation", "start": format!("2019-03-0{}", n + 1)}),
        ),
        (
            "ContactRecorded",
            json!({"sector": "out_of_hours", "kind": "out_of_hours_doctor", "start": format!("2019-03-0{}T22:40", n + 2)}),
        ),
        (
            "AdmissionStarted",
            json!({"ward": ward, "acute": true, "main_diagnosis": diagnosis, "start": format!("2019-03-0{}T23:55", n + 2)}),
        ),
        (
            "DischargeRecorded",
            json!({"end": format!("2019-03-0{}T10:00", n + 4)}),
        ),
        (
            "PlanChanged",
            json!({"plan": "discharge_agreement", "change": "created", "participants": ["region", "municipality"]}),
        ),
        (
            "ContactRecorded",
            json!({"sector": "municipality", "kind": "housing_support", "start": format!("2019-03-1{}", n)}),
        ),
        (
            "AdmissionStarted",
            json!({"ward": ward, "acute": true, "main_diagnosis": diagnosis, "start": format!("2019-03-1{}T21:10", n + 2)}),
        ),
        (
            "DischargeRecorded",
            json!({"end": format!("2019-03-1{}T09:30", n + 3)}),
        ),
    ]
}

const DEMO_PATIENTS: usize = 4;

impl Workbench {
    /// Appends the sample pathways (once), then verifies the whole chain.
    pub fn load_demo(&self) -> Result<DemoSummary, AppError> {
        let actor = Actor::new("demo")?;
        let mut appended = 0;
        let mut already_stored = 0;
        for n in 0..DEMO_PATIENTS {
            let stream = StreamId::new(format!("patient-demo-{:02}", n + 1))?;
            let mut events = Vec::new();
            for (i, (event_type, payload)) in pathway(n).into_iter().enumerate() {
                let payload = serde_json::to_vec(&payload).map_err(|source| AppError::Encode {
                    what: event_type,
                    source,
                })?;
                events.push(NewEvent {
                    id: EventId::derive(format!("demo/v1/{stream}/{i}").as_bytes()),
                    event_type: EventType::new(event_type)?,
                    schema_version: 1,
                    metadata: br#"{"source":"demo"}"#.to_vec(),
                    payload,
                });
            }
            let count = events.len();
            let request =
                AppendRequest::new(actor.clone()).write(stream, ExpectedVersion::Any, events);
            let outcome = self.ledger().append_blocking(request)?;
            if outcome.already_stored {
                already_stored += count;
            } else {
                appended += count;
            }
        }
        Ok(DemoSummary {
            streams: DEMO_PATIENTS,
            appended,
            already_stored,
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
    use crate::workbench::Access;

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
