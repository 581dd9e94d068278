//! What the domain refuses, and why.

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{value:?} is not a valid {what} (1-64 characters of A-Z a-z 0-9 - _ . :)")]
    InvalidId { what: &'static str, value: String },
    #[error("{value:?} is not an ICD-10 code in SKS form, such as DF201")]
    InvalidDiagnosis { value: String },
    #[error("{value:?} is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM)")]
    InvalidWhen { value: String },
    #[error("not a CPR number: it {problem}")]
    InvalidCpr { problem: &'static str },
    #[error("{value:?} is not an event reference (32 hexadecimal digits)")]
    InvalidEventRef { value: String },
    #[error("{value:?} is not a content hash (64 hexadecimal digits)")]
    InvalidContentHash { value: String },
    #[error("unknown event type {event_type:?}")]
    UnknownEventType { event_type: String },
    #[error(
        "{event_type} schema version {found} is unknown to this build, which reads up to version {current}"
    )]
    UnknownSchemaVersion {
        event_type: String,
        found: u32,
        current: u32,
    },
    #[error("{event_type} (schema version {schema_version}) payload does not read: {source}")]
    BadPayload {
        event_type: String,
        schema_version: u32,
        source: serde_json::Error,
    },
}
