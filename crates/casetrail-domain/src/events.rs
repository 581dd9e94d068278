//! The events of a patient's pathway, their schema versions, and upcasting of older versions.
//!
//! Each event is stored with its type name and schema version; its payload is the JSON of the
//! struct below (fields in declaration order, no maps, no floats, so the bytes are stable).
//! Reading an older version goes through an explicit upcaster to the current struct.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codes::Icd10;
use crate::error::DomainError;
use crate::ids::{ContactId, MaterialId, MessageId, PatientId, PersonId, PlanId, StayId};
use crate::sealed::Sealed;
use crate::time::When;
use crate::vocab::{
    ContactKind, DatePolicy, HospitalActivity, MaterialSource, PersonRole, PlanAction, PlanKind,
    Priority, RiskDecision, Sector, Sex,
};

/// A patient enters the record. CPR number and name are sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientRegistered {
    /// The patient's id in the record (never the CPR number).
    pub patient: PatientId,
    /// The CPR number, sealed under the patient's key.
    pub cpr: Sealed,
    /// The patient's name, sealed under the patient's key.
    pub name: Sealed,
    /// Year of birth (kept readable: the stage-1 age bands need it).
    pub birth_year: i32,
    /// Sex as registered.
    pub sex: Sex,
    /// The municipality of residence (the actor responsible for social care).
    pub municipality: String,
}

/// A registered identity field was wrong; only the fields given change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityCorrected {
    /// The patient corrected.
    pub patient: PatientId,
    /// The right CPR number, sealed, if it changes.
    pub cpr: Option<Sealed>,
    /// The right name, sealed, if it changes.
    pub name: Option<Sealed>,
    /// The right year of birth, if it changes.
    pub birth_year: Option<i32>,
    /// The right sex, if it changes.
    pub sex: Option<Sex>,
    /// The right municipality, if it changes.
    pub municipality: Option<String>,
}

/// A contact with any actor. Schema version 2 (version 1 had one optional `diagnosis`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRecorded {
    /// The contact's id (keyed by the source row, so a re-import finds it again).
    pub contact: ContactId,
    /// The patient.
    pub patient: PatientId,
    /// The sector of the actor the patient met.
    pub sector: Sector,
    /// What kind of contact it was.
    pub kind: ContactKind,
    /// The organisation (hospital, municipality, practice, police district).
    pub organisation: String,
    /// The unit within the organisation (ward, team, station).
    pub unit: String,
    /// When the contact began.
    pub start: When,
    /// When it ended; None for a contact still open or without a length.
    pub end: Option<When>,
    /// Acute or planned.
    pub priority: Priority,
    /// The ICD-10 codes recorded, the action diagnosis first.
    pub diagnoses: Vec<Icd10>,
    /// Whether the contact happened under coercion by court order.
    pub court_ordered: bool,
    /// The actor's note, sealed.
    pub note: Option<Sealed>,
    /// The episode the contact belongs to: LPR3's forløbselement, whose id MedCom's hospital
    /// notifications give as their episode of care. Added in version 3; a version-2 payload
    /// reads with none, and a contact without one is written as version 2 wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episode: Option<StayId>,
}

/// Schema version 1 of [`ContactRecorded`], kept so stored events of that version still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRecordedV1 {
    /// As in version 2.
    pub contact: ContactId,
    /// As in version 2.
    pub patient: PatientId,
    /// As in version 2.
    pub sector: Sector,
    /// As in version 2.
    pub kind: ContactKind,
    /// As in version 2.
    pub organisation: String,
    /// As in version 2.
    pub unit: String,
    /// As in version 2.
    pub start: When,
    /// As in version 2.
    pub end: Option<When>,
    /// As in version 2.
    pub priority: Priority,
    /// At most one code; version 2 holds a list.
    pub diagnosis: Option<Icd10>,
    /// As in version 2.
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
            episode: None,
        }
    }
}

/// A stay began. Its discharge may arrive later, as its own event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionStarted {
    /// The stay's id, which its discharge names.
    pub stay: StayId,
    /// The patient.
    pub patient: PatientId,
    /// The ward admitted to.
    pub ward: String,
    /// Acute or planned.
    pub priority: Priority,
    /// The main (action) diagnosis.
    pub main_diagnosis: Icd10,
    /// Whether the admission was under coercion by court order.
    pub court_ordered: bool,
    /// When the stay began.
    pub start: When,
}

/// A stay ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DischargeRecorded {
    /// The stay that ended.
    pub stay: StayId,
    /// The patient.
    pub patient: PatientId,
    /// When the patient was discharged.
    pub end: When,
}

/// A hospital notification (MedCom HospitalNotification, "Sygehusadvis") as the municipality
/// received it: one event per message. A revised or cancelled notification is corrected by a
/// later `Corrected` event, never edited. Notifications carry no diagnosis and no priority
/// (the law allows only a minimal data set without consent); see `stays` for how a stay is
/// made of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HospitalNotified {
    /// The message (its MessageHeader id), which a revision or cancellation names.
    pub message: MessageId,
    /// The patient.
    pub patient: PatientId,
    /// The hospital stay (the notification's episode-of-care id, LPR3's forløb).
    pub episode: StayId,
    /// What happened.
    pub activity: HospitalActivity,
    /// When it happened: the stay's start for an admission, its end for a discharge, the
    /// leave's start or end for a leave.
    pub at: When,
    /// The hospital (the service provider's organisation).
    pub organisation: String,
    /// The unit, as the SOR table names it (or its SOR code when the table has none).
    pub unit: String,
}

/// A plan (coordinated plan, treatment plan, discharge agreement and so on) was made, revised
/// or ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanChanged {
    /// The plan's id, the same for each of its changes.
    pub plan: PlanId,
    /// The patient.
    pub patient: PatientId,
    /// Which kind of plan.
    pub kind: PlanKind,
    /// Made, revised or ended.
    pub action: PlanAction,
    /// When the change was made.
    pub at: When,
    /// The sectors that took part.
    pub participants: Vec<Sector>,
    /// The plan's text, sealed.
    pub content: Option<Sealed>,
}

/// The patient consented to the audit's use of the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentGiven {
    /// The patient.
    pub patient: PatientId,
    /// What the consent covers, in words.
    pub scope: String,
    /// When it was given.
    pub date: When,
    /// Remarks, sealed.
    pub comments: Option<Sealed>,
}

/// The patient withdrew a consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentWithdrawn {
    /// The patient.
    pub patient: PatientId,
    /// What the withdrawn consent covered.
    pub scope: String,
    /// When it was withdrawn.
    pub date: When,
    /// Remarks, sealed.
    pub comments: Option<Sealed>,
}

/// A document from one of the actors (note, letter, report) joined the case material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialAttached {
    /// The material's id (keyed by its content, so the same file is attached once).
    pub material: MaterialId,
    /// The patient.
    pub patient: PatientId,
    /// Which actor's record it comes from.
    pub source: MaterialSource,
    /// The document's date.
    pub date: When,
    /// The document's text, sealed.
    pub text: Sealed,
}

/// A relative, friend or professional known to the case. The name (and any contact details)
/// are sealed; role, sector and workplace stay readable, for labels such as "Vagtlæge 2".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecorded {
    /// The person's id within the case.
    pub person: PersonId,
    /// The patient whose case knows the person.
    pub patient: PatientId,
    /// How the person relates to the patient.
    pub role: PersonRole,
    /// The sector a professional works in.
    pub sector: Option<Sector>,
    /// The workplace of a professional.
    pub organisation: Option<String>,
    /// The person's name, sealed.
    pub name: Sealed,
    /// Address, phone or e-mail, sealed.
    pub contact_details: Option<Sealed>,
}

/// A facilitator's decision on a term that still looked identifying after redaction. The term
/// is sealed like any personal field: the decision must not put it back into the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskReviewed {
    /// The patient whose material held the term.
    pub patient: PatientId,
    /// The term, sealed.
    pub term: Sealed,
    /// Whether the term is masked or kept.
    pub decision: RiskDecision,
}

/// A facilitator released a version of the case file to audit panels: the anonymised timeline
/// made from the patient's stream up to `stream_version`, under `policy`, whose content hash
/// is `content_hash`. Scores bind to that hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFileReleased {
    /// The patient whose case file was released.
    pub patient: PatientId,
    /// The number of events of the patient's stream the timeline was made from.
    pub stream_version: u64,
    /// How dates are shown in the released timeline.
    pub policy: DatePolicy,
    /// The BLAKE3 hash of the released content.
    pub content_hash: ContentHash,
    /// The facilitator who released it.
    pub released_by: String,
    /// Why it was released with review items undecided, sealed like any free text; absent
    /// when none were (an optional field: events without it read as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Sealed>,
}

/// A byte string written as hex in JSON, refused with its own error when malformed.
macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident, $len:literal, $error:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(
            /// The raw bytes.
            pub [u8; $len],
        );

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
    /// The patient whose event is corrected.
    pub patient: PatientId,
    /// The ledger id of the event corrected.
    pub target: EventRef,
    /// What the correction does.
    pub correction: Correction,
    /// Why, sealed.
    pub reason: Option<Sealed>,
}

/// The patient's key was destroyed: every sealed field of theirs is gone for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientErased {
    /// The patient erased.
    pub patient: PatientId,
}

macro_rules! domain_events {
    ($($(#[$doc:meta])* $variant:ident($ty:ty) = $name:literal @ $version:literal),+ $(,)?) => {
        /// Every event of a pathway, as the current schema versions define them.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "type", content = "data")]
        pub enum DomainEvent {
            $($(#[$doc])* $variant($ty)),+
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

            /// The patient whose pathway the event belongs to.
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
    /// See [`PatientRegistered`].
    PatientRegistered(PatientRegistered) = "PatientRegistered" @ 1,
    /// See [`IdentityCorrected`].
    IdentityCorrected(IdentityCorrected) = "IdentityCorrected" @ 1,
    /// See [`ContactRecorded`].
    ContactRecorded(ContactRecorded) = "ContactRecorded" @ 3,
    /// See [`AdmissionStarted`].
    AdmissionStarted(AdmissionStarted) = "AdmissionStarted" @ 1,
    /// See [`DischargeRecorded`].
    DischargeRecorded(DischargeRecorded) = "DischargeRecorded" @ 1,
    /// See [`PlanChanged`].
    PlanChanged(PlanChanged) = "PlanChanged" @ 1,
    /// See [`HospitalNotified`].
    HospitalNotified(HospitalNotified) = "HospitalNotified" @ 1,
    /// See [`ConsentGiven`].
    ConsentGiven(ConsentGiven) = "ConsentGiven" @ 1,
    /// See [`ConsentWithdrawn`].
    ConsentWithdrawn(ConsentWithdrawn) = "ConsentWithdrawn" @ 1,
    /// See [`MaterialAttached`].
    MaterialAttached(MaterialAttached) = "MaterialAttached" @ 1,
    /// See [`Corrected`].
    Corrected(Corrected) = "Corrected" @ 1,
    /// See [`PatientErased`].
    PatientErased(PatientErased) = "PatientErased" @ 1,
    /// See [`PersonRecorded`].
    PersonRecorded(PersonRecorded) = "PersonRecorded" @ 1,
    /// See [`RiskReviewed`].
    RiskReviewed(RiskReviewed) = "RiskReviewed" @ 1,
    /// See [`CaseFileReleased`].
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
        "CaseFileReleased" => &["reason"],
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
        if schema_version > 3 {
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
            // Version 3 only added the optional episode.
            ("ContactRecorded", 2) => serde_json::from_slice::<ContactRecorded>(payload)
                .map(DomainEvent::ContactRecorded)
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
mod tests;
#[cfg(test)]
mod upcasting;
