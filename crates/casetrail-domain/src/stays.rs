//! Stays (admissions) assembled from contacts, admissions and discharges.

use std::collections::BTreeMap;

use crate::codes::Icd10;
use crate::events::DomainEvent;
use crate::ids::PatientId;
use crate::time::When;
use crate::vocab::{ContactKind, Priority};

/// One stay on a ward, or in a user-controlled bed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stay {
    /// The patient.
    pub patient: PatientId,
    /// The stay id or contact id it came from.
    pub source: String,
    /// The ward (or the unit of the contact).
    pub ward: String,
    /// Admission.
    pub start: When,
    /// None while the patient is still admitted.
    pub end: Option<When>,
    /// Acute or planned.
    pub priority: Priority,
    /// Main diagnosis first.
    pub diagnoses: Vec<Icd10>,
    /// Under coercion by court order.
    pub court_ordered: bool,
    /// Brugerstyret seng: not an admission episode in stage 1.
    pub user_controlled_bed: bool,
}

impl Stay {
    /// The main (action) diagnosis.
    pub fn main_diagnosis(&self) -> Option<&Icd10> {
        self.diagnoses.first()
    }

    /// Whether the stay began as an acute admission.
    pub fn is_acute(&self) -> bool {
        self.priority == Priority::Acute
    }

    /// Length of stay in calendar days (0 for a same-day stay); None while open.
    pub fn length_days(&self) -> Option<i64> {
        self.end.map(|end| self.start.calendar_days_until(&end))
    }
}

/// Collects the stays of every patient in `events` (corrections already applied), each
/// patient's sorted by start.
pub fn stays<'a>(
    events: impl IntoIterator<Item = &'a DomainEvent>,
) -> BTreeMap<PatientId, Vec<Stay>> {
    let mut by_patient: BTreeMap<PatientId, Vec<Stay>> = BTreeMap::new();
    let mut admissions: BTreeMap<(PatientId, String), Stay> = BTreeMap::new();
    let mut discharges: BTreeMap<(PatientId, String), When> = BTreeMap::new();
    for event in events {
        match event {
            DomainEvent::ContactRecorded(c)
                if matches!(
                    c.kind,
                    ContactKind::WardAdmission | ContactKind::UserControlledBed
                ) =>
            {
                by_patient.entry(c.patient.clone()).or_default().push(Stay {
                    patient: c.patient.clone(),
                    source: c.contact.to_string(),
                    ward: c.unit.clone(),
                    start: c.start,
                    end: c.end,
                    priority: c.priority,
                    diagnoses: c.diagnoses.clone(),
                    court_ordered: c.court_ordered,
                    user_controlled_bed: c.kind == ContactKind::UserControlledBed,
                });
            }
            DomainEvent::AdmissionStarted(a) => {
                admissions.insert(
                    (a.patient.clone(), a.stay.to_string()),
                    Stay {
                        patient: a.patient.clone(),
                        source: a.stay.to_string(),
                        ward: a.ward.clone(),
                        start: a.start,
                        end: None,
                        priority: a.priority,
                        diagnoses: vec![a.main_diagnosis.clone()],
                        court_ordered: a.court_ordered,
                        user_controlled_bed: false,
                    },
                );
            }
            DomainEvent::DischargeRecorded(d) => {
                discharges.insert((d.patient.clone(), d.stay.to_string()), d.end);
            }
            _ => {}
        }
    }
    // A discharge may arrive before its admission; pair them once everything is read.
    for (key, mut stay) in admissions {
        stay.end = discharges.get(&key).copied();
        by_patient.entry(key.0).or_default().push(stay);
    }
    for list in by_patient.values_mut() {
        list.sort_by(|a, b| {
            (a.start.epoch_seconds(), &a.source).cmp(&(b.start.epoch_seconds(), &b.source))
        });
    }
    by_patient
}
