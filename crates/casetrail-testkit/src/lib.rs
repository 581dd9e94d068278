//! casetrail-testkit: helpers shared by the integration tests in the top-level `tests/` folder:
//! temporary ledgers, synthetic events, and raw access to the stored bytes for tampering.

use std::path::Path;
use std::sync::Arc;

use casetrail_ledger::keys::ALL_CFS;
use casetrail_ledger::{
    Actor, AppendRequest, EventId, EventType, ExpectedVersion, Ledger, ManualClock, NewEvent,
    StreamId, Timestamp,
};

/// A clock starting at 2019-01-01T00:00:00Z that moves one second per reading.
pub fn test_clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Timestamp(1_546_300_800_000_000),
        1_000_000,
    ))
}

/// A fresh ledger in its own temporary directory (removed when the guard drops).
pub fn temp_ledger() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let ledger = Ledger::open(dir.path(), test_clock()).expect("a fresh ledger opens");
    (dir, ledger)
}

pub fn reopen(dir: &Path) -> Ledger {
    Ledger::open(dir, test_clock()).expect("the ledger reopens")
}

pub fn stream(name: &str) -> StreamId {
    StreamId::new(name).expect("a valid stream id")
}

pub fn actor() -> Actor {
    Actor::new("test").expect("a valid actor")
}

/// A synthetic event whose id, type and payload derive from `key`.
pub fn event(key: &str) -> NewEvent {
    let id = EventId::derive(key.as_bytes());
    let kind = if id.0[0].is_multiple_of(2) {
        "ContactRecorded"
    } else {
        "PlanChanged"
    };
    NewEvent {
        id,
        event_type: EventType::new(kind).expect("a valid type"),
        schema_version: 1,
        metadata: format!("{{\"key\":\"{key}\"}}").into_bytes(),
        payload: format!("synthetic payload for {key}").into_bytes(),
    }
}

pub fn events(prefix: &str, n: usize) -> Vec<NewEvent> {
    (0..n).map(|i| event(&format!("{prefix}-{i}"))).collect()
}

pub fn append_to(
    stream_name: &str,
    expected: ExpectedVersion,
    events: Vec<NewEvent>,
) -> AppendRequest {
    AppendRequest::new(actor()).write(stream(stream_name), expected, events)
}

/// Opens the stored RocksDB directly, to change bytes behind the ledger's back.
/// The ledger must be closed (every handle dropped) first.
pub fn raw_db(dir: &Path) -> rocksdb::DB {
    let opts = rocksdb::Options::default();
    rocksdb::DB::open_cf(&opts, dir, ALL_CFS).expect("the raw database opens")
}

/// Writes one row in column family `cf` behind the ledger's back (the ledger must be closed).
pub fn put_raw(dir: &Path, cf: &str, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
    let db = raw_db(dir);
    let handle = db.cf_handle(cf).expect("a ledger column family");
    db.put_cf(handle, key, value)
        .expect("the raw write succeeds");
}

/// Deletes one row in column family `cf` behind the ledger's back (the ledger must be closed).
pub fn delete_raw(dir: &Path, cf: &str, key: impl AsRef<[u8]>) {
    let db = raw_db(dir);
    let handle = db.cf_handle(cf).expect("a ledger column family");
    db.delete_cf(handle, key).expect("the raw delete succeeds");
}
