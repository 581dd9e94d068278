//! Typed identifiers and values that make up a ledger record.

use std::fmt;

/// A text that does not make an id or a hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// A stream, event type or actor name that is empty, too long or has control characters.
    #[error("{kind} {value:?} {problem} (1 to {max} bytes, no control characters)")]
    InvalidName {
        /// Which name.
        kind: &'static str,
        /// The text given.
        value: String,
        /// What is wrong.
        problem: &'static str,
        /// The longest name allowed, in bytes.
        max: usize,
    },
    /// Not 64 hex digits.
    #[error("{text:?} is not a 64-digit hexadecimal hash")]
    InvalidHash {
        /// The text given.
        text: String,
    },
}

/// Dense, zero-based index of a record in the one global log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position(pub u64);

impl Position {
    /// The position after this one.
    pub fn next(self) -> Position {
        Position(self.0 + 1)
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Zero-based index of a record within its stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamVersion(pub u64);

impl StreamVersion {
    /// Past any real version: reading backward from here starts at a stream's newest event.
    pub const LAST: StreamVersion = StreamVersion(u64::MAX);
}

impl fmt::Display for StreamVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Microseconds since the Unix epoch, UTC. Integer so that hashing never depends on floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}µs", self.0)
    }
}

/// A BLAKE3 digest of a record (or the genesis value).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventHash(pub [u8; 32]);

impl EventHash {
    /// The `previous hash` of the record at position 0.
    pub fn genesis() -> EventHash {
        EventHash(blake3::derive_key(crate::contexts::GENESIS_CONTEXT, &[]))
    }

    /// The hash as 64 hex digits.
    pub fn to_hex(&self) -> String {
        blake3::Hash::from_bytes(self.0).to_hex().to_string()
    }

    /// Reads a hash from 64 hex digits.
    pub fn from_hex(text: &str) -> Result<EventHash, IdError> {
        blake3::Hash::from_hex(text.trim())
            .map(|h| EventHash(*h.as_bytes()))
            .map_err(|_| IdError::InvalidHash {
                text: text.to_owned(),
            })
    }
}

impl fmt::Display for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventHash({})", self.to_hex())
    }
}

/// Caller-chosen identity of an event: the idempotency key of an append.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId(pub [u8; 16]);

impl EventId {
    /// Derives an id from any caller key (an import row, a form submission), so that the same
    /// key always maps to the same id and a retried append is recognised.
    pub fn derive(key: &[u8]) -> EventId {
        let digest = blake3::derive_key(crate::contexts::EVENT_ID_CONTEXT, key);
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        EventId(id)
    }

    /// The id as 32 hex digits.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventId({})", self.to_hex())
    }
}

/// Checks a short printable name: 1..=max bytes of UTF-8 without control characters.
fn check_name(kind: &'static str, value: &str, max: usize) -> Result<(), IdError> {
    let problem = if value.is_empty() {
        Some("is empty")
    } else if value.len() > max {
        Some("is too long")
    } else if value.chars().any(char::is_control) {
        Some("contains a control character")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(IdError::InvalidName {
            kind,
            value: value.chars().take(80).collect(),
            problem,
            max,
        }),
        None => Ok(()),
    }
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The longest name allowed, in bytes.
            pub const MAX_LEN: usize = $max;

            /// Checks the name: 1 to `MAX_LEN` bytes, no control characters.
            pub fn new(value: impl Into<String>) -> Result<Self, IdError> {
                let value = value.into();
                check_name($kind, &value, Self::MAX_LEN)?;
                Ok(Self(value))
            }

            /// Text read back from the log: checked when it was appended, kept as it is now.
            pub(crate) fn from_stored(value: &str) -> Self {
                Self(value.to_owned())
            }

            /// The name as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

name_type!(
    /// Name of a stream, such as `patient-7f3a…` or `audit-2019-rm`.
    StreamId,
    "stream id",
    255
);
name_type!(
    /// Name of an event's type, such as `ContactRecorded`.
    EventType,
    "event type",
    255
);
name_type!(
    /// Who appended: a user, an import job, a system process.
    Actor,
    "actor",
    255
);

/// The state a stream must be in for a write to it to go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// Whatever state the stream is in.
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream must hold at least one event.
    StreamExists,
    /// The stream's last event must have exactly this version.
    Exact(StreamVersion),
}

impl ExpectedVersion {
    /// Whether a stream whose last version is `current` (None: no stream) satisfies this.
    pub fn admits(self, current: Option<StreamVersion>) -> bool {
        match self {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => current.is_none(),
            ExpectedVersion::StreamExists => current.is_some(),
            ExpectedVersion::Exact(v) => current == Some(v),
        }
    }
}

impl fmt::Display for ExpectedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedVersion::Any => f.write_str("any version"),
            ExpectedVersion::NoStream => f.write_str("no stream"),
            ExpectedVersion::StreamExists => f.write_str("an existing stream"),
            ExpectedVersion::Exact(v) => write!(f, "version {v}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(StreamId::new("patient-1").is_ok());
        assert!(StreamId::new("").is_err());
        assert!(StreamId::new("a\nb").is_err());
        assert!(StreamId::new("x".repeat(256)).is_err());
        assert!(StreamId::new("x".repeat(255)).is_ok());
        let err = EventType::new("").unwrap_err().to_string();
        assert!(err.contains("event type"), "{err}");
    }

    #[test]
    fn hash_hex_round_trips() {
        let h = EventHash::genesis();
        assert_eq!(EventHash::from_hex(&h.to_hex()).unwrap(), h);
        assert!(EventHash::from_hex("zz").is_err());
    }

    #[test]
    fn derived_event_ids_are_stable_and_distinct() {
        assert_eq!(EventId::derive(b"row-1"), EventId::derive(b"row-1"));
        assert_ne!(EventId::derive(b"row-1"), EventId::derive(b"row-2"));
    }
}
