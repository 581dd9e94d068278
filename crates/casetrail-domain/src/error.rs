//! What the domain refuses, and why.

/// Every reason a domain value or stored event is refused.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// An id that is empty, too long or has other characters.
    #[error("{value:?} is not a valid {what} (1-64 characters of A-Z a-z 0-9 - _ . :)")]
    InvalidId {
        /// Which id (patient id, contact id, …).
        what: &'static str,
        /// The text given.
        value: String,
    },
    /// Not an ICD-10 code in SKS form.
    #[error("{value:?} is not an ICD-10 code in SKS form, such as DF201")]
    InvalidDiagnosis {
        /// The text given.
        value: String,
    },
    /// Not a date or a date and time.
    #[error("{value:?} is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM)")]
    InvalidWhen {
        /// The text given.
        value: String,
    },
    /// Not a CPR number.
    #[error("not a CPR number: it {problem}")]
    InvalidCpr {
        /// What is wrong (the number itself is never repeated in the message).
        problem: &'static str,
    },
    /// Not 32 hex digits.
    #[error("{value:?} is not an event reference (32 hexadecimal digits)")]
    InvalidEventRef {
        /// The text given.
        value: String,
    },
    /// Not 64 hex digits.
    #[error("{value:?} is not a content hash (64 hexadecimal digits)")]
    InvalidContentHash {
        /// The text given.
        value: String,
    },
    /// A stored event of a type this build does not know.
    #[error("unknown event type {event_type:?}")]
    UnknownEventType {
        /// The stored type name.
        event_type: String,
    },
    /// A stored event of a newer schema version than this build reads.
    #[error(
        "{event_type} schema version {found} is unknown to this build, which reads up to version {current}"
    )]
    UnknownSchemaVersion {
        /// The stored type name.
        event_type: String,
        /// The stored schema version.
        found: u32,
        /// The version this build writes.
        current: u32,
    },
    /// A stored payload that does not decode as its type and version.
    #[error("{event_type} (schema version {schema_version}) payload does not read: {source}")]
    BadPayload {
        /// The stored type name.
        event_type: String,
        /// The stored schema version.
        schema_version: u32,
        /// The decoder's error.
        source: serde_json::Error,
    },
}
