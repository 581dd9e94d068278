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

use crate::append::Head;
use crate::error::LedgerError;
use crate::handles::cf;
use crate::handles::scan_options;
use crate::ids::{EventHash, Position};
use crate::keys::{
    self, CF_EVENT_IDS, CF_LOG, CF_STREAMS, CF_TREE, CF_TYPES, TREE_STORED_FROM_LEVEL,
};
use crate::reads;
use crate::record::{Record, RecordView};
use crate::tree::record_leaf;
use casetrail_merkle::Frontier;

/// What kind of damage was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakKind {
    /// A position has no record: deleted, or the tail was cut.
    MissingRecord,
    /// The stored bytes do not decode as a record.
    Undecodable,
    /// The record names another position than the one it is stored under (moved or reordered).
    WrongPosition,
    /// The record's `previous hash` is not the hash of the record before it.
    BrokenLink,
    /// The record's bytes do not hash to the hash stored with them.
    WrongHash,
    /// The stored head disagrees with the last record.
    WrongHead,
    /// An index entry the record implies is missing or points elsewhere.
    IndexMissing,
    /// An index entry points at a record that does not imply it.
    IndexDangling,
    /// The record at the trusted checkpoint no longer has the checkpoint's hash.
    CheckpointMismatch,
    /// A stored Merkle subtree is not the hash of the records under it (or has no records).
    TreeNode,
}

impl std::fmt::Display for BreakKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BreakKind::MissingRecord => "record missing",
            BreakKind::Undecodable => "record unreadable",
            BreakKind::WrongPosition => "record out of place",
            BreakKind::BrokenLink => "previous hash does not link",
            BreakKind::WrongHash => "record hash does not match its bytes",
            BreakKind::WrongHead => "stored head does not match the log",
            BreakKind::IndexMissing => "index entry missing or wrong",
            BreakKind::IndexDangling => "index entry points at the wrong record",
            BreakKind::CheckpointMismatch => "checkpoint hash does not match",
            BreakKind::TreeNode => "Merkle tree node does not match the records under it",
        })
    }
}

/// The first broken place, with what was expected there and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// Where the break is.
    pub position: Position,
    /// What kind of break.
    pub kind: BreakKind,
    /// What verification expected there.
    pub expected: String,
    /// What it found.
    pub found: String,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "position {}: {}: expected {}, found {}",
            self.position, self.kind, self.expected, self.found
        )
    }
}

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

fn brk(
    position: Position,
    kind: BreakKind,
    expected: impl ToString,
    found: impl ToString,
) -> Break {
    Break {
        position,
        kind,
        expected: expected.to_string(),
        found: found.to_string(),
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

fn walk_log(db: &DB, from: Position, mut prev: EventHash, keys_: &IndexKeys) -> Walk {
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
        key_buf.clear();
        key_buf.extend_from_slice(&keys::stream_key(view.stream, view.version));
        walk.implied
            .streams
            .add(&keys_.streams, &key_buf, &pos_value);
        walk.implied
            .ids
            .add(&keys_.ids, &keys::event_id_key(view.id), &pos_value);
        key_buf.clear();
        key_buf.extend_from_slice(&keys::type_key(view.event_type, expected));
        walk.implied.types.add(&keys_.types, &key_buf, &[]);
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

fn scan(db: &DB, keys_: &IndexKeys) -> Result<Scanned, LedgerError> {
    let mut out = Scanned {
        indexes: IndexDigests::default(),
        implied_tree: implied_tree(db, keys_),
        stored_tree: Digest::default(),
    };
    for (name, key, digest) in [
        (CF_STREAMS, &keys_.streams, &mut out.indexes.streams),
        (CF_EVENT_IDS, &keys_.ids, &mut out.indexes.ids),
        (CF_TYPES, &keys_.types, &mut out.indexes.types),
        (CF_TREE, &keys_.tree, &mut out.stored_tree),
    ] {
        let mut it = db.raw_iterator_cf_opt(cf(db, name), scan_options());
        it.seek_to_first();
        while let (Some(k), Some(v)) = (it.key(), it.value()) {
            digest.add(key, k, v);
            it.next();
        }
        it.status()
            .map_err(LedgerError::storage("scanning an index"))?;
    }
    Ok(out)
}

fn hex(bytes: &[u8]) -> String {
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

pub(crate) fn full(db: &DB) -> Result<VerifyReport, LedgerError> {
    let keys_ = IndexKeys::new();
    let (walk, found) = thread::scope(|s| {
        let scanned = s.spawn(|| scan(db, &keys_));
        let walk = walk_log(db, Position(0), EventHash::genesis(), &keys_);
        (walk, scanned.join())
    });
    let found = found.expect("the index scan does not panic")?;
    finish(db, walk, |walk| {
        if walk.implied != found.indexes {
            return locate_index_break(db, Position(0), true);
        }
        if found.implied_tree != found.stored_tree {
            return locate_tree_break(db);
        }
        Ok(None)
    })
}

pub(crate) fn from_checkpoint(db: &DB, checkpoint: Head) -> Result<VerifyReport, LedgerError> {
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
    let mut walk = walk_log(db, checkpoint.position.next(), checkpoint.hash, &keys_);
    if walk.last.is_none() {
        walk.last = Some(checkpoint);
    }
    // Only the records after the checkpoint are checked against the indexes, one by one.
    finish(db, walk, |_| {
        locate_index_break(db, checkpoint.position.next(), false)
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

/// The slow, precise pass: each record's implied entries by point lookup, then (when
/// `dangling` is set) each stored entry against the record it points at.
fn locate_index_break(
    db: &DB,
    from: Position,
    dangling: bool,
) -> Result<Option<Break>, LedgerError> {
    let mut first = None;
    for record in reads::LogIter::new(db, from) {
        first = missing_entry(db, &record?)?;
        if first.is_some() {
            break;
        }
    }
    if dangling
        && let Some(d) = first_dangling(db)?
        && first
            .as_ref()
            .is_none_or(|f: &Break| d.position < f.position)
    {
        first = Some(d);
    }
    Ok(first)
}

/// The first index entry that `record` implies but the index does not hold as implied.
fn missing_entry(db: &DB, record: &Record) -> Result<Option<Break>, LedgerError> {
    let pos = keys::position_value(record.position);
    let implied = [
        (
            CF_STREAMS,
            keys::stream_key(record.stream.as_str(), record.version),
            Some(&pos[..]),
        ),
        (CF_EVENT_IDS, record.id.0.to_vec(), Some(&pos[..])),
        (
            CF_TYPES,
            keys::type_key(record.event_type.as_str(), record.position),
            None,
        ),
    ];
    for (index, key, want) in implied {
        let got = db
            .get_cf(cf(db, index), &key)
            .map_err(LedgerError::storage("reading an index entry"))?;
        let holds = match (&got, want) {
            (Some(g), Some(w)) => g.as_slice() == w,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !holds {
            return Ok(Some(brk(
                record.position,
                BreakKind::IndexMissing,
                format!("{index} entry {} → {}", hex(&key), record.position),
                got.map_or("no entry".to_string(), |g| {
                    keys::decode_u64(&g)
                        .map_or(format!("value {}", hex(&g)), |p| format!("an entry → {p}"))
                }),
            )));
        }
    }
    Ok(None)
}

fn first_dangling(db: &DB) -> Result<Option<Break>, LedgerError> {
    let mut first: Option<Break> = None;
    for index in [CF_STREAMS, CF_EVENT_IDS, CF_TYPES] {
        let mut it = db.raw_iterator_cf_opt(cf(db, index), scan_options());
        it.seek_to_first();
        while let (Some(k), Some(v)) = (it.key(), it.value()) {
            let target = if index == CF_TYPES {
                keys::split_name_key(k).map(|(_, p)| p)
            } else {
                keys::decode_u64(v)
            }
            .map(Position);
            let record = match target {
                Some(p) => reads::get(db, p).ok().flatten(),
                None => None,
            };
            let implied = record.as_ref().is_some_and(|r| match index {
                CF_STREAMS => k == keys::stream_key(r.stream.as_str(), r.version).as_slice(),
                CF_EVENT_IDS => k == r.id.0.as_slice(),
                _ => k == keys::type_key(r.event_type.as_str(), r.position).as_slice(),
            });
            if !implied {
                let at = target.unwrap_or(Position(0));
                if first.as_ref().is_none_or(|f| at < f.position) {
                    first = Some(brk(
                        at,
                        BreakKind::IndexDangling,
                        format!("{index} entries only for records that imply them"),
                        format!("entry {} → {}", hex(k), hex(v)),
                    ));
                }
            }
            it.next();
        }
        it.status()
            .map_err(LedgerError::storage("scanning an index"))?;
    }
    Ok(first)
}

/// The slow pass for the Merkle tree: every subtree the records imply, compared with the
/// stored one, then every stored one that no record implies. The break is named at the
/// record that completes (or would complete) the subtree.
fn locate_tree_break(db: &DB) -> Result<Option<Break>, LedgerError> {
    let tree = cf(db, CF_TREE);
    let mut frontier = Frontier::new();
    let mut implied = std::collections::HashSet::new();
    let mut first: Option<Break> = None;
    for record in reads::LogIter::new(db, Position(0)) {
        let record = record?;
        let mut failure = None;
        frontier.push_completing(record_leaf(&record.hash), |level, index, hash| {
            if level < TREE_STORED_FROM_LEVEL || failure.is_some() {
                return;
            }
            let key = keys::tree_key(level, index);
            implied.insert(key);
            failure = Some(match db.get_cf(tree, key) {
                Ok(Some(v)) if v == hash.0 => return,
                Ok(got) => Ok(brk(
                    record.position,
                    BreakKind::TreeNode,
                    format!("subtree {level}/{index} = {}", hash.to_hex()),
                    got.map_or("no stored subtree".into(), |g| hex(&g)),
                )),
                Err(e) => Err(LedgerError::storage("reading the Merkle tree")(e)),
            });
        });
        if let Some(f) = failure {
            first = Some(f?);
            break;
        }
    }
    if first.is_some() {
        return Ok(first);
    }
    let mut it = db.raw_iterator_cf_opt(tree, scan_options());
    it.seek_to_first();
    while let Some(k) = it.key() {
        let key: Option<[u8; 9]> = k.try_into().ok();
        if key.is_none_or(|key| !implied.contains(&key)) {
            let leaf = key.map_or(0, |key| {
                keys::decode_u64(&key[1..]).unwrap_or(0) << key[0].min(63)
            });
            return Ok(Some(brk(
                Position(leaf),
                BreakKind::TreeNode,
                "subtrees only over records in the log",
                format!("a stored subtree {}", hex(k)),
            )));
        }
        it.next();
    }
    it.status()
        .map_err(LedgerError::storage("scanning the Merkle tree"))?;
    Ok(None)
}
