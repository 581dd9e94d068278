//! Acute psychiatric readmission, as Sundhedsdatastyrelsen (2017) defines it: an admission that
//! starts acutely, at least 4 hours and less than 30 days after discharge from the previous
//! admission, when the patient has no cancer or accident diagnosis at the time.

use crate::stays::Stay;
use crate::time::Elapsed;

/// The shortest gap after a discharge that counts: anything sooner is a transfer.
pub const MIN_GAP: Elapsed = Elapsed::hours(4);
/// The gap at which a readmission becomes a new admission (30 days, not counted).
pub const MAX_GAP: Elapsed = Elapsed::days(30);

/// Why a stay is or is not a readmission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readmission {
    /// Acute, 4 hours to under 30 days after the previous discharge, no excluding diagnosis.
    Yes {
        /// Time since the previous discharge.
        gap: Elapsed,
    },
    /// Not counted, and why.
    No(NotReadmission),
}

/// Why a stay is not counted as a readmission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotReadmission {
    /// A planned (elective) admission.
    Planned,
    /// A self-admission bed ("brugerstyret seng").
    UserControlledBed,
    /// The patient's first stay on record.
    NoEarlierStay,
    /// The previous stay had not ended when this one began (open or overlapping).
    PreviousNotDischarged,
    /// Under 4 hours after the discharge: one stay moved between wards.
    TooSoon {
        /// Time since the previous discharge.
        gap: Elapsed,
    },
    /// 30 days or more: an acute admission, not a readmission.
    TooLate {
        /// Time since the previous discharge.
        gap: Elapsed,
    },
    /// The main diagnosis is cancer or an accident, which the definition leaves out.
    CancerOrAccident,
}

/// Classifies each of one patient's stays (sorted by start). User-controlled beds are neither
/// readmissions nor the admission a readmission follows.
pub fn classify(stays: &[Stay]) -> Vec<Readmission> {
    let mut out = Vec::with_capacity(stays.len());
    // The earlier stay that ends last (an open stay ends never): the one a new admission follows.
    let mut previous: Option<&Stay> = None;
    for stay in stays {
        out.push(classify_one(stay, previous));
        if !stay.user_controlled_bed && ends_later(stay, previous) {
            previous = Some(stay);
        }
    }
    out
}

fn ends_later(stay: &Stay, than: Option<&Stay>) -> bool {
    let Some(than) = than else { return true };
    match (stay.end, than.end) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(a), Some(b)) => a.epoch_seconds() >= b.epoch_seconds(),
    }
}

fn classify_one(stay: &Stay, previous: Option<&Stay>) -> Readmission {
    use NotReadmission::*;
    if stay.user_controlled_bed {
        return Readmission::No(UserControlledBed);
    }
    if !stay.is_acute() {
        return Readmission::No(Planned);
    }
    let Some(previous) = previous else {
        return Readmission::No(NoEarlierStay);
    };
    let Some(discharged) = previous.end else {
        return Readmission::No(PreviousNotDischarged);
    };
    let gap = discharged.until(&stay.start);
    if gap.0 < 0 {
        return Readmission::No(PreviousNotDischarged);
    }
    if gap < MIN_GAP {
        return Readmission::No(TooSoon { gap });
    }
    if gap >= MAX_GAP {
        return Readmission::No(TooLate { gap });
    }
    if stay
        .diagnoses
        .iter()
        .any(|d| d.is_cancer() || d.is_accident())
    {
        return Readmission::No(CancerOrAccident);
    }
    Readmission::Yes { gap }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Icd10, PatientId, Priority, When};

    fn stay(start: &str, end: Option<&str>, priority: Priority, diagnosis: &str) -> Stay {
        Stay {
            patient: PatientId::new("P1").unwrap(),
            source: start.to_string(),
            ward: "A".into(),
            start: When::parse(start).unwrap(),
            end: end.map(|e| When::parse(e).unwrap()),
            priority,
            diagnoses: vec![Icd10::new(diagnosis).unwrap()],
            court_ordered: false,
            user_controlled_bed: false,
        }
    }

    fn acute(start: &str, end: Option<&str>) -> Stay {
        stay(start, end, Priority::Acute, "DF201")
    }

    fn second(first: Stay, then: Stay) -> Readmission {
        classify(&[first, then])[1]
    }

    #[test]
    fn four_hours_after_discharge_is_the_first_moment_that_counts() {
        let first = acute("2017-05-01T08:00", Some("2017-05-02T10:00"));
        let at_4h = second(first.clone(), acute("2017-05-02T14:00", None));
        assert_eq!(
            at_4h,
            Readmission::Yes {
                gap: Elapsed::hours(4)
            }
        );
        let under = second(first, acute("2017-05-02T13:59", None));
        assert!(matches!(
            under,
            Readmission::No(NotReadmission::TooSoon { .. })
        ));
    }

    #[test]
    fn thirty_days_after_discharge_is_too_late() {
        let first = acute("2017-05-01T08:00", Some("2017-05-02T10:00"));
        let just_under = second(first.clone(), acute("2017-06-01T09:59", None));
        assert!(matches!(just_under, Readmission::Yes { .. }));
        let at_30 = second(first, acute("2017-06-01T10:00", None));
        assert_eq!(
            at_30,
            Readmission::No(NotReadmission::TooLate {
                gap: Elapsed::days(30)
            })
        );
    }

    #[test]
    fn four_hours_are_real_hours_on_the_night_the_clocks_change() {
        // 2017-03-26: 02:00 becomes 03:00, so 00:30 → 04:30 on the wall is 3 real hours.
        let first = acute("2017-03-20T08:00", Some("2017-03-26T00:30"));
        let r = second(first, acute("2017-03-26T04:30", None));
        assert_eq!(
            r,
            Readmission::No(NotReadmission::TooSoon {
                gap: Elapsed::hours(3)
            })
        );
    }

    #[test]
    fn planned_admissions_and_excluding_diagnoses_are_not_readmissions() {
        let first = acute("2017-05-01T08:00", Some("2017-05-02T10:00"));
        let planned = second(
            first.clone(),
            stay("2017-05-10T10:00", None, Priority::Planned, "DF201"),
        );
        assert_eq!(planned, Readmission::No(NotReadmission::Planned));
        let cancer = second(
            first.clone(),
            stay("2017-05-10T10:00", None, Priority::Acute, "DC509"),
        );
        assert_eq!(cancer, Readmission::No(NotReadmission::CancerOrAccident));
        let accident = second(
            first,
            stay("2017-05-10T10:00", None, Priority::Acute, "DS720"),
        );
        assert_eq!(accident, Readmission::No(NotReadmission::CancerOrAccident));
    }

    #[test]
    fn open_and_overlapping_stays_are_not_discharges() {
        let open = acute("2017-05-01T08:00", None);
        assert_eq!(
            second(open, acute("2017-05-10T10:00", None)),
            Readmission::No(NotReadmission::PreviousNotDischarged)
        );
        let long = acute("2017-05-01T08:00", Some("2017-05-20T08:00"));
        let inside = acute("2017-05-05T08:00", Some("2017-05-06T08:00"));
        let after = acute("2017-05-25T08:00", None);
        let classes = classify(&[long, inside, after]);
        assert_eq!(
            classes[1],
            Readmission::No(NotReadmission::PreviousNotDischarged)
        );
        // the stay that follows is measured from the long stay's discharge, which ends last
        assert_eq!(
            classes[2],
            Readmission::Yes {
                gap: Elapsed::days(5)
            }
        );
    }

    #[test]
    fn user_controlled_beds_neither_count_nor_start_the_clock() {
        let first = acute("2017-05-01T08:00", Some("2017-05-02T10:00"));
        let mut bed = acute("2017-05-03T20:00", Some("2017-05-05T09:00"));
        bed.user_controlled_bed = true;
        let then = acute("2017-05-05T12:00", None);
        let classes = classify(&[first, bed, then]);
        assert_eq!(
            classes[1],
            Readmission::No(NotReadmission::UserControlledBed)
        );
        // measured from the real admission's discharge (3 days before), not the bed's (3 hours)
        assert!(matches!(classes[2], Readmission::Yes { .. }));
    }
}
