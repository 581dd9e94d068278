//! casetrail-audit: the pure core of the audit itself. So far, agreement between raters:
//! Krippendorff's alpha at every level of measurement, with missing values, a seeded bootstrap
//! interval and the distribution of answers. No IO, no clock; the bootstrap's randomness comes
//! from the seed it is given.

pub mod alpha;
pub mod audit;
pub mod questionnaire;
pub mod table;
pub mod themes;

pub use alpha::{Agreement, Level, agreement, bootstrap_interval, distribution};
pub use questionnaire::{DefinitionError, Questionnaire, parse_questionnaire};
pub use table::{RatingTable, TableError, read_table};
