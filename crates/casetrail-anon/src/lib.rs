//! casetrail-anon: anonymisation of what audit panels read. Pure: text and names in, text out.
//!
//! So far: free-text redaction ([`Redactor`]) of CPR numbers in every written form, phone
//! numbers, e-mail addresses and the names of people known to the case, keeping the sentence
//! readable and clinical content (diagnosis codes, doses, dates and times of day) in place.
//! Pseudonyms, date policies, addresses, the name gazetteer, residual risk and released case
//! files are the rest of the anonymisation issue.

mod names;
mod scan;

pub use names::KnownName;
pub use scan::{Finding, Kind, Redactor};
