//! Integration tests of the ledger against real RocksDB in temporary directories.

mod appends;
mod crash;
mod migrate;
mod properties;
mod reads;
mod subscribe;
mod tamper;
mod tree;
