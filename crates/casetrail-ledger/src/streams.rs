//! Reading one stream, either way, through its runs (`runs.rs`).

use rocksdb::{DB, DBRawIterator};

use crate::error::LedgerError;
use crate::handles::cf;
use crate::ids::{Position, StreamId, StreamVersion};
use crate::keys::{self, CF_STREAM_RUNS};
use crate::reads::{Direction, corrupt_index, get};
use crate::record::Record;
use crate::runs::{self, Run};

/// A stream's records, either way, found through its runs and loaded from the log.
pub struct StreamIter<'a> {
    db: &'a DB,
    runs: DBRawIterator<'a>,
    stream: StreamId,
    direction: Direction,
    /// The run being read, and the offset in it of the next record to yield.
    current: Option<(Run, u64)>,
    /// An error met before the first record, said once.
    pending: Option<LedgerError>,
}

impl std::fmt::Debug for StreamIter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamIter")
            .field("stream", &self.stream)
            .field("direction", &self.direction)
            .finish()
    }
}

impl<'a> StreamIter<'a> {
    pub(crate) fn new(
        db: &'a DB,
        stream: &StreamId,
        from: StreamVersion,
        direction: Direction,
    ) -> Self {
        let mut runs_it = db.raw_iterator_cf(cf(db, CF_STREAM_RUNS));
        let start = first_run(&mut runs_it, stream, from, direction);
        let (current, pending) = match start {
            Ok(current) => (current, None),
            Err(e) => (None, Some(e)),
        };
        StreamIter {
            db,
            runs: runs_it,
            stream: stream.clone(),
            direction,
            current,
            pending,
        }
    }

    /// Moves to the stream's next run in the walk's direction.
    fn next_run(&mut self) -> Result<Option<(Run, u64)>, LedgerError> {
        match self.direction {
            Direction::Forward => self.runs.next(),
            Direction::Backward => self.runs.prev(),
        }
        Ok(runs::run_here(&self.runs, &self.stream)?.map(|r| {
            let offset = match self.direction {
                Direction::Forward => 0,
                Direction::Backward => r.count - 1,
            };
            (r, offset)
        }))
    }

    fn load(&self, run: &Run, offset: u64) -> Result<Record, LedgerError> {
        let version = StreamVersion(run.first_version.0 + offset);
        let broken = || corrupt_index(CF_STREAM_RUNS, &run.key());
        let record = get(self.db, Position(run.first_position.0 + offset))?.ok_or_else(broken)?;
        if record.stream != self.stream || record.version != version {
            return Err(broken());
        }
        Ok(record)
    }
}

impl Iterator for StreamIter<'_> {
    type Item = Result<Record, LedgerError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.pending.take() {
            return Some(Err(e));
        }
        let (run, offset) = self.current.take()?;
        let item = self.load(&run, offset);
        if item.is_err() {
            return Some(item);
        }
        let following = match self.direction {
            Direction::Forward if offset + 1 < run.count => Ok(Some((run, offset + 1))),
            Direction::Backward if offset > 0 => Ok(Some((run, offset - 1))),
            _ => self.next_run(),
        };
        match following {
            Ok(next) => self.current = next,
            Err(e) => self.pending = Some(e),
        }
        Some(item)
    }
}

/// The run holding `from` and the offset of `from` in it; walking backward from past the
/// end, the stream's last run at its end; walking forward from a gap, the next run.
fn first_run(
    it: &mut DBRawIterator<'_>,
    stream: &StreamId,
    from: StreamVersion,
    direction: Direction,
) -> Result<Option<(Run, u64)>, LedgerError> {
    it.seek_for_prev(keys::stream_key(stream.as_str(), from));
    let before = runs::run_here(it, stream)?;
    Ok(match (direction, before) {
        (Direction::Backward, run) => run.map(|r| {
            let offset = from.0.min(r.last_version().0) - r.first_version.0;
            (r, offset)
        }),
        (Direction::Forward, Some(run)) if run.position_of(from).is_some() => {
            let offset = from.0 - run.first_version.0;
            Some((run, offset))
        }
        (Direction::Forward, _) => {
            it.seek(keys::stream_key(stream.as_str(), from));
            runs::run_here(it, stream)?.map(|r| (r, 0))
        }
    })
}
