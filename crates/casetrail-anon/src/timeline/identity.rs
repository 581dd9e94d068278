//! Who the case is about (as the record last says, corrections applied) and where its day 0 lies.

use casetrail_domain::stays::Stay;
use casetrail_domain::{DomainEvent, Sex, When};
use chrono::NaiveDate;

use super::Opener;

pub(super) struct Identity {
    pub(super) name: Option<String>,
    pub(super) cpr: Option<String>,
    pub(super) birth_year: Option<i32>,
    pub(super) sex: Option<Sex>,
    pub(super) municipality: Option<String>,
    pub(super) erased: bool,
}

pub(super) fn identity(events: &[DomainEvent], open: Opener<'_>) -> Identity {
    let mut id = Identity {
        name: None,
        cpr: None,
        birth_year: None,
        sex: None,
        municipality: None,
        erased: false,
    };
    for event in events {
        match event {
            DomainEvent::PatientRegistered(r) => {
                id.name = open("name", &r.name);
                id.cpr = open("cpr", &r.cpr);
                id.birth_year = Some(r.birth_year);
                id.sex = Some(r.sex);
                id.municipality = Some(r.municipality.clone());
            }
            DomainEvent::IdentityCorrected(c) => {
                if let Some(n) = &c.name {
                    id.name = open("name", n);
                }
                if let Some(n) = &c.cpr {
                    id.cpr = open("cpr", n);
                }
                id.birth_year = c.birth_year.or(id.birth_year);
                id.sex = c.sex.or(id.sex);
                id.municipality = c.municipality.clone().or(id.municipality.take());
            }
            DomainEvent::PatientErased(_) => id.erased = true,
            _ => {}
        }
    }
    id
}

/// Day 0: the first admission (a ward stay), else the first event with a date.
pub(super) fn index_of(events: &[DomainEvent], all_stays: &[Stay]) -> (NaiveDate, String) {
    let first_stay = all_stays
        .iter()
        .filter(|s| !s.user_controlled_bed)
        .map(|s| s.start)
        .min();
    if let Some(start) = first_stay {
        return (start.calendar_date(), "første indlæggelse".into());
    }
    let first = events.iter().filter_map(when_of).min();
    (
        first.map_or(NaiveDate::MIN, |w| w.calendar_date()),
        "første registrerede hændelse".into(),
    )
}

fn when_of(event: &DomainEvent) -> Option<When> {
    match event {
        DomainEvent::ContactRecorded(c) => Some(c.start),
        DomainEvent::AdmissionStarted(a) => Some(a.start),
        DomainEvent::DischargeRecorded(d) => Some(d.end),
        DomainEvent::HospitalNotified(n) => Some(n.at),
        DomainEvent::PlanChanged(p) => Some(p.at),
        DomainEvent::ConsentGiven(c) => Some(c.date),
        DomainEvent::ConsentWithdrawn(c) => Some(c.date),
        DomainEvent::MaterialAttached(m) => Some(m.date),
        _ => None,
    }
}
