//! What a timeline is: the case's events going in, and the anonymised (or identifiable)
//! timeline coming out, with the content hash a release records.

use casetrail_domain::{ContentHash, DatePolicy, DomainEvent, EventRef, PatientId, Sealed, Sex};
use serde::Serialize;

use crate::dates::Moment;

/// Opens a sealed personal field of the case's patient; None once the key is gone.
pub type Opener<'a> = &'a dyn Fn(&'static str, &Sealed) -> Option<String>;

/// What the timeline is made from: one patient's stream, in log order.
pub struct CaseEvents<'a> {
    /// The case's patient.
    pub patient: &'a PatientId,
    /// Every event of the patient's stream with its ledger id, in log order.
    pub events: &'a [(EventRef, DomainEvent)],
    /// Opens the sealed fields; the caller holds the key, this crate never does.
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
    /// Names, CPR number and real dates, for the facilitator preparing the case.
    Identifiable,
    /// Labels and pseudonyms instead of names, dates under the policy, for the panels.
    Anonymised(DatePolicy),
}

/// Who the patient is, as far as the view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PatientSummary {
    /// "Patienten" when anonymised, the name otherwise.
    pub label: String,
    /// Sex as registered.
    pub sex: Option<Sex>,
    /// Age at the index admission, in a five-year band.
    pub age_band: Option<String>,
    /// Identifiable view only.
    pub cpr: Option<String>,
    /// Identifiable view only.
    pub birth_year: Option<i32>,
    /// The patient's key is destroyed: the sealed fields are gone.
    pub erased: bool,
}

/// An organisation or unit the patient met, under its label ("Lægevagten 1").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The label shown in the timeline.
    pub label: String,
    /// The sector's Danish name.
    pub sector: String,
    /// The sector's code: the timeline lane the actor's marks go in.
    pub lane: &'static str,
    /// What kind of unit it is ("Sengeafsnit", "Hjemmepleje"), in Danish.
    pub role: &'static str,
}

/// A relative, friend or professional named in the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The label shown in text ("Pårørende 1", "Vagtlæge 2").
    pub label: String,
    /// Keyed, per case: the same person in another case has another pseudonym.
    pub pseudonym: String,
    /// How the person relates to the patient (role code).
    pub role: String,
    /// The sector of a professional (code).
    pub sector: Option<String>,
}

/// One hospital stay, drawn as a bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StayBar {
    /// Admission.
    pub start: Moment,
    /// Discharge; None while the stay is open.
    pub end: Option<Moment>,
    /// The ward's label.
    pub actor: String,
    /// An acute admission.
    pub acute: bool,
    /// Under coercion by court order.
    pub court_ordered: bool,
    /// A self-admission bed ("brugerstyret seng").
    pub user_controlled_bed: bool,
    /// The main diagnosis code.
    pub main_diagnosis: Option<String>,
    /// Length in whole days.
    pub length_days: Option<i64>,
    /// An acute readmission (Sundhedsdatastyrelsen), and hours since the previous discharge.
    pub readmission: bool,
    /// Hours since the previous discharge, when there was one.
    pub hours_since_discharge: Option<i64>,
    /// The end of the 30-day window after discharge, shaded in the timeline.
    pub window_until: Option<Moment>,
}

/// One contact, drawn as a mark in its sector's lane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactMark {
    /// When the contact began.
    pub start: Moment,
    /// When it ended, if recorded.
    pub end: Option<Moment>,
    /// The sector's Danish name.
    pub sector: String,
    /// The sector's code: the lane the mark goes in.
    pub lane: &'static str,
    /// The actor's label.
    pub actor: String,
    /// The contact kind's code (translated where it is shown).
    pub kind: String,
    /// An acute contact.
    pub acute: bool,
    /// Under coercion by court order.
    pub court_ordered: bool,
    /// ICD-10 codes.
    pub diagnoses: Vec<String>,
    /// The note, redacted in the anonymised view.
    pub note: Option<String>,
}

/// One plan change, drawn as a band until the plan's next change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanBand {
    /// "Plan 1", "Plan 2": one per plan across its revisions.
    pub plan: String,
    /// The plan kind's code.
    pub kind: String,
    /// The change's code (made, revised, ended).
    pub action: String,
    /// When the change was made: the band's start.
    pub from: Moment,
    /// The next change of the same plan, if any: the band's end.
    pub until: Option<Moment>,
    /// The sectors that took part (codes).
    pub participants: Vec<String>,
    /// The plan's text, redacted in the anonymised view.
    pub content: Option<String>,
}

/// A document of the case material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Material {
    /// Which actor's record it comes from (code).
    pub source: String,
    /// The document's date.
    pub at: Moment,
    /// Its text, redacted in the anonymised view.
    pub text: String,
}

/// A consent given or withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentMark {
    /// Given (true) or withdrawn (false).
    pub given: bool,
    /// What it covers.
    pub scope: String,
    /// When.
    pub at: Moment,
    /// Remarks, redacted in the anonymised view.
    pub comments: Option<String>,
}

/// The whole timeline. Field order is fixed and it holds no maps or floats, so its JSON bytes,
/// and the content hash over them, are the same on every machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// The format's name and version, for readers of the JSON.
    pub format: &'static str,
    /// The case's pseudonymous id.
    pub case: String,
    /// Whether this is the panels' view.
    pub anonymised: bool,
    /// The date policy of an anonymised timeline.
    pub policy: Option<DatePolicy>,
    /// The patient, as far as the view shows.
    pub patient: PatientSummary,
    /// What day 0 is.
    pub index: String,
    /// Every actor met, in the order of first appearance.
    pub actors: Vec<Actor>,
    /// Every person named.
    pub people: Vec<Person>,
    /// Hospital stays, by start.
    pub stays: Vec<StayBar>,
    /// Contacts, by start.
    pub contacts: Vec<ContactMark>,
    /// Plan changes, by date.
    pub plans: Vec<PlanBand>,
    /// Case material, by date.
    pub material: Vec<Material>,
    /// Consents, by date.
    pub consents: Vec<ConsentMark>,
}

/// A timeline and the hash a release records and every score binds to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HashedTimeline {
    /// [`Timeline::content_hash`] of the timeline.
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
