//! casetrail-testkit: helpers shared by the integration tests in the top-level `tests/` folder:
//! temporary ledgers, synthetic events, and raw access to the stored bytes for tampering.

use std::path::Path;
use std::sync::Arc;

use casetrail_ledger::keys::{
    self, CF_LOG, CF_META, CF_STREAM_RUNS, CF_STREAMS, CF_TREE, CF_TYPES, TYPES_INDEXED_TO,
};
use casetrail_ledger::{
    Actor, AppendRequest, EventId, EventType, ExpectedVersion, Ledger, ManualClock, NewEvent,
    RecordView, StreamId, Timestamp,
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

/// Opens the stored RocksDB directly, with every column family it has, to change bytes
/// behind the ledger's back. The ledger must be closed (every handle dropped) first.
pub fn raw_db(dir: &Path) -> rocksdb::DB {
    let opts = rocksdb::Options::default();
    let names = rocksdb::DB::list_cf(&opts, dir).expect("a RocksDB database is there");
    rocksdb::DB::open_cf(&opts, dir, names).expect("the raw database opens")
}

/// Lays a closed ledger's indexes out as format 2 did (`docs/ledger-format.md`): one
/// `streams` entry per event, a type entry for every record and no watermark, no
/// `stream_runs`; then marks it format 2. What a build from before format 3 left behind.
pub fn downgrade_to_format_2(dir: &Path) {
    reopen(dir)
        .catch_up_types()
        .expect("the type index catches up");
    let mut db = raw_db(dir);
    db.create_cf(CF_STREAMS, &rocksdb::Options::default())
        .expect("format 2's stream index is created");
    let streams = db.cf_handle(CF_STREAMS).expect("just created");
    let log = db.cf_handle(CF_LOG).expect("a ledger's log");
    let mut batch = rocksdb::WriteBatch::default();
    for entry in db.iterator_cf(log, rocksdb::IteratorMode::Start) {
        let (key, value) = entry.expect("the log reads");
        let view = RecordView::decode(&value).expect("an intact record");
        batch.put_cf(streams, keys::stream_key(view.stream, view.version), key);
    }
    let types = db.cf_handle(CF_TYPES).expect("a ledger's type index");
    batch.delete_cf(types, TYPES_INDEXED_TO);
    batch.put_cf(
        db.cf_handle(CF_META).expect("a ledger's meta"),
        keys::META_FORMAT,
        2u32.to_be_bytes(),
    );
    db.write(batch).expect("the format-2 indexes are written");
    db.drop_cf(CF_STREAM_RUNS).expect("the runs are dropped");
}

/// [`downgrade_to_format_2`], then format 1: no Merkle tree.
pub fn downgrade_to_format_1(dir: &Path) {
    downgrade_to_format_2(dir);
    let db = raw_db(dir);
    let tree = db.cf_handle(CF_TREE).expect("a format-2 tree");
    let nodes: Vec<_> = db
        .iterator_cf(tree, rocksdb::IteratorMode::Start)
        .map(|kv| kv.expect("the tree reads").0)
        .collect();
    assert!(
        !nodes.is_empty(),
        "a ledger of 16 records or more has stored subtrees"
    );
    for node in nodes {
        db.delete_cf(tree, node).expect("a subtree is deleted");
    }
    db.put_cf(
        db.cf_handle(CF_META).expect("a ledger's meta"),
        keys::META_FORMAT,
        1u32.to_be_bytes(),
    )
    .expect("format 1 is marked");
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
