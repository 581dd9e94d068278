//! Stays (admissions) assembled from contacts, admissions and discharges.

use std::collections::BTreeMap;

use crate::codes::Icd10;
use crate::events::{DomainEvent, HospitalNotified};
use crate::ids::PatientId;
use crate::time::When;
use crate::vocab::{ContactKind, HospitalActivity, Priority};

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
    let mut notified: BTreeMap<(PatientId, String), Vec<&HospitalNotified>> = BTreeMap::new();
    // Episodes a hospital contact names: their notifications tell of the same stay.
    let mut recorded: std::collections::BTreeSet<(PatientId, String)> = Default::default();
    for event in events {
        match event {
            DomainEvent::ContactRecorded(c)
                if matches!(
                    c.kind,
                    ContactKind::WardAdmission | ContactKind::UserControlledBed
                ) =>
            {
                if let Some(episode) = &c.episode {
                    recorded.insert((c.patient.clone(), episode.to_string()));
                }
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
            DomainEvent::HospitalNotified(n) => notified
                .entry((n.patient.clone(), n.episode.to_string()))
                .or_default()
                .push(n),
            _ => {}
        }
    }
    // A stay the hospital's own contacts record (LPR3, with diagnoses and priority) is not
    // counted a second time from what the municipality was told of it.
    for (key, notifications) in notified {
        if recorded.contains(&key) {
            continue;
        }
        let patient = key.0;
        if let Some(stay) = notified_stay(&notifications) {
            by_patient.entry(patient).or_default().push(stay);
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

/// The stay one episode's hospital notifications describe (corrections applied), if the
/// patient was admitted: an emergency visit that ended without admission is no stay, as an
/// emergency-room contact is none. The stay begins at the first admission notification
/// (the emergency arrival when there was one) and ends at the inpatient discharge.
///
/// Notifications carry no priority: a stay that began in an emergency department
/// (`admit_emergency`, MedCom's "akut ambulant") is counted as acute, one announced as an
/// admission straight away as planned. That is an inference, and a direct acute admission
/// (say, brought in by the police to the ward) is counted as planned by it; docs/import.md
/// says so. Nor do they carry diagnoses: the stay has none.
fn notified_stay(notifications: &[&HospitalNotified]) -> Option<Stay> {
    let first = |activity| {
        notifications
            .iter()
            .filter(|n| n.activity == activity)
            .min_by_key(|n| n.at.epoch_seconds())
    };
    let admitted = first(HospitalActivity::AdmitInpatient)?;
    let emergency = first(HospitalActivity::AdmitEmergency)
        .filter(|e| e.at.epoch_seconds() <= admitted.at.epoch_seconds());
    let discharged = notifications
        .iter()
        .filter(|n| n.activity == HospitalActivity::DischargeInpatient)
        .max_by_key(|n| n.at.epoch_seconds());
    Some(Stay {
        patient: admitted.patient.clone(),
        source: admitted.episode.to_string(),
        ward: admitted.unit.clone(),
        start: emergency.map_or(admitted.at, |e| e.at),
        end: discharged.map(|d| d.at),
        priority: if emergency.is_some() {
            Priority::Acute
        } else {
            Priority::Planned
        },
        diagnoses: Vec::new(),
        court_ordered: false,
        user_controlled_bed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corrections;
    use crate::events::{Corrected, Correction, EventRef};
    use crate::ids::{MessageId, StayId};

    fn notified(n: u8, episode: &str, activity: HospitalActivity, at: &str) -> DomainEvent {
        DomainEvent::HospitalNotified(HospitalNotified {
            message: MessageId::new(format!("m{n}")).unwrap(),
            patient: PatientId::new("L1").unwrap(),
            episode: StayId::new(episode).unwrap(),
            activity,
            at: When::parse(at).unwrap(),
            organisation: "Psykiatrien".into(),
            unit: "P2".into(),
        })
    }

    fn stays_of(events: Vec<DomainEvent>) -> Vec<Stay> {
        let applied = corrections::apply(
            events
                .into_iter()
                .enumerate()
                .map(|(i, e)| (EventRef([i as u8; 16]), e)),
        );
        stays(applied.standing.iter().map(|s| &s.event))
            .into_values()
            .flatten()
            .collect()
    }

    #[test]
    fn notifications_make_a_stay_when_the_patient_was_admitted() {
        use HospitalActivity::*;
        let stays = stays_of(vec![
            // through the emergency department: acute, from the arrival
            notified(1, "E1", AdmitEmergency, "2019-03-04T22:40"),
            notified(2, "E1", AdmitInpatient, "2019-03-05T01:10"),
            notified(3, "E1", StartLeave, "2019-03-07T10:00"),
            notified(4, "E1", EndLeave, "2019-03-07T18:00"),
            notified(5, "E1", DischargeInpatient, "2019-03-09T11:00"),
            // an emergency visit and home again: no stay
            notified(6, "E2", AdmitEmergency, "2019-04-01T20:00"),
            notified(7, "E2", DischargeEmergency, "2019-04-01T23:00"),
            // admitted straight away, not yet discharged: planned, open
            notified(8, "E3", AdmitInpatient, "2019-05-01T09:00"),
        ]);
        assert_eq!(stays.len(), 2, "{stays:?}");
        assert_eq!(stays[0].source, "E1");
        assert_eq!(stays[0].start.to_string(), "2019-03-04T22:40");
        assert_eq!(stays[0].end.unwrap().to_string(), "2019-03-09T11:00");
        assert!(stays[0].is_acute());
        assert!(stays[0].diagnoses.is_empty());
        assert_eq!((stays[1].source.as_str(), stays[1].end), ("E3", None));
        assert!(!stays[1].is_acute());
    }

    #[test]
    fn a_cancelled_or_revised_notification_counts_as_corrected() {
        use HospitalActivity::*;
        let correct = |target: u8, correction| {
            DomainEvent::Corrected(Corrected {
                patient: PatientId::new("L1").unwrap(),
                target: EventRef([target; 16]),
                correction,
                reason: None,
            })
        };
        let stays = stays_of(vec![
            notified(1, "E1", AdmitInpatient, "2019-03-05T01:10"),
            notified(2, "E1", DischargeInpatient, "2019-03-06T11:00"),
            // the discharge was cancelled, then the admission's time revised
            correct(1, Correction::Retract),
            correct(
                0,
                Correction::Amend(Box::new(notified(
                    1,
                    "E1",
                    AdmitInpatient,
                    "2019-03-05T00:30",
                ))),
            ),
            // an admission sent in error and cancelled: no stay
            notified(5, "E2", AdmitInpatient, "2019-06-01T10:00"),
            correct(4, Correction::Retract),
        ]);
        assert_eq!(stays.len(), 1, "{stays:?}");
        assert_eq!(stays[0].start.to_string(), "2019-03-05T00:30");
        assert_eq!(stays[0].end, None, "the discharge was cancelled");
    }

    #[test]
    fn notifications_of_a_stay_the_hospital_recorded_do_not_count_it_again() {
        use crate::events::ContactRecorded;
        use crate::ids::ContactId;
        let contact = DomainEvent::ContactRecorded(ContactRecorded {
            contact: ContactId::new("K1").unwrap(),
            patient: PatientId::new("L1").unwrap(),
            sector: crate::vocab::Sector::Region,
            kind: ContactKind::WardAdmission,
            organisation: "Psykiatrien".into(),
            unit: "P2".into(),
            start: When::parse("2019-03-05T01:10").unwrap(),
            end: Some(When::parse("2019-03-09T11:00").unwrap()),
            priority: Priority::Acute,
            diagnoses: vec![Icd10::new("DF200").unwrap()],
            court_ordered: false,
            note: None,
            episode: Some(StayId::new("E1").unwrap()),
        });
        use HospitalActivity::*;
        let stays = stays_of(vec![
            contact,
            notified(1, "E1", AdmitInpatient, "2019-03-05T01:10"),
            notified(2, "E1", DischargeInpatient, "2019-03-09T11:00"),
            notified(3, "E2", AdmitInpatient, "2019-06-01T10:00"),
        ]);
        let sources: Vec<&str> = stays.iter().map(|s| s.source.as_str()).collect();
        assert_eq!(
            sources,
            ["K1", "E2"],
            "E1 once, as the hospital recorded it"
        );
        assert_eq!(stays[0].diagnoses.len(), 1);
    }
}
