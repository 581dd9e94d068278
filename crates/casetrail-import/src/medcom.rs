//! MedCom hospital notifications (HospitalNotification, "Sygehusadvis"): FHIR R4 message
//! Bundles a hospital sends the patient's municipality when the patient arrives, is admitted,
//! goes on leave, comes back and is discharged. Each message becomes one event: a
//! `HospitalNotified`, or, for a `revise-…` or `cancel-…` message, a `Corrected` event that
//! amends or retracts the notification it corrects — never an edit.
//!
//! A correction names the message it corrects (Provenance.entity, role `revision`); that
//! message may be in the same import or stored by an earlier one, and the correction is made
//! to the first notification of the chain, so a revision of a revision amends the original.
//! Event ids are keyed by the patient's key from the message id alone, so importing the same
//! messages again writes nothing, and a correction finds its target without reading it.

mod bundle;
mod care;

pub use care::source_of;

use std::collections::HashMap;

use casetrail_domain::{
    Corrected, Correction, Cpr, Datelike as _, DomainEvent, EventRef, HospitalActivity,
    HospitalNotified, MaterialAttached, MaterialId, MaterialSource, MessageId, PatientId,
    PatientRegistered, StayId, When,
};
use casetrail_protect::PatientKey;

use crate::ImportEvent;

/// One hospital notification as read from its bundle. Holds personal data in the clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The message's id (its MessageHeader's).
    pub message: MessageId,
    /// When it was sent (the bundle's timestamp; the activity's time when it has none).
    pub sent: When,
    /// New, or a revision or cancellation of an earlier message.
    pub change: Change,
    /// What happened.
    pub activity: HospitalActivity,
    /// The hospital stay (episode of care).
    pub episode: StayId,
    /// The patient's CPR number.
    pub cpr: Cpr,
    /// The patient's name.
    pub name: String,
    /// The receiving municipality's name (empty when the message names none).
    pub municipality: String,
    /// When it happened.
    pub at: When,
    /// The sending hospital.
    pub organisation: String,
    /// The unit in charge (the Encounter's service provider).
    pub unit: String,
}

/// Whether a notification is new or corrects an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A notification of its own.
    New,
    /// Replaces what the message `of` said.
    Revise {
        /// The message revised.
        of: MessageId,
    },
    /// Says the message `of` should not have been sent.
    Cancel {
        /// The message cancelled.
        of: MessageId,
    },
}

/// Why a bundle is not a hospital notification casetrail can read. `path` names the entry,
/// the resource type and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// The bytes are not JSON.
    #[error("line {line}, column {column}: not readable as JSON: {detail}")]
    Json {
        /// The line of the error.
        line: usize,
        /// Its column.
        column: usize,
        /// What the JSON reader said.
        detail: String,
    },
    /// The JSON is another FHIR resource (or none).
    #[error("is a {found}, not a FHIR Bundle")]
    NotABundle {
        /// The resource type found.
        found: String,
    },
    /// A value the notification must have is missing.
    #[error("{path} is missing")]
    Missing {
        /// Where.
        path: String,
    },
    /// A value is there but wrong.
    #[error("{path}: {value:?} is not {expected}")]
    Invalid {
        /// Where.
        path: String,
        /// The value found.
        value: String,
        /// What it should be.
        expected: &'static str,
    },
    /// A reference names no resource of the bundle.
    #[error("{path}: the reference {reference:?} names no {kind} in the bundle")]
    Unresolved {
        /// Where the reference is.
        path: String,
        /// The reference.
        reference: String,
        /// The resource type it should name.
        kind: String,
    },
    /// More than one resource could be meant.
    #[error("the bundle holds more than one {kind} and names none of them")]
    Ambiguous {
        /// The resource type.
        kind: String,
    },
    /// A revision or cancellation of a message neither this import nor the record holds.
    #[error("corrects message {of}, which is neither among these messages nor in the record")]
    NoTarget {
        /// The message it names.
        of: String,
    },
    /// A revision or cancellation of a message about another activity, patient or stay.
    #[error("corrects message {of}, which is about another {what}")]
    OtherTarget {
        /// The message it names.
        of: String,
        /// "activity", "patient" or "stay".
        what: &'static str,
    },
    /// The file is larger than a notification can be.
    #[error("is {bytes} bytes; a notification bundle has at most {limit}")]
    TooLarge {
        /// The file's size.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// The same message id twice, saying different things.
    #[error("message {message} is also in another file, with other content")]
    Duplicate {
        /// The message id.
        message: String,
    },
}

/// One care communication (CareCommunication, "Korrespondancemeddelelse") as read from its
/// bundle. Holds personal data in the clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareMessage {
    /// The message's id (its MessageHeader's).
    pub message: MessageId,
    /// The thread it belongs to (the Communication's identifier, kept by replies).
    pub thread: String,
    /// When it was sent.
    pub sent: When,
    /// The patient's CPR number.
    pub cpr: Cpr,
    /// The patient's name.
    pub name: String,
    /// The sending sector, as material.
    pub source: MaterialSource,
    /// The sending organisation.
    pub sender: String,
    /// The material's text: a line naming sender, thread and topic, then the message text.
    pub text: String,
}

/// A MedCom message casetrail reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MedcomMessage {
    /// A hospital notification.
    Notification(Notification),
    /// A care communication.
    Care(CareMessage),
}

impl MedcomMessage {
    /// The patient's CPR number.
    pub fn cpr(&self) -> &Cpr {
        match self {
            MedcomMessage::Notification(n) => &n.cpr,
            MedcomMessage::Care(c) => &c.cpr,
        }
    }
}

fn json(bytes: &[u8]) -> Result<serde_json::Value, BundleError> {
    serde_json::from_slice(bytes).map_err(|e| BundleError::Json {
        line: e.line(),
        column: e.column(),
        detail: e.to_string(),
    })
}

/// Reads one hospital notification from a bundle's bytes.
pub fn parse_notification(bytes: &[u8]) -> Result<Notification, BundleError> {
    bundle::notification(&json(bytes)?)
}

/// Reads one MedCom message, a hospital notification or a care communication, by what its
/// MessageHeader says it is.
pub fn parse_medcom(bytes: &[u8]) -> Result<MedcomMessage, BundleError> {
    let value = json(bytes)?;
    let event = value
        .get("entry")
        .and_then(serde_json::Value::as_array)
        .and_then(|entries| {
            entries.iter().find_map(|e| {
                let r = e.get("resource")?;
                (r.get("resourceType")? == "MessageHeader")
                    .then(|| r.get("eventCoding")?.get("code")?.as_str())
                    .flatten()
            })
        });
    if event == Some(care::EVENT_CODE) {
        care::care_message(&value).map(MedcomMessage::Care)
    } else {
        bundle::notification(&value).map(MedcomMessage::Notification)
    }
}

/// Care communications as events: a registration for each patient not in `registered` (whose
/// registration another part of the import writes), then one `MaterialAttached` per message,
/// in the order sent, keyed from the message id (so a second import writes nothing).
pub fn care_events(
    messages: &[(PatientId, CareMessage)],
    keys: &HashMap<PatientId, PatientKey>,
    registered: &std::collections::HashSet<PatientId>,
) -> Result<Vec<ImportEvent>, PatientId> {
    let mut sorted: Vec<&(PatientId, CareMessage)> = messages.iter().collect();
    sorted.sort_by(|(_, a), (_, b)| {
        (a.sent.epoch_seconds(), a.message.as_str())
            .cmp(&(b.sent.epoch_seconds(), b.message.as_str()))
    });
    let groups = crate::convert::by_patient(&sorted, |m| &m.0);
    let mut out = Vec::new();
    for (patient, list) in groups {
        let key = keys.get(patient).ok_or_else(|| patient.clone())?;
        if !registered.contains(patient) {
            out.push(registration(
                patient,
                key,
                &list[0].1.cpr,
                &list[0].1.name,
                "",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (_, m) in list.iter().map(|m| &**m) {
            if !seen.insert(&m.message) {
                continue;
            }
            let id = message_event_id(key, &m.message);
            let material = MaterialId::new(format!("M-{}", crate::convert::hex8(&id)))
                .expect("hex is a valid id");
            out.push(ImportEvent {
                patient: patient.clone(),
                id,
                event: DomainEvent::MaterialAttached(MaterialAttached {
                    material,
                    patient: patient.clone(),
                    source: m.source,
                    date: m.sent,
                    text: key.seal_str(patient, "text", &m.text),
                }),
            });
        }
    }
    Ok(out)
}

/// A patient's registration, with the id every format gives it.
fn registration(
    patient: &PatientId,
    key: &PatientKey,
    cpr: &Cpr,
    name: &str,
    municipality: &str,
) -> ImportEvent {
    ImportEvent {
        patient: patient.clone(),
        id: key.content_id(b"PatientRegistered"),
        event: DomainEvent::PatientRegistered(PatientRegistered {
            patient: patient.clone(),
            cpr: key.seal_str(patient, "cpr", cpr.as_str()),
            name: key.seal_str(patient, "name", name),
            birth_year: cpr.birth_date.year(),
            sex: cpr.sex,
            municipality: municipality.to_owned(),
        }),
    }
}

/// A message the record holds already, as a correction needs it: the first notification of
/// its chain, its patient and stay, and what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// The notification the chain began with.
    pub root: MessageId,
    /// Its patient.
    pub patient: PatientId,
    /// Its stay.
    pub episode: StayId,
    /// Its activity.
    pub activity: HospitalActivity,
}

/// A notification whose corrections are resolved, ready to become an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The patient it is imported under.
    pub patient: PatientId,
    /// The notification.
    pub notification: Notification,
    /// For a revision or cancellation: the first notification of the chain it corrects.
    pub root: Option<MessageId>,
}

/// Puts notifications in the order they were sent, drops exact duplicates, and finds what
/// each correction corrects: among these messages, else through `stored`. Returns the
/// refused ones by their index in `notifications`.
pub fn resolve(
    notifications: Vec<(PatientId, Notification)>,
    stored: &dyn Fn(&PatientId, &MessageId) -> Option<StoredMessage>,
) -> (Vec<Resolved>, Vec<(usize, BundleError)>) {
    let mut order: Vec<usize> = (0..notifications.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&notifications[a].1, &notifications[b].1);
        (x.sent.epoch_seconds(), x.message.as_str())
            .cmp(&(y.sent.epoch_seconds(), y.message.as_str()))
    });
    let mut known: HashMap<MessageId, StoredMessage> = HashMap::new();
    let mut first_seen: HashMap<MessageId, usize> = HashMap::new();
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for index in order {
        let (patient, n) = &notifications[index];
        if let Some(&earlier) = first_seen.get(&n.message) {
            if notifications[earlier] != notifications[index] {
                refused.push((
                    index,
                    BundleError::Duplicate {
                        message: n.message.to_string(),
                    },
                ));
            }
            continue;
        }
        first_seen.insert(n.message.clone(), index);
        let of = match &n.change {
            Change::New => None,
            Change::Revise { of } | Change::Cancel { of } => Some(of),
        };
        let root = match of {
            None => n.message.clone(),
            Some(of) => {
                let target = known.get(of).cloned().or_else(|| stored(patient, of));
                match target {
                    None => {
                        refused.push((index, BundleError::NoTarget { of: of.to_string() }));
                        continue;
                    }
                    Some(t) => {
                        let what = if &t.patient != patient {
                            Some("patient")
                        } else if t.episode != n.episode {
                            Some("stay")
                        } else if t.activity != n.activity {
                            Some("activity")
                        } else {
                            None
                        };
                        if let Some(what) = what {
                            refused.push((
                                index,
                                BundleError::OtherTarget {
                                    of: of.to_string(),
                                    what,
                                },
                            ));
                            continue;
                        }
                        t.root
                    }
                }
            }
        };
        known.insert(
            n.message.clone(),
            StoredMessage {
                root: root.clone(),
                patient: patient.clone(),
                episode: n.episode.clone(),
                activity: n.activity,
            },
        );
        out.push(Resolved {
            patient: patient.clone(),
            notification: n.clone(),
            root: of.map(|_| root),
        });
    }
    (out, refused)
}

/// The id of the event a message becomes, keyed by its patient's key.
pub fn message_event_id(key: &PatientKey, message: &MessageId) -> [u8; 16] {
    key.content_id(format!("medcom\x1f{message}").as_bytes())
}

/// Resolved notifications as events: for each patient, in order of first appearance, a
/// registration (the same event, by id, as every other format's) and then one event per
/// message. `keys` must hold the key of every patient.
pub fn notification_events(
    resolved: &[Resolved],
    keys: &HashMap<PatientId, PatientKey>,
) -> Result<Vec<ImportEvent>, PatientId> {
    let groups = crate::convert::by_patient(resolved, |r| &r.patient);
    let mut out = Vec::with_capacity(resolved.len() + groups.len());
    for (patient, list) in groups {
        let key = keys.get(patient).ok_or_else(|| patient.clone())?;
        let first = &list[0].notification;
        out.push(registration(
            patient,
            key,
            &first.cpr,
            &first.name,
            &first.municipality,
        ));
        for r in &list {
            let n = &r.notification;
            // An amended notification keeps the id of the one it amends: the notification is
            // the same, what it says is new (and a later correction of the revision finds the
            // chain's first message through it).
            let notified = DomainEvent::HospitalNotified(HospitalNotified {
                message: r.root.clone().unwrap_or_else(|| n.message.clone()),
                patient: patient.clone(),
                episode: n.episode.clone(),
                activity: n.activity,
                at: n.at,
                organisation: n.organisation.clone(),
                unit: n.unit.clone(),
            });
            let event = match (&n.change, &r.root) {
                (Change::New, _) | (_, None) => notified,
                (change, Some(root)) => DomainEvent::Corrected(Corrected {
                    patient: patient.clone(),
                    target: EventRef(message_event_id(key, root)),
                    correction: match change {
                        Change::Cancel { .. } => Correction::Retract,
                        _ => Correction::Amend(Box::new(notified)),
                    },
                    reason: None,
                }),
            };
            out.push(ImportEvent {
                patient: patient.clone(),
                id: message_event_id(key, &n.message),
                event,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
