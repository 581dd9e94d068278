//! The single writer: gathers concurrent appends into one synced RocksDB write (group commit).
//!
//! Every append goes through one thread, which is what makes positions dense and the chain
//! linear. It takes whatever requests have queued up while the previous group was syncing,
//! checks each against the state staged so far, writes the accepted ones in one batch with
//! one fsync, and only then answers them. A refused request changes nothing in the group.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rocksdb::{DB, WriteBatch, WriteOptions};
use tokio::sync::{mpsc, oneshot, watch};

use crate::append::{AppendRequest, Appended, Head};
use crate::clock::Clock;
use crate::error::{ActualVersion, LedgerError};
use crate::handles::cf;
use crate::ids::{EventHash, EventId, Position, StreamId, StreamVersion, Timestamp};
use crate::keys::{self, CF_EVENT_IDS, CF_LOG, CF_META, CF_STREAM_RUNS};
use crate::reads;
use crate::record::{MAX_BLOB_LEN, RecordFields};
use crate::runs::{self, Run};
use crate::tree::{self, TreeHead};
use casetrail_merkle::Frontier;

/// At most this many appends share one fsync.
const MAX_GROUP_JOBS: usize = 1024;
/// ... and at most about this many payload bytes.
const MAX_GROUP_BYTES: usize = 64 * 1024 * 1024;
/// The longest a group waits for more appends to join it.
const MAX_LINGER: Duration = Duration::from_millis(2);
/// Stream versions the writer remembers between groups before it starts afresh.
const MAX_CACHED_STREAMS: usize = 100_000;
/// How long the writer sleeps between looks at the queue while it lingers.
const LINGER_STEP: Duration = Duration::from_micros(20);
/// Bytes a batch holds per event beyond its payload and metadata (header, keys, framing).
const BATCH_OVERHEAD_PER_EVENT: usize = 256;

pub(crate) struct Job {
    pub request: AppendRequest,
    pub reply: oneshot::Sender<Result<Appended, LedgerError>>,
}

pub(crate) struct Writer {
    db: Arc<DB>,
    clock: Arc<dyn Clock>,
    head: Option<Head>,
    head_tx: watch::Sender<Option<Head>>,
    /// The Merkle tree's right edge over every committed record (None: no tree kept).
    frontier: Option<Frontier>,
    tree_tx: watch::Sender<TreeHead>,
    groups: Arc<AtomicU64>,
    /// How many appends the writer expects in a group: the recent peak, halving when fewer come.
    expected_jobs: usize,
    /// How long the last synced write took: a lingering group waits at most this long.
    last_sync: Duration,
    /// One buffer for encoding every record.
    encode_buf: Vec<u8>,
    /// Last committed version of recently written streams. Only this thread writes, so what
    /// it remembers stays true; what it forgot is read back from the stream index.
    versions: HashMap<StreamId, StreamVersion>,
    /// The stream-index run that ends at the head: the next append continues it when it
    /// writes the same stream's next version.
    last_run: Option<Run>,
}

impl Writer {
    pub fn new(
        db: Arc<DB>,
        clock: Arc<dyn Clock>,
        head: Option<Head>,
        head_tx: watch::Sender<Option<Head>>,
        (frontier, tree_tx): (Option<Frontier>, watch::Sender<TreeHead>),
        groups: Arc<AtomicU64>,
        last_run: Option<Run>,
    ) -> Self {
        Writer {
            db,
            clock,
            head,
            head_tx,
            frontier,
            tree_tx,
            groups,
            expected_jobs: 1,
            last_sync: Duration::ZERO,
            encode_buf: Vec::new(),
            versions: HashMap::new(),
            last_run,
        }
    }

    pub fn run(mut self, mut rx: mpsc::Receiver<Job>) {
        while let Some(first) = rx.blocking_recv() {
            let jobs = self.gather(first, &mut rx);
            self.expected_jobs = jobs.len().max(self.expected_jobs / 2);
            self.commit_group(jobs);
        }
    }

    /// Takes what has queued up behind `first`. When recent groups were shared by several
    /// appenders, waits (at most one fsync's time) for the ones just answered to come back,
    /// so that concurrent appenders keep sharing fsyncs instead of splitting into halves.
    /// A lone appender (expected group of one) never waits.
    fn gather(&self, first: Job, rx: &mut mpsc::Receiver<Job>) -> Vec<Job> {
        let mut bytes = payload_bytes(&first.request);
        let mut jobs = vec![first];
        let deadline = Instant::now() + self.last_sync.min(MAX_LINGER);
        loop {
            while jobs.len() < MAX_GROUP_JOBS && bytes < MAX_GROUP_BYTES {
                match rx.try_recv() {
                    Ok(job) => {
                        bytes += payload_bytes(&job.request);
                        jobs.push(job);
                    }
                    Err(_) => break,
                }
            }
            let full = jobs.len() >= MAX_GROUP_JOBS || bytes >= MAX_GROUP_BYTES;
            if full || jobs.len() >= self.expected_jobs || Instant::now() >= deadline {
                return jobs;
            }
            std::thread::sleep(LINGER_STEP);
        }
    }

    fn commit_group(&mut self, jobs: Vec<Job>) {
        let capacity = jobs
            .iter()
            .map(|j| payload_bytes(&j.request) + j.request.event_count() * BATCH_OVERHEAD_PER_EVENT)
            .sum();
        let mut group = Group::new(
            self.head,
            self.frontier.clone(),
            self.last_run.clone(),
            capacity,
        );
        let mut outcomes = Vec::with_capacity(jobs.len());
        match committed_ids(&self.db, &jobs) {
            Ok(committed) => {
                for job in jobs {
                    let now = self.clock.now();
                    let known = Known {
                        ids: &committed,
                        versions: &self.versions,
                    };
                    let outcome =
                        group.stage(&self.db, known, &job.request, now, &mut self.encode_buf);
                    outcomes.push((job.reply, outcome));
                }
            }
            Err(source) => {
                for job in jobs {
                    let error = LedgerError::Storage {
                        context: "looking up event ids",
                        source: source.clone(),
                    };
                    outcomes.push((job.reply, Err(error)));
                }
            }
        }
        if group.touched {
            let began = Instant::now();
            let result = group.commit(&self.db);
            self.last_sync = began.elapsed();
            match result {
                Ok(()) => {
                    self.groups.fetch_add(1, Ordering::Relaxed);
                    if self.versions.len() + group.streams.len() > MAX_CACHED_STREAMS {
                        self.versions.clear();
                    }
                    self.versions.extend(group.streams.drain());
                    self.head = group.head;
                    self.frontier = group.frontier.take();
                    self.last_run = group.run.take();
                    if let Some(f) = &self.frontier {
                        self.tree_tx.send_replace(TreeHead {
                            size: f.size(),
                            root: f.root(),
                            head: self.head.map(|h| h.hash),
                        });
                    }
                    self.head_tx.send_replace(self.head);
                }
                Err(source) => {
                    tracing::error!(%source, "group commit failed; no append in the group was written");
                    for (_, outcome) in &mut outcomes {
                        if matches!(outcome, Ok(staged) if staged.needs_commit) {
                            *outcome = Err(LedgerError::Storage {
                                context: "writing an append",
                                source: source.clone(),
                            });
                        }
                    }
                }
            }
        }
        for (reply, outcome) in outcomes {
            // A caller that stopped waiting has nothing to be told.
            let _ = reply.send(outcome.map(|s| s.appended));
        }
    }
}

fn payload_bytes(request: &AppendRequest) -> usize {
    request
        .writes
        .iter()
        .flat_map(|w| &w.events)
        .map(|e| e.payload.len() + e.metadata.len())
        .sum()
}

struct Staged {
    appended: Appended,
    /// False only for a resend whose events were all committed by earlier groups.
    needs_commit: bool,
}

/// Where an event id already lives: committed, or staged earlier in this group.
struct StoredEvent {
    position: Position,
    stream: StreamId,
    version: StreamVersion,
    pending: bool,
}

/// State staged by one group on top of what RocksDB holds.
struct Group {
    batch: WriteBatch,
    head: Option<Head>,
    frontier: Option<Frontier>,
    /// The run that ends at `head`.
    run: Option<Run>,
    touched: bool,
    streams: HashMap<StreamId, StreamVersion>,
    ids: HashMap<EventId, (Position, StreamId, StreamVersion)>,
}

impl Group {
    fn new(
        head: Option<Head>,
        frontier: Option<Frontier>,
        run: Option<Run>,
        capacity_bytes: usize,
    ) -> Self {
        Group {
            batch: WriteBatch::with_capacity_bytes(capacity_bytes),
            head,
            frontier,
            run,
            touched: false,
            streams: HashMap::new(),
            ids: HashMap::new(),
        }
    }

    fn commit(&mut self, db: &DB) -> Result<(), rocksdb::Error> {
        let head = self.head.expect("a touched group has a head");
        self.batch.put_cf(
            cf(db, CF_META),
            keys::META_HEAD,
            keys::head_value(head.position, &head.hash.0),
        );
        let mut sync = WriteOptions::default();
        sync.set_sync(true);
        let batch = std::mem::take(&mut self.batch);
        db.write_opt(batch, &sync)
    }

    fn stage(
        &mut self,
        db: &DB,
        known: Known<'_>,
        request: &AppendRequest,
        now: Timestamp,
        buf: &mut Vec<u8>,
    ) -> Result<Staged, LedgerError> {
        check_shape(request)?;
        if let Some(replay) = self.resend(db, known.ids, request)? {
            return Ok(replay);
        }
        let mut currents = Vec::with_capacity(request.writes.len());
        for write in &request.writes {
            let current = self.stream_version(db, known.versions, &write.stream)?;
            if !write.expected.admits(current) {
                return Err(LedgerError::VersionConflict {
                    stream: write.stream.clone(),
                    expected: write.expected,
                    actual: current.map_or(ActualVersion::NoStream, ActualVersion::At),
                });
            }
            currents.push(current);
        }
        let (log, runs, ids) = (cf(db, CF_LOG), cf(db, CF_STREAM_RUNS), cf(db, CF_EVENT_IDS));
        let mut positions = Vec::with_capacity(request.event_count());
        let mut stream_versions = Vec::with_capacity(request.writes.len());
        for (write, current) in request.writes.iter().zip(currents) {
            let first_version = current.map_or(StreamVersion(0), |v| StreamVersion(v.0 + 1));
            let first_position = self.head.map_or(Position(0), |h| h.position.next());
            let mut version = first_version;
            for event in &write.events {
                let (position, prev_hash) = match self.head {
                    Some(h) => (h.position.next(), h.hash),
                    None => (Position(0), EventHash::genesis()),
                };
                let hash = RecordFields {
                    position,
                    stream: write.stream.as_str(),
                    version,
                    id: event.id,
                    event_type: event.event_type.as_str(),
                    schema_version: event.schema_version,
                    recorded_at: now,
                    actor: request.actor.as_str(),
                    metadata: &event.metadata,
                    payload: &event.payload,
                    prev_hash,
                }
                .encode_into(buf);
                let pos_value = keys::position_value(position);
                self.batch.put_cf(log, keys::log_key(position), &buf[..]);
                self.batch
                    .put_cf(ids, keys::event_id_key(event.id), pos_value);
                if let Some(frontier) = self.frontier.as_mut() {
                    tree::push_leaf(db, &mut self.batch, frontier, tree::record_leaf(&hash));
                }
                self.ids
                    .insert(event.id, (position, write.stream.clone(), version));
                self.head = Some(Head { position, hash });
                positions.push(position);
                version = StreamVersion(version.0 + 1);
            }
            let run = Run::followed_by(
                self.run.take(),
                &write.stream,
                first_version,
                first_position,
                write.events.len() as u64,
            );
            self.batch.put_cf(runs, run.key(), run.value());
            self.run = Some(run);
            let last = StreamVersion(version.0 - 1);
            self.streams.insert(write.stream.clone(), last);
            stream_versions.push((write.stream.clone(), last));
        }
        self.touched = true;
        Ok(Staged {
            appended: Appended {
                positions,
                stream_versions,
                already_stored: false,
            },
            needs_commit: true,
        })
    }

    /// A request whose event ids are all stored already is answered from the store;
    /// one that mixes stored and new ids is refused.
    fn resend(
        &self,
        db: &DB,
        committed: &CommittedIds,
        request: &AppendRequest,
    ) -> Result<Option<Staged>, LedgerError> {
        let ids: Vec<EventId> = request
            .writes
            .iter()
            .flat_map(|w| w.events.iter().map(|e| e.id))
            .collect();
        let mut found = Vec::with_capacity(ids.len());
        for id in &ids {
            found.push(match (self.ids.get(id), committed.get(id)) {
                (Some((position, stream, version)), _) => Some(StoredEvent {
                    position: *position,
                    stream: stream.clone(),
                    version: *version,
                    pending: true,
                }),
                (None, Some(&stored)) => {
                    let corrupt = || LedgerError::CorruptIndex {
                        index: CF_EVENT_IDS,
                        key: id.to_hex(),
                    };
                    let position = stored.ok_or_else(corrupt)?;
                    let record = reads::get(db, position)?.ok_or_else(corrupt)?;
                    Some(StoredEvent {
                        position,
                        stream: record.stream,
                        version: record.version,
                        pending: false,
                    })
                }
                (None, None) => None,
            });
        }
        if found.iter().all(Option::is_none) {
            return Ok(None);
        }
        if let Some((id, stored)) = ids
            .iter()
            .zip(&found)
            .find_map(|(id, f)| f.as_ref().map(|s| (id, s)))
            .filter(|_| found.iter().any(Option::is_none))
        {
            return Err(LedgerError::PartiallyStored {
                event_id: *id,
                position: stored.position,
            });
        }
        let mut stored = found.into_iter().flatten();
        let mut positions = Vec::with_capacity(ids.len());
        let mut stream_versions = Vec::with_capacity(request.writes.len());
        let mut needs_commit = false;
        for write in &request.writes {
            let mut last = None;
            for event in &write.events {
                let s = stored.next().expect("one stored event per id");
                if s.stream != write.stream {
                    return Err(LedgerError::EventIdReused {
                        event_id: event.id,
                        position: s.position,
                        stored_stream: s.stream,
                        requested_stream: write.stream.clone(),
                    });
                }
                needs_commit |= s.pending;
                positions.push(s.position);
                last = Some(s.version);
            }
            stream_versions.push((write.stream.clone(), last.expect("writes are not empty")));
        }
        Ok(Some(Staged {
            appended: Appended {
                positions,
                stream_versions,
                already_stored: true,
            },
            needs_commit,
        }))
    }

    fn stream_version(
        &self,
        db: &DB,
        remembered: &HashMap<StreamId, StreamVersion>,
        stream: &StreamId,
    ) -> Result<Option<StreamVersion>, LedgerError> {
        match self.streams.get(stream).or_else(|| remembered.get(stream)) {
            Some(v) => Ok(Some(*v)),
            None => runs::last_version(db, stream),
        }
    }
}

/// What the writer knows before staging a group: which of its event ids are committed, and
/// the versions of streams it wrote recently.
#[derive(Clone, Copy)]
struct Known<'a> {
    ids: &'a CommittedIds,
    versions: &'a HashMap<StreamId, StreamVersion>,
}

/// Where a committed event id's index entry points; None when the entry is malformed.
type CommittedIds = HashMap<EventId, Option<Position>>;

/// Looks up every event id of the group at once; returns those already committed.
fn committed_ids(db: &DB, jobs: &[Job]) -> Result<CommittedIds, rocksdb::Error> {
    let ids: Vec<EventId> = jobs
        .iter()
        .flat_map(|j| &j.request.writes)
        .flat_map(|w| w.events.iter().map(|e| e.id))
        .collect();
    let id_keys: Vec<[u8; 16]> = ids.iter().map(|id| keys::event_id_key(*id)).collect();
    let values = db.batched_multi_get_cf(cf(db, CF_EVENT_IDS), &id_keys, false);
    let mut committed = HashMap::new();
    for (id, value) in ids.into_iter().zip(values) {
        if let Some(value) = value? {
            committed.insert(id, keys::decode_u64(&value).map(Position));
        }
    }
    Ok(committed)
}

fn check_shape(request: &AppendRequest) -> Result<(), LedgerError> {
    if request.writes.is_empty() || request.writes.iter().any(|w| w.events.is_empty()) {
        return Err(LedgerError::EmptyAppend);
    }
    // Most appends are one event to one stream: no duplicate is possible, no set is needed.
    let single = request.writes.len() == 1 && request.writes[0].events.len() == 1;
    let mut streams = std::collections::HashSet::new();
    let mut ids = std::collections::HashSet::new();
    for write in &request.writes {
        if !single && !streams.insert(&write.stream) {
            return Err(LedgerError::DuplicateStream {
                stream: write.stream.clone(),
            });
        }
        for event in &write.events {
            if !single && !ids.insert(event.id) {
                return Err(LedgerError::DuplicateEventId { event_id: event.id });
            }
            for (what, len) in [
                ("payload", event.payload.len()),
                ("metadata", event.metadata.len()),
            ] {
                if len > MAX_BLOB_LEN {
                    return Err(LedgerError::TooLarge {
                        event_id: event.id,
                        what,
                        len,
                        max: MAX_BLOB_LEN,
                    });
                }
            }
        }
    }
    Ok(())
}
