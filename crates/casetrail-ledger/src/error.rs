//! What can go wrong, with the context needed to act on it.

use std::path::PathBuf;

use crate::ids::{EventId, ExpectedVersion, IdError, Position, StreamId, StreamVersion};

/// Why stored record bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}` at byte {offset} {problem}")]
pub struct DecodeError {
    pub field: &'static str,
    pub offset: usize,
    pub problem: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("cannot open the ledger in {path}: {source}")]
    Open {
        path: PathBuf,
        source: rocksdb::Error,
    },
    #[error("the ledger in {path} is already opened by another process (its LOCK file is held)")]
    Locked { path: PathBuf },
    #[error(
        "the ledger in {path} has on-disk format version {found}, but this build reads version {expected} (format 1 is upgraded by opening it once for writing)"
    )]
    FormatMismatch {
        path: PathBuf,
        expected: u32,
        found: u32,
    },
    #[error("{path} holds a RocksDB database that is not a casetrail ledger: {problem}")]
    NotALedger { path: PathBuf, problem: String },
    #[error("RocksDB failed while {context}: {source}")]
    Storage {
        context: &'static str,
        source: rocksdb::Error,
    },
    #[error("record at position {position} cannot be read: {source}")]
    Corrupt {
        position: Position,
        source: DecodeError,
    },
    #[error("{index} index entry {key} is malformed")]
    CorruptIndex { index: &'static str, key: String },
    #[error("version conflict on stream {stream}: expected {expected}, but the stream {actual}")]
    VersionConflict {
        stream: StreamId,
        expected: ExpectedVersion,
        actual: ActualVersion,
    },
    #[error(
        "event id {event_id} is already stored at position {position} in stream {stored_stream}, not in {requested_stream}"
    )]
    EventIdReused {
        event_id: EventId,
        position: Position,
        stored_stream: StreamId,
        requested_stream: StreamId,
    },
    #[error(
        "the append mixes new events with event id {event_id}, already stored at position {position}; resend exactly the original append or only new events"
    )]
    PartiallyStored {
        event_id: EventId,
        position: Position,
    },
    #[error("event id {event_id} appears twice in one append")]
    DuplicateEventId { event_id: EventId },
    #[error("stream {stream} appears twice in one append; put all its events in one write")]
    DuplicateStream { stream: StreamId },
    #[error("an append must hold at least one event")]
    EmptyAppend,
    #[error("{what} of event {event_id} is {len} bytes; the limit is {max}")]
    TooLarge {
        event_id: EventId,
        what: &'static str,
        len: usize,
        max: usize,
    },
    #[error(transparent)]
    Id(#[from] IdError),
    #[error("checkpoint position {position} is beyond the last record {head:?}")]
    CheckpointBeyondHead {
        position: Position,
        head: Option<Position>,
    },
    #[error("the ledger in {path} is open read-only; appends need a read-write open")]
    ReadOnly { path: PathBuf },
    #[error("cannot start the ledger's writer thread: {source}")]
    WriterThread { source: std::io::Error },
    #[error("the Merkle tree has no stored subtree at level {level}, index {index}: {problem}")]
    TreeNode {
        level: u32,
        index: u64,
        problem: &'static str,
    },
    #[error("a tree of {size} events was asked for; the log holds {log_size}")]
    TreeBeyondLog { size: u64, log_size: u64 },
    #[error("{0}")]
    Proof(#[from] casetrail_merkle::ProofError),
    #[error("the ledger's writer has stopped; reopen the ledger")]
    WriterStopped,
}

/// A stream's state when an expected version did not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActualVersion {
    NoStream,
    At(StreamVersion),
}

impl std::fmt::Display for ActualVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ActualVersion::NoStream => f.write_str("does not exist"),
            ActualVersion::At(v) => write!(f, "is at version {v}"),
        }
    }
}

impl LedgerError {
    pub(crate) fn storage(context: &'static str) -> impl FnOnce(rocksdb::Error) -> LedgerError {
        move |source| LedgerError::Storage { context, source }
    }
}
