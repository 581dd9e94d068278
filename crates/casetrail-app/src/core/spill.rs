//! Items set aside on disk in sorted runs and read back merged, in sealed scratch files.
//!
//! An import checks its whole file before it writes anything, and then writes each patient's
//! rows together, patients in order of first appearance. Holding every row for that costs
//! memory in proportion to the file (1.75 GiB at 2.6 million contacts). A [`Spill`] holds at
//! most one run of items instead: when the run is full it is sorted by group (stable, so
//! within a group the order of pushing stays) and written to a scratch file of its own. Reading
//! back merges the runs, so items come out by group, groups in ascending order, each group's
//! items in the order they were pushed. Memory is two runs while pushing (one filling, one being
//! written on a thread of its own) and one block per run while merging; more than 64 runs are
//! first merged 64 at a time into longer runs, so the final merge holds at most 64 files open
//! and 64 blocks in memory whatever the input's length. A spill that never fills a run never
//! touches the disk.
//!
//! A scratch file is a sequence of blocks, each `length (u32 LE) ‖ sealed bytes`; a block
//! opens to the postcard encoding of a list of `(group, seq, item)`. Blocks are sealed under a
//! key made for this spill alone and never written anywhere (see
//! `casetrail_protect::ScratchKey`), so the files, which hold personal data in the clear when
//! sealed, are unreadable once the spill is dropped or the process dies; the folder is removed
//! when the spill is dropped, and a read-write open removes whatever a crash left in `DATA/tmp`.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use casetrail_protect::{BlockDoesNotOpen, BlockPlace, ScratchKey};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Items per sorted run: about 15 MiB of contact rows (two are in memory at a time, one
/// filling and one being written).
pub(crate) const RUN_ITEMS: usize = 25_000;
/// Items per sealed block: what the merge holds of each run at a time.
const BLOCK_ITEMS: usize = 128;
/// Runs read at once by a merge: open files, and blocks in memory.
const MAX_MERGED: usize = 64;
/// No block this module writes comes near this; a larger length is not a block.
const MAX_BLOCK_BYTES: u32 = 64 << 20;

/// Why a spill cannot be written or read back.
#[derive(Debug, thiserror::Error)]
pub enum SpillError {
    #[error("scratch file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("scratch file {path}: {source}")]
    DoesNotOpen {
        path: PathBuf,
        source: BlockDoesNotOpen,
    },
    #[error("scratch file {path}, block {block}: {detail}")]
    Malformed {
        path: PathBuf,
        block: u64,
        detail: String,
    },
}

#[derive(Debug, Serialize, serde::Deserialize)]
struct Entry<T> {
    group: u64,
    seq: u64,
    item: T,
}

#[derive(Debug)]
struct Run {
    path: PathBuf,
    /// The file's number, which its blocks' nonces carry; never reused within a spill.
    number: u64,
    blocks: u64,
}

/// Items pushed with their group, to be read back by group (see the module's documentation).
#[derive(Debug)]
pub(crate) struct Spill<T> {
    scratch: PathBuf,
    dir: Option<tempfile::TempDir>,
    key: ScratchKey,
    pending: Vec<Entry<T>>,
    runs: Vec<Run>,
    /// The run being sorted, sealed and written on a thread of its own while the next fills,
    /// so that reading the file and writing the runs share the cores.
    writing: Option<std::thread::JoinHandle<Written<T>>>,
    pushed: u64,
    run_items: usize,
    next_file: u64,
}

impl<T: Serialize + DeserializeOwned + Send + 'static> Spill<T> {
    /// A spill whose files, if it needs any, go in a new folder under `scratch`; `key` must be
    /// fresh random bytes, used for nothing else.
    pub(crate) fn new(scratch: &Path, key: [u8; 32], run_items: usize) -> Self {
        Spill {
            scratch: scratch.to_owned(),
            dir: None,
            key: ScratchKey::from_bytes(key),
            pending: Vec::new(),
            runs: Vec::new(),
            writing: None,
            pushed: 0,
            run_items: run_items.max(1),
            next_file: 0,
        }
    }

    /// Adds `item` to `group`; writes a run when the current one is full.
    pub(crate) fn push(&mut self, group: u64, item: T) -> Result<(), SpillError> {
        self.pending.push(Entry {
            group,
            seq: self.pushed,
            item,
        });
        self.pushed += 1;
        if self.pending.len() >= self.run_items {
            self.write_run()?;
        }
        Ok(())
    }

    fn folder(&mut self) -> Result<PathBuf, SpillError> {
        if let Some(dir) = &self.dir {
            return Ok(dir.path().to_owned());
        }
        let io = |source| SpillError::Io {
            path: self.scratch.clone(),
            source,
        };
        std::fs::create_dir_all(&self.scratch).map_err(io)?;
        let dir = tempfile::Builder::new()
            .prefix("spill-")
            .tempdir_in(&self.scratch)
            .map_err(io)?;
        let path = dir.path().to_owned();
        self.dir = Some(dir);
        Ok(path)
    }

    /// Hands the full run to a writing thread, once the one before it is written.
    fn write_run(&mut self) -> Result<(), SpillError> {
        self.written()?;
        let (file_number, path) = self.next_path()?;
        let entries = std::mem::replace(&mut self.pending, Vec::with_capacity(self.run_items));
        let key = self.key.clone();
        self.writing = Some(std::thread::spawn(move || {
            (write_run_file(path, file_number, &entries, &key), entries)
        }));
        Ok(())
    }

    /// A new scratch file's number and path.
    fn next_path(&mut self) -> Result<(u64, PathBuf), SpillError> {
        let number = self.next_file;
        self.next_file += 1;
        Ok((number, self.folder()?.join(format!("run-{number}"))))
    }

    /// Merges the first [`MAX_MERGED`] runs into one, until no more than that many are left:
    /// the final merge holds one open file and one block per run.
    fn merge_down(&mut self) -> Result<(), SpillError> {
        while self.runs.len() > MAX_MERGED {
            let inputs: Vec<Run> = self.runs.drain(..MAX_MERGED).collect();
            let paths: Vec<PathBuf> = inputs.iter().map(|r| r.path.clone()).collect();
            let mut merge = Merge::<T>::open(inputs, &self.key)?;
            let (number, path) = self.next_path()?;
            let mut out = BlockWriter::create(path, number, &self.key)?;
            let mut block = Vec::with_capacity(BLOCK_ITEMS);
            while let Some(entry) = merge.next_entry() {
                block.push(entry?);
                if block.len() == BLOCK_ITEMS {
                    out.write_block(&block)?;
                    block.clear();
                }
            }
            if !block.is_empty() {
                out.write_block(&block)?;
            }
            self.runs.push(out.finish()?);
            for path in paths {
                std::fs::remove_file(&path).map_err(|source| SpillError::Io { path, source })?;
            }
        }
        Ok(())
    }

    /// Waits for the run being written, and counts it. Its items are dropped here, on the
    /// thread that made them: freed on the writing thread, they made the two threads queue for
    /// the allocator's lock.
    fn written(&mut self) -> Result<(), SpillError> {
        if let Some(writing) = self.writing.take() {
            let (run, entries) = writing.join().expect("writing a run does not panic");
            drop(entries);
            self.runs.push(run?);
        }
        Ok(())
    }

    /// Every item, by group and within a group in the order pushed.
    pub(crate) fn into_sorted(mut self) -> Result<Sorted<T>, SpillError> {
        self.written()?;
        if self.runs.is_empty() {
            let mut pending = std::mem::take(&mut self.pending);
            pending.sort_by_key(|e| e.group);
            return Ok(Sorted {
                source: Source::Memory(pending.into_iter()),
                _dir: None,
            });
        }
        if !self.pending.is_empty() {
            self.write_run()?;
            self.written()?;
        }
        self.merge_down()?;
        let merge = Merge::open(std::mem::take(&mut self.runs), &self.key)?;
        Ok(Sorted {
            source: Source::Runs(merge),
            _dir: self.dir.take(),
        })
    }
}

impl<T> Drop for Spill<T> {
    /// A run still being written finishes before its folder is removed.
    fn drop(&mut self) {
        if let Some(writing) = self.writing.take() {
            let _ = writing.join();
        }
    }
}

/// What a writing thread hands back: the run written, and its items to drop.
type Written<T> = (Result<Run, SpillError>, Vec<Entry<T>>);

/// Writes `entries` to `path` as sealed blocks, sorted by group (stably: pushed order within a
/// group). Sorts references, not the items, which are large.
fn write_run_file<T: Serialize>(
    path: PathBuf,
    file_number: u64,
    entries: &[Entry<T>],
    key: &ScratchKey,
) -> Result<Run, SpillError> {
    let mut sorted: Vec<&Entry<T>> = entries.iter().collect();
    sorted.sort_by_key(|e| e.group);
    let mut out = BlockWriter::create(path, file_number, key)?;
    for block in sorted.chunks(BLOCK_ITEMS) {
        out.write_block(block)?;
    }
    out.finish()
}

/// A scratch file being written, a sealed block at a time.
struct BlockWriter<'k> {
    out: BufWriter<File>,
    path: PathBuf,
    number: u64,
    blocks: u64,
    key: &'k ScratchKey,
}

impl<'k> BlockWriter<'k> {
    fn create(path: PathBuf, number: u64, key: &'k ScratchKey) -> Result<Self, SpillError> {
        let file = File::create(&path).map_err(|source| SpillError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(BlockWriter {
            out: BufWriter::with_capacity(1 << 20, file),
            path,
            number,
            blocks: 0,
            key,
        })
    }

    /// One block of entries (owned or borrowed: both encode alike).
    fn write_block<E: Serialize>(&mut self, block: &[E]) -> Result<(), SpillError> {
        let malformed = |detail: String| SpillError::Malformed {
            path: self.path.clone(),
            block: self.blocks,
            detail,
        };
        let plain =
            postcard::to_stdvec(block).map_err(|e| malformed(format!("does not encode: {e}")))?;
        let place = BlockPlace {
            file: self.number,
            block: self.blocks,
        };
        let sealed = self.key.seal(place, &plain);
        let length = u32::try_from(sealed.len())
            .ok()
            .filter(|&n| n <= MAX_BLOCK_BYTES)
            .ok_or_else(|| {
                malformed(format!(
                    "{} bytes is more than a block may hold",
                    sealed.len()
                ))
            })?;
        let io = |source| SpillError::Io {
            path: self.path.clone(),
            source,
        };
        self.out.write_all(&length.to_le_bytes()).map_err(io)?;
        self.out.write_all(&sealed).map_err(io)?;
        self.blocks += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<Run, SpillError> {
        self.out.flush().map_err(|source| SpillError::Io {
            path: self.path.clone(),
            source,
        })?;
        Ok(Run {
            path: self.path,
            number: self.number,
            blocks: self.blocks,
        })
    }
}

/// Reads one run back, a block at a time.
#[derive(Debug)]
struct RunReader<T> {
    input: BufReader<File>,
    path: PathBuf,
    key: ScratchKey,
    file_number: u64,
    next_block: u64,
    blocks: u64,
    block: VecDeque<Entry<T>>,
}

impl<T: DeserializeOwned> RunReader<T> {
    fn next_entry(&mut self) -> Result<Option<Entry<T>>, SpillError> {
        if self.block.is_empty() && self.next_block < self.blocks {
            self.block = self.read_block()?.into();
        }
        Ok(self.block.pop_front())
    }

    fn read_block(&mut self) -> Result<Vec<Entry<T>>, SpillError> {
        let block = self.next_block;
        let malformed = |detail: String| SpillError::Malformed {
            path: self.path.clone(),
            block,
            detail,
        };
        let mut length = [0u8; 4];
        self.input
            .read_exact(&mut length)
            .map_err(|e| malformed(format!("no block here ({e})")))?;
        let length = u32::from_le_bytes(length);
        if length > MAX_BLOCK_BYTES {
            return Err(malformed(format!("a block of {length} bytes")));
        }
        let mut sealed = vec![0u8; length as usize];
        self.input
            .read_exact(&mut sealed)
            .map_err(|e| malformed(format!("cut short ({e})")))?;
        let place = BlockPlace {
            file: self.file_number,
            block,
        };
        let plain = self
            .key
            .open(place, &sealed)
            .map_err(|source| SpillError::DoesNotOpen {
                path: self.path.clone(),
                source,
            })?;
        let entries: Vec<Entry<T>> =
            postcard::from_bytes(&plain).map_err(|e| malformed(format!("does not decode: {e}")))?;
        if entries.is_empty() {
            return Err(malformed("an empty block".into()));
        }
        self.next_block += 1;
        Ok(entries)
    }
}

/// Runs merged: each run's next entry on a heap, smallest (group, seq) first.
#[derive(Debug)]
struct Merge<T> {
    readers: Vec<RunReader<T>>,
    heap: BinaryHeap<Reverse<(u64, u64, usize)>>,
}

impl<T: DeserializeOwned> Merge<T> {
    fn open(runs: Vec<Run>, key: &ScratchKey) -> Result<Self, SpillError> {
        let mut readers = Vec::with_capacity(runs.len());
        let mut heap = BinaryHeap::with_capacity(runs.len());
        for (at, run) in runs.into_iter().enumerate() {
            let file = File::open(&run.path).map_err(|source| SpillError::Io {
                path: run.path.clone(),
                source,
            })?;
            let mut reader = RunReader {
                input: BufReader::with_capacity(64 << 10, file),
                path: run.path,
                key: key.clone(),
                file_number: run.number,
                next_block: 0,
                blocks: run.blocks,
                block: VecDeque::new(),
            };
            if let Some(first) = reader.next_entry()? {
                heap.push(Reverse((first.group, first.seq, at)));
                reader.block.push_front(first);
            }
            readers.push(reader);
        }
        Ok(Merge { readers, heap })
    }

    /// The next entry of all runs; after an error, nothing more.
    fn next_entry(&mut self) -> Option<Result<Entry<T>, SpillError>> {
        let Reverse((_, _, at)) = self.heap.pop()?;
        let reader = &mut self.readers[at];
        let entry = reader
            .block
            .pop_front()
            .expect("a run on the heap has its head in its block");
        match reader.next_entry() {
            Ok(Some(next)) => {
                self.heap.push(Reverse((next.group, next.seq, at)));
                reader.block.push_front(next);
            }
            Ok(None) => {}
            Err(e) => {
                self.heap.clear();
                return Some(Err(e));
            }
        }
        Some(Ok(entry))
    }
}

#[derive(Debug)]
enum Source<T> {
    Memory(std::vec::IntoIter<Entry<T>>),
    Runs(Merge<T>),
}

/// A spill's items in order (see [`Spill::into_sorted`]), with the group of each. After an
/// error it yields nothing more. Its scratch files are removed when it is dropped.
#[derive(Debug)]
pub(crate) struct Sorted<T> {
    source: Source<T>,
    _dir: Option<tempfile::TempDir>,
}

impl<T: DeserializeOwned> Iterator for Sorted<T> {
    type Item = Result<(u64, T), SpillError>;

    fn next(&mut self) -> Option<Self::Item> {
        let entry = match &mut self.source {
            Source::Memory(items) => Ok(items.next()?),
            Source::Runs(merge) => merge.next_entry()?,
        };
        Some(entry.map(|e| (e.group, e.item)))
    }
}

#[cfg(test)]
mod tests;
