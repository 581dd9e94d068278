//! casetrail-import: regional extracts in, pathway events out.
//!
//! Pure: it reads bytes handed to it and returns rows, rejections and events; the application
//! opens files, holds keys and appends. The contacts CSV format is documented in
//! `docs/import.md`. A whole file is validated before anything is converted, every bad field
//! of every bad line is reported, and events get ids derived (with the patient's key) from
//! their content, so importing the same file twice writes nothing the second time.
#![warn(missing_docs)]

mod bounded;
mod columns;
mod convert;
mod jsonl;
mod lpr3;
mod medcom;
mod parse;
mod problem;

pub use bounded::{BoundedLines, MAX_LINE_BYTES};
pub use columns::{Column, OPTIONAL_COLUMNS, REQUIRED_COLUMNS};
pub use convert::{ImportEvent, STREAM_PREFIX, patient_events, stream_name, to_events};
pub use jsonl::{EventLine, ParsedEvents, open_event, parse_events, parse_events_each, seal_line};
pub use lpr3::{
    Codes, ContactColumns, DiagnosisColumns, EpisodeColumns, Lpr3Mapping, MappingError, Unit,
    parse_lpr3,
};
pub use medcom::{
    BundleError, CareMessage, Change, MedcomMessage, Notification, Resolved, StoredMessage,
    care_events, message_event_id, notification_events, parse_medcom, parse_notification, resolve,
    source_of,
};
pub use parse::{
    ContactRow, FieldError, Parsed, Rejected, RowKind, parse_contacts, parse_contacts_each,
};
pub use problem::{Expected, Problem};

/// A problem with the file as a whole (not with one of its rows).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is empty.
    #[error("the file has no header line")]
    NoHeader,
    /// The header is the contacts CSV's columns separated by semicolons (Danish Excel's CSV).
    #[error(
        "the file is separated by semicolons ({columns} columns in line 1), as Danish Excel saves \"CSV (semikolonsepareret)\"; casetrail reads comma-separated files: save it as \"CSV UTF-8 (kommasepareret)\" and import it again"
    )]
    SemicolonSeparated {
        /// How many columns the semicolons separate.
        columns: usize,
    },
    /// Required columns are missing from the header.
    #[error("the header lacks the required column(s) {missing}; it has: {found}")]
    MissingColumns {
        /// The missing columns, comma-separated.
        missing: String,
        /// The header's columns, comma-separated.
        found: String,
    },
    /// A column named twice.
    #[error("the header names column {column:?} twice")]
    DuplicateColumn {
        /// The column.
        column: String,
    },
    /// A column this format does not have (often a misspelling).
    #[error("the header has a column {column:?} that this format does not know (known: {known})")]
    UnknownColumn {
        /// The column as written.
        column: String,
        /// Every column the format knows, comma-separated.
        known: String,
    },
    /// The input could not be read.
    #[error("line {line}: cannot be read: {source}")]
    Read {
        /// The line reached.
        line: u64,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bytes are not CSV (for example an unclosed quote).
    #[error("line {line}: not readable as CSV: {source}")]
    Csv {
        /// The line reached.
        line: u64,
        /// The CSV reader's error.
        source: csv::Error,
    },
}
