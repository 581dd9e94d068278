//! casetrail-import: regional extracts in, pathway events out.
//!
//! Pure: it reads bytes handed to it and returns rows, rejections and events; the application
//! opens files, holds keys and appends. The contacts CSV format is documented in
//! `docs/import.md`. A whole file is validated before anything is converted, every bad field
//! of every bad line is reported, and events get ids derived (with the patient's key) from
//! their content, so importing the same file twice writes nothing the second time.

mod columns;
mod convert;
mod jsonl;
mod parse;

pub use columns::{Column, OPTIONAL_COLUMNS, REQUIRED_COLUMNS};
pub use convert::{ImportEvent, STREAM_PREFIX, stream_name, to_events, to_events_in_chunks};
pub use jsonl::{EventLine, ParsedEvents, open_event, parse_events, seal_line};
pub use parse::{ContactRow, FieldError, Parsed, Rejected, RowKind, parse_contacts};

/// A problem with the file as a whole (not with one of its rows).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file has no header line")]
    NoHeader,
    #[error("the header lacks the required column(s) {missing}; it has: {found}")]
    MissingColumns { missing: String, found: String },
    #[error("the header names column {column:?} twice")]
    DuplicateColumn { column: String },
    #[error("the header has a column {column:?} that this format does not know (known: {known})")]
    UnknownColumn { column: String, known: String },
    #[error("line {line}: cannot be read: {source}")]
    Read { line: u64, source: std::io::Error },
    #[error("line {line}: not readable as CSV: {source}")]
    Csv { line: u64, source: csv::Error },
}
