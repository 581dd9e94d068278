//! The events of a patient's pathway, their schema versions, and upcasting of older versions.
//!
//! Each event is stored with its type name and schema version; its payload is the JSON of the
//! struct below (fields in declaration order, no maps, no floats, so the bytes are stable).
//! Reading an older version goes through an explicit upcaster to the current struct.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codes::Icd10;
use crate::error::DomainError;
use crate::ids::{ContactId, MaterialId, PatientId, PersonId, PlanId, StayId};
use crate::sealed::Sealed;
use crate::time::When;
use crate::vocab::{
    ContactKind, DatePolicy, MaterialSource, PersonRole, PlanAction, PlanKind, Priority,
    RiskDecision, Sector, Sex,
};

/// A patient enters the record. CPR number and name are sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientRegistered {
    pub patient: PatientId,
    pub cpr: Sealed,
    pub name: Sealed,
    pub birth_year: i32,
    pub sex: Sex,
    pub municipality: String,
}

/// A registered identity field was wrong; only the fields given change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityCorrected {
    pub patient: PatientId,
    pub cpr: Option<Sealed>,
    pub name: Option<Sealed>,
    pub birth_year: Option<i32>,
    pub sex: Option<Sex>,
    pub municipality: Option<String>,
}

/// A contact with any actor. Schema version 2 (version 1 had one optional `diagnosis`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRecorded {
    pub contact: ContactId,
    pub patient: PatientId,
    pub sector: Sector,
    pub kind: ContactKind,
    pub organisation: String,
    pub unit: String,
    pub start: When,
    pub end: Option<When>,
    pub priority: Priority,
    pub diagnoses: Vec<Icd10>,
    pub court_ordered: bool,
    pub note: Option<Sealed>,
}

/// Schema version 1 of [`ContactRecorded`], kept so stored events of that version still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRecordedV1 {
    pub contact: ContactId,
    pub patient: PatientId,
    pub sector: Sector,
    pub kind: ContactKind,
    pub organisation: String,
    pub unit: String,
    pub start: When,
    pub end: Option<When>,
    pub priority: Priority,
    pub diagnosis: Option<Icd10>,
    pub note: Option<Sealed>,
}

impl From<ContactRecordedV1> for ContactRecorded {
    fn from(v1: ContactRecordedV1) -> Self {
        ContactRecorded {
            contact: v1.contact,
            patient: v1.patient,
            sector: v1.sector,
            kind: v1.kind,
            organisation: v1.organisation,
            unit: v1.unit,
            start: v1.start,
            end: v1.end,
            priority: v1.priority,
            diagnoses: v1.diagnosis.into_iter().collect(),
            // Version 1 had no court-order flag: nothing recorded means no order.
            court_ordered: false,
            note: v1.note,
        }
    }
}

/// A stay began. Its discharge may arrive later, as its own event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionStarted {
    pub stay: StayId,
    pub patient: PatientId,
    pub ward: String,
    pub priority: Priority,
    pub main_diagnosis: Icd10,
    pub court_ordered: bool,
    pub start: When,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DischargeRecorded {
    pub stay: StayId,
    pub patient: PatientId,
    pub end: When,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanChanged {
    pub plan: PlanId,
    pub patient: PatientId,
    pub kind: PlanKind,
    pub action: PlanAction,
    pub at: When,
    pub participants: Vec<Sector>,
    pub content: Option<Sealed>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentGiven {
    pub patient: PatientId,
    pub scope: String,
    pub date: When,
    pub comments: Option<Sealed>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentWithdrawn {
    pub patient: PatientId,
    pub scope: String,
    pub date: When,
    pub comments: Option<Sealed>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialAttached {
    pub material: MaterialId,
    pub patient: PatientId,
    pub source: MaterialSource,
    pub date: When,
    pub text: Sealed,
}

/// A relative, friend or professional known to the case. The name (and any contact details)
/// are sealed; role, sector and workplace stay readable, for labels such as "Vagtlæge 2".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecorded {
    pub person: PersonId,
    pub patient: PatientId,
    pub role: PersonRole,
    pub sector: Option<Sector>,
    pub organisation: Option<String>,
    pub name: Sealed,
    pub contact_details: Option<Sealed>,
}

/// A facilitator's decision on a term that still looked identifying after redaction. The term
/// is sealed like any personal field: the decision must not put it back into the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskReviewed {
    pub patient: PatientId,
    pub term: Sealed,
    pub decision: RiskDecision,
}

/// A facilitator released a version of the case file to audit panels: the anonymised timeline
/// made from the patient's stream up to `stream_version`, under `policy`, whose content hash
/// is `content_hash`. Scores bind to that hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFileReleased {
    pub patient: PatientId,
    /// The number of events of the patient's stream the timeline was made from.
    pub stream_version: u64,
    pub policy: DatePolicy,
    pub content_hash: ContentHash,
    pub released_by: String,
}

/// A byte string written as hex in JSON, refused with its own error when malformed.
macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident, $len:literal, $error:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(pub [u8; $len]);

        impl TryFrom<String> for $name {
            type Error = DomainError;
            fn try_from(text: String) -> Result<Self, DomainError> {
                crate::hex::decode(&text)
                    .map($name)
                    .ok_or(DomainError::$error { value: text })
            }
        }

        impl From<$name> for String {
            fn from(h: $name) -> String {
                h.to_string()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&crate::hex::encode(&self.0))
            }
        }
    };
}

hex_id!(
    /// A BLAKE3 hash of released content (64 hex digits in JSON).
    ContentHash,
    32,
    InvalidContentHash
);

hex_id!(
    /// The ledger id of an earlier event (16 bytes, hex in JSON).
    EventRef,
    16,
    InvalidEventRef
);

/// What a correction does to the event it targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Correction {
    /// The event should not have been recorded.
    Retract,
    /// The event is replaced by this one (same kind, same patient).
    Amend(Box<DomainEvent>),
}

/// A later event that amends or retracts an earlier one. Nothing is edited in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Corrected {
    pub patient: PatientId,
    pub target: EventRef,
    pub correction: Correction,
    pub reason: Option<Sealed>,
}

/// The patient's key was destroyed: every sealed field of theirs is gone for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientErased {
    pub patient: PatientId,
}

macro_rules! domain_events {
    ($($variant:ident($ty:ty) = $name:literal @ $version:literal),+ $(,)?) => {
        /// Every event of a pathway, as the current schema versions define them.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "type", content = "data")]
        pub enum DomainEvent {
            $($variant($ty)),+
        }

        impl DomainEvent {
            /// The event type name stored in the ledger.
            pub fn event_type(&self) -> &'static str {
                match self { $(DomainEvent::$variant(_) => $name),+ }
            }

            /// The schema version this build writes.
            pub fn schema_version(&self) -> u32 {
                match self { $(DomainEvent::$variant(_) => $version),+ }
            }

            pub fn patient(&self) -> &PatientId {
                match self { $(DomainEvent::$variant(e) => &e.patient),+ }
            }

            /// The payload bytes stored in the ledger.
            pub fn encode(&self) -> Vec<u8> {
                let result = match self { $(DomainEvent::$variant(e) => serde_json::to_vec(e)),+ };
                result.expect("domain events hold no maps with non-string keys and no floats")
            }

            fn decode_current(event_type: &str, payload: &[u8]) -> Option<Result<DomainEvent, serde_json::Error>> {
                match event_type {
                    $($name => Some(serde_json::from_slice::<$ty>(payload).map(DomainEvent::$variant)),)+
                    _ => None,
                }
            }

            fn current_version(event_type: &str) -> Option<u32> {
                match event_type {
                    $($name => Some($version),)+
                    _ => None,
                }
            }

            /// Every event type name and its current schema version.
            pub const TYPES: &'static [(&'static str, u32)] = &[$(($name, $version)),+];
        }
    };
}

domain_events! {
    PatientRegistered(PatientRegistered) = "PatientRegistered" @ 1,
    IdentityCorrected(IdentityCorrected) = "IdentityCorrected" @ 1,
    ContactRecorded(ContactRecorded) = "ContactRecorded" @ 2,
    AdmissionStarted(AdmissionStarted) = "AdmissionStarted" @ 1,
    DischargeRecorded(DischargeRecorded) = "DischargeRecorded" @ 1,
    PlanChanged(PlanChanged) = "PlanChanged" @ 1,
    ConsentGiven(ConsentGiven) = "ConsentGiven" @ 1,
    ConsentWithdrawn(ConsentWithdrawn) = "ConsentWithdrawn" @ 1,
    MaterialAttached(MaterialAttached) = "MaterialAttached" @ 1,
    Corrected(Corrected) = "Corrected" @ 1,
    PatientErased(PatientErased) = "PatientErased" @ 1,
    PersonRecorded(PersonRecorded) = "PersonRecorded" @ 1,
    RiskReviewed(RiskReviewed) = "RiskReviewed" @ 1,
    CaseFileReleased(CaseFileReleased) = "CaseFileReleased" @ 1,
}

/// The fields of each event type that hold personal data (sealed in the log). A `Corrected`
/// event's amended replacement, under `correction.amend`, has the fields of its own type.
pub fn personal_fields(event_type: &str) -> &'static [&'static str] {
    match event_type {
        "PatientRegistered" | "IdentityCorrected" => &["cpr", "name"],
        "ContactRecorded" => &["note"],
        "PlanChanged" => &["content"],
        "ConsentGiven" | "ConsentWithdrawn" => &["comments"],
        "MaterialAttached" => &["text"],
        "Corrected" => &["reason"],
        "PersonRecorded" => &["name", "contact_details"],
        "RiskReviewed" => &["term"],
        _ => &[],
    }
}

impl DomainEvent {
    /// The kind of a stored contact, read without decoding the rest of it (notes, codes), so
    /// that a projection can skip the contacts it has no use for. None when the payload is
    /// not a contact this build reads.
    pub fn peek_contact_kind(schema_version: u32, payload: &[u8]) -> Option<ContactKind> {
        #[derive(Deserialize)]
        struct KindOnly {
            kind: ContactKind,
        }
        if schema_version > 2 {
            return None;
        }
        serde_json::from_slice::<KindOnly>(payload)
            .ok()
            .map(|k| k.kind)
    }

    /// Reads a stored event of any schema version this build knows, upcasting older ones.
    pub fn decode(
        event_type: &str,
        schema_version: u32,
        payload: &[u8],
    ) -> Result<DomainEvent, DomainError> {
        let current = DomainEvent::current_version(event_type).ok_or_else(|| {
            DomainError::UnknownEventType {
                event_type: event_type.to_owned(),
            }
        })?;
        let bad = |source: serde_json::Error| DomainError::BadPayload {
            event_type: event_type.to_owned(),
            schema_version,
            source,
        };
        if schema_version == current {
            return DomainEvent::decode_current(event_type, payload)
                .expect("the type is known")
                .map_err(bad);
        }
        match (event_type, schema_version) {
            ("ContactRecorded", 1) => serde_json::from_slice::<ContactRecordedV1>(payload)
                .map(|v1| DomainEvent::ContactRecorded(v1.into()))
                .map_err(bad),
            _ => Err(DomainError::UnknownSchemaVersion {
                event_type: event_type.to_owned(),
                found: schema_version,
                current,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patient() -> PatientId {
        PatientId::new("P1").unwrap()
    }

    #[test]
    fn every_event_round_trips_through_its_stored_form() {
        let events = vec![
            DomainEvent::AdmissionStarted(AdmissionStarted {
                stay: StayId::new("S1").unwrap(),
                patient: patient(),
                ward: "Afsnit A".into(),
                priority: Priority::Acute,
                main_diagnosis: Icd10::new("DF201").unwrap(),
                court_ordered: false,
                start: When::parse("2017-02-01T23:10").unwrap(),
            }),
            DomainEvent::Corrected(Corrected {
                patient: patient(),
                target: EventRef([7; 16]),
                correction: Correction::Retract,
                reason: Some(Sealed(vec![1, 2, 3])),
            }),
        ];
        for event in events {
            let bytes = event.encode();
            let back =
                DomainEvent::decode(event.event_type(), event.schema_version(), &bytes).unwrap();
            assert_eq!(back, event);
        }
    }

    #[test]
    fn unknown_types_and_versions_are_refused_by_name() {
        let err = DomainEvent::decode("Nonsense", 1, b"{}").unwrap_err();
        assert!(err.to_string().contains("Nonsense"), "{err}");
        let err = DomainEvent::decode("ContactRecorded", 9, b"{}").unwrap_err();
        assert!(err.to_string().contains("version 9"), "{err}");
        let err = DomainEvent::decode("DischargeRecorded", 1, b"{\"stay\":1}").unwrap_err();
        assert!(err.to_string().contains("DischargeRecorded"), "{err}");
    }

    #[test]
    fn event_refs_are_32_hex_digits() {
        let r = EventRef([0xab; 16]);
        let text = String::from(r);
        assert_eq!(EventRef::try_from(text).unwrap(), r);
        assert!(EventRef::try_from("zz".repeat(16)).is_err());
        assert!(EventRef::try_from("ab".to_string()).is_err());
    }
}

#[cfg(test)]
mod upcasting {
    use super::*;

    /// A version-1 event as an earlier build stored it (fixtures/events/contact-recorded-v1.json).
    const STORED_V1: &str = include_str!("../../../fixtures/events/contact-recorded-v1.json");

    /// One stored payload of every event type at every schema version the product has
    /// written, as it was stored (`fixtures/events/`, taken from real records: sealed fields
    /// are ciphertext). They must read for ever: a new version needs its fixture, and an old
    /// one keeps its own.
    const STORED: &[(&str, u32, &str)] = &[
        (
            "PatientRegistered",
            1,
            include_str!("../../../fixtures/events/patient-registered-v1.json"),
        ),
        (
            "IdentityCorrected",
            1,
            include_str!("../../../fixtures/events/identity-corrected-v1.json"),
        ),
        (
            "ContactRecorded",
            1,
            include_str!("../../../fixtures/events/contact-recorded-v1.json"),
        ),
        (
            "ContactRecorded",
            2,
            include_str!("../../../fixtures/events/contact-recorded-v2.json"),
        ),
        (
            "AdmissionStarted",
            1,
            include_str!("../../../fixtures/events/admission-started-v1.json"),
        ),
        (
            "DischargeRecorded",
            1,
            include_str!("../../../fixtures/events/discharge-recorded-v1.json"),
        ),
        (
            "PlanChanged",
            1,
            include_str!("../../../fixtures/events/plan-changed-v1.json"),
        ),
        (
            "ConsentGiven",
            1,
            include_str!("../../../fixtures/events/consent-given-v1.json"),
        ),
        (
            "ConsentWithdrawn",
            1,
            include_str!("../../../fixtures/events/consent-withdrawn-v1.json"),
        ),
        (
            "MaterialAttached",
            1,
            include_str!("../../../fixtures/events/material-attached-v1.json"),
        ),
        (
            "Corrected",
            1,
            include_str!("../../../fixtures/events/corrected-v1.json"),
        ),
        (
            "PatientErased",
            1,
            include_str!("../../../fixtures/events/patient-erased-v1.json"),
        ),
        (
            "PersonRecorded",
            1,
            include_str!("../../../fixtures/events/person-recorded-v1.json"),
        ),
        (
            "RiskReviewed",
            1,
            include_str!("../../../fixtures/events/risk-reviewed-v1.json"),
        ),
        (
            "CaseFileReleased",
            1,
            include_str!("../../../fixtures/events/case-file-released-v1.json"),
        ),
    ];

    #[test]
    fn every_stored_event_of_every_type_and_version_reads() {
        for (event_type, version, payload) in STORED {
            let event = DomainEvent::decode(event_type, *version, payload.as_bytes())
                .unwrap_or_else(|e| panic!("{event_type} v{version}: {e}"));
            assert_eq!(event.event_type(), *event_type);
            // Read back from what it is written as now.
            let again =
                DomainEvent::decode(event_type, event.schema_version(), &event.encode()).unwrap();
            assert_eq!(again, event, "{event_type} v{version}");
        }
        for (event_type, current) in DomainEvent::TYPES {
            for version in 1..=*current {
                assert!(
                    STORED
                        .iter()
                        .any(|(t, v, _)| t == event_type && *v == version),
                    "no stored fixture of {event_type} v{version}: add one to fixtures/events/"
                );
            }
        }
    }

    #[test]
    fn a_stored_version_1_contact_reads_as_the_current_version() {
        let event = DomainEvent::decode("ContactRecorded", 1, STORED_V1.as_bytes()).unwrap();
        let DomainEvent::ContactRecorded(c) = &event else {
            panic!("expected a contact, got {event:?}");
        };
        assert_eq!(c.diagnoses, vec![Icd10::new("DF603").unwrap()]);
        assert!(!c.court_ordered);
        assert_eq!(c.start.to_string(), "2016-11-03T23:15");
        assert_eq!(event.schema_version(), 2);
        // once upcast, it is written back in the current version and reads as such
        let again = DomainEvent::decode("ContactRecorded", 2, &event.encode()).unwrap();
        assert_eq!(again, event);
        // and the version-1 bytes are not readable as version 2
        assert!(DomainEvent::decode("ContactRecorded", 2, STORED_V1.as_bytes()).is_err());
    }
}
