//! The Merkle tree over the log (RFC 9162 shape, see `casetrail-merkle`): leaf `i` is the
//! chain hash of the record at position `i`. The writer pushes each record's leaf into a
//! frontier and writes the perfect subtrees it completes (from level
//! [`keys::TREE_STORED_FROM_LEVEL`] up) in the same batch as the record, so the tree and the
//! log are never apart. Proofs and older roots are answered from those stored subtrees.

use casetrail_merkle::{Frontier, Hash, Subtrees, leaf_hash, node_hash, peak_positions};
use rocksdb::{DB, WriteBatch};

use crate::error::LedgerError;
use crate::handles::cf;
use crate::ids::{EventHash, Position};
use crate::keys::{self, CF_LOG, CF_TREE, TREE_STORED_FROM_LEVEL};
use crate::record::RecordView;

/// The tree over the first `size` records, with the last of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeHead {
    /// How many records the tree covers.
    pub size: u64,
    /// Its root.
    pub root: Hash,
    /// The chain hash of record `size - 1`; None for the empty log.
    pub head: Option<EventHash>,
}

/// The leaf a record contributes.
pub fn record_leaf(chain_hash: &EventHash) -> Hash {
    leaf_hash(&chain_hash.0)
}

/// Stages in `batch` the subtrees `leaf` completes.
pub(crate) fn push_leaf(db: &DB, batch: &mut WriteBatch, frontier: &mut Frontier, leaf: Hash) {
    let tree = cf(db, CF_TREE);
    frontier.push_completing(leaf, |level, index, hash| {
        if level >= TREE_STORED_FROM_LEVEL {
            batch.put_cf(tree, keys::tree_key(level, index), hash.0);
        }
    });
}

/// Reads subtrees from the store, and hashes the low ones again from the log.
pub(crate) struct StoredTree<'a> {
    pub db: &'a DB,
}

impl StoredTree<'_> {
    fn leaf(&self, index: u64) -> Result<Hash, LedgerError> {
        let bytes = self
            .db
            .get_pinned_cf(cf(self.db, CF_LOG), keys::log_key(Position(index)))
            .map_err(LedgerError::storage("reading a record for the Merkle tree"))?
            .ok_or(LedgerError::TreeNode {
                level: 0,
                index,
                problem: "no record at that position",
            })?;
        let hash = crate::record::stored_hash(&bytes).ok_or(LedgerError::TreeNode {
            level: 0,
            index,
            problem: "the record there is too short to be one",
        })?;
        Ok(record_leaf(&hash))
    }
}

impl Subtrees for StoredTree<'_> {
    type Error = LedgerError;

    fn perfect(&self, level: u32, index: u64) -> Result<Hash, LedgerError> {
        if level == 0 {
            return self.leaf(index);
        }
        if level < TREE_STORED_FROM_LEVEL {
            return Ok(node_hash(
                &self.perfect(level - 1, 2 * index)?,
                &self.perfect(level - 1, 2 * index + 1)?,
            ));
        }
        let value = self
            .db
            .get_pinned_cf(cf(self.db, CF_TREE), keys::tree_key(level, index))
            .map_err(LedgerError::storage("reading the Merkle tree"))?
            .ok_or(LedgerError::TreeNode {
                level,
                index,
                problem: "not stored",
            })?;
        let bytes: [u8; 32] = value[..].try_into().map_err(|_| LedgerError::TreeNode {
            level,
            index,
            problem: "stored value is not 32 bytes",
        })?;
        Ok(Hash(bytes))
    }
}

/// The frontier of the tree over the first `size` records, from the stored subtrees.
pub(crate) fn restore_frontier(db: &DB, size: u64) -> Result<Frontier, LedgerError> {
    let tree = StoredTree { db };
    let peaks = peak_positions(size)
        .into_iter()
        .map(|(level, index)| tree.perfect(level, index))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Frontier::from_peaks(size, peaks).expect("one peak per set bit of the size"))
}

/// Builds the tree of a format-1 ledger, which has none: reads every record once and writes
/// the subtrees in batches. Returns the frontier over the whole log.
pub(crate) fn build_missing(db: &DB) -> Result<Frontier, LedgerError> {
    let mut frontier = Frontier::new();
    let mut batch = WriteBatch::default();
    let mut it = db.raw_iterator_cf_opt(cf(db, CF_LOG), crate::handles::scan_options());
    it.seek_to_first();
    while let (Some(key), Some(value)) = (it.key(), it.value()) {
        let position = Position(keys::decode_u64(key).unwrap_or(u64::MAX));
        if position.0 != frontier.size() {
            return Err(LedgerError::TreeNode {
                level: 0,
                index: frontier.size(),
                problem: "the log has a gap here; run verify before upgrading",
            });
        }
        let view = RecordView::decode(value)
            .map_err(|source| LedgerError::Corrupt { position, source })?;
        push_leaf(db, &mut batch, &mut frontier, record_leaf(&view.hash));
        if batch.len() >= 100_000 {
            db.write(std::mem::take(&mut batch))
                .map_err(LedgerError::storage("writing the Merkle tree"))?;
        }
        it.next();
    }
    it.status()
        .map_err(LedgerError::storage("reading the log for the Merkle tree"))?;
    let mut sync = rocksdb::WriteOptions::default();
    sync.set_sync(true);
    db.write_opt(batch, &sync)
        .map_err(LedgerError::storage("writing the Merkle tree"))?;
    Ok(frontier)
}
