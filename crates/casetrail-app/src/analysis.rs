//! Projections computed from the log: stays and the stage-1 analysis.

use std::collections::BTreeMap;

use casetrail_domain::selection::{Candidate, Criteria, select};
use casetrail_domain::stage1::{Stage1Report, stage1};
use casetrail_domain::stays::{Stay, stays};
use casetrail_domain::{ContactKind, DayWindow, DomainEvent, EventRef, PatientId, corrections};
use casetrail_ledger::Position;

use crate::error::AppError;
use crate::workbench::Workbench;

/// Event types that shape stays; the others are skipped before their payload is parsed.
const STAY_EVENTS: &[&str] = &[
    "ContactRecorded",
    "AdmissionStarted",
    "DischargeRecorded",
    "Corrected",
];

impl Workbench {
    /// Every patient's stays, rebuilt from the whole log with corrections applied.
    pub fn stays(&self) -> Result<BTreeMap<PatientId, Vec<Stay>>, AppError> {
        let events = self.standing_events(|t, version, payload| match t {
            // Most contacts are not stays: look at the kind before decoding the whole event.
            "ContactRecorded" => DomainEvent::peek_contact_kind(version, payload).is_none_or(|k| {
                matches!(
                    k,
                    ContactKind::WardAdmission | ContactKind::UserControlledBed
                )
            }),
            _ => STAY_EVENTS.contains(&t),
        })?;
        Ok(stays(&events))
    }

    /// The events of the log that `wanted` keeps (it sees the type, the schema version and the
    /// payload), as they stand after corrections, in log order. Corrections always count.
    fn standing_events(
        &self,
        wanted: impl Fn(&str, u32, &[u8]) -> bool,
    ) -> Result<Vec<DomainEvent>, AppError> {
        let mut events = Vec::new();
        for record in self.ledger().read_all(Position(0)) {
            let record = record?;
            let kind = record.event_type.as_str();
            if kind != "Corrected" && !wanted(kind, record.schema_version, &record.payload) {
                continue;
            }
            let event = DomainEvent::decode(
                record.event_type.as_str(),
                record.schema_version,
                &record.payload,
            )
            .map_err(|source| AppError::StoredEvent {
                position: record.position.0,
                source,
            })?;
            events.push((EventRef(record.id.0), event));
        }
        Ok(corrections::apply(events)
            .standing
            .into_iter()
            .map(|s| s.event)
            .collect())
    }

    /// Patients who meet the inclusion criteria, with the facts that made them match.
    pub fn select(&self, criteria: &Criteria) -> Result<Vec<Candidate>, AppError> {
        let events = self.standing_events(|t, _, _| {
            matches!(
                t,
                "PatientRegistered"
                    | "IdentityCorrected"
                    | "ContactRecorded"
                    | "AdmissionStarted"
                    | "DischargeRecorded"
                    | "PlanChanged"
            )
        })?;
        Ok(select(&events, criteria))
    }

    /// The DEFACTUM stage-1 analysis of `year`.
    pub fn stage1(&self, year: i32) -> Result<Stage1Report, AppError> {
        Ok(stage1(year, &self.stays()?, DayWindow::EVENING_NIGHT))
    }
}
