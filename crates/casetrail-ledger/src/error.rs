//! What can go wrong, with the context needed to act on it.

use std::path::PathBuf;

use crate::ids::{EventId, ExpectedVersion, IdError, Position, StreamId, StreamVersion};

/// Why stored record bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}` at byte {offset} {problem}")]
pub struct DecodeError {
    /// The field being read.
    pub field: &'static str,
    /// The byte offset within the record where it went wrong.
    pub offset: usize,
    /// What was wrong.
    pub problem: &'static str,
}

/// Every way a ledger operation fails.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// RocksDB could not open the folder.
    #[error("cannot open the ledger in {path}: {source}")]
    Open {
        /// The ledger's folder.
        path: PathBuf,
        /// RocksDB's error.
        source: rocksdb::Error,
    },
    /// Another process holds the folder's lock.
    #[error("the ledger in {path} is already opened by another process (its LOCK file is held)")]
    Locked {
        /// The ledger's folder.
        path: PathBuf,
    },
    /// The folder was written by a build with another on-disk format.
    #[error(
        "the ledger in {path} has on-disk format version {found}, but this build reads version {expected}"
    )]
    FormatMismatch {
        /// The ledger's folder.
        path: PathBuf,
        /// The format this build reads.
        expected: u32,
        /// The format the folder records.
        found: u32,
    },
    /// The folder holds an older format, which this build reads once it is migrated.
    #[error(
        "the ledger in {path} has on-disk format version {found}; this build reads version {expected}. Migrate it once (`casetrail migrate`), which verifies it before and after"
    )]
    NeedsMigration {
        /// The ledger's folder.
        path: PathBuf,
        /// The format this build reads.
        expected: u32,
        /// The format the folder records.
        found: u32,
    },
    /// A migration found the ledger broken as it stands, and changed nothing.
    #[error(
        "the ledger in {path} does not verify in its format {format}, so it was not migrated: {broken}"
    )]
    MigrationRefused {
        /// The ledger's folder.
        path: PathBuf,
        /// The format it was verified in.
        format: u32,
        /// The first break found.
        broken: crate::breaks::Break,
    },
    /// A read-only open of a ledger last written without its Merkle tree.
    #[error(
        "the ledger in {path} was last written without its Merkle tree; open it once for writing to build it"
    )]
    TreeMissing {
        /// The ledger's folder.
        path: PathBuf,
    },
    /// A RocksDB database, but not one this program made.
    #[error("{path} holds a RocksDB database that is not a casetrail ledger: {problem}")]
    NotALedger {
        /// The folder.
        path: PathBuf,
        /// What is missing or different.
        problem: String,
    },
    /// A RocksDB read or write failed.
    #[error("RocksDB failed while {context}: {source}")]
    Storage {
        /// What the ledger was doing.
        context: &'static str,
        /// RocksDB's error.
        source: rocksdb::Error,
    },
    /// A stored record's bytes do not decode.
    #[error("record at position {position} cannot be read: {source}")]
    Corrupt {
        /// The record's position.
        position: Position,
        /// Where and why decoding failed.
        source: DecodeError,
    },
    /// An index entry's key or value does not decode.
    #[error("{index} index entry {key} is malformed")]
    CorruptIndex {
        /// Which index.
        index: &'static str,
        /// The entry's key, in hex.
        key: String,
    },
    /// The stream was not at the version the append expected (optimistic concurrency).
    #[error("version conflict on stream {stream}: expected {expected}, but the stream {actual}")]
    VersionConflict {
        /// The stream.
        stream: StreamId,
        /// What the append expected.
        expected: ExpectedVersion,
        /// What the stream is.
        actual: ActualVersion,
    },
    /// An event id already stored in another stream.
    #[error(
        "event id {event_id} is already stored at position {position} in stream {stored_stream}, not in {requested_stream}"
    )]
    EventIdReused {
        /// The id.
        event_id: EventId,
        /// Where it is stored.
        position: Position,
        /// The stream it is stored in.
        stored_stream: StreamId,
        /// The stream the append named.
        requested_stream: StreamId,
    },
    /// Some of the append's events are stored already and some are not.
    #[error(
        "the append mixes new events with event id {event_id}, already stored at position {position}; resend exactly the original append or only new events"
    )]
    PartiallyStored {
        /// The first stored id found.
        event_id: EventId,
        /// Where it is stored.
        position: Position,
    },
    /// The same id twice in one append.
    #[error("event id {event_id} appears twice in one append")]
    DuplicateEventId {
        /// The id.
        event_id: EventId,
    },
    /// The same stream twice in one append.
    #[error("stream {stream} appears twice in one append; put all its events in one write")]
    DuplicateStream {
        /// The stream.
        stream: StreamId,
    },
    /// An append of nothing.
    #[error("an append must hold at least one event")]
    EmptyAppend,
    /// An event's payload or metadata is over the limit.
    #[error("{what} of event {event_id} is {len} bytes; the limit is {max}")]
    TooLarge {
        /// The event.
        event_id: EventId,
        /// Payload or metadata.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// An id that is not well formed.
    #[error(transparent)]
    Id(#[from] IdError),
    /// A checkpoint asked for past the end of the log.
    #[error("checkpoint position {position} is beyond the last record {head:?}")]
    CheckpointBeyondHead {
        /// The position asked for.
        position: Position,
        /// The log's last position (None when empty).
        head: Option<Position>,
    },
    /// An append on a ledger opened for reading.
    #[error("the ledger in {path} is open read-only; appends need a read-write open")]
    ReadOnly {
        /// The ledger's folder.
        path: PathBuf,
    },
    /// The writer thread could not start.
    #[error("cannot start the ledger's writer thread: {source}")]
    WriterThread {
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A stored Merkle subtree is missing or malformed.
    #[error("the Merkle tree has no stored subtree at level {level}, index {index}: {problem}")]
    TreeNode {
        /// The subtree's level (0 = leaves).
        level: u32,
        /// Its index at that level.
        index: u64,
        /// What is wrong.
        problem: &'static str,
    },
    /// A tree larger than the log.
    #[error("a tree of {size} events was asked for; the log holds {log_size}")]
    TreeBeyondLog {
        /// The size asked for.
        size: u64,
        /// The log's size.
        log_size: u64,
    },
    /// A proof could not be made or checked.
    #[error("{0}")]
    Proof(#[from] casetrail_merkle::ProofError),
    /// The writer thread ended (after a panic or a failed write); nothing more is accepted.
    #[error("the ledger's writer has stopped; reopen the ledger")]
    WriterStopped,
}

/// A stream's state when an expected version did not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActualVersion {
    /// The stream has no events.
    NoStream,
    /// The stream's last version.
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
