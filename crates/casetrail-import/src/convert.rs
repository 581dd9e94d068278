//! Valid rows to pathway events, personal fields sealed under each patient's key.

use std::collections::{BTreeSet, HashMap};

use casetrail_domain::{
    ContactId, ContactRecorded, Datelike as _, DomainEvent, PatientId, PatientRegistered,
    PlanChanged, PlanId,
};
use casetrail_protect::PatientKey;

use crate::parse::{ContactRow, RowKind};

/// An event ready to append: its stream, its content-derived id, and the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportEvent {
    /// The patient, whose stream it goes to.
    pub patient: PatientId,
    /// The event's id, derived from its content with the patient's key.
    pub id: [u8; 16],
    /// The event, personal fields sealed.
    pub event: DomainEvent,
}

/// What every patient's pathway stream is named with: `patient-` and the patient id.
pub const STREAM_PREFIX: &str = "patient-";

/// The ledger stream of a patient's pathway.
pub fn stream_name(patient: &PatientId) -> String {
    format!("{STREAM_PREFIX}{patient}")
}

/// Every field of a row, in a fixed order with separators no field can contain — but the
/// episode: contacts imported before episodes were read keep their ids, so importing the same
/// extract again finds them stored rather than writing them twice (the source's own contact
/// id, part of `record`, keeps two contacts apart).
fn canonical(row: &ContactRow) -> Vec<u8> {
    let record = match &row.record {
        RowKind::Contact { id } => format!("contact\x1f{}", id.as_ref().map_or("", |i| i.as_str())),
        RowKind::Plan { kind, action, id } => format!(
            "plan\x1f{kind}\x1f{action}\x1f{}",
            id.as_ref().map_or("", |i| i.as_str())
        ),
    };
    let diagnoses: Vec<&str> = row.diagnoses.iter().map(|d| d.as_str()).collect();
    [
        row.patient.as_str(),
        row.cpr.as_str(),
        &row.start.to_string(),
        &row.end.map(|e| e.to_string()).unwrap_or_default(),
        row.sector.as_str(),
        row.kind.as_str(),
        row.priority.as_str(),
        &diagnoses.join(";"),
        &row.unit,
        &row.organisation,
        &row.note,
        if row.court_ordered { "1" } else { "0" },
        &record,
        &row.name,
        &row.municipality,
    ]
    .join("\x1e")
    .into_bytes()
}

/// `items` grouped by patient, the patients in order of first appearance and each one's items
/// in their order: every format writes a patient's registration before their events.
pub(crate) fn by_patient<T>(
    items: &[T],
    patient_of: impl Fn(&T) -> &PatientId,
) -> Vec<(&PatientId, Vec<&T>)> {
    let mut groups: Vec<(&PatientId, Vec<&T>)> = Vec::new();
    let mut index: HashMap<&PatientId, usize> = HashMap::new();
    for item in items {
        let patient = patient_of(item);
        let at = *index.entry(patient).or_insert_with(|| {
            groups.push((patient, Vec::new()));
            groups.len() - 1
        });
        groups[at].1.push(item);
    }
    groups
}

pub(crate) fn hex8(id: &[u8; 16]) -> String {
    id[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Converts rows (already validated) into events: for each patient, in order of first
/// appearance, a registration and then one event per row. Identical rows become one event.
/// `keys` must hold the key of every patient in `rows`.
pub fn to_events(
    rows: &[ContactRow],
    keys: &HashMap<PatientId, PatientKey>,
) -> Result<Vec<ImportEvent>, PatientId> {
    let mut out = Vec::with_capacity(rows.len());
    for (patient, rows) in by_patient(rows, |r| &r.patient) {
        let key = keys.get(patient).ok_or_else(|| patient.clone())?;
        patient_events(patient, &rows, key, &mut out);
    }
    Ok(out)
}

/// One patient's events onto `out`: a registration from the first row, then one event per
/// row in their order, identical rows once. `rows` are that patient's rows and not empty.
pub fn patient_events(
    patient: &PatientId,
    rows: &[&ContactRow],
    key: &PatientKey,
    out: &mut Vec<ImportEvent>,
) {
    let Some(first) = rows.first() else {
        return;
    };
    let registered = PatientRegistered {
        patient: patient.clone(),
        cpr: key.seal_str(patient, "cpr", first.cpr.as_str()),
        name: key.seal_str(patient, "name", &first.name),
        birth_year: first.cpr.birth_date.year(),
        sex: first.cpr.sex,
        municipality: first.municipality.clone(),
    };
    out.push(ImportEvent {
        patient: patient.clone(),
        id: key.content_id(b"PatientRegistered"),
        event: DomainEvent::PatientRegistered(registered),
    });
    let mut seen = BTreeSet::new();
    for row in rows {
        let id = key.content_id(&canonical(row));
        if !seen.insert(id) {
            continue;
        }
        // The same personal field names as JSON Lines and export use (see personal_fields).
        let field = match row.record {
            RowKind::Contact { .. } => "note",
            RowKind::Plan { .. } => "content",
        };
        let note = (!row.note.is_empty()).then(|| key.seal_str(patient, field, &row.note));
        let event = match &row.record {
            RowKind::Contact { id: contact } => DomainEvent::ContactRecorded(ContactRecorded {
                contact: contact.clone().unwrap_or_else(|| {
                    ContactId::new(format!("C{}", hex8(&id))).expect("hex is a valid id")
                }),
                patient: patient.clone(),
                sector: row.sector,
                kind: row.kind,
                organisation: row.organisation.clone(),
                unit: row.unit.clone(),
                start: row.start,
                end: row.end,
                priority: row.priority,
                diagnoses: row.diagnoses.clone(),
                court_ordered: row.court_ordered,
                note,
                episode: row.episode.clone(),
            }),
            RowKind::Plan {
                kind,
                action,
                id: plan,
            } => DomainEvent::PlanChanged(PlanChanged {
                plan: plan.clone().unwrap_or_else(|| {
                    PlanId::new(kind.as_str()).expect("plan kinds are valid ids")
                }),
                patient: patient.clone(),
                kind: *kind,
                action: *action,
                at: row.start,
                participants: vec![row.sector],
                content: note,
            }),
        };
        out.push(ImportEvent {
            patient: patient.clone(),
            id,
            event,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_contacts;

    const SMALL: &str = include_str!("../../../fixtures/import/contacts-small.csv");

    /// A distinct key per patient, made from the patient id (real keys come from the
    /// operating system's randomness).
    fn keys(rows: &[ContactRow]) -> HashMap<PatientId, PatientKey> {
        rows.iter()
            .map(|r| {
                let mut key = [0u8; 32];
                key[..r.patient.as_str().len()].copy_from_slice(r.patient.as_str().as_bytes());
                (r.patient.clone(), PatientKey::from_bytes(key))
            })
            .collect()
    }

    #[test]
    fn rows_become_a_registration_then_one_event_each_with_personal_fields_sealed() {
        let rows = parse_contacts(SMALL.as_bytes()).unwrap().rows;
        let keys = keys(&rows);
        let events = to_events(&rows, &keys).unwrap();
        let types: Vec<&str> = events.iter().map(|e| e.event.event_type()).collect();
        assert_eq!(
            types,
            [
                "PatientRegistered",
                "ContactRecorded",
                "ContactRecorded",
                "PlanChanged",
                "ContactRecorded",
                "PatientRegistered",
                "ContactRecorded"
            ]
        );
        let DomainEvent::PatientRegistered(r) = &events[0].event else {
            unreachable!()
        };
        assert_eq!((r.birth_year, r.sex), (1961, casetrail_domain::Sex::Male));
        let key = &keys[&r.patient];
        assert_eq!(key.open(&r.patient, "cpr", &r.cpr).unwrap(), b"070761-4285");
        assert_eq!(
            key.open(&r.patient, "name", &r.name).unwrap(),
            b"Bent Madsen"
        );
        for e in &events {
            let bytes = e.event.encode();
            for secret in ["070761", "Bent", "Madsen", "Karen", "20 30 40 50", "231299"] {
                assert!(
                    !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "{secret} in {}",
                    e.event.event_type()
                );
            }
        }
    }

    #[test]
    fn the_same_rows_give_the_same_events_and_duplicates_collapse() {
        let rows = parse_contacts(SMALL.as_bytes()).unwrap().rows;
        let keys = keys(&rows);
        assert_eq!(
            to_events(&rows, &keys).unwrap(),
            to_events(&rows, &keys).unwrap()
        );
        let mut doubled = rows.clone();
        doubled.extend(rows.iter().cloned());
        assert_eq!(to_events(&doubled, &keys).unwrap().len(), 7);
        let missing = to_events(&rows, &HashMap::new()).unwrap_err();
        assert_eq!(missing.as_str(), "P0001");
    }
}
