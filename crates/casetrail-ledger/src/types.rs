//! The type index as a projection of the log: `(event type, position)` entries for every
//! record below a watermark, brought up to the head by the reads that need it rather than
//! written in every append.
//!
//! Appends are synced and every row they carry costs; few reads ask for a type (listing the
//! audits, the releases), so the index is caught up when one does. The entries and the new
//! watermark go in one write, so whatever a crash keeps, the index never claims a record it
//! does not cover; a catch-up lost in a crash is simply done again.

use rocksdb::{DB, DBRawIterator, WriteBatch};

use crate::error::LedgerError;
use crate::handles::{cf, scan_options};
use crate::ids::{EventType, Position};
use crate::keys::{self, CF_LOG, CF_TYPES, TYPES_INDEXED_TO};
use crate::reads::{LogIter, corrupt_index, get};
use crate::record::{Record, RecordView};

/// Entries written per batch while catching up.
const CATCH_UP_BATCH: usize = 50_000;

/// The first position the type index does not cover yet.
pub(crate) fn indexed_to(db: &DB) -> Result<Position, LedgerError> {
    let value = db
        .get_pinned_cf(cf(db, CF_TYPES), TYPES_INDEXED_TO)
        .map_err(LedgerError::storage("reading the type index's watermark"))?;
    match value {
        None => Ok(Position(0)),
        Some(v) => keys::decode_u64(&v)
            .map(Position)
            .ok_or_else(|| corrupt_index(CF_TYPES, TYPES_INDEXED_TO)),
    }
}

/// The watermark's value, staged beside the entries it covers.
pub(crate) fn stage_watermark(db: &DB, batch: &mut WriteBatch, next: Position) {
    batch.put_cf(
        cf(db, CF_TYPES),
        TYPES_INDEXED_TO,
        keys::position_value(next),
    );
}

/// Indexes every record from the watermark to the end of the log. The caller keeps two
/// catch-ups from running at once.
pub(crate) fn catch_up(db: &DB) -> Result<Position, LedgerError> {
    let mut next = indexed_to(db)?;
    let types = cf(db, CF_TYPES);
    let mut it = db.raw_iterator_cf_opt(cf(db, CF_LOG), scan_options());
    it.seek(keys::log_key(next));
    let mut batch = WriteBatch::default();
    while let (Some(key), Some(value)) = (it.key(), it.value()) {
        if keys::decode_u64(key) != Some(next.0) {
            return Err(corrupt_index(CF_LOG, key));
        }
        let view = RecordView::decode(value).map_err(|source| LedgerError::Corrupt {
            position: next,
            source,
        })?;
        batch.put_cf(types, keys::type_key(view.event_type, next), []);
        next = next.next();
        if batch.len() >= CATCH_UP_BATCH {
            stage_watermark(db, &mut batch, next);
            db.write(std::mem::take(&mut batch))
                .map_err(LedgerError::storage("writing the type index"))?;
        }
        it.next();
    }
    it.status()
        .map_err(LedgerError::storage("reading the log for the type index"))?;
    if !batch.is_empty() {
        stage_watermark(db, &mut batch, next);
        db.write(batch)
            .map_err(LedgerError::storage("writing the type index"))?;
    }
    Ok(next)
}

/// Every record of one event type from a position on: the indexed ones through the index,
/// then the rest of the log read record by record.
pub struct TypeIter<'a> {
    db: &'a DB,
    entries: DBRawIterator<'a>,
    prefix: Vec<u8>,
    event_type: EventType,
    indexed_to: Position,
    from: Position,
    tail: Option<LogIter<'a>>,
    pending: Option<LedgerError>,
    done: bool,
}

impl std::fmt::Debug for TypeIter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypeIter")
            .field("event_type", &self.event_type)
            .field("indexed_to", &self.indexed_to)
            .finish()
    }
}

impl<'a> TypeIter<'a> {
    pub(crate) fn new(db: &'a DB, event_type: &EventType, from: Position) -> Self {
        let (indexed_to, pending) = match indexed_to(db) {
            Ok(p) => (p, None),
            Err(e) => (Position(0), Some(e)),
        };
        let mut entries = db.raw_iterator_cf(cf(db, CF_TYPES));
        entries.seek(keys::type_key(event_type.as_str(), from));
        TypeIter {
            db,
            entries,
            prefix: keys::name_prefix(event_type.as_str()),
            event_type: event_type.clone(),
            indexed_to,
            from,
            tail: None,
            pending,
            done: false,
        }
    }

    /// An iterator that yields `error` and ends.
    pub(crate) fn failed(db: &'a DB, event_type: &EventType, error: LedgerError) -> Self {
        let mut iter = TypeIter::new(db, event_type, Position(0));
        iter.pending = Some(error);
        iter
    }

    /// The next indexed entry's record, or None once the index has nothing more below its
    /// watermark.
    fn next_indexed(&mut self) -> Option<Result<Record, LedgerError>> {
        let key = self.entries.key().filter(|k| k.starts_with(&self.prefix))?;
        let position = match keys::split_name_key(key) {
            Some((_, p)) => Position(p),
            None => return Some(Err(corrupt_index(CF_TYPES, key))),
        };
        if position >= self.indexed_to {
            return None;
        }
        let item = match get(self.db, position) {
            Ok(Some(record)) if record.event_type == self.event_type => Ok(record),
            Ok(_) => Err(corrupt_index(CF_TYPES, key)),
            Err(e) => Err(e),
        };
        self.entries.next();
        Some(item)
    }
}

impl Iterator for TypeIter<'_> {
    type Item = Result<Record, LedgerError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if let Some(e) = self.pending.take() {
            self.done = true;
            return Some(Err(e));
        }
        if self.tail.is_none() {
            if let Some(item) = self.next_indexed() {
                self.done = item.is_err();
                return Some(item);
            }
            if let Err(e) = self.entries.status() {
                self.done = true;
                return Some(Err(LedgerError::storage("scanning the type index")(e)));
            }
            let start = self.from.max(self.indexed_to);
            self.tail = Some(LogIter::new(self.db, start));
        }
        let tail = self.tail.as_mut().expect("set above");
        for item in tail.by_ref() {
            match item {
                Ok(record) if record.event_type != self.event_type => continue,
                other => {
                    self.done = other.is_err();
                    return Some(other);
                }
            }
        }
        self.done = true;
        None
    }
}
