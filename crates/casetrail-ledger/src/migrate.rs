//! Bringing a ledger of an older on-disk format up to the current one, verified before and
//! after. The records and their hashes are never touched: only what sits beside them.
//!
//! - Format 1 → 2: the Merkle tree is built from the records.
//! - Format 2 → 3: the stream index of one entry per event is replaced by one entry per run
//!   (`runs.rs`), and the type index, complete in format 2, gets its watermark at the head.
//!
//! Each step ends with one synced write of the new format version, so a migration stopped
//! anywhere leaves the old format, which the next migration starts over.

use std::path::Path;

use crate::db::{self, Mode};
use crate::error::LedgerError;
use crate::handles::cf;
use crate::ids::Position;
use crate::keys::{
    CF_META, CF_STREAM_RUNS, CF_STREAMS, FORMAT_PER_EVENT_STREAMS, FORMAT_VERSION,
    FORMAT_WITHOUT_TREE, META_FORMAT,
};
use crate::verify::{self, Layout, VerifyReport};

/// What a migration did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The format the ledger had.
    pub from: u32,
    /// The format it has now.
    pub to: u32,
    /// Verify's report in the old format, before anything changed (after the tree was
    /// built, for format 1, which has none to verify).
    pub before: VerifyReport,
    /// Verify's report in the new format.
    pub after: VerifyReport,
}

impl Migration {
    /// Whether the ledger was already in the current format.
    pub fn was_current(&self) -> bool {
        self.from == self.to
    }
}

pub(crate) fn migrate(path: &Path) -> Result<Migration, LedgerError> {
    let (mut db, from) = db::open(path, Mode::Migrate)?;
    if db::tree_missing(&db)? {
        db::build_missing_tree(&db, path)?;
    }
    if from == FORMAT_WITHOUT_TREE {
        tracing::info!(path = %path.display(), "migrating the ledger from format 1: building its Merkle tree");
        crate::tree::build_missing(&db)?;
        db::write_format(&db, FORMAT_PER_EVENT_STREAMS)?;
    }
    if from == FORMAT_VERSION {
        let report = verify::full(&db, Layout::current(&db)?)?;
        return Ok(Migration {
            from,
            to: FORMAT_VERSION,
            before: report.clone(),
            after: report,
        });
    }
    if db.cf_handle(CF_STREAMS).is_none() {
        return Err(LedgerError::NotALedger {
            path: path.to_owned(),
            problem: format!("it records format {from} but has no `{CF_STREAMS}` column family"),
        });
    }
    let before = verify::full(&db, Layout::PER_EVENT_STREAMS)?;
    if let Some(broken) = before.broken.clone() {
        return Err(LedgerError::MigrationRefused {
            path: path.to_owned(),
            format: FORMAT_PER_EVENT_STREAMS,
            broken,
        });
    }
    tracing::info!(path = %path.display(), records = before.checked, "migrating the ledger from format 2: one stream-index entry per run");
    clear_runs(&db)?;
    let records = crate::runs::build(&db)?;
    let mut batch = rocksdb::WriteBatch::default();
    crate::types::stage_watermark(&db, &mut batch, Position(records));
    batch.put_cf(cf(&db, CF_META), META_FORMAT, FORMAT_VERSION.to_be_bytes());
    let mut sync = rocksdb::WriteOptions::default();
    sync.set_sync(true);
    db.write_opt(batch, &sync)
        .map_err(LedgerError::storage("writing the new format version"))?;
    db.drop_cf(CF_STREAMS)
        .map_err(LedgerError::storage("dropping format 2's stream index"))?;
    let after = verify::full(&db, Layout::current(&db)?)?;
    Ok(Migration {
        from,
        to: FORMAT_VERSION,
        before,
        after,
    })
}

/// Empties `stream_runs` of what an earlier, interrupted migration wrote.
fn clear_runs(db: &rocksdb::DB) -> Result<(), LedgerError> {
    // Every key starts with a name's length (1 to 255) and UTF-8 never holds 0xff, so
    // `ff ff` sorts after every key there can be.
    db.delete_range_cf(
        cf(db, CF_STREAM_RUNS),
        [0u8].as_slice(),
        [0xffu8, 0xff].as_slice(),
    )
    .map_err(LedgerError::storage("clearing the stream runs"))
}
