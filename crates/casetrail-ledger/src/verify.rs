//! Recomputing the chain and the indexes, and naming the first place where they break.
//!
//! A full verify walks the log once, checking each record's position, previous hash and own
//! hash, and folds the index entries each record implies into an order-independent digest
//! (a sum of keyed BLAKE3 hashes). A second thread scans the three index column families into
//! the same kind of digest, and builds the Merkle tree from the hashes stored with the records
//! to sum the subtrees they imply against the stored ones. Equal digests mean the indexes and
//! the tree hold exactly what the records imply. Only when they differ is the slow, precise
//! pass run, to name the first broken position.

use std::thread;

use rocksdb::DB;

mod precise;

use precise::{locate_index_break, locate_tree_break};

use crate::append::Head;
use crate::breaks::brk;
pub use crate::breaks::{Break, BreakKind};
use crate::error::LedgerError;
use crate::handles::cf;
use crate::handles::scan_options;
use crate::ids::{EventHash, Position};
use crate::keys::{
    self, CF_EVENT_IDS, CF_LOG, CF_STREAM_RUNS, CF_STREAMS, CF_TREE, CF_TYPES,
    TREE_STORED_FROM_LEVEL, TYPES_INDEXED_TO,
};
use crate::reads;
use crate::record::RecordView;
use crate::runs::RunTracker;
use crate::tree::record_leaf;
use casetrail_merkle::Frontier;

/// What a verification of the whole log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Records whose chain link and hash were recomputed.
    pub checked: u64,
    /// The last record that verified.
    pub verified_head: Option<Head>,
    /// The first break, if any.
    pub broken: Option<Break>,
}

impl VerifyReport {
    /// Whether no break was found.
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// What the indexes beside the log hold, which differs between formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    /// One stream-index entry per event (format 2, `streams`) or per run (format 3).
    per_event_streams: bool,
    /// Records below this position have type-index entries; none above it do.
    types_to: Position,
}

impl Layout {
    /// Format 2: every event has a stream entry and a type entry.
    pub const PER_EVENT_STREAMS: Layout = Layout {
        per_event_streams: true,
        types_to: Position(u64::MAX),
    };

    /// The current format, with the type index's watermark as stored.
    pub fn current(db: &DB) -> Result<Layout, LedgerError> {
        Ok(Layout {
            per_event_streams: false,
            types_to: crate::types::indexed_to(db)?,
        })
    }

    fn streams_cf(&self) -> &'static str {
        if self.per_event_streams {
            CF_STREAMS
        } else {
            CF_STREAM_RUNS
        }
    }
}

/// Sum (lane-wise, wrapping) of keyed hashes: equal for equal multisets in any order.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Digest([u64; 4]);

impl Digest {
    fn add(&mut self, key: &[u8; 32], entry_key: &[u8], entry_value: &[u8]) {
        let mut hasher = blake3::Hasher::new_keyed(key);
        hasher.update(&(entry_key.len() as u32).to_be_bytes());
        hasher.update(entry_key);
        hasher.update(entry_value);
        let h = hasher.finalize();
        for (lane, chunk) in self.0.iter_mut().zip(h.as_bytes().chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            *lane = lane.wrapping_add(u64::from_le_bytes(word));
        }
    }
}

struct IndexKeys {
    streams: [u8; 32],
    ids: [u8; 32],
    types: [u8; 32],
    tree: [u8; 32],
}

impl IndexKeys {
    fn new() -> Self {
        IndexKeys {
            streams: blake3::derive_key("casetrail ledger v1 verify streams", &[]),
            ids: blake3::derive_key("casetrail ledger v1 verify event ids", &[]),
            types: blake3::derive_key("casetrail ledger v1 verify types", &[]),
            tree: blake3::derive_key("casetrail ledger v2 verify tree", &[]),
        }
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct IndexDigests {
    streams: Digest,
    ids: Digest,
    types: Digest,
}

/// What the second thread of a full verify finds: the stored index entries, and the tree the
/// records imply against the tree that is stored.
struct Scanned {
    indexes: IndexDigests,
    implied_tree: Digest,
    stored_tree: Digest,
}

/// The outcome of walking the log: how far it held, and what it implied for the indexes.
struct Walk {
    checked: u64,
    last: Option<Head>,
    broken: Option<Break>,
    implied: IndexDigests,
}

fn walk_log(
    db: &DB,
    from: Position,
    mut prev: EventHash,
    keys_: &IndexKeys,
    layout: Layout,
) -> Walk {
    let mut walk = Walk {
        checked: 0,
        last: None,
        broken: None,
        implied: IndexDigests::default(),
    };
    let mut it = db.raw_iterator_cf_opt(cf(db, CF_LOG), scan_options());
    it.seek(keys::log_key(from));
    let mut expected = from;
    let mut key_buf = Vec::with_capacity(300);
    let mut runs = RunTracker::default();
    while let (Some(key), Some(value)) = (it.key(), it.value()) {
        let Some(stored_at) = keys::decode_u64(key).map(Position) else {
            walk.broken = Some(brk(
                expected,
                BreakKind::MissingRecord,
                "an 8-byte log key",
                hex(key),
            ));
            return walk;
        };
        if stored_at != expected {
            walk.broken = Some(brk(
                expected,
                BreakKind::MissingRecord,
                format!("record {expected}"),
                format!("next record at {stored_at}"),
            ));
            return walk;
        }
        let view = match RecordView::decode(value) {
            Ok(v) => v,
            Err(e) => {
                walk.broken = Some(brk(expected, BreakKind::Undecodable, "a record", e));
                return walk;
            }
        };
        if let Some(b) = check_record(&view, expected, prev) {
            walk.broken = Some(b);
            return walk;
        }
        let pos_value = keys::position_value(expected);
        let streams = &mut walk.implied.streams;
        if layout.per_event_streams {
            key_buf.clear();
            key_buf.extend_from_slice(&keys::stream_key(view.stream, view.version));
            streams.add(&keys_.streams, &key_buf, &pos_value);
        } else {
            runs.push(view.stream, view.version.0, expected.0, |k, v| {
                streams.add(&keys_.streams, k, &v)
            });
        }
        walk.implied
            .ids
            .add(&keys_.ids, &keys::event_id_key(view.id), &pos_value);
        if expected < layout.types_to {
            key_buf.clear();
            key_buf.extend_from_slice(&keys::type_key(view.event_type, expected));
            walk.implied.types.add(&keys_.types, &key_buf, &[]);
        }
        prev = view.hash;
        walk.last = Some(Head {
            position: expected,
            hash: view.hash,
        });
        walk.checked += 1;
        expected = expected.next();
        it.next();
    }
    if let Err(e) = it.status() {
        walk.broken = Some(brk(expected, BreakKind::Undecodable, "a readable log", e));
    }
    let streams = &mut walk.implied.streams;
    runs.finish(|k, v| streams.add(&keys_.streams, k, &v));
    walk
}

fn check_record(view: &RecordView<'_>, at: Position, prev: EventHash) -> Option<Break> {
    if view.position != at {
        return Some(brk(
            at,
            BreakKind::WrongPosition,
            format!("position {at}"),
            format!("position {}", view.position),
        ));
    }
    if view.prev_hash != prev {
        return Some(brk(at, BreakKind::BrokenLink, prev, view.prev_hash));
    }
    let computed = view.computed_hash();
    if computed != view.hash {
        return Some(brk(at, BreakKind::WrongHash, computed, view.hash));
    }
    None
}

/// The subtrees the records imply, summed like index entries. It reads the hashes stored
/// with the records (the walk checks them against the bytes), so it can run beside the walk,
/// on the other core.
fn implied_tree(db: &DB, keys_: &IndexKeys) -> Digest {
    let mut digest = Digest::default();
    let mut frontier = Frontier::new();
    let mut it = db.raw_iterator_cf_opt(cf(db, CF_LOG), scan_options());
    it.seek_to_first();
    while let Some(value) = it.value() {
        // A record that is not one is the walk's to report.
        let Some(stored) = crate::record::stored_hash(value) else {
            break;
        };
        frontier.push_completing(record_leaf(&stored), |level, index, hash| {
            if level >= TREE_STORED_FROM_LEVEL {
                digest.add(&keys_.tree, &keys::tree_key(level, index), &hash.0);
            }
        });
        it.next();
    }
    digest
}

fn scan(db: &DB, keys_: &IndexKeys, layout: Layout) -> Result<Scanned, LedgerError> {
    let mut out = Scanned {
        indexes: IndexDigests::default(),
        implied_tree: implied_tree(db, keys_),
        stored_tree: Digest::default(),
    };
    for (name, key, digest) in [
        (
            layout.streams_cf(),
            &keys_.streams,
            &mut out.indexes.streams,
        ),
        (CF_EVENT_IDS, &keys_.ids, &mut out.indexes.ids),
        (CF_TYPES, &keys_.types, &mut out.indexes.types),
        (CF_TREE, &keys_.tree, &mut out.stored_tree),
    ] {
        let mut it = db.raw_iterator_cf_opt(cf(db, name), scan_options());
        it.seek_to_first();
        while let (Some(k), Some(v)) = (it.key(), it.value()) {
            // The type index's watermark is no entry; `check_watermark` reads it.
            if !(name == CF_TYPES && k == TYPES_INDEXED_TO) {
                digest.add(key, k, v);
            }
            it.next();
        }
        it.status()
            .map_err(LedgerError::storage("scanning an index"))?;
    }
    Ok(out)
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares the stored head with the last record the walk verified.
fn check_head(db: &DB, walk: &Walk) -> Result<Option<Break>, LedgerError> {
    let stored = reads::stored_head(db)?;
    let show = |h: Option<Head>| h.map_or("an empty log".to_string(), |h| format!("head {h}"));
    Ok(match (stored, walk.last) {
        (None, None) => None,
        (Some(s), Some(l)) if s == l => None,
        (Some(s), Some(l)) if s.position > l.position => Some(brk(
            l.position.next(),
            BreakKind::MissingRecord,
            format!("records up to the stored {}", show(Some(s))),
            format!("the log ending at {}", l.position),
        )),
        (Some(s), None) => Some(brk(
            Position(0),
            BreakKind::MissingRecord,
            format!("records up to the stored {}", show(Some(s))),
            "an empty log",
        )),
        (s, l) => Some(brk(
            l.map_or(Position(0), |l| l.position),
            BreakKind::WrongHead,
            show(l),
            format!("stored {}", show(s)),
        )),
    })
}

pub(crate) fn full(db: &DB, layout: Layout) -> Result<VerifyReport, LedgerError> {
    let keys_ = IndexKeys::new();
    let (walk, found) = thread::scope(|s| {
        let scanned = s.spawn(|| scan(db, &keys_, layout));
        let walk = walk_log(db, Position(0), EventHash::genesis(), &keys_, layout);
        (walk, scanned.join())
    });
    let found = found.expect("the index scan does not panic")?;
    finish(db, walk, |walk| {
        if let Some(b) = check_watermark(walk, layout) {
            return Ok(Some(b));
        }
        if walk.implied != found.indexes {
            return locate_index_break(db, Position(0), true, layout);
        }
        if found.implied_tree != found.stored_tree {
            return locate_tree_break(db);
        }
        Ok(None)
    })
}

/// The type index may not claim records the log does not hold.
fn check_watermark(walk: &Walk, layout: Layout) -> Option<Break> {
    let records = walk.last.map_or(0, |h| h.position.0 + 1);
    (!layout.per_event_streams && layout.types_to.0 > records).then(|| {
        brk(
            Position(records),
            BreakKind::IndexDangling,
            format!("the type index covering at most the {records} records"),
            format!("it claims to cover {}", layout.types_to.0),
        )
    })
}

pub(crate) fn from_checkpoint(
    db: &DB,
    checkpoint: Head,
    layout: Layout,
) -> Result<VerifyReport, LedgerError> {
    let stored = db
        .get_pinned_cf(cf(db, CF_LOG), keys::log_key(checkpoint.position))
        .map_err(LedgerError::storage("reading the checkpoint record"))?;
    let report = |broken| VerifyReport {
        checked: 0,
        verified_head: None,
        broken: Some(broken),
    };
    let Some(bytes) = stored else {
        let head = reads::stored_head(db)?;
        return Ok(report(brk(
            checkpoint.position,
            BreakKind::MissingRecord,
            format!("the checkpoint record {}", checkpoint),
            head.map_or("an empty log".to_string(), |h| {
                format!("the log ending at {}", h.position)
            }),
        )));
    };
    let found = RecordView::decode(&bytes)
        .map(|v| v.hash)
        .map_err(|source| LedgerError::Corrupt {
            position: checkpoint.position,
            source,
        })?;
    if found != checkpoint.hash {
        return Ok(report(brk(
            checkpoint.position,
            BreakKind::CheckpointMismatch,
            checkpoint.hash,
            found,
        )));
    }
    let keys_ = IndexKeys::new();
    let mut walk = walk_log(
        db,
        checkpoint.position.next(),
        checkpoint.hash,
        &keys_,
        layout,
    );
    if walk.last.is_none() {
        walk.last = Some(checkpoint);
    }
    // Only the records after the checkpoint are checked against the indexes, one by one.
    finish(db, walk, |walk| {
        if let Some(b) = check_watermark(walk, layout) {
            return Ok(Some(b));
        }
        locate_index_break(db, checkpoint.position.next(), false, layout)
    })
}

fn finish(
    db: &DB,
    walk: Walk,
    check_indexes: impl FnOnce(&Walk) -> Result<Option<Break>, LedgerError>,
) -> Result<VerifyReport, LedgerError> {
    let broken = match walk.broken.clone() {
        Some(b) => Some(b),
        None => match check_head(db, &walk)? {
            Some(b) => Some(b),
            None => check_indexes(&walk)?,
        },
    };
    Ok(VerifyReport {
        checked: walk.checked,
        verified_head: walk.last,
        broken,
    })
}
