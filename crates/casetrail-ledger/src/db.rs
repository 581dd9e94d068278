//! Opening RocksDB with the ledger's column families, and checking the on-disk format.

use std::path::Path;

use rocksdb::{BlockBasedOptions, ColumnFamilyDescriptor, DB, DBCompressionType, Options};

use crate::error::LedgerError;
use crate::handles::cf;
use crate::keys::{
    ALL_CFS, CF_EVENT_IDS, CF_LOG, CF_META, CF_STREAM_RUNS, CF_STREAMS, COMMON_CFS, FORMAT_VERSION,
    FORMAT_WITHOUT_TREE, META_FORMAT, META_TREE_MISSING,
};

fn db_options() -> Options {
    let mut opts = Options::default();
    opts.create_if_missing(true);
    opts.create_missing_column_families(true);
    opts.set_max_background_jobs(2);
    // Every column family's memtables together, whatever their number: without a cap each of
    // the six may hold two 64 MiB memtables, and a long import filled about 320 MiB of them.
    opts.set_db_write_buffer_size(MEMTABLES_BYTES);
    opts
}

/// What all memtables of a ledger may hold together before the largest is flushed.
const MEMTABLES_BYTES: usize = 160 << 20;

fn cf_options(name: &str) -> Options {
    let mut opts = Options::default();
    if name == CF_LOG {
        // Payloads are mostly ciphertext: compressing them costs time and saves nothing.
        opts.set_compression_type(DBCompressionType::None);
    } else {
        opts.set_compression_type(DBCompressionType::Lz4);
    }
    if name == CF_EVENT_IDS {
        // Almost every id looked up by an append is new: a bloom filter answers "absent"
        // without reading a block.
        let mut table = BlockBasedOptions::default();
        table.set_bloom_filter(10.0, false);
        opts.set_block_based_table_factory(&table);
        // ... and the same for ids still in the memtable.
        opts.set_memtable_whole_key_filtering(true);
        opts.set_memtable_prefix_bloom_ratio(0.05);
    }
    opts
}

fn descriptors(names: &[String]) -> Vec<ColumnFamilyDescriptor> {
    names
        .iter()
        .map(|n| ColumnFamilyDescriptor::new(n, cf_options(n)))
        .collect()
}

fn open_error(path: &Path, source: rocksdb::Error) -> LedgerError {
    if source.to_string().contains("lock") {
        LedgerError::Locked {
            path: path.to_owned(),
        }
    } else {
        LedgerError::Open {
            path: path.to_owned(),
            source,
        }
    }
}

/// What an open is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Reading and appending; creates the ledger when nothing is there. Only the current
    /// format opens.
    ReadWrite,
    /// Reading beside a process that may be writing. Only the current format opens.
    ReadOnly,
    /// Bringing an older format up to date: every format opens, nothing is created.
    Migrate,
}

/// Opens a ledger database; returns it with the format version it records.
pub(crate) fn open(path: &Path, mode: Mode) -> Result<(DB, u32), LedgerError> {
    let opts = db_options();
    let existing = DB::list_cf(&opts, path).ok();
    match &existing {
        Some(found) => check_column_families(path, found)?,
        None if mode == Mode::Migrate => {
            return Err(LedgerError::NotALedger {
                path: path.to_owned(),
                problem: "there is no ledger there to migrate".into(),
            });
        }
        None => {}
    }
    let mut names: Vec<String> = existing.unwrap_or_default();
    if mode != Mode::ReadOnly {
        for name in ALL_CFS {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
    }
    let mut db = if mode == Mode::ReadOnly {
        DB::open_cf_descriptors_read_only(&opts, path, descriptors(&names), false)
    } else {
        DB::open_cf_descriptors(&opts, path, descriptors(&names))
    }
    .map_err(|e| open_error(path, e))?;
    let format = check_format(&db, path, mode)?;
    if let Some(missing) = ALL_CFS.iter().find(|n| !names.iter().any(|f| f == *n)) {
        return Err(LedgerError::NotALedger {
            path: path.to_owned(),
            problem: format!("it records format {format} but has no `{missing}` column family"),
        });
    }
    if mode == Mode::ReadOnly && tree_missing(&db)? {
        return Err(LedgerError::TreeMissing {
            path: path.to_owned(),
        });
    }
    if mode == Mode::ReadWrite && names.iter().any(|n| n == CF_STREAMS) {
        // Left by a migration that stopped after it wrote the new format.
        db.drop_cf(CF_STREAMS)
            .map_err(LedgerError::storage("dropping format 2's stream index"))?;
    }
    Ok((db, format))
}

/// Every format has the common column families, and a stream index of one shape or the other.
fn check_column_families(path: &Path, found: &[String]) -> Result<(), LedgerError> {
    let has = |name: &str| found.iter().any(|f| f == name);
    let missing = COMMON_CFS
        .iter()
        .find(|n| !has(n))
        .copied()
        .or((!has(CF_STREAMS) && !has(CF_STREAM_RUNS)).then_some(CF_STREAM_RUNS));
    match missing {
        Some(missing) => Err(LedgerError::NotALedger {
            path: path.to_owned(),
            problem: format!("it has no `{missing}` column family"),
        }),
        None => Ok(()),
    }
}

fn check_format(db: &DB, path: &Path, mode: Mode) -> Result<u32, LedgerError> {
    let meta = cf(db, CF_META);
    let stored = db
        .get_pinned_cf(meta, META_FORMAT)
        .map_err(LedgerError::storage("reading the format version"))?;
    match stored {
        Some(bytes) => {
            let found = <[u8; 4]>::try_from(&bytes[..])
                .map(u32::from_be_bytes)
                .map_err(|_| LedgerError::NotALedger {
                    path: path.to_owned(),
                    problem: format!("its format version is {} bytes long, not 4", bytes.len()),
                })?;
            match found {
                FORMAT_VERSION => Ok(found),
                FORMAT_WITHOUT_TREE..FORMAT_VERSION if mode == Mode::Migrate => Ok(found),
                FORMAT_WITHOUT_TREE..FORMAT_VERSION => Err(LedgerError::NeedsMigration {
                    path: path.to_owned(),
                    expected: FORMAT_VERSION,
                    found,
                }),
                _ => Err(LedgerError::FormatMismatch {
                    path: path.to_owned(),
                    expected: FORMAT_VERSION,
                    found,
                }),
            }
        }
        None => {
            let mut log = db.raw_iterator_cf(cf(db, CF_LOG));
            log.seek_to_first();
            if log.valid() {
                return Err(LedgerError::NotALedger {
                    path: path.to_owned(),
                    problem: "it holds records but no format version".into(),
                });
            }
            if mode != Mode::ReadWrite {
                return Err(LedgerError::NotALedger {
                    path: path.to_owned(),
                    problem: "it was never initialised".into(),
                });
            }
            write_format(db, FORMAT_VERSION)?;
            Ok(FORMAT_VERSION)
        }
    }
}

/// Records the format version, synced.
pub(crate) fn write_format(db: &DB, format: u32) -> Result<(), LedgerError> {
    let mut sync = rocksdb::WriteOptions::default();
    sync.set_sync(true);
    db.put_cf_opt(cf(db, CF_META), META_FORMAT, format.to_be_bytes(), &sync)
        .map_err(LedgerError::storage("writing the format version"))
}

/// Whether the last writer did not keep the Merkle tree.
pub(crate) fn tree_missing(db: &DB) -> Result<bool, LedgerError> {
    Ok(db
        .get_pinned_cf(cf(db, CF_META), META_TREE_MISSING)
        .map_err(LedgerError::storage("reading whether the tree is kept"))?
        .is_some())
}

/// Builds the tree the last writer did not keep, then clears the mark. A crash in between
/// leaves the mark, and the next open builds the tree again over what was written.
pub(crate) fn build_missing_tree(db: &DB, path: &Path) -> Result<(), LedgerError> {
    tracing::info!(path = %path.display(), "building the ledger's Merkle tree from its records");
    crate::tree::build_missing(db)?;
    let mut sync = rocksdb::WriteOptions::default();
    sync.set_sync(true);
    db.delete_cf_opt(cf(db, CF_META), META_TREE_MISSING, &sync)
        .map_err(LedgerError::storage("clearing the missing-tree mark"))
}

/// Marks the tree as not kept, for a writer that will not keep it: the next open that keeps
/// it builds it from the records.
pub(crate) fn mark_without_tree(db: &DB) -> Result<(), LedgerError> {
    let mut sync = rocksdb::WriteOptions::default();
    sync.set_sync(true);
    db.put_cf_opt(cf(db, CF_META), META_TREE_MISSING, [], &sync)
        .map_err(LedgerError::storage("marking the tree as not kept"))
}
