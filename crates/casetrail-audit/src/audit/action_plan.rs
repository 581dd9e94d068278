//! The action plan: per recommendation a deadline and how it is followed up, the columns
//! "Frist" and "Opfølgning" of the report's plan. Recorded after the recommendation, and
//! again to change them.

use serde::Serialize;

use super::{Audit, AuditError};

/// The longest follow-up text kept.
pub const MAX_FOLLOW_UP: usize = 2_000;

/// A recommendation's row in the action plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ActionPlan {
    /// The deadline, `YYYY-MM-DD`, if one is set.
    pub due: Option<String>,
    /// Who follows up, when and how.
    pub follow_up: String,
}

/// Whether `value` is a calendar date written `YYYY-MM-DD` (years 1900-2999).
fn is_date(value: &str) -> bool {
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) {
        return false;
    }
    if !digits(8..10) {
        return false;
    }
    let n = |r: std::ops::Range<usize>| value[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (n(0..4), n(5..7), n(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..3000).contains(&year) && (1..=days).contains(&day)
}

impl Audit {
    /// Refuses a plan for a recommendation that does not exist, a deadline that is no date,
    /// or a follow-up past [`MAX_FOLLOW_UP`].
    pub(super) fn check_plan(
        &self,
        number: u32,
        due: &Option<String>,
        follow_up: &str,
    ) -> Result<(), AuditError> {
        if !self.recommendations.iter().any(|(n, _, _)| *n == number) {
            return Err(AuditError::NoRecommendation { number });
        }
        if let Some(d) = due
            && !is_date(d.trim())
        {
            return Err(AuditError::NotADate { value: d.clone() });
        }
        let length = follow_up.chars().count();
        if length > MAX_FOLLOW_UP {
            return Err(AuditError::FollowUpTooLong { length });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{created, q, run};
    use super::super::*;
    use super::is_date;

    #[test]
    fn dates_are_calendar_dates() {
        for good in ["2027-03-31", "2028-02-29", "2000-02-29", "1999-12-01"] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "2027-02-29",
            "1900-02-29",
            "2027-13-01",
            "2027-04-31",
            "2027-4-1",
            "31-03-2027",
            "2027-03-3x",
            "",
            "2027-00-10",
            "3000-01-01",
            "２０２７-01-01",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn a_plan_needs_its_recommendation_and_the_last_one_stands() {
        let q = q();
        let mut a = created(&q);
        let plan = |due: Option<&str>, follow_up: &str| AuditEvent::ActionPlanned {
            number: 1,
            due: due.map(str::to_owned),
            follow_up: follow_up.into(),
        };
        assert_eq!(
            a.decide(&q, &plan(None, "x")),
            Err(AuditError::NoRecommendation { number: 1 })
        );
        let recommend = AuditEvent::RecommendationAdded {
            number: 1,
            text: "Fælles kriseplan".into(),
            owners: vec!["region".into(), "municipality".into()],
        };
        run(&mut a, &q, recommend).unwrap();
        assert!(matches!(
            a.decide(&q, &plan(Some("31-03-2027"), "x")),
            Err(AuditError::NotADate { .. })
        ));
        let long = "x".repeat(MAX_FOLLOW_UP + 1);
        assert!(matches!(
            a.decide(&q, &plan(None, &long)),
            Err(AuditError::FollowUpTooLong { .. })
        ));
        run(&mut a, &q, plan(Some("2027-03-31"), "Kvalitetsudvalget")).unwrap();
        run(
            &mut a,
            &q,
            plan(Some("2027-06-30"), "Samarbejdsudvalget, juni"),
        )
        .unwrap();
        assert_eq!(
            a.action_plan[&1],
            ActionPlan {
                due: Some("2027-06-30".into()),
                follow_up: "Samarbejdsudvalget, juni".into()
            }
        );
        // Stored and read back as it was written.
        let json = serde_json::to_vec(&plan(None, "y")).unwrap();
        assert_eq!(
            AuditEvent::decode(AUDIT_SCHEMA_VERSION, &json).unwrap(),
            plan(None, "y")
        );
    }

    #[test]
    fn a_recommendation_is_worded_anew_in_its_place_with_its_plan() {
        let q = q();
        let mut a = created(&q);
        let revise = |owners: &[&str]| AuditEvent::RecommendationRevised {
            number: 1,
            text: "Fælles kriseplan inden udskrivning".into(),
            owners: owners.iter().map(|o| (*o).to_owned()).collect(),
        };
        assert_eq!(
            a.decide(&q, &revise(&["region"])),
            Err(AuditError::NoRecommendation { number: 1 })
        );
        for (number, text) in [(1, "Fælles kriseplan"), (2, "Faste kontaktpersoner")] {
            let add = AuditEvent::RecommendationAdded {
                number,
                text: text.into(),
                owners: vec!["region".into()],
            };
            run(&mut a, &q, add).unwrap();
        }
        let plan = AuditEvent::ActionPlanned {
            number: 1,
            due: Some("2027-03-31".into()),
            follow_up: "Kvalitetsudvalget".into(),
        };
        run(&mut a, &q, plan).unwrap();
        assert_eq!(a.decide(&q, &revise(&[])), Err(AuditError::NoOwner));
        run(&mut a, &q, revise(&["region", "municipality"])).unwrap();
        assert_eq!(
            a.recommendations,
            vec![
                (
                    1,
                    "Fælles kriseplan inden udskrivning".to_owned(),
                    vec!["region".to_owned(), "municipality".to_owned()]
                ),
                (
                    2,
                    "Faste kontaktpersoner".to_owned(),
                    vec!["region".to_owned()]
                ),
            ]
        );
        // The plan belongs to the number and stays with the new wording.
        assert_eq!(a.action_plan[&1].follow_up, "Kvalitetsudvalget");
        let json = serde_json::to_vec(&revise(&["police"])).unwrap();
        assert_eq!(
            AuditEvent::decode(AUDIT_SCHEMA_VERSION, &json).unwrap(),
            revise(&["police"])
        );
    }
}
