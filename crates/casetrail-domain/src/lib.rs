//! casetrail-domain: the pure core of patient pathways.
//!
//! Typed, versioned events (with upcasting from older schema versions), corrections applied as
//! later events, stays assembled from contacts and admissions, the Sundhedsdatastyrelsen
//! readmission rule, and the DEFACTUM stage-1 analysis. No IO, no clock, no randomness:
//! everything arrives as arguments. Personal fields travel sealed ([`Sealed`]); this crate
//! never holds a key.
#![warn(missing_docs)]

mod codes;
pub mod corrections;
mod cpr;
mod error;
mod events;
pub mod hex;
pub mod hospital_stays;
mod ids;
pub mod readmission;
mod sealed;
pub mod selection;
pub mod stage1;
pub mod stays;
mod time;
mod vocab;

pub use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
pub use codes::{DiagnosisGroup, Icd10};
pub use cpr::Cpr;
pub use error::DomainError;
pub use events::{
    AdmissionStarted, CaseFileReleased, ConsentGiven, ConsentWithdrawn, ContactRecorded,
    ContactRecordedV1, ContentHash, Corrected, Correction, DischargeRecorded, DomainEvent,
    EventRef, HospitalNotified, IdentityCorrected, MaterialAttached, PatientErased,
    PatientRegistered, PersonRecorded, PlanChanged, RiskReviewed, personal_fields,
};
pub use ids::{ContactId, MaterialId, MessageId, PatientId, PersonId, PlanId, StayId};
pub use sealed::Sealed;
pub use time::{DayWindow, Elapsed, When};
pub use vocab::{
    ContactKind, DatePolicy, HospitalActivity, MaterialSource, PersonRole, PlanAction, PlanKind,
    Priority, RiskDecision, Sector, Sex,
};
