//! The key vault: 32-byte secrets by name, in a RocksDB of their own beside the log.
//!
//! Keys never go into the log. Destroying a key deletes it, flushes the memtable so the
//! write-ahead log that held it becomes obsolete and is removed, and compacts the whole
//! keyspace so no table file keeps it: afterwards the key's bytes are in no file of the vault.

use std::path::{Path, PathBuf};

use rocksdb::{DB, Options, WriteOptions};

use crate::error::LedgerError;

/// Named 32-byte secrets (patient keys, pseudonym and signing seeds), synced on every write.
#[derive(Debug)]
pub struct KeyVault {
    db: DB,
    path: PathBuf,
}

fn synced() -> WriteOptions {
    let mut w = WriteOptions::default();
    w.set_sync(true);
    w
}

impl KeyVault {
    /// Opens the vault in `path`, creating it when missing.
    pub fn open(path: impl AsRef<Path>) -> Result<KeyVault, LedgerError> {
        let path = path.as_ref().to_owned();
        let mut opts = Options::default();
        opts.create_if_missing(true);
        // Obsolete write-ahead logs are deleted, never archived: they may hold destroyed keys.
        opts.set_wal_ttl_seconds(0);
        opts.set_wal_size_limit_mb(0);
        opts.set_keep_log_file_num(2);
        let db = DB::open(&opts, &path).map_err(|source| {
            if source.to_string().contains("lock") {
                LedgerError::Locked { path: path.clone() }
            } else {
                LedgerError::Open {
                    path: path.clone(),
                    source,
                }
            }
        })?;
        Ok(KeyVault { db, path })
    }

    /// Opens an existing vault for reading, beside a process that may be writing it.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<KeyVault, LedgerError> {
        let path = path.as_ref().to_owned();
        let db = DB::open_for_read_only(&Options::default(), &path, false).map_err(|source| {
            LedgerError::Open {
                path: path.clone(),
                source,
            }
        })?;
        Ok(KeyVault { db, path })
    }

    /// The vault's folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key under this name, if it exists (a destroyed key does not).
    pub fn get(&self, name: &str) -> Result<Option<[u8; 32]>, LedgerError> {
        let value = self
            .db
            .get_pinned(name.as_bytes())
            .map_err(LedgerError::storage("reading the key vault"))?;
        value
            .map(|v| {
                <[u8; 32]>::try_from(&v[..]).map_err(|_| LedgerError::CorruptIndex {
                    index: "keys",
                    key: name.to_owned(),
                })
            })
            .transpose()
    }

    /// Stores `key` under `name` unless a key is there already; returns the key in force.
    /// Synced before it returns, so nothing is ever sealed under a key that could be lost.
    pub fn get_or_insert(&self, name: &str, key: [u8; 32]) -> Result<[u8; 32], LedgerError> {
        if let Some(existing) = self.get(name)? {
            return Ok(existing);
        }
        self.db
            .put_opt(name.as_bytes(), key, &synced())
            .map_err(LedgerError::storage("writing the key vault"))?;
        Ok(key)
    }

    /// [`KeyVault::get_or_insert`] for many names at once, with one synced write for all the
    /// new keys: each name keeps its stored key, or gets its candidate.
    pub fn get_or_insert_many(
        &self,
        candidates: &[(String, [u8; 32])],
    ) -> Result<Vec<[u8; 32]>, LedgerError> {
        let stored = self
            .db
            .multi_get(candidates.iter().map(|(name, _)| name.as_bytes()));
        let mut batch = rocksdb::WriteBatch::default();
        let mut keys = Vec::with_capacity(candidates.len());
        for ((name, candidate), value) in candidates.iter().zip(stored) {
            let value = value.map_err(LedgerError::storage("reading the key vault"))?;
            let key = match value {
                Some(v) => <[u8; 32]>::try_from(&v[..]).map_err(|_| LedgerError::CorruptIndex {
                    index: "keys",
                    key: name.clone(),
                })?,
                None => {
                    batch.put(name.as_bytes(), candidate);
                    *candidate
                }
            };
            keys.push(key);
        }
        if !batch.is_empty() {
            self.db
                .write_opt(batch, &synced())
                .map_err(LedgerError::storage("writing the key vault"))?;
        }
        Ok(keys)
    }

    /// Destroys the key for good. Returns whether there was one.
    pub fn destroy(&self, name: &str) -> Result<bool, LedgerError> {
        let existed = self.get(name)?.is_some();
        self.db
            .delete_opt(name.as_bytes(), &synced())
            .map_err(LedgerError::storage("deleting from the key vault"))?;
        self.db
            .flush()
            .map_err(LedgerError::storage("flushing the key vault"))?;
        let mut compact = rocksdb::CompactOptions::default();
        // Rewrite even the bottom level, where a plain manual compaction may leave a file
        // untouched, and drop the tombstone together with the value it covers.
        compact.set_bottommost_level_compaction(rocksdb::BottommostLevelCompaction::ForceOptimized);
        compact.set_exclusive_manual_compaction(true);
        self.db
            .compact_range_opt::<&[u8], &[u8]>(None, None, &compact);
        self.db
            .flush_wal(true)
            .map_err(LedgerError::storage("syncing the key vault"))?;
        Ok(existed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_contain(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
        let mut hits = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file()
                && std::fs::read(&path)
                    .unwrap()
                    .windows(needle.len())
                    .any(|w| w == needle)
            {
                hits.push(path);
            }
        }
        hits
    }

    #[test]
    fn a_destroyed_key_is_in_no_file_of_the_vault() {
        let dir = tempfile::tempdir().unwrap();
        let secret = *b"0123456789abcdef-unique-key-0001";
        let other = *b"0123456789abcdef-unique-key-0002";
        let vault = KeyVault::open(dir.path()).unwrap();
        assert_eq!(vault.get_or_insert("patient-1", secret).unwrap(), secret);
        assert_eq!(
            vault.get_or_insert("patient-1", other).unwrap(),
            secret,
            "the first key stays"
        );
        vault.get_or_insert("patient-2", other).unwrap();
        vault.db.flush().unwrap();
        assert!(
            !files_contain(dir.path(), &secret).is_empty(),
            "the check can see a stored key"
        );
        assert!(vault.destroy("patient-1").unwrap());
        assert_eq!(vault.get("patient-1").unwrap(), None);
        assert_eq!(vault.get("patient-2").unwrap(), Some(other));
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            files_contain(dir.path(), &secret),
            Vec::<PathBuf>::new(),
            "{left:?}"
        );
        drop(vault);
        let vault = KeyVault::open(dir.path()).unwrap();
        assert_eq!(vault.get("patient-1").unwrap(), None);
        assert_eq!(files_contain(dir.path(), &secret), Vec::<PathBuf>::new());
        assert!(!vault.destroy("patient-1").unwrap());
    }

    #[test]
    fn many_keys_are_made_at_once_and_existing_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let vault = KeyVault::open(dir.path()).unwrap();
        vault.get_or_insert("b", [2; 32]).unwrap();
        let candidates = [("a", 11), ("b", 99), ("c", 12)].map(|(n, k)| (n.to_string(), [k; 32]));
        let keys = vault.get_or_insert_many(&candidates).unwrap();
        assert_eq!(keys, vec![[11; 32], [2; 32], [12; 32]]);
        drop(vault);
        let vault = KeyVault::open(dir.path()).unwrap();
        assert_eq!(vault.get("c").unwrap(), Some([12; 32]));
    }
}
