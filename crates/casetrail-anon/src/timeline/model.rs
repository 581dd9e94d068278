//! What a timeline is: the case's events going in, and the anonymised (or identifiable)
//! timeline coming out, with the content hash a release records.

use casetrail_domain::{ContentHash, DatePolicy, DomainEvent, EventRef, PatientId, Sealed, Sex};
use serde::Serialize;

use crate::dates::Moment;

/// Opens a sealed personal field of the case's patient; None once the key is gone.
pub type Opener<'a> = &'a dyn Fn(&'static str, &Sealed) -> Option<String>;

/// What the timeline is made from: one patient's stream, in log order.
pub struct CaseEvents<'a> {
    pub patient: &'a PatientId,
    pub events: &'a [(EventRef, DomainEvent)],
    pub open: Opener<'a>,
}

impl std::fmt::Debug for CaseEvents<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseEvents")
            .field("patient", self.patient)
            .field("events", &self.events.len())
            .finish_non_exhaustive()
    }
}

/// Who reads it: the facilitator (identifiable) or a panel (anonymised, under a date policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Identifiable,
    Anonymised(DatePolicy),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatientSummary {
    pub label: String,
    pub sex: Option<Sex>,
    /// Age at the index admission, in a five-year band.
    pub age_band: Option<String>,
    /// Identifiable view only.
    pub cpr: Option<String>,
    pub birth_year: Option<i32>,
    pub erased: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub label: String,
    pub sector: String,
    pub lane: &'static str,
    pub role: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub label: String,
    /// Keyed, per case: the same person in another case has another pseudonym.
    pub pseudonym: String,
    pub role: String,
    pub sector: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StayBar {
    pub start: Moment,
    pub end: Option<Moment>,
    pub actor: String,
    pub acute: bool,
    pub court_ordered: bool,
    pub user_controlled_bed: bool,
    pub main_diagnosis: Option<String>,
    pub length_days: Option<i64>,
    /// An acute readmission (Sundhedsdatastyrelsen), and hours since the previous discharge.
    pub readmission: bool,
    pub hours_since_discharge: Option<i64>,
    /// The end of the 30-day window after discharge, shaded in the timeline.
    pub window_until: Option<Moment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactMark {
    pub start: Moment,
    pub end: Option<Moment>,
    pub sector: String,
    pub lane: &'static str,
    pub actor: String,
    pub kind: String,
    pub acute: bool,
    pub court_ordered: bool,
    pub diagnoses: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanBand {
    /// "Plan 1", "Plan 2": one per plan across its revisions.
    pub plan: String,
    pub kind: String,
    pub action: String,
    pub from: Moment,
    /// The next change of the same plan, if any: the band's end.
    pub until: Option<Moment>,
    pub participants: Vec<String>,
    pub content: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Material {
    pub source: String,
    pub at: Moment,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentMark {
    pub given: bool,
    pub scope: String,
    pub at: Moment,
    pub comments: Option<String>,
}

/// The whole timeline. Field order is fixed and it holds no maps or floats, so its JSON bytes,
/// and the content hash over them, are the same on every machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub format: &'static str,
    pub case: String,
    pub anonymised: bool,
    pub policy: Option<DatePolicy>,
    pub patient: PatientSummary,
    /// What day 0 is.
    pub index: String,
    pub actors: Vec<Actor>,
    pub people: Vec<Person>,
    pub stays: Vec<StayBar>,
    pub contacts: Vec<ContactMark>,
    pub plans: Vec<PlanBand>,
    pub material: Vec<Material>,
    pub consents: Vec<ConsentMark>,
}

/// A timeline and the hash a release records and every score binds to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HashedTimeline {
    pub content_hash: ContentHash,
    /// Written beside the hash, so the JSON reads as one timeline that carries its hash.
    #[serde(flatten)]
    pub timeline: Timeline,
}

impl Timeline {
    /// BLAKE3 (derive-key mode, its own context) over the timeline's JSON bytes.
    pub fn content_hash(&self) -> ContentHash {
        let bytes = serde_json::to_vec(self).expect("a timeline is plain JSON");
        ContentHash(blake3::derive_key("casetrail timeline v1 content", &bytes))
    }
}
