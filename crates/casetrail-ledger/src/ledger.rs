//! The ledger handle: cheap to clone, shared by every task that appends or reads.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rocksdb::DB;
use tokio::sync::{mpsc, oneshot, watch};

use crate::append::{AppendRequest, Appended, Head};
use crate::clock::Clock;
use crate::error::LedgerError;
use crate::ids::{EventId, EventType, Position, StreamId, StreamVersion};
use crate::keys::{self, CF_CHECKPOINTS, CF_EVENT_IDS};
use crate::migrate::Migration;
use crate::reads::{self, Direction, LogIter};
use crate::record::Record;
use crate::streams::StreamIter;
use crate::tree::{self, StoredTree, TreeHead};
use crate::types::TypeIter;
use crate::verify::{self, Layout, VerifyReport};
use crate::writer::{Job, Writer};
use casetrail_merkle::Hash;

/// How many appends may wait for the writer before `append` itself waits.
const QUEUE_DEPTH: usize = 4096;

/// An open ledger. Clones share one database and one writer; the database closes when the
/// last clone (and the last subscription) is dropped.
#[derive(Clone, Debug)]
pub struct Ledger {
    inner: Arc<Inner>,
}

struct Inner {
    db: Arc<DB>,
    path: PathBuf,
    jobs: Option<mpsc::Sender<Job>>,
    writer: Option<JoinHandle<()>>,
    head: watch::Receiver<Option<Head>>,
    tree: watch::Receiver<TreeHead>,
    groups: Arc<AtomicU64>,
    /// Held while the type index is brought up to the head, so that two reads do not both.
    types_catch_up: Mutex<()>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("path", &self.path)
            .field("head", &*self.head.borrow())
            .field("read_only", &self.jobs.is_none())
            .finish()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing the queue ends the writer after its current group; joining it means the
        // database is closed (and its LOCK released) when the last handle is gone.
        self.jobs.take();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
            // Everything is already durable in the write-ahead log; flushing it into table
            // files now spares the next open (often a read-only one) from replaying it.
            let handles: Vec<_> = crate::keys::ALL_CFS
                .iter()
                .map(|n| crate::handles::cf(&self.db, n))
                .collect();
            if let Err(e) = self
                .db
                .flush_cfs_opt(&handles, &rocksdb::FlushOptions::default())
            {
                tracing::warn!(error = %e, "flushing the ledger on close failed; the next open replays its log");
            }
        }
    }
}

/// How a read-write ledger is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerOptions {
    /// Keep the Merkle tree as records are appended. Turning it off exists to measure what
    /// the tree costs (`scripts/bench ledger`): the ledger is then marked as without its
    /// tree, so the next open with the tree on builds it again from the records.
    pub merkle_tree: bool,
}

impl Default for LedgerOptions {
    fn default() -> Self {
        LedgerOptions { merkle_tree: true }
    }
}

impl Ledger {
    /// Brings the closed ledger in `path` to this build's on-disk format, verifying it in
    /// its old format first (a broken ledger is left as it is) and in the new one after.
    /// A ledger already current is only verified.
    pub fn migrate(path: impl AsRef<Path>) -> Result<Migration, LedgerError> {
        crate::migrate::migrate(path.as_ref())
    }

    /// Opens the ledger in `path` for reading and appending, creating it if nothing is there.
    pub fn open(path: impl AsRef<Path>, clock: Arc<dyn Clock>) -> Result<Ledger, LedgerError> {
        Self::open_with(path, clock, LedgerOptions::default())
    }

    /// [`Ledger::open`] with options.
    pub fn open_with(
        path: impl AsRef<Path>,
        clock: Arc<dyn Clock>,
        options: LedgerOptions,
    ) -> Result<Ledger, LedgerError> {
        let path = path.as_ref();
        let (db, _) = crate::db::open(path, crate::db::Mode::ReadWrite)?;
        let db = Arc::new(db);
        let head = reads::stored_head(&db)?;
        let last_run = crate::runs::run_ending_at(&db, head)?;
        let (head_tx, head_rx) = watch::channel(head);
        let frontier = if options.merkle_tree {
            if crate::db::tree_missing(&db)? {
                crate::db::build_missing_tree(&db, path)?;
            }
            Some(tree::restore_frontier(&db, tree_size(head))?)
        } else {
            crate::db::mark_without_tree(&db)?;
            None
        };
        let empty = casetrail_merkle::Frontier::new();
        let (tree_tx, tree_rx) =
            watch::channel(tree_head(frontier.as_ref().unwrap_or(&empty), head));
        let (jobs_tx, jobs_rx) = mpsc::channel(QUEUE_DEPTH);
        let groups = Arc::new(AtomicU64::new(0));
        let writer = Writer::new(
            Arc::clone(&db),
            clock,
            head,
            head_tx,
            (frontier, tree_tx),
            Arc::clone(&groups),
            last_run,
        );
        let thread = std::thread::Builder::new()
            .name("casetrail-ledger-writer".into())
            .spawn(move || writer.run(jobs_rx))
            .map_err(|source| LedgerError::WriterThread { source })?;
        Ok(Ledger {
            inner: Arc::new(Inner {
                db,
                path: path.to_owned(),
                jobs: Some(jobs_tx),
                writer: Some(thread),
                head: head_rx,
                tree: tree_rx,
                groups,
                types_catch_up: Mutex::new(()),
            }),
        })
    }

    /// Opens an existing ledger for reading only, beside a process that may be writing it.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Ledger, LedgerError> {
        let path = path.as_ref();
        let (db, _) = crate::db::open(path, crate::db::Mode::ReadOnly)?;
        let db = Arc::new(db);
        let head = reads::stored_head(&db)?;
        let (_, head_rx) = watch::channel(head);
        // A damaged log must still open for reading, so that verify can say where; its
        // tree is then unknown (size 0), and proofs are refused until it is repaired.
        let tree = match tree::restore_frontier(&db, tree_size(head)) {
            Ok(frontier) => tree_head(&frontier, head),
            Err(error) => {
                tracing::warn!(%error, "the Merkle tree's right edge cannot be restored; run verify");
                tree_head(&casetrail_merkle::Frontier::new(), None)
            }
        };
        let (_, tree_rx) = watch::channel(tree);
        Ok(Ledger {
            inner: Arc::new(Inner {
                db,
                path: path.to_owned(),
                jobs: None,
                writer: None,
                head: head_rx,
                tree: tree_rx,
                groups: Arc::new(AtomicU64::new(0)),
                types_catch_up: Mutex::new(()),
            }),
        })
    }

    /// The ledger's folder.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    fn db(&self) -> &DB {
        &self.inner.db
    }

    fn submit(
        &self,
        request: AppendRequest,
    ) -> Result<(Job, oneshot::Receiver<Result<Appended, LedgerError>>), LedgerError> {
        if self.inner.jobs.is_none() {
            return Err(LedgerError::ReadOnly {
                path: self.inner.path.clone(),
            });
        }
        let (reply, answer) = oneshot::channel();
        Ok((Job { request, reply }, answer))
    }

    /// Appends atomically and returns once the write is synced to disk.
    pub async fn append(&self, request: AppendRequest) -> Result<Appended, LedgerError> {
        let (job, answer) = self.submit(request)?;
        let jobs = self.inner.jobs.as_ref().expect("checked by submit");
        jobs.send(job)
            .await
            .map_err(|_| LedgerError::WriterStopped)?;
        answer.await.map_err(|_| LedgerError::WriterStopped)?
    }

    /// [`Ledger::append`] for callers outside an async runtime.
    pub fn append_blocking(&self, request: AppendRequest) -> Result<Appended, LedgerError> {
        let (job, answer) = self.submit(request)?;
        let jobs = self.inner.jobs.as_ref().expect("checked by submit");
        jobs.blocking_send(job)
            .map_err(|_| LedgerError::WriterStopped)?;
        answer
            .blocking_recv()
            .map_err(|_| LedgerError::WriterStopped)?
    }

    /// The last committed record, or None while the log is empty.
    pub fn head(&self) -> Option<Head> {
        *self.inner.head.borrow()
    }

    /// How many synced writes this handle's writer has made since it opened: appends per
    /// group commit is the ratio of the two.
    pub fn group_commits(&self) -> u64 {
        self.inner.groups.load(Ordering::Relaxed)
    }

    pub(crate) fn watch_head(&self) -> watch::Receiver<Option<Head>> {
        self.inner.head.clone()
    }

    /// The record at a position, if the log reaches it.
    pub fn get(&self, position: Position) -> Result<Option<Record>, LedgerError> {
        reads::get(self.db(), position)
    }

    /// Every record from `from` on, in log order.
    pub fn read_all(&self, from: Position) -> LogIter<'_> {
        LogIter::new(self.db(), from)
    }

    /// A stream's records from version `from` (inclusive), either way.
    /// [`StreamVersion::LAST`] with [`Direction::Backward`] starts at the newest.
    pub fn read_stream(
        &self,
        stream: &StreamId,
        from: StreamVersion,
        direction: Direction,
    ) -> StreamIter<'_> {
        StreamIter::new(self.db(), stream, from, direction)
    }

    /// Every record of one event type from position `from` on. A read-write ledger first
    /// brings its type index up to the head (a projection, not written by appends); a
    /// read-only one reads what the index lacks from the log.
    pub fn read_type(&self, event_type: &EventType, from: Position) -> TypeIter<'_> {
        if self.inner.jobs.is_some()
            && let Err(error) = self.catch_up_types()
        {
            return TypeIter::failed(self.db(), event_type, error);
        }
        TypeIter::new(self.db(), event_type, from)
    }

    /// Brings the type index up to the head; returns the first position it does not cover.
    pub fn catch_up_types(&self) -> Result<Position, LedgerError> {
        let _one_at_a_time = self
            .inner
            .types_catch_up
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        crate::types::catch_up(self.db())
    }

    /// The version of a stream's last event, or None when the stream does not exist.
    pub fn stream_version(&self, stream: &StreamId) -> Result<Option<StreamVersion>, LedgerError> {
        crate::runs::last_version(self.db(), stream)
    }

    /// Where an event id is stored, if it is.
    pub fn position_of(&self, id: EventId) -> Result<Option<Position>, LedgerError> {
        let value = self
            .db()
            .get_pinned_cf(
                crate::handles::cf(self.db(), CF_EVENT_IDS),
                keys::event_id_key(id),
            )
            .map_err(LedgerError::storage("reading the event id index"))?;
        Ok(value.and_then(|v| keys::decode_u64(&v)).map(Position))
    }

    /// The Merkle tree over every committed record: size, root and last chain hash, always
    /// of the same moment.
    pub fn tree_head(&self) -> TreeHead {
        *self.inner.tree.borrow()
    }

    fn check_size(&self, size: u64) -> Result<(), LedgerError> {
        let log_size = self.tree_head().size;
        if size > log_size {
            return Err(LedgerError::TreeBeyondLog { size, log_size });
        }
        Ok(())
    }

    /// The root of the tree over the first `size` records (an older checkpoint's size).
    pub fn tree_root(&self, size: u64) -> Result<Hash, LedgerError> {
        self.check_size(size)?;
        casetrail_merkle::root_of(&StoredTree { db: self.db() }, size)
    }

    /// The leaf hash of the record at `position`, as the tree holds it.
    pub fn tree_leaf(&self, position: Position) -> Result<Hash, LedgerError> {
        use casetrail_merkle::Subtrees;
        StoredTree { db: self.db() }.perfect(0, position.0)
    }

    /// The hashes that show the record at `position` is in the tree of `size` records.
    pub fn inclusion_proof(&self, position: Position, size: u64) -> Result<Vec<Hash>, LedgerError> {
        self.check_size(size)?;
        casetrail_merkle::inclusion_proof_of(&StoredTree { db: self.db() }, position.0, size)
    }

    /// The hashes that show the tree of `old_size` records is a prefix of that of `new_size`.
    pub fn consistency_proof(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<Hash>, LedgerError> {
        self.check_size(new_size)?;
        casetrail_merkle::consistency_proof_of(&StoredTree { db: self.db() }, old_size, new_size)
    }

    /// Keeps a checkpoint (opaque bytes, signed by the caller) of the tree at `size`, synced.
    /// Checkpoints sit beside the log, not in it: publishing one appends no event.
    pub fn store_checkpoint(&self, size: u64, checkpoint: &[u8]) -> Result<(), LedgerError> {
        self.check_size(size)?;
        let mut sync = rocksdb::WriteOptions::default();
        sync.set_sync(true);
        self.db()
            .put_cf_opt(
                crate::handles::cf(self.db(), CF_CHECKPOINTS),
                keys::checkpoint_key(size),
                checkpoint,
                &sync,
            )
            .map_err(LedgerError::storage("writing a checkpoint"))
    }

    /// The stored checkpoint with the largest size, as `(size, bytes)`.
    pub fn latest_checkpoint(&self) -> Result<Option<(u64, Vec<u8>)>, LedgerError> {
        let mut it = self
            .db()
            .raw_iterator_cf(crate::handles::cf(self.db(), CF_CHECKPOINTS));
        it.seek_to_last();
        let found = match (it.key(), it.value()) {
            (Some(k), Some(v)) => keys::decode_u64(k).map(|size| (size, v.to_vec())),
            _ => None,
        };
        it.status()
            .map_err(LedgerError::storage("reading the checkpoints"))?;
        Ok(found)
    }

    /// Recomputes the whole chain and every index entry.
    pub fn verify(&self) -> Result<VerifyReport, LedgerError> {
        verify::full(self.db(), Layout::current(self.db())?)
    }

    /// Checks that the record at `checkpoint.position` still has `checkpoint.hash`, then
    /// verifies everything after it.
    pub fn verify_from(&self, checkpoint: Head) -> Result<VerifyReport, LedgerError> {
        verify::from_checkpoint(self.db(), checkpoint, Layout::current(self.db())?)
    }
}

fn tree_size(head: Option<Head>) -> u64 {
    head.map_or(0, |h| h.position.0 + 1)
}

fn tree_head(frontier: &casetrail_merkle::Frontier, head: Option<Head>) -> TreeHead {
    TreeHead {
        size: frontier.size(),
        root: frontier.root(),
        head: head.map(|h| h.hash),
    }
}
