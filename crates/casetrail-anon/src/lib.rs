//! casetrail-anon: anonymisation of what audit panels read. Pure: events, plain text, a key
//! and a policy in; timelines and text out. No IO, no clock, no randomness.
//!
//! - [`PseudonymKey`]: keyed BLAKE3 pseudonyms, label order and date shifts.
//! - [`Dating`]: days relative to the index admission, or a keyed per-case shift in whole
//!   weeks; birth years as age bands.
//! - [`Redactor`]: one pass over free text for CPR numbers in every written form, phone
//!   numbers, e-mail addresses, URLs, car registration and labelled account or case numbers,
//!   street addresses, postcodes with towns, exact dates, the people and places known to the
//!   case, and names nobody registered (people, places, institutions), told from ordinary words
//!   by a Danish lexicon compiled from Stavekontrolden's Hunspell dictionary at build time;
//!   clinical content (medicines, diagnoses, doses, sector words) stays in place.
//! - [`residual_risk`]: what still looks identifying after redaction, for review.
//! - [`timeline::build`]: (events, key, policy) → timeline with a content hash.
#![warn(missing_docs)]

mod dates;
pub mod evaluate;
mod gazetteer;
mod labels;
mod lexicon;
mod names;
mod open_names;
mod people;
mod places;
mod pseudonym;
mod references;
mod risk;
mod scan;
pub mod timeline;

pub use dates::{Dating, Moment, age_band};
pub use labels::{person_role, place_role, sector_da};
pub use names::KnownName;
pub use pseudonym::{KeyError, PseudonymKey};
pub use risk::{RedactionPolicy, RiskFinding, RiskKind, is_ordinary_word, residual_risk};
pub use scan::{Finding, Kind, Redactor, Replaced};
pub use timeline::{CaseEvents, HashedTimeline, Timeline, View};
