//! Opening RocksDB with the ledger's column families, and checking the on-disk format.

use std::path::Path;

use rocksdb::{BlockBasedOptions, ColumnFamilyDescriptor, DB, DBCompressionType, Options};

use crate::error::LedgerError;
use crate::handles::cf;
use crate::keys::{
    self, ALL_CFS, CF_EVENT_IDS, CF_LOG, CF_META, FORMAT_VERSION, FORMAT_WITHOUT_TREE, FORMAT1_CFS,
    META_FORMAT,
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

/// Opens (or, when `read_only` is false and nothing is there, creates) a ledger database.
pub(crate) fn open(path: &Path, read_only: bool) -> Result<DB, LedgerError> {
    let opts = db_options();
    let existing = DB::list_cf(&opts, path).ok();
    if let Some(found) = &existing
        && let Some(missing) = FORMAT1_CFS.iter().find(|n| !found.iter().any(|f| f == *n))
    {
        return Err(LedgerError::NotALedger {
            path: path.to_owned(),
            problem: format!("it has no `{missing}` column family"),
        });
    }
    if read_only
        && let Some(found) = &existing
        && ALL_CFS.iter().any(|n| !found.iter().any(|f| f == *n))
    {
        return Err(LedgerError::FormatMismatch {
            path: path.to_owned(),
            expected: FORMAT_VERSION,
            found: FORMAT_WITHOUT_TREE,
        });
    }
    let mut names: Vec<String> = existing.unwrap_or_default();
    for name in ALL_CFS {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    let db = if read_only {
        DB::open_cf_descriptors_read_only(&opts, path, descriptors(&names), false)
    } else {
        DB::open_cf_descriptors(&opts, path, descriptors(&names))
    }
    .map_err(|e| open_error(path, e))?;
    check_format(&db, path, read_only)?;
    Ok(db)
}

fn check_format(db: &DB, path: &Path, read_only: bool) -> Result<(), LedgerError> {
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
            if found == FORMAT_WITHOUT_TREE && !read_only {
                return upgrade_to_tree(db, path);
            }
            if found != FORMAT_VERSION {
                return Err(LedgerError::FormatMismatch {
                    path: path.to_owned(),
                    expected: FORMAT_VERSION,
                    found,
                });
            }
            Ok(())
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
            if read_only {
                return Err(LedgerError::NotALedger {
                    path: path.to_owned(),
                    problem: "it was never initialised".into(),
                });
            }
            let mut sync = rocksdb::WriteOptions::default();
            sync.set_sync(true);
            db.put_cf_opt(meta, META_FORMAT, keys::FORMAT_VERSION.to_be_bytes(), &sync)
                .map_err(LedgerError::storage("writing the format version"))
        }
    }
}

/// Format 1 had no Merkle tree: build it from the log, then mark the ledger format 2. A crash
/// in between leaves format 1 and a partial tree, which the next open simply rewrites.
fn upgrade_to_tree(db: &DB, path: &Path) -> Result<(), LedgerError> {
    tracing::info!(path = %path.display(), "upgrading the ledger to format 2: building its Merkle tree");
    crate::tree::build_missing(db)?;
    let mut sync = rocksdb::WriteOptions::default();
    sync.set_sync(true);
    db.put_cf_opt(
        cf(db, CF_META),
        META_FORMAT,
        FORMAT_VERSION.to_be_bytes(),
        &sync,
    )
    .map_err(LedgerError::storage("writing the format version"))
}

/// Marks the ledger format 1 (no tree), for a writer that will not keep the tree: the next
/// open that keeps it rebuilds it from the records.
pub(crate) fn mark_without_tree(db: &DB) -> Result<(), LedgerError> {
    let mut sync = rocksdb::WriteOptions::default();
    sync.set_sync(true);
    db.put_cf_opt(
        cf(db, CF_META),
        META_FORMAT,
        FORMAT_WITHOUT_TREE.to_be_bytes(),
        &sync,
    )
    .map_err(LedgerError::storage("writing the format version"))
}
