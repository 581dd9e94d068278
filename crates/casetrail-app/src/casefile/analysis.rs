//! Projections computed from the log: stays, the stage-1 analysis, case selection.

use std::collections::BTreeMap;

use casetrail_domain::hospital_stays::Definition;
use casetrail_domain::selection::{Candidate, Criteria, select};
use casetrail_domain::stage1::{Stage1Report, stage1_by};
use casetrail_domain::stays::Stay;
use casetrail_domain::{DayWindow, DomainEvent, EventRef, PatientId, corrections};
use casetrail_ledger::{Head, Position};

use crate::casefile::import::Progress;
use crate::casefile::projection::StaysProjection;
use crate::core::error::AppError;
use crate::core::workbench::Workbench;
use crate::core::workbench::decode_stored;

/// Event types case selection looks at.
const SELECTION_EVENTS: &[&str] = &[
    "PatientRegistered",
    "IdentityCorrected",
    "ContactRecorded",
    "AdmissionStarted",
    "DischargeRecorded",
    "HospitalNotified",
    "PlanChanged",
    "Corrected",
];

impl Workbench {
    /// Every patient's stays, corrections applied: from the stored projection, caught up with
    /// what the log holds after its checkpoint (or from the whole log, when none fits).
    pub fn stays(&self) -> Result<BTreeMap<PatientId, Vec<Stay>>, AppError> {
        let mut projection = StaysProjection::load(self.data_dir(), self.ledger())?;
        projection.catch_up(self.ledger(), &mut |_| {})?;
        Ok(projection.stays())
    }

    /// How many records the stored stays projection is behind the log's head.
    pub fn projection_lag(&self) -> Result<u64, AppError> {
        let projection = StaysProjection::load(self.data_dir(), self.ledger())?;
        let next = projection.next_position().0;
        Ok(self
            .head()
            .map_or(0, |h| (h.position.0 + 1).saturating_sub(next)))
    }

    /// Makes the stays projection anew from the whole log and stores it with its checkpoint.
    pub fn rebuild(&self, progress: &mut dyn Progress) -> Result<Option<Head>, AppError> {
        let mut projection = StaysProjection::empty();
        progress.start(self.head().map_or(0, |h| h.position.0 + 1));
        projection.catch_up(self.ledger(), &mut |n| progress.advance(n))?;
        projection.save(self.data_dir())?;
        progress.finish();
        Ok(projection.checkpoint())
    }

    /// The events of the types case selection looks at, as they stand after corrections.
    fn selection_events(&self) -> Result<Vec<DomainEvent>, AppError> {
        let mut events = Vec::new();
        for record in self.ledger().read_all(Position(0)) {
            let record = record?;
            if !SELECTION_EVENTS.contains(&record.event_type.as_str()) {
                continue;
            }
            let event = decode_stored(&record)?;
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
        Ok(select(&self.selection_events()?, criteria))
    }

    /// The DEFACTUM stage-1 analysis of `year`, by the 2017 definition.
    pub fn stage1(&self, year: i32) -> Result<Stage1Report, AppError> {
        self.stage1_by(year, Definition::Stays2017)
    }

    /// The stage-1 analysis of `year`, counting admissions and readmissions by `definition`
    /// (`casetrail_domain::hospital_stays`: stays as reported, or LPR3's sygehusophold).
    pub fn stage1_by(&self, year: i32, definition: Definition) -> Result<Stage1Report, AppError> {
        Ok(stage1_by(
            year,
            &self.stays()?,
            DayWindow::EVENING_NIGHT,
            definition,
        ))
    }
}
