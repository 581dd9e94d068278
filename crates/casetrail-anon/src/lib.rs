//! casetrail-anon: anonymisation of what audit panels read. Pure: text and names in, text out.
//!
//! So far: free-text redaction ([`Redactor`]) of CPR numbers in every written form, phone
//! numbers, e-mail addresses, street addresses, postcodes with towns, the names of people known
//! to the case and common Danish names from a shipped gazetteer, keeping the sentence readable
//! and clinical content (diagnosis codes, doses, dates and times of day) in place.
//! Pseudonyms, date policies, dates in text, residual risk and released case files are the
//! rest of the anonymisation issue.

mod gazetteer;
mod names;
mod places;
mod scan;

pub use names::KnownName;
pub use scan::{Finding, Kind, Redactor};
