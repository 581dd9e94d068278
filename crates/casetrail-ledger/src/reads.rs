//! Reading records back: by position, by stream, by type, and the whole log.

use rocksdb::{DB, DBRawIterator};

use crate::append::Head;
use crate::error::LedgerError;
use crate::handles::{cf, scan_options};
use crate::ids::{EventHash, Position, StreamId, StreamVersion};
use crate::keys::{self, CF_LOG, CF_META, CF_STREAMS, CF_TYPES};
use crate::record::{Record, RecordView};

/// Which way to walk a stream.
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

pub(crate) fn stream_version(
    db: &DB,
    stream: &StreamId,
) -> Result<Option<StreamVersion>, LedgerError> {
    let prefix = keys::name_prefix(stream.as_str());
    let mut it = db.raw_iterator_cf(cf(db, CF_STREAMS));
    it.seek_for_prev(keys::stream_key(stream.as_str(), StreamVersion(u64::MAX)));
    if !it.valid() {
        it.status()
            .map_err(LedgerError::storage("reading the stream index"))?;
        return Ok(None);
    }
    let key = it.key().unwrap_or_default();
    if !key.starts_with(&prefix) {
        return Ok(None);
    }
    keys::split_name_key(key)
        .map(|(_, v)| Some(StreamVersion(v)))
        .ok_or_else(|| corrupt_index(CF_STREAMS, key))
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

/// Records found through an index (a stream, or an event type), loaded from the log.
pub struct IndexIter<'a> {
    db: &'a DB,
    it: DBRawIterator<'a>,
    index: &'static str,
    prefix: Vec<u8>,
    direction: Direction,
    done: bool,
}

impl std::fmt::Debug for IndexIter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexIter")
            .field("index", &self.index)
            .field("direction", &self.direction)
            .finish()
    }
}

impl<'a> IndexIter<'a> {
    pub(crate) fn stream(
        db: &'a DB,
        stream: &StreamId,
        from: StreamVersion,
        direction: Direction,
    ) -> Self {
        let mut it = db.raw_iterator_cf(cf(db, CF_STREAMS));
        let start = keys::stream_key(stream.as_str(), from);
        match direction {
            Direction::Forward => it.seek(&start),
            Direction::Backward => it.seek_for_prev(&start),
        }
        IndexIter {
            db,
            it,
            index: CF_STREAMS,
            prefix: keys::name_prefix(stream.as_str()),
            direction,
            done: false,
        }
    }

    pub(crate) fn event_type(db: &'a DB, event_type: &str, from: Position) -> Self {
        let mut it = db.raw_iterator_cf(cf(db, CF_TYPES));
        it.seek(keys::type_key(event_type, from));
        IndexIter {
            db,
            it,
            index: CF_TYPES,
            prefix: keys::name_prefix(event_type),
            direction: Direction::Forward,
            done: false,
        }
    }

    fn entry_position(&self, key: &[u8], value: &[u8]) -> Option<Position> {
        if self.index == CF_TYPES {
            keys::split_name_key(key).map(|(_, p)| Position(p))
        } else {
            keys::decode_u64(value).map(Position)
        }
    }
}

impl Iterator for IndexIter<'_> {
    type Item = Result<Record, LedgerError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let entry = match (self.it.key(), self.it.value()) {
            (Some(k), Some(v)) if k.starts_with(&self.prefix) => Some((k, v)),
            _ => None,
        };
        let Some((key, value)) = entry else {
            self.done = true;
            return self
                .it
                .status()
                .err()
                .map(|e| Err(LedgerError::storage("scanning an index")(e)));
        };
        let item = match self.entry_position(key, value) {
            None => Err(corrupt_index(self.index, key)),
            Some(position) => match get(self.db, position) {
                Ok(Some(record)) => Ok(record),
                Ok(None) => Err(corrupt_index(self.index, key)),
                Err(e) => Err(e),
            },
        };
        self.done = item.is_err();
        match self.direction {
            Direction::Forward => self.it.next(),
            Direction::Backward => self.it.prev(),
        }
        Some(item)
    }
}
