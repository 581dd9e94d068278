//! A patient's pathway as a facilitator sees it: identifiable, personal fields opened with the
//! patient's key, or shown as erased once the key is gone.

use casetrail_domain::readmission::{Readmission, classify};
use casetrail_domain::stays::stays;
use casetrail_domain::{DayWindow, DomainEvent, EventRef, PatientId, Sealed, corrections};
use casetrail_ledger::{Direction, StreamId, StreamVersion};
use casetrail_protect::PatientKey;
use serde::Serialize;

use crate::core::error::{AppError, CaseFileError};

use crate::core::workbench::Workbench;
use crate::core::workbench::decode_stored;

/// A personal field: its text, or the fact that it can no longer be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Personal {
    Text(String),
    Erased,
}

impl std::fmt::Display for Personal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Personal::Text(t) => f.write_str(t),
            Personal::Erased => f.write_str("[erased]"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Erasure {
    /// Microseconds since the Unix epoch, as the ledger recorded it.
    pub recorded_at: i64,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathwayEntry {
    pub position: u64,
    pub when: String,
    pub event: &'static str,
    /// The entry in English, for the command line.
    pub summary: String,
    /// The entry in codes, for an edge that says it in its reader's language.
    pub detail: EntryDetail,
    pub note: Option<Personal>,
    /// Positions of the corrections that amended this entry.
    pub amended_by: Vec<String>,
}

/// One stay, as the readmission rule sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StayView {
    pub start: String,
    pub end: Option<String>,
    pub ward: String,
    pub acute: bool,
    pub main_diagnosis: Option<String>,
    /// Calendar days (0 for a same-day stay); None while open.
    pub length_days: Option<i64>,
    /// Started in the evening or night (16:00-08:00); None for a start without a time.
    pub evening_night: Option<bool>,
    /// An acute readmission by the Sundhedsdatastyrelsen definition, and if so hours since
    /// the previous discharge.
    pub readmission: bool,
    pub hours_since_discharge: Option<i64>,
    /// Why it is not a readmission, when it is not.
    pub why_not: Option<String>,
    pub user_controlled_bed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathwayView {
    pub patient: String,
    pub cpr: Option<Personal>,
    pub name: Option<Personal>,
    pub birth_year: Option<i32>,
    pub municipality: Option<String>,
    pub erased: Option<Erasure>,
    pub entries: Vec<PathwayEntry>,
    /// Events retracted by later corrections.
    pub retracted: usize,
    pub stays: Vec<StayView>,
}

fn open(
    key: Option<&PatientKey>,
    patient: &PatientId,
    field: &'static str,
    sealed: &Sealed,
) -> Personal {
    key.and_then(|k| k.open(patient, field, sealed).ok())
        .map_or(Personal::Erased, |bytes| {
            Personal::Text(String::from_utf8_lossy(&bytes).into_owned())
        })
}

/// What a pathway entry records, as codes of the record's vocabularies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum EntryDetail {
    Contact {
        sector: &'static str,
        kind: &'static str,
        priority: &'static str,
        unit: String,
        diagnoses: Vec<String>,
        end: Option<String>,
    },
    Admission {
        ward: String,
        priority: &'static str,
        diagnosis: String,
    },
    Discharge {
        stay: String,
    },
    Plan {
        plan: &'static str,
        action: &'static str,
    },
    Consent {
        given: bool,
        scope: String,
    },
    Material {
        source: &'static str,
    },
    Other,
}

fn detail(event: &DomainEvent) -> EntryDetail {
    match event {
        DomainEvent::ContactRecorded(c) => EntryDetail::Contact {
            sector: c.sector.as_str(),
            kind: c.kind.as_str(),
            priority: c.priority.as_str(),
            unit: c.unit.clone(),
            diagnoses: c.diagnoses.iter().map(|d| d.as_str().to_owned()).collect(),
            end: c.end.map(|e| e.to_string()),
        },
        DomainEvent::AdmissionStarted(a) => EntryDetail::Admission {
            ward: a.ward.clone(),
            priority: a.priority.as_str(),
            diagnosis: a.main_diagnosis.to_string(),
        },
        DomainEvent::DischargeRecorded(d) => EntryDetail::Discharge {
            stay: d.stay.to_string(),
        },
        DomainEvent::PlanChanged(p) => EntryDetail::Plan {
            plan: p.kind.as_str(),
            action: p.action.as_str(),
        },
        DomainEvent::ConsentGiven(c) => EntryDetail::Consent {
            given: true,
            scope: c.scope.clone(),
        },
        DomainEvent::ConsentWithdrawn(c) => EntryDetail::Consent {
            given: false,
            scope: c.scope.clone(),
        },
        DomainEvent::MaterialAttached(m) => EntryDetail::Material {
            source: m.source.as_str(),
        },
        _ => EntryDetail::Other,
    }
}

fn summary(event: &DomainEvent) -> (String, String) {
    match event {
        DomainEvent::ContactRecorded(c) => {
            let diagnoses: Vec<&str> = c.diagnoses.iter().map(|d| d.as_str()).collect();
            let end = c.end.map_or(String::new(), |e| format!(" → {e}"));
            (
                c.start.to_string(),
                format!(
                    "{} {} ({}, {}) {}{end}",
                    c.sector,
                    c.kind,
                    c.priority,
                    c.unit,
                    diagnoses.join(" "),
                ),
            )
        }
        DomainEvent::AdmissionStarted(a) => (
            a.start.to_string(),
            format!(
                "admitted to {} ({}, {})",
                a.ward, a.priority, a.main_diagnosis
            ),
        ),
        DomainEvent::DischargeRecorded(d) => (
            d.end.to_string(),
            format!("discharged from stay {}", d.stay),
        ),
        DomainEvent::HospitalNotified(n) => (
            n.at.to_string(),
            format!(
                "hospital notification: {} ({}, stay {})",
                n.activity, n.unit, n.episode
            ),
        ),
        DomainEvent::PlanChanged(p) => (p.at.to_string(), format!("{} {}", p.kind, p.action)),
        DomainEvent::ConsentGiven(c) => (c.date.to_string(), format!("consent given: {}", c.scope)),
        DomainEvent::ConsentWithdrawn(c) => (
            c.date.to_string(),
            format!("consent withdrawn: {}", c.scope),
        ),
        DomainEvent::MaterialAttached(m) => {
            (m.date.to_string(), format!("material from {}", m.source))
        }
        other => (String::new(), other.event_type().to_string()),
    }
}

fn note_of(event: &DomainEvent) -> Option<(&'static str, &Sealed)> {
    match event {
        DomainEvent::ContactRecorded(c) => c.note.as_ref().map(|n| ("note", n)),
        DomainEvent::PlanChanged(p) => p.content.as_ref().map(|n| ("content", n)),
        DomainEvent::MaterialAttached(m) => Some(("text", &m.text)),
        DomainEvent::ConsentGiven(c) => c.comments.as_ref().map(|n| ("comments", n)),
        DomainEvent::ConsentWithdrawn(c) => c.comments.as_ref().map(|n| ("comments", n)),
        _ => None,
    }
}

fn stay_views(applied: &corrections::Applied) -> Vec<StayView> {
    let all = stays(applied.standing.iter().map(|s| &s.event));
    let mut out = Vec::new();
    for list in all.values() {
        for (stay, class) in list.iter().zip(classify(list)) {
            let (readmission, gap, why_not) = match class {
                Readmission::Yes { gap } => (true, Some(gap.0 / 3600), None),
                Readmission::No(reason) => (false, None, Some(format!("{reason:?}"))),
            };
            out.push(StayView {
                start: stay.start.to_string(),
                end: stay.end.map(|e| e.to_string()),
                ward: stay.ward.clone(),
                acute: stay.is_acute(),
                main_diagnosis: stay.main_diagnosis().map(|d| d.to_string()),
                length_days: stay.length_days(),
                evening_night: stay.start.in_window(DayWindow::EVENING_NIGHT),
                readmission,
                hours_since_discharge: gap,
                why_not,
                user_controlled_bed: stay.user_controlled_bed,
            });
        }
    }
    out
}

impl Workbench {
    /// The whole pathway of one patient, in the order it was recorded.
    pub fn pathway(&self, patient: &str) -> Result<PathwayView, AppError> {
        let patient = PatientId::new(patient).map_err(|source| CaseFileError::PatientId {
            value: patient.to_owned(),
            source,
        })?;
        let stream = StreamId::new(casetrail_import::stream_name(&patient))?;
        let key = self.patient_key(&patient)?;
        let mut view = PathwayView {
            patient: patient.to_string(),
            cpr: None,
            name: None,
            birth_year: None,
            municipality: None,
            erased: None,
            entries: Vec::new(),
            retracted: 0,
            stays: Vec::new(),
        };
        let mut events = Vec::new();
        let mut positions = std::collections::HashMap::new();
        for record in self
            .ledger()
            .read_stream(&stream, StreamVersion(0), Direction::Forward)
        {
            let record = record?;
            let event = decode_stored(&record)?;
            if let DomainEvent::PatientErased(_) = event {
                view.erased = Some(Erasure {
                    recorded_at: record.recorded_at.0,
                    by: record.actor.to_string(),
                });
            }
            positions.insert(EventRef(record.id.0), record.position.0);
            events.push((EventRef(record.id.0), event));
        }
        if events.is_empty() {
            return Err(CaseFileError::UnknownPatient {
                patient: patient.to_string(),
            }
            .into());
        }
        let applied = corrections::apply(events);
        view.retracted = applied.retracted.len();
        view.stays = stay_views(&applied);
        for standing in applied.standing {
            match &standing.event {
                DomainEvent::PatientRegistered(r) => {
                    view.cpr = Some(open(key.as_ref(), &patient, "cpr", &r.cpr));
                    view.name = Some(open(key.as_ref(), &patient, "name", &r.name));
                    view.birth_year = Some(r.birth_year);
                    view.municipality = Some(r.municipality.clone());
                }
                DomainEvent::IdentityCorrected(c) => {
                    if let Some(cpr) = &c.cpr {
                        view.cpr = Some(open(key.as_ref(), &patient, "cpr", cpr));
                    }
                    if let Some(name) = &c.name {
                        view.name = Some(open(key.as_ref(), &patient, "name", name));
                    }
                    view.birth_year = c.birth_year.or(view.birth_year);
                    view.municipality = c.municipality.clone().or(view.municipality.take());
                }
                DomainEvent::PatientErased(_) => {}
                event => {
                    let (when, summary) = summary(event);
                    view.entries.push(PathwayEntry {
                        position: positions[&standing.id],
                        when,
                        event: event.event_type(),
                        summary: summary.trim().to_string(),
                        detail: detail(event),
                        note: note_of(event)
                            .map(|(field, sealed)| open(key.as_ref(), &patient, field, sealed)),
                        amended_by: standing
                            .amended_by
                            .iter()
                            .map(|r| positions[r].to_string())
                            .collect(),
                    });
                }
            }
        }
        Ok(view)
    }
}
