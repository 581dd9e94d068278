//! The stream index as runs: one entry per run of a stream's consecutive versions stored at
//! consecutive positions, instead of one entry per event.
//!
//! An append of 1,000 events to one stream writes one entry, and an append that continues
//! the stream written just before it rewrites that stream's last entry with a larger count.
//! Because the writer always extends a run when it can, the runs are exactly the maximal ones
//! the log implies, which is what lets verify recompute them from the records alone.

use rocksdb::{DB, DBRawIterator, WriteBatch};

use crate::append::Head;
use crate::error::LedgerError;
use crate::handles::{cf, scan_options};
use crate::ids::{Position, StreamId, StreamVersion};
use crate::keys::{self, CF_LOG, CF_STREAM_RUNS};
use crate::reads::{self, corrupt_index};
use crate::record::RecordView;

/// One run: versions `first_version .. first_version + count` of `stream`, stored at
/// positions `first_position .. first_position + count`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Run {
    pub stream: StreamId,
    pub first_version: StreamVersion,
    pub first_position: Position,
    pub count: u64,
}

impl Run {
    /// The run after `count` more events of `stream` from `version` at `position`: this run
    /// grown, when they continue it, else a new one.
    pub fn followed_by(
        previous: Option<Run>,
        stream: &StreamId,
        version: StreamVersion,
        position: Position,
        count: u64,
    ) -> Run {
        match previous {
            Some(mut run)
                if run.stream == *stream
                    && run.first_version.0 + run.count == version.0
                    && run.first_position.0 + run.count == position.0 =>
            {
                run.count += count;
                run
            }
            _ => Run {
                stream: stream.clone(),
                first_version: version,
                first_position: position,
                count,
            },
        }
    }

    pub fn key(&self) -> Vec<u8> {
        keys::stream_key(self.stream.as_str(), self.first_version)
    }

    pub fn value(&self) -> [u8; 16] {
        keys::run_value(self.first_position, self.count)
    }

    pub fn last_version(&self) -> StreamVersion {
        StreamVersion(self.first_version.0 + self.count - 1)
    }

    /// Where `version` is stored, if the run holds it.
    pub fn position_of(&self, version: StreamVersion) -> Option<Position> {
        (version.0 >= self.first_version.0 && version.0 - self.first_version.0 < self.count)
            .then(|| Position(self.first_position.0 + (version.0 - self.first_version.0)))
    }
}

/// The run entry under the iterator, if it belongs to `stream`.
pub(crate) fn run_here(
    it: &DBRawIterator<'_>,
    stream: &StreamId,
) -> Result<Option<Run>, LedgerError> {
    let (Some(key), Some(value)) = (it.key(), it.value()) else {
        it.status()
            .map_err(LedgerError::storage("reading the stream index"))?;
        return Ok(None);
    };
    if !key.starts_with(&keys::name_prefix(stream.as_str())) {
        return Ok(None);
    }
    let decoded = keys::split_name_key(key).zip(keys::decode_run(value));
    let Some(((_, first_version), (first_position, count))) = decoded else {
        return Err(corrupt_index(CF_STREAM_RUNS, key));
    };
    Ok(Some(Run {
        stream: stream.clone(),
        first_version: StreamVersion(first_version),
        first_position,
        count,
    }))
}

/// The stream's run with the largest first version at or below `version`.
pub(crate) fn run_at_or_before(
    db: &DB,
    stream: &StreamId,
    version: StreamVersion,
) -> Result<Option<Run>, LedgerError> {
    let mut it = db.raw_iterator_cf(cf(db, CF_STREAM_RUNS));
    it.seek_for_prev(keys::stream_key(stream.as_str(), version));
    run_here(&it, stream)
}

/// The version of the stream's last event.
pub(crate) fn last_version(
    db: &DB,
    stream: &StreamId,
) -> Result<Option<StreamVersion>, LedgerError> {
    Ok(run_at_or_before(db, stream, StreamVersion(u64::MAX))?.map(|r| r.last_version()))
}

/// The run that ends with the record at the head: the one the next append may continue.
pub(crate) fn run_ending_at(db: &DB, head: Option<Head>) -> Result<Option<Run>, LedgerError> {
    let Some(head) = head else {
        return Ok(None);
    };
    let record = reads::get(db, head.position)?.ok_or(LedgerError::Corrupt {
        position: head.position,
        source: crate::error::DecodeError {
            field: "record",
            offset: 0,
            problem: "is missing, though the head names it",
        },
    })?;
    let run = run_at_or_before(db, &record.stream, record.version)?;
    match run {
        Some(run) if run.position_of(record.version) == Some(head.position) => Ok(Some(run)),
        _ => Err(corrupt_index(
            CF_STREAM_RUNS,
            &keys::stream_key(record.stream.as_str(), record.version),
        )),
    }
}

/// Follows the log one record at a time and hands over each maximal run as it ends.
#[derive(Default)]
pub(crate) struct RunTracker {
    current: Option<(String, u64, u64, u64)>,
}

impl RunTracker {
    /// Takes the next record of the log (positions in order, from the first).
    pub fn push(
        &mut self,
        stream: &str,
        version: u64,
        position: u64,
        mut ended: impl FnMut(&[u8], [u8; 16]),
    ) {
        if let Some((name, first_version, _, count)) = &mut self.current
            && name == stream
            && *first_version + *count == version
        {
            *count += 1;
            return;
        }
        self.finish(&mut ended);
        self.current = Some((stream.to_owned(), version, position, 1));
    }

    /// Hands over the run still open (the log's last).
    pub fn finish(&mut self, mut ended: impl FnMut(&[u8], [u8; 16])) {
        if let Some((name, first_version, first_position, count)) = self.current.take() {
            ended(
                &keys::stream_key(&name, StreamVersion(first_version)),
                keys::run_value(Position(first_position), count),
            );
        }
    }
}

/// Writes the runs the log implies into an empty `stream_runs`, in batches; returns how many
/// records were read. Nothing is synced: the caller's last write is.
pub(crate) fn build(db: &DB) -> Result<u64, LedgerError> {
    let runs = cf(db, CF_STREAM_RUNS);
    let mut batch = WriteBatch::default();
    let mut tracker = RunTracker::default();
    let mut it = db.raw_iterator_cf_opt(cf(db, CF_LOG), scan_options());
    it.seek_to_first();
    let mut records = 0u64;
    while let (Some(key), Some(value)) = (it.key(), it.value()) {
        let position = Position(keys::decode_u64(key).unwrap_or(u64::MAX));
        let view = RecordView::decode(value)
            .map_err(|source| LedgerError::Corrupt { position, source })?;
        tracker.push(view.stream, view.version.0, position.0, |k, v| {
            batch.put_cf(runs, k, v)
        });
        records += 1;
        if batch.len() >= 100_000 {
            db.write(std::mem::take(&mut batch))
                .map_err(LedgerError::storage("writing the stream index"))?;
        }
        it.next();
    }
    it.status()
        .map_err(LedgerError::storage("reading the log for the stream index"))?;
    tracker.finish(|k, v| batch.put_cf(runs, k, v));
    db.write(batch)
        .map_err(LedgerError::storage("writing the stream index"))?;
    Ok(records)
}

/// Why a stored run entry is not one the log implies, or None when it is.
pub(crate) fn run_problem(
    db: &DB,
    key: &[u8],
    value: &[u8],
) -> Result<Option<&'static str>, LedgerError> {
    let (Some((name, first_version)), Some((first_position, count))) =
        (keys::split_name_key(key), keys::decode_run(value))
    else {
        return Ok(Some("is malformed"));
    };
    let is = |position: u64, version: u64| -> Result<bool, LedgerError> {
        Ok(reads::get(db, Position(position))?
            .is_some_and(|r| r.stream.as_str() == name && r.version.0 == version))
    };
    for i in 0..count {
        if !is(first_position.0 + i, first_version + i)? {
            return Ok(Some("covers a record of another stream or version"));
        }
    }
    if first_position.0 > 0 && first_version > 0 && is(first_position.0 - 1, first_version - 1)? {
        return Ok(Some("starts inside a longer run"));
    }
    if is(first_position.0 + count, first_version + count)? {
        return Ok(Some("ends inside a longer run"));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(name: &str) -> StreamId {
        StreamId::new(name).unwrap()
    }

    #[test]
    fn a_run_grows_only_when_both_version_and_position_follow_on() {
        let a = stream("a");
        let run = Run::followed_by(None, &a, StreamVersion(0), Position(10), 3);
        let grown = Run::followed_by(Some(run.clone()), &a, StreamVersion(3), Position(13), 2);
        assert_eq!((grown.first_position, grown.count), (Position(10), 5));
        let gap = Run::followed_by(Some(run.clone()), &a, StreamVersion(3), Position(14), 1);
        assert_eq!((gap.first_position, gap.count), (Position(14), 1));
        let other = Run::followed_by(Some(run), &stream("b"), StreamVersion(3), Position(13), 1);
        assert_eq!(other.stream, stream("b"));
        assert_eq!(grown.position_of(StreamVersion(4)), Some(Position(14)));
        assert_eq!(grown.position_of(StreamVersion(5)), None);
        assert_eq!(grown.last_version(), StreamVersion(4));
    }

    #[test]
    fn the_tracker_hands_over_maximal_runs() {
        let mut tracker = RunTracker::default();
        let mut out = Vec::new();
        let log = [
            ("a", 0),
            ("a", 1),
            ("b", 0),
            ("a", 2),
            ("a", 3),
            ("a", 4),
            ("b", 1),
        ];
        for (position, (s, v)) in log.iter().enumerate() {
            tracker.push(s, *v, position as u64, |k, v| out.push((k.to_vec(), v)));
        }
        tracker.finish(|k, v| out.push((k.to_vec(), v)));
        let decoded: Vec<_> = out
            .iter()
            .map(|(k, v)| {
                let (name, first) = keys::split_name_key(k).unwrap();
                let (p, n) = keys::decode_run(v).unwrap();
                (name.to_owned(), first, p.0, n)
            })
            .collect();
        let want = [
            ("a", 0, 0, 2),
            ("b", 0, 2, 1),
            ("a", 2, 3, 3),
            ("b", 1, 6, 1),
        ];
        assert_eq!(
            decoded,
            want.map(|(s, f, p, n)| (s.to_owned(), f, p, n)).to_vec()
        );
    }
}
