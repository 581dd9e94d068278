//! The ledger handle: cheap to clone, shared by every task that appends or reads.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use rocksdb::DB;
use tokio::sync::{mpsc, oneshot, watch};

use crate::append::{AppendRequest, Appended, Head};
use crate::clock::Clock;
use crate::error::LedgerError;
use crate::ids::{EventId, EventType, Position, StreamId, StreamVersion};
use crate::keys::{self, CF_EVENT_IDS};
use crate::reads::{self, Direction, IndexIter, LogIter};
use crate::record::Record;
use crate::verify::{self, VerifyReport};
use crate::writer::{Job, Writer};

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
    groups: Arc<AtomicU64>,
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
                .map(|n| crate::db::cf(&self.db, n))
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

impl Ledger {
    /// Opens the ledger in `path` for reading and appending, creating it if nothing is there.
    pub fn open(path: impl AsRef<Path>, clock: Arc<dyn Clock>) -> Result<Ledger, LedgerError> {
        let path = path.as_ref();
        let db = Arc::new(crate::db::open(path, false)?);
        let head = reads::stored_head(&db)?;
        let (head_tx, head_rx) = watch::channel(head);
        let (jobs_tx, jobs_rx) = mpsc::channel(QUEUE_DEPTH);
        let groups = Arc::new(AtomicU64::new(0));
        let writer = Writer::new(Arc::clone(&db), clock, head, head_tx, Arc::clone(&groups));
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
                groups,
            }),
        })
    }

    /// Opens an existing ledger for reading only, beside a process that may be writing it.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Ledger, LedgerError> {
        let path = path.as_ref();
        let db = Arc::new(crate::db::open(path, true)?);
        let head = reads::stored_head(&db)?;
        let (_, head_rx) = watch::channel(head);
        Ok(Ledger {
            inner: Arc::new(Inner {
                db,
                path: path.to_owned(),
                jobs: None,
                writer: None,
                head: head_rx,
                groups: Arc::new(AtomicU64::new(0)),
            }),
        })
    }

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
    ) -> IndexIter<'_> {
        IndexIter::stream(self.db(), stream, from, direction)
    }

    /// Every record of one event type from position `from` on.
    pub fn read_type(&self, event_type: &EventType, from: Position) -> IndexIter<'_> {
        IndexIter::event_type(self.db(), event_type.as_str(), from)
    }

    /// The version of a stream's last event, or None when the stream does not exist.
    pub fn stream_version(&self, stream: &StreamId) -> Result<Option<StreamVersion>, LedgerError> {
        reads::stream_version(self.db(), stream)
    }

    /// Where an event id is stored, if it is.
    pub fn position_of(&self, id: EventId) -> Result<Option<Position>, LedgerError> {
        let value = self
            .db()
            .get_pinned_cf(
                crate::db::cf(self.db(), CF_EVENT_IDS),
                keys::event_id_key(id),
            )
            .map_err(LedgerError::storage("reading the event id index"))?;
        Ok(value.and_then(|v| keys::decode_u64(&v)).map(Position))
    }

    /// Recomputes the whole chain and every index entry.
    pub fn verify(&self) -> Result<VerifyReport, LedgerError> {
        verify::full(self.db())
    }

    /// Checks that the record at `checkpoint.position` still has `checkpoint.hash`, then
    /// verifies everything after it.
    pub fn verify_from(&self, checkpoint: Head) -> Result<VerifyReport, LedgerError> {
        verify::from_checkpoint(self.db(), checkpoint)
    }
}
