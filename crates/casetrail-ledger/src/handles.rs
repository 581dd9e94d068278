//! Column family handles and read options, shared by the files that read and write RocksDB.

use rocksdb::{ColumnFamily, DB, ReadOptions};

pub(crate) fn cf<'a>(db: &'a DB, name: &str) -> &'a ColumnFamily {
    db.cf_handle(name)
        .expect("every column family is created or checked when the ledger opens")
}

/// Options for a scan over a whole column family.
pub(crate) fn scan_options() -> ReadOptions {
    let mut opts = ReadOptions::default();
    // A full scan would otherwise push every block through the cache and evict what
    // point reads need.
    opts.fill_cache(false);
    opts.set_readahead_size(4 * 1024 * 1024);
    opts
}
