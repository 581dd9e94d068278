//! The two ways of counting admissions and readmissions.
//!
//! - [`Definition::Stays2017`], for LPR2-era data (before February 2019): each stay as the
//!   source reports it is an admission; a readmission is acute, at least 4 hours and under 30
//!   days after the previous discharge, without a cancer or accident diagnosis
//!   (Sundhedsdatastyrelsen 2017; `readmission.rs`).
//! - [`Definition::HospitalStays`], for LPR3-era data, as the indicator "30 dages akutte
//!   psykiatriske genindlæggelser" counts them: physical attendances that overlap or lie at
//!   most 4 hours apart are one *sygehusophold*; a sygehusophold of at least 12 hours is an
//!   *indlæggelse*; acute readmissions are counted on the indlæggelser, by the same rule.
//!
//! In LPR3 every contact stands alone, so a transfer between wards is two contacts minutes
//! apart: without the sygehusophold, one stay would count as an admission and a readmission.

use serde::Serialize;

use crate::stays::Stay;
use crate::time::Elapsed;

/// Attendances at most this far apart are one sygehusophold.
pub const MERGE_GAP: Elapsed = Elapsed::hours(4);
/// A sygehusophold at least this long is an indlæggelse.
pub const MIN_ADMISSION: Elapsed = Elapsed::hours(12);

/// Which definition counts admissions and readmissions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Definition {
    /// Stays as reported; the 2017 readmission rule (LPR2-era data).
    #[default]
    #[serde(rename = "stays_2017")]
    Stays2017,
    /// Sygehusophold and indlæggelser first, then the readmission rule (LPR3-era data).
    HospitalStays,
}

impl Definition {
    /// Every definition, the default first.
    pub const ALL: [Definition; 2] = [Definition::Stays2017, Definition::HospitalStays];

    /// The name a report gives the definition.
    pub fn describe(self) -> &'static str {
        match self {
            Definition::Stays2017 => {
                "stays as reported; acute readmission 4 h to under 30 days after discharge, no cancer or accident diagnosis (Sundhedsdatastyrelsen 2017, LPR2)"
            }
            Definition::HospitalStays => {
                "sygehusophold (attendances overlapping or at most 4 h apart) of at least 12 h; acute readmission within 30 days on those (LPR3 indicator)"
            }
        }
    }

    /// The stays this definition counts, of one patient's stays sorted by start.
    pub fn counted(self, stays: &[Stay]) -> Vec<Stay> {
        match self {
            Definition::Stays2017 => stays.to_vec(),
            Definition::HospitalStays => admissions(&hospital_stays(stays)),
        }
    }
}

/// One patient's stays (sorted by start) joined into sygehusophold: a stay that starts before
/// the current one ends, or at most [`MERGE_GAP`] after, extends it. The joined stay keeps the
/// first stay's ward, priority and diagnoses (an admission is acute by how it began), ends with
/// the last, and is court-ordered if any part is. User-controlled beds are not joined: they
/// are no admission by either definition.
pub fn hospital_stays(stays: &[Stay]) -> Vec<Stay> {
    let mut out: Vec<Stay> = Vec::with_capacity(stays.len());
    let mut current: Option<Stay> = None;
    for stay in stays {
        if stay.user_controlled_bed {
            out.push(stay.clone());
            continue;
        }
        match current.as_mut() {
            Some(open) if joins(open, stay) => {
                open.end = match (open.end, stay.end) {
                    (Some(a), Some(b)) if b.epoch_seconds() > a.epoch_seconds() => Some(b),
                    (Some(a), Some(_)) => Some(a),
                    _ => None,
                };
                open.court_ordered |= stay.court_ordered;
            }
            _ => {
                out.extend(current.take());
                current = Some(stay.clone());
            }
        }
    }
    out.extend(current);
    out.sort_by_key(|s| s.start.epoch_seconds());
    out
}

/// Whether `next` starts within the sygehusophold `open` (still running, or ended at most
/// [`MERGE_GAP`] before).
fn joins(open: &Stay, next: &Stay) -> bool {
    match open.end {
        None => true,
        Some(end) => end.until(&next.start) <= MERGE_GAP,
    }
}

/// The sygehusophold that are indlæggelser: at least [`MIN_ADMISSION`] long, or still open.
/// User-controlled beds pass as they are (stage 1 and the rule leave them out themselves).
pub fn admissions(hospital_stays: &[Stay]) -> Vec<Stay> {
    hospital_stays
        .iter()
        .filter(|s| {
            s.user_controlled_bed || s.end.is_none_or(|end| s.start.until(&end) >= MIN_ADMISSION)
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::readmission::{NotReadmission, Readmission, classify};
    use crate::{Icd10, PatientId, Priority, When};

    fn stay(start: &str, end: &str, priority: Priority) -> Stay {
        Stay {
            patient: PatientId::new("P1").unwrap(),
            source: start.to_string(),
            ward: "A".into(),
            start: When::parse(start).unwrap(),
            end: (!end.is_empty()).then(|| When::parse(end).unwrap()),
            priority,
            diagnoses: vec![Icd10::new("DF201").unwrap()],
            court_ordered: false,
            user_controlled_bed: false,
        }
    }

    fn acute(start: &str, end: &str) -> Stay {
        stay(start, end, Priority::Acute)
    }

    fn readmissions(definition: Definition, stays: &[Stay]) -> usize {
        classify(&definition.counted(stays))
            .iter()
            .filter(|r| matches!(r, Readmission::Yes { .. }))
            .count()
    }

    #[test]
    fn a_transfer_between_wards_is_one_stay_not_a_readmission() {
        // Ward A until 14:00, ward B from 19:00: 5 h apart, two stays by either definition;
        // from 17:00 (3 h) one sygehusophold, so no readmission under LPR3.
        let apart = [
            acute("2020-03-01T08:00", "2020-03-02T14:00"),
            acute("2020-03-02T19:00", "2020-03-09T10:00"),
        ];
        assert_eq!(readmissions(Definition::Stays2017, &apart), 1);
        assert_eq!(readmissions(Definition::HospitalStays, &apart), 1);
        let transfer = [
            acute("2020-03-01T08:00", "2020-03-02T14:00"),
            acute("2020-03-02T17:00", "2020-03-09T10:00"),
        ];
        assert_eq!(
            readmissions(Definition::Stays2017, &transfer),
            0,
            "under 4 h: too soon"
        );
        let joined = hospital_stays(&transfer);
        assert_eq!(joined.len(), 1);
        assert_eq!(
            joined[0].end,
            Some(When::parse("2020-03-09T10:00").unwrap())
        );
    }

    #[test]
    fn exactly_four_hours_apart_is_one_sygehusophold_and_a_minute_more_is_two() {
        let at_four = [
            acute("2020-03-01T08:00", "2020-03-02T14:00"),
            acute("2020-03-02T18:00", "2020-03-05T10:00"),
        ];
        assert_eq!(hospital_stays(&at_four).len(), 1);
        // The 2017 rule counts 4 h as a readmission (at least 4 h); LPR3 joins them.
        assert_eq!(readmissions(Definition::Stays2017, &at_four), 1);
        assert_eq!(readmissions(Definition::HospitalStays, &at_four), 0);
        let past_four = [
            acute("2020-03-01T08:00", "2020-03-02T14:00"),
            acute("2020-03-02T18:01", "2020-03-05T10:00"),
        ];
        assert_eq!(hospital_stays(&past_four).len(), 2);
        assert_eq!(readmissions(Definition::HospitalStays, &past_four), 1);
    }

    #[test]
    fn overlapping_and_nested_attendances_join_and_keep_the_latest_end() {
        let stays = [
            acute("2020-05-01T10:00", "2020-05-04T10:00"),
            stay("2020-05-02T09:00", "2020-05-03T09:00", Priority::Planned),
            acute("2020-05-03T12:00", "2020-05-06T12:00"),
        ];
        let joined = hospital_stays(&stays);
        assert_eq!(joined.len(), 1);
        assert_eq!(
            joined[0].end,
            Some(When::parse("2020-05-06T12:00").unwrap())
        );
        assert!(joined[0].is_acute(), "acute by how it began");
        let open = [
            acute("2020-05-01T10:00", ""),
            acute("2020-05-20T10:00", "2020-05-21T10:00"),
        ];
        let joined = hospital_stays(&open);
        assert_eq!(joined.len(), 1, "a stay still open takes in what follows");
        assert_eq!(joined[0].end, None);
    }

    #[test]
    fn a_sygehusophold_of_eleven_hours_fifty_nine_is_no_indlaeggelse() {
        let short = [
            acute("2020-06-01T08:00", "2020-06-10T08:00"),
            acute("2020-06-12T08:00", "2020-06-12T19:59"),
        ];
        let counted = Definition::HospitalStays.counted(&short);
        assert_eq!(
            counted.len(),
            1,
            "11 h 59 min is an attendance, not an admission"
        );
        assert_eq!(readmissions(Definition::HospitalStays, &short), 0);
        assert_eq!(readmissions(Definition::Stays2017, &short), 1);
        let twelve = [
            acute("2020-06-01T08:00", "2020-06-10T08:00"),
            acute("2020-06-12T08:00", "2020-06-12T20:00"),
        ];
        assert_eq!(Definition::HospitalStays.counted(&twelve).len(), 2);
        assert_eq!(readmissions(Definition::HospitalStays, &twelve), 1);
    }

    #[test]
    fn a_short_attendance_between_two_admissions_does_not_shorten_the_gap() {
        // An emergency-room visit of 3 h between two admissions: under LPR3 it is no
        // indlæggelse, so the second admission follows the first.
        let stays = [
            acute("2020-07-01T08:00", "2020-07-05T08:00"),
            acute("2020-07-10T20:00", "2020-07-10T23:00"),
            acute("2020-07-20T08:00", "2020-07-25T08:00"),
        ];
        let counted = Definition::HospitalStays.counted(&stays);
        assert_eq!(counted.len(), 2);
        let verdicts = classify(&counted);
        assert!(matches!(verdicts[1], Readmission::Yes { gap } if gap == Elapsed::days(15)));
    }

    #[test]
    fn user_controlled_beds_stay_apart_and_planned_admissions_are_not_readmissions() {
        let mut bed = acute("2020-08-02T10:00", "2020-08-04T10:00");
        bed.user_controlled_bed = true;
        let stays = [
            acute("2020-08-01T08:00", "2020-08-02T08:00"),
            bed,
            stay("2020-08-10T08:00", "2020-08-12T08:00", Priority::Planned),
        ];
        let counted = Definition::HospitalStays.counted(&stays);
        assert_eq!(
            counted.len(),
            3,
            "the bed is not joined to the admission before it"
        );
        let verdicts = classify(&counted);
        assert_eq!(
            verdicts[1],
            Readmission::No(NotReadmission::UserControlledBed)
        );
        assert_eq!(verdicts[2], Readmission::No(NotReadmission::Planned));
    }
}

#[cfg(test)]
mod from_events {
    use super::*;
    use crate::events::EventRef;
    use crate::{DomainEvent, corrections, stays::stays};

    fn admission(contact: &str, start: &str, end: &str) -> DomainEvent {
        serde_json::from_value(serde_json::json!({"type": "ContactRecorded", "data": {
            "contact": contact, "patient": "P1", "sector": "region", "kind": "ward_admission",
            "organisation": "Regionspsykiatrien", "unit": "Afsnit A", "start": start,
            "end": end, "priority": "acute", "diagnoses": ["DF201"], "court_ordered": false,
            "note": ""}}))
        .unwrap()
    }

    fn retract(target: u8) -> DomainEvent {
        serde_json::from_value(serde_json::json!({"type": "Corrected", "data": {
            "patient": "P1", "target": hex(target), "correction": "retract"}}))
        .unwrap()
    }

    fn hex(byte: u8) -> String {
        format!("{byte:02x}").repeat(16)
    }

    /// A contact cancelled by a correction is gone before stays are built: it joins nothing,
    /// so the two admissions around it stay apart (and the second is a readmission).
    #[test]
    fn a_cancelled_contact_joins_nothing() {
        let events = [
            (
                EventRef([1; 16]),
                admission("C1", "2020-09-01T08:00", "2020-09-03T08:00"),
            ),
            (
                EventRef([2; 16]),
                admission("C2", "2020-09-03T11:00", "2020-09-05T11:00"),
            ),
            (
                EventRef([3; 16]),
                admission("C3", "2020-09-05T14:00", "2020-09-08T14:00"),
            ),
            (EventRef([4; 16]), retract(2)),
        ];
        let standing: Vec<DomainEvent> = corrections::apply(events)
            .standing
            .into_iter()
            .map(|s| s.event)
            .collect();
        let all = stays(&standing);
        let list = &all[&crate::PatientId::new("P1").unwrap()];
        assert_eq!(list.len(), 2, "the cancelled contact is no stay");
        let counted = Definition::HospitalStays.counted(list);
        assert_eq!(counted.len(), 2, "without it the two are 54 h apart");
        let verdicts = crate::readmission::classify(&counted);
        assert!(matches!(
            verdicts[1],
            crate::readmission::Readmission::Yes { .. }
        ));
        // Had it stood, the three would be one sygehusophold.
        let uncorrected: Vec<DomainEvent> = [
            admission("C1", "2020-09-01T08:00", "2020-09-03T08:00"),
            admission("C2", "2020-09-03T11:00", "2020-09-05T11:00"),
            admission("C3", "2020-09-05T14:00", "2020-09-08T14:00"),
        ]
        .into();
        let all = stays(&uncorrected);
        let list = &all[&crate::PatientId::new("P1").unwrap()];
        assert_eq!(Definition::HospitalStays.counted(list).len(), 1);
    }
}
