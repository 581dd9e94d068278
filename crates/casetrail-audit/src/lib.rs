//! casetrail-audit: the pure core of the audit itself. The audit's events and the rules that
//! refuse them, with blind visibility of answers and replay (`audit`); the questionnaire
//! definition format (`questionnaire`); agreement between raters, Krippendorff's alpha at
//! every level of measurement with missing values, a seeded bootstrap interval and the
//! distribution of answers (`alpha`, `table`); themes shared by justifications (`themes`).
//! No IO, no clock; the bootstrap's randomness comes from the seed it is given.
//!
//! ```
//! use casetrail_audit::{Level, agreement};
//! // Two raters, three units, one missing value.
//! let units = vec![vec![Some(1.0), Some(1.0)], vec![Some(2.0), Some(3.0)], vec![Some(3.0), None]];
//! let a = agreement(&units, Level::Ordinal);
//! assert_eq!(a.pairable, 4);
//! ```
#![warn(missing_docs)]

pub mod alpha;
pub mod audit;
pub mod questionnaire;
pub mod table;
pub mod themes;

pub use alpha::{Agreement, Level, agreement, bootstrap_interval, distribution};
pub use questionnaire::{DefinitionError, Questionnaire, parse_questionnaire};
pub use table::{RatingTable, TableError, read_table};
