//! casetrail-ledger: an append-only, hash-chained event log on RocksDB.
//!
//! It knows streams, positions, bytes and hashes, and nothing of psychiatry or audits: the
//! domain crates hand it opaque payloads. Every record carries the BLAKE3 hash of the one
//! before it, in one chain over all streams, so a single `(position, hash)` pair written down
//! by a quality department pins the whole history up to it.
//!
//! - [`Ledger::append`]: atomic, optionally multi-stream, idempotent by event id, durable
//!   (synced) before it returns; concurrent appends share one fsync (group commit).
//! - [`Ledger::read_all`], [`Ledger::read_stream`], [`Ledger::read_type`], [`Ledger::subscribe`].
//! - [`Ledger::migrate`]: an older on-disk format brought up to this one, verified before
//!   and after.
//! - [`Ledger::verify`] and [`Ledger::verify_from`]: the first broken position, or intact.
//! - A Merkle tree over the log (RFC 9162 shape, BLAKE3), kept in the same writes as the
//!   records: [`Ledger::tree_head`], [`Ledger::inclusion_proof`], [`Ledger::consistency_proof`],
//!   and a place beside the log for the signed checkpoints the application makes of it.
//!
//! The on-disk format is documented byte by byte in `docs/ledger-format.md`.
//!
//! ```no_run
//! use std::sync::Arc;
//! use casetrail_ledger::{Ledger, SystemClock};
//! let ledger = Ledger::open("casetrail-data/ledger", Arc::new(SystemClock))?;
//! let report = ledger.verify()?;
//! assert!(report.broken.is_none(), "the chain holds");
//! # Ok::<(), casetrail_ledger::LedgerError>(())
//! ```
#![warn(missing_docs)]

mod append;
mod breaks;
mod clock;
mod contexts;
mod db;
mod error;
mod handles;
mod ids;
pub mod keys;
mod ledger;
mod migrate;
mod reads;
mod record;
mod runs;
mod streams;
mod subscribe;
mod tree;
mod types;
mod vault;
mod verify;
mod writer;

pub use append::{AppendRequest, Appended, Head, StreamWrite};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{ActualVersion, DecodeError, LedgerError};
pub use ids::{
    Actor, EventHash, EventId, EventType, ExpectedVersion, IdError, Position, StreamId,
    StreamVersion, Timestamp,
};
pub use ledger::{Ledger, LedgerOptions};
pub use migrate::Migration;
pub use reads::{Direction, LogIter};
pub use record::{GENESIS_CONTEXT, MAX_BLOB_LEN, NewEvent, RECORD_CONTEXT, Record, RecordView};
pub use streams::StreamIter;
pub use tree::{TreeHead, record_leaf};
pub use types::TypeIter;
pub use vault::KeyVault;
pub use verify::{Break, BreakKind, VerifyReport};
