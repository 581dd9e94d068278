//! Reading records back: by position, by stream, and the whole log.

use rocksdb::{DB, DBRawIterator};

use crate::append::Head;
use crate::error::LedgerError;
use crate::handles::{cf, scan_options};
use crate::ids::{EventHash, Position};
use crate::keys::{self, CF_LOG, CF_META};
use crate::record::{Record, RecordView};

/// Which way to walk a stream ([`crate::StreamIter`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the first version to the last.
    Forward,
    /// From the last version to the first.
    Backward,
}

pub(crate) fn decode_at(position: Position, bytes: &[u8]) -> Result<Record, LedgerError> {
    let view =
        RecordView::decode(bytes).map_err(|source| LedgerError::Corrupt { position, source })?;
    if view.position != position {
        return Err(LedgerError::Corrupt {
            position,
            source: crate::error::DecodeError {
                field: "position",
                offset: 1,
                problem: "differs from the position it is stored under",
            },
        });
    }
    Ok(view.to_record())
}

pub(crate) fn get(db: &DB, position: Position) -> Result<Option<Record>, LedgerError> {
    let bytes = db
        .get_pinned_cf(cf(db, CF_LOG), keys::log_key(position))
        .map_err(LedgerError::storage("reading a record"))?;
    bytes.map(|b| decode_at(position, &b)).transpose()
}

pub(crate) fn stored_head(db: &DB) -> Result<Option<Head>, LedgerError> {
    let value = db
        .get_pinned_cf(cf(db, CF_META), keys::META_HEAD)
        .map_err(LedgerError::storage("reading the head"))?;
    match value {
        None => Ok(None),
        Some(v) => keys::decode_head(&v)
            .map(|(position, hash)| {
                Some(Head {
                    position,
                    hash: EventHash(hash),
                })
            })
            .ok_or_else(|| corrupt_index(CF_META, keys::META_HEAD)),
    }
}

pub(crate) fn corrupt_index(index: &'static str, key: &[u8]) -> LedgerError {
    LedgerError::CorruptIndex {
        index,
        key: key.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// Every record from a position on, in order.
pub struct LogIter<'a> {
    it: DBRawIterator<'a>,
    done: bool,
}

impl std::fmt::Debug for LogIter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogIter").field("done", &self.done).finish()
    }
}

impl<'a> LogIter<'a> {
    pub(crate) fn new(db: &'a DB, from: Position) -> Self {
        let mut it = db.raw_iterator_cf_opt(cf(db, CF_LOG), scan_options());
        it.seek(keys::log_key(from));
        LogIter { it, done: false }
    }
}

impl Iterator for LogIter<'_> {
    type Item = Result<Record, LedgerError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let (Some(key), Some(value)) = (self.it.key(), self.it.value()) else {
            self.done = true;
            return self
                .it
                .status()
                .err()
                .map(|e| Err(LedgerError::storage("scanning the log")(e)));
        };
        let item = match keys::decode_u64(key) {
            Some(p) => decode_at(Position(p), value),
            None => Err(corrupt_index(CF_LOG, key)),
        };
        self.done = item.is_err();
        self.it.next();
        Some(item)
    }
}
