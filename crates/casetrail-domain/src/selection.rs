//! Case selection by the DEFACTUM inclusion criteria (Bilag 1): each candidate comes with the
//! facts that made it match, so a facilitator can see why.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::codes::DiagnosisGroup;
use crate::events::DomainEvent;
use crate::ids::PatientId;
use crate::readmission::classify;
use crate::stage1::SHORT_STAY_DAYS;
use crate::stays::{Stay, stays};
use crate::vocab::{ContactKind, PlanKind, Sector};

/// What a case must satisfy. Every criterion left at its default lets every patient through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Criteria {
    /// The period looked at (inclusive dates).
    pub from: Option<NaiveDate>,
    /// The period's last day (inclusive).
    pub to: Option<NaiveDate>,
    /// Main diagnosis group of the patient's admissions in the period (any of these).
    pub groups: Vec<DiagnosisGroup>,
    /// At least this many acute admissions of 0-3 days in the period.
    pub min_short_acute: usize,
    /// At least this many distinct actors (sector and unit) in contact in the period.
    pub min_actors: usize,
    /// Attached to, waiting for or needing housing or housing support (a contact or plan).
    pub housing: bool,
    /// Substance misuse: an F10-F19 diagnosis or addiction treatment.
    pub substance_misuse: bool,
    /// Age at the end of the period, from birth year (inclusive band).
    pub age_from: Option<i32>,
    /// The band's upper age (inclusive).
    pub age_to: Option<i32>,
    /// First psychiatric contact less than a year before the end of the period.
    pub new_to_psychiatry: bool,
    /// Leave out patients under a court treatment order (dom til behandling).
    pub exclude_court_ordered: bool,
}

/// The facts about one patient that the criteria look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The patient's id.
    pub patient: String,
    /// The main diagnosis group of most of the patient's admissions in the period.
    pub group: DiagnosisGroup,
    /// Admissions in the period.
    pub admissions: usize,
    /// Acute admissions of 0-3 days in the period.
    pub short_acute_admissions: usize,
    /// Acute readmissions in the period.
    pub readmissions: usize,
    /// The distinct actors (sector and unit) in contact in the period.
    pub actors: Vec<String>,
    /// Whether housing or housing support appears in a contact or plan.
    pub housing: bool,
    /// Whether substance misuse appears (F10-F19 or addiction treatment).
    pub substance_misuse: bool,
    /// Age at the end of the period.
    pub age: Option<i32>,
    /// The date of the first psychiatric contact on record.
    pub first_psychiatric_contact: Option<String>,
    /// Whether the patient was under a court treatment order in the period.
    pub court_ordered: bool,
}

#[derive(Default)]
struct Gathered {
    birth_year: Option<i32>,
    actors: BTreeSet<String>,
    housing: bool,
    misuse: bool,
    court_ordered: bool,
    first_psychiatric: Option<NaiveDate>,
    /// The latest contact: where age and newness are measured when the period has no end.
    last: Option<NaiveDate>,
}

fn in_period(date: NaiveDate, c: &Criteria) -> bool {
    c.from.is_none_or(|f| date >= f) && c.to.is_none_or(|t| date <= t)
}

/// Finds the patients that meet every criterion, most short acute admissions first.
pub fn select<'a>(
    events: impl IntoIterator<Item = &'a DomainEvent> + Clone,
    criteria: &Criteria,
) -> Vec<Candidate> {
    let mut gathered: BTreeMap<PatientId, Gathered> = BTreeMap::new();
    for event in events.clone() {
        let g = gathered.entry(event.patient().clone()).or_default();
        match event {
            DomainEvent::PatientRegistered(r) => g.birth_year = Some(r.birth_year),
            DomainEvent::IdentityCorrected(c) => g.birth_year = c.birth_year.or(g.birth_year),
            DomainEvent::ContactRecorded(c) => {
                let date = c.start.calendar_date();
                g.last = Some(g.last.map_or(date, |d| d.max(date)));
                if c.sector == Sector::Region && c.kind != ContactKind::UserControlledBed {
                    g.first_psychiatric = Some(g.first_psychiatric.map_or(date, |d| d.min(date)));
                }
                g.court_ordered |= c.court_ordered;
                g.misuse |= c.diagnoses.iter().any(|d| d.as_str().starts_with("DF1"));
                if in_period(date, criteria) {
                    g.actors.insert(format!("{}: {}", c.sector, c.unit));
                    g.housing |= c.kind == ContactKind::HousingSupport;
                    g.misuse |= c.kind == ContactKind::AddictionTreatment;
                }
            }
            DomainEvent::AdmissionStarted(a) => {
                g.court_ordered |= a.court_ordered;
                g.misuse |= a.main_diagnosis.as_str().starts_with("DF1");
            }
            DomainEvent::PlanChanged(p) if in_period(p.at.calendar_date(), criteria) => {
                g.housing |= p.kind == PlanKind::MunicipalSupportPlan;
            }
            _ => {}
        }
    }
    let all_stays = stays(events);
    let mut out: Vec<Candidate> = gathered
        .into_iter()
        .filter_map(|(patient, g)| {
            let list: &[Stay] = all_stays.get(&patient).map_or(&[], Vec::as_slice);
            let classes = classify(list);
            let in_range: Vec<(&Stay, bool)> = list
                .iter()
                .zip(&classes)
                .filter(|(s, _)| {
                    !s.user_controlled_bed && in_period(s.start.calendar_date(), criteria)
                })
                .map(|(s, c)| (s, matches!(c, crate::readmission::Readmission::Yes { .. })))
                .collect();
            let mut groups: BTreeMap<DiagnosisGroup, usize> = BTreeMap::new();
            for (s, _) in &in_range {
                *groups
                    .entry(
                        s.main_diagnosis()
                            .map_or(DiagnosisGroup::Other, |d| d.group()),
                    )
                    .or_default() += 1;
            }
            let group = groups
                .iter()
                .max_by_key(|(g, n)| (**n, std::cmp::Reverse(**g)))
                .map_or(DiagnosisGroup::Other, |(g, _)| *g);
            let short = in_range
                .iter()
                .filter(|(s, _)| {
                    s.is_acute() && s.length_days().is_some_and(|d| d <= SHORT_STAY_DAYS)
                })
                .count();
            let end = criteria.to.or(g.last).unwrap_or(NaiveDate::MIN);
            let age = g.birth_year.map(|y| end.year() - y);
            let new = g
                .first_psychiatric
                .is_some_and(|d| (end - d).num_days() < 365);
            let keep = (criteria.groups.is_empty()
                || criteria
                    .groups
                    .iter()
                    .any(|wanted| groups.contains_key(wanted)))
                && short >= criteria.min_short_acute
                && g.actors.len() >= criteria.min_actors
                && (!criteria.housing || g.housing)
                && (!criteria.substance_misuse || g.misuse)
                && criteria
                    .age_from
                    .is_none_or(|a| age.is_some_and(|x| x >= a))
                && criteria.age_to.is_none_or(|a| age.is_some_and(|x| x <= a))
                && (!criteria.new_to_psychiatry || new)
                && !(criteria.exclude_court_ordered && g.court_ordered);
            keep.then(|| Candidate {
                patient: patient.to_string(),
                group,
                admissions: in_range.len(),
                short_acute_admissions: short,
                readmissions: in_range.iter().filter(|(_, r)| *r).count(),
                actors: g.actors.into_iter().collect(),
                housing: g.housing,
                substance_misuse: g.misuse,
                age,
                first_psychiatric_contact: g.first_psychiatric.map(|d| d.to_string()),
                court_ordered: g.court_ordered,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.short_acute_admissions
            .cmp(&a.short_acute_admissions)
            .then(a.patient.cmp(&b.patient))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        ContactId, ContactRecorded, Icd10, PatientRegistered, Priority, Sealed, Sex, When,
    };

    fn registered(p: &str, birth_year: i32) -> DomainEvent {
        DomainEvent::PatientRegistered(PatientRegistered {
            patient: PatientId::new(p).unwrap(),
            cpr: Sealed(vec![]),
            name: Sealed(vec![]),
            birth_year,
            sex: Sex::Female,
            municipality: "Aarhus".into(),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn contact(
        p: &str,
        n: u32,
        sector: Sector,
        kind: ContactKind,
        unit: &str,
        start: &str,
        end: Option<&str>,
        dx: &str,
        court: bool,
    ) -> DomainEvent {
        DomainEvent::ContactRecorded(ContactRecorded {
            contact: ContactId::new(format!("{p}-{n}")).unwrap(),
            patient: PatientId::new(p).unwrap(),
            sector,
            kind,
            organisation: String::new(),
            unit: unit.into(),
            start: When::parse(start).unwrap(),
            end: end.map(|e| When::parse(e).unwrap()),
            priority: Priority::Acute,
            diagnoses: dx
                .split(';')
                .filter(|d| !d.is_empty())
                .map(|d| Icd10::new(d).unwrap())
                .collect(),
            court_ordered: court,
            note: None,
            episode: None,
        })
    }

    /// Short acute admissions every 20 days from 2019-01-10, each lasting one day.
    fn admissions(p: &str, n: u32, dx: &str, court: bool) -> Vec<DomainEvent> {
        let start = NaiveDate::from_ymd_opt(2019, 1, 10).unwrap();
        (0..n)
            .map(|i| {
                let d = start + chrono::Duration::days(20 * i64::from(i));
                let s = format!("{d}T23:00");
                let e = format!("{}T10:00", d + chrono::Duration::days(1));
                contact(
                    p,
                    100 + i,
                    Sector::Region,
                    ContactKind::WardAdmission,
                    "Afsnit A",
                    &s,
                    Some(&e),
                    dx,
                    court,
                )
            })
            .collect()
    }

    fn region() -> Vec<DomainEvent> {
        let mut events = vec![
            registered("A", 1974),
            registered("B", 1980),
            registered("C", 1970),
            registered("D", 1995),
        ];
        events.extend(admissions("A", 4, "DF201;DF102", false));
        events.push(contact(
            "A",
            1,
            Sector::Municipality,
            ContactKind::HousingSupport,
            "Bostøtte",
            "2019-02-01T10:00",
            None,
            "",
            false,
        ));
        events.push(contact(
            "A",
            2,
            Sector::OutOfHours,
            ContactKind::OutOfHoursDoctor,
            "Lægevagt",
            "2019-02-09T22:00",
            None,
            "",
            false,
        ));
        events.push(contact(
            "A",
            3,
            Sector::Police,
            ContactKind::PoliceReport,
            "Døgnrapport",
            "2019-03-01T02:00",
            None,
            "",
            false,
        ));
        events.extend(admissions("B", 1, "DF603", false));
        events.extend(admissions("C", 4, "DF200", true));
        events.extend(admissions("D", 3, "DF603", false));
        events
    }

    fn period() -> Criteria {
        Criteria {
            from: NaiveDate::from_ymd_opt(2019, 1, 1),
            to: NaiveDate::from_ymd_opt(2019, 12, 31),
            ..Criteria::default()
        }
    }

    fn chosen(c: &Criteria) -> Vec<String> {
        select(&region(), c)
            .into_iter()
            .map(|c| c.patient)
            .collect()
    }

    #[test]
    fn every_patient_passes_no_criteria_and_the_facts_are_shown() {
        let all = select(&region(), &period());
        assert_eq!(
            all.iter().map(|c| c.patient.as_str()).collect::<Vec<_>>(),
            ["A", "C", "D", "B"]
        );
        let a = &all[0];
        assert_eq!(
            (
                a.group,
                a.admissions,
                a.short_acute_admissions,
                a.readmissions
            ),
            (DiagnosisGroup::Schizophrenia, 4, 4, 3)
        );
        assert_eq!(a.actors.len(), 4, "{:?}", a.actors);
        assert!(a.housing && a.substance_misuse && !a.court_ordered);
        assert_eq!(a.age, Some(45));
        assert_eq!(a.first_psychiatric_contact.as_deref(), Some("2019-01-10"));
    }

    #[test]
    fn each_criterion_narrows_the_list() {
        let c = |f: fn(&mut Criteria)| {
            let mut c = period();
            f(&mut c);
            chosen(&c)
        };
        assert_eq!(
            c(|c| c.groups = vec![DiagnosisGroup::PersonalityDisorder]),
            ["D", "B"]
        );
        assert_eq!(c(|c| c.min_short_acute = 3), ["A", "C", "D"]);
        assert_eq!(c(|c| c.min_actors = 3), ["A"]);
        assert_eq!(c(|c| c.housing = true), ["A"]);
        assert_eq!(c(|c| c.substance_misuse = true), ["A"]);
        assert_eq!(c(|c| c.exclude_court_ordered = true), ["A", "D", "B"]);
        assert_eq!(
            c(|c| {
                c.age_from = Some(20);
                c.age_to = Some(29)
            }),
            ["D"]
        );
        // everyone's first psychiatric contact is in 2019 here, so all are new to psychiatry
        assert_eq!(c(|c| c.new_to_psychiatry = true).len(), 4);
        let mut later = period();
        later.to = NaiveDate::from_ymd_opt(2020, 6, 30);
        later.new_to_psychiatry = true;
        assert!(
            select(&region(), &later).is_empty(),
            "a year and a half after the first contact, no one is new"
        );
    }
}
