//! The stores a team would pick instead of casetrail's ledger, measured with the same events,
//! batch sizes and concurrency: an SQLite event table and a PostgreSQL one laid out as Marten
//! and similar event stores lay theirs out.
//!
//! Both keep what the ledger indexes per event: the record, unique (stream, version), a unique
//! event id and an index by type; and one row per stream holding its version, updated in the
//! same transaction, which is how those stores check an expected version. Neither keeps a
//! hash chain or a Merkle tree: a chain's one serial tail would take away PostgreSQL's
//! concurrent commits, and a team choosing these stores would not have one. So they do less
//! per event than the ledger does.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::ledger_phases::{BATCH, PER_TASK, SINGLE_WRITES, TASKS, payload, report};

const TYPES: [&str; 3] = ["ContactRecorded", "AdmissionStarted", "PlanChanged"];

/// One event as both peers store it.
struct Row {
    id: [u8; 32],
    event_type: &'static str,
    payload: Vec<u8>,
}

fn row(n: u64) -> Row {
    Row {
        id: *blake3::hash(&n.to_le_bytes()).as_bytes(),
        event_type: TYPES[(n % 3) as usize],
        payload: payload(n),
    }
}

fn stream_name(n: usize) -> String {
    format!("patient-{n}")
}

/// The latencies of single appends, sorted, as the p50 and p99 fields of a RESULT line.
fn percentiles(mut latencies: Vec<Duration>) -> String {
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    format!(
        "p50_ms={:.3} p99_ms={:.3}",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3
    )
}

/// Runs `tasks` threads, each appending its own events one per transaction after all have
/// connected, and reports the whole as one rate.
fn concurrent<C: Send + 'static>(
    connect: impl Fn() -> anyhow::Result<C>,
    append: impl Fn(&mut C, &str, Row) -> anyhow::Result<()> + Send + Sync + 'static,
) -> anyhow::Result<()> {
    let append = Arc::new(append);
    let barrier = Arc::new(Barrier::new(TASKS + 1));
    let mut threads = Vec::with_capacity(TASKS);
    for t in 0..TASKS {
        let mut connection = connect()?;
        let (append, barrier) = (append.clone(), barrier.clone());
        let rows: Vec<Row> = (0..PER_TASK)
            .map(|i| row((t * PER_TASK + i) as u64))
            .collect();
        threads.push(std::thread::spawn(move || {
            let stream = stream_name(t);
            barrier.wait();
            let mut latencies = Vec::with_capacity(PER_TASK);
            for r in rows {
                let began = Instant::now();
                append(&mut connection, &stream, r)?;
                latencies.push(began.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    barrier.wait();
    let start = Instant::now();
    let mut all = Vec::with_capacity(TASKS * PER_TASK);
    for thread in threads {
        all.extend(
            thread
                .join()
                .map_err(|_| anyhow::anyhow!("a writer panicked"))??,
        );
    }
    report(TASKS * PER_TASK, start.elapsed(), &percentiles(all));
    Ok(())
}

mod sqlite {
    use super::*;
    use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

    const SCHEMA: &str = "
        CREATE TABLE IF NOT EXISTS streams (id TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS events (
            position INTEGER PRIMARY KEY,
            stream TEXT NOT NULL,
            version INTEGER NOT NULL,
            id BLOB NOT NULL UNIQUE,
            type TEXT NOT NULL,
            payload BLOB NOT NULL,
            UNIQUE (stream, version)
        );
        CREATE INDEX IF NOT EXISTS events_by_type ON events (type, position);";

    pub fn open(dir: &str) -> anyhow::Result<Connection> {
        std::fs::create_dir_all(dir)?;
        let db = Connection::open(format!("{dir}/events.sqlite"))?;
        db.pragma_update(None, "journal_mode", "WAL")?;
        db.pragma_update(None, "synchronous", "FULL")?;
        db.busy_timeout(Duration::from_secs(60))?;
        db.execute_batch(SCHEMA)?;
        Ok(db)
    }

    /// Appends `rows` to `stream` in one transaction, as one durable commit.
    pub fn append(db: &mut Connection, stream: &str, rows: Vec<Row>) -> anyhow::Result<()> {
        // IMMEDIATE takes the write lock at once, so concurrent writers queue instead of
        // failing with SQLITE_BUSY on upgrading a read lock.
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx
            .query_row("SELECT version FROM streams WHERE id = ?1", [stream], |r| {
                r.get(0)
            })
            .optional()?
            .unwrap_or(0);
        let count = rows.len() as i64;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO events (stream, version, id, type, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (i, r) in rows.into_iter().enumerate() {
                insert.execute(params![
                    stream,
                    version + 1 + i as i64,
                    &r.id[..],
                    r.event_type,
                    r.payload
                ])?;
            }
        }
        tx.execute(
            "INSERT INTO streams (id, version) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
            params![stream, version + count],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn count(db: &Connection) -> anyhow::Result<i64> {
        Ok(db.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?)
    }
}

mod postgres_store {
    use super::*;
    use postgres::{Client, NoTls};

    const SCHEMA: &str = "
        CREATE TABLE IF NOT EXISTS streams (id TEXT PRIMARY KEY, version BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS events (
            position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            stream TEXT NOT NULL,
            version BIGINT NOT NULL,
            id BYTEA NOT NULL UNIQUE,
            type TEXT NOT NULL,
            payload BYTEA NOT NULL,
            UNIQUE (stream, version)
        );
        CREATE INDEX IF NOT EXISTS events_by_type ON events (type, position);";

    /// The server is the one `scripts/bench ledger` started: its connection string is in
    /// `BENCH_POSTGRES`. Each phase starts from empty tables.
    pub fn connect() -> anyhow::Result<Client> {
        let url = std::env::var("BENCH_POSTGRES").context("BENCH_POSTGRES is not set")?;
        Ok(Client::connect(&url, NoTls)?)
    }

    pub fn reset() -> anyhow::Result<Client> {
        let mut client = connect()?;
        client.batch_execute("DROP TABLE IF EXISTS events, streams;")?;
        client.batch_execute(SCHEMA)?;
        // A server started elsewhere may have relaxed durability; these phases measure
        // durable commits, so refuse rather than report a flattering figure.
        for (setting, wanted) in [("fsync", "on"), ("synchronous_commit", "on")] {
            let value: String = client.query_one(&format!("SHOW {setting}"), &[])?.get(0);
            if value != wanted {
                bail!("the PostgreSQL server has {setting} = {value}, not {wanted}");
            }
        }
        Ok(client)
    }

    /// Appends `rows` to `stream` in one transaction and one round trip for the rows (arrays
    /// unnested server-side, as batching event stores do), as one durable commit.
    pub fn append(client: &mut Client, stream: &str, rows: Vec<Row>) -> anyhow::Result<()> {
        let mut tx = client.transaction()?;
        // The stream's row, locked: concurrent appends to one stream queue on it.
        let version: i64 = tx
            .query_opt(
                "SELECT version FROM streams WHERE id = $1 FOR UPDATE",
                &[&stream],
            )?
            .map(|r| r.get(0))
            .unwrap_or(0);
        let count = rows.len() as i64;
        let (mut versions, mut ids, mut types, mut payloads) = (
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
        );
        for (i, r) in rows.into_iter().enumerate() {
            versions.push(version + 1 + i as i64);
            ids.push(r.id.to_vec());
            types.push(r.event_type);
            payloads.push(r.payload);
        }
        tx.execute(
            "INSERT INTO events (stream, version, id, type, payload)
             SELECT $1, * FROM unnest($2::bigint[], $3::bytea[], $4::text[], $5::bytea[])",
            &[&stream, &versions, &ids, &types, &payloads],
        )?;
        tx.execute(
            "INSERT INTO streams (id, version) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
            &[&stream, &(version + count)],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn count(client: &mut Client) -> anyhow::Result<i64> {
        Ok(client.query_one("SELECT count(*) FROM events", &[])?.get(0))
    }
}

fn expect_count(found: i64, wanted: usize) -> anyhow::Result<()> {
    if found != wanted as i64 {
        bail!("the store holds {found} events, not the {wanted} appended");
    }
    Ok(())
}

fn batch_rows(b: usize) -> Vec<Row> {
    (0..BATCH).map(|i| row((b * BATCH + i) as u64)).collect()
}

/// Appends `batches` batches of 1,000 through `append`, timed, then checks the count.
fn batch_phase<C>(
    store: &mut C,
    batches: usize,
    append: impl Fn(&mut C, &str, Vec<Row>) -> anyhow::Result<()>,
    count: impl Fn(&mut C) -> anyhow::Result<i64>,
) -> anyhow::Result<()> {
    let prepared: Vec<Vec<Row>> = (0..batches).map(batch_rows).collect();
    let start = Instant::now();
    for (b, rows) in prepared.into_iter().enumerate() {
        append(store, &stream_name(b % 10), rows)?;
    }
    let took = start.elapsed();
    expect_count(count(store)?, BATCH * batches)?;
    report(BATCH * batches, took, "");
    Ok(())
}

/// Appends 1,000 events one by one through `append`, timed, then checks the count.
fn single_phase<C>(
    store: &mut C,
    append: impl Fn(&mut C, &str, Vec<Row>) -> anyhow::Result<()>,
    count: impl Fn(&mut C) -> anyhow::Result<i64>,
) -> anyhow::Result<()> {
    let prepared: Vec<Row> = (0..SINGLE_WRITES as u64).map(row).collect();
    let start = Instant::now();
    let mut latencies = Vec::with_capacity(SINGLE_WRITES);
    for r in prepared {
        let began = Instant::now();
        append(store, "patient-0", vec![r])?;
        latencies.push(began.elapsed());
    }
    let took = start.elapsed();
    expect_count(count(store)?, SINGLE_WRITES)?;
    report(SINGLE_WRITES, took, &percentiles(latencies));
    Ok(())
}

fn sqlite_batch(dir: &str, batches: usize) -> anyhow::Result<()> {
    batch_phase(&mut sqlite::open(dir)?, batches, sqlite::append, |db| {
        sqlite::count(db)
    })
}

fn sqlite_single(dir: &str) -> anyhow::Result<()> {
    single_phase(&mut sqlite::open(dir)?, sqlite::append, |db| {
        sqlite::count(db)
    })
}

fn sqlite_concurrent(dir: &str) -> anyhow::Result<()> {
    drop(sqlite::open(dir)?);
    let dir = dir.to_string();
    let path = dir.clone();
    concurrent(
        move || sqlite::open(&path),
        |db, stream, r| sqlite::append(db, stream, vec![r]),
    )?;
    expect_count(sqlite::count(&sqlite::open(&dir)?)?, TASKS * PER_TASK)
}

fn postgres_batch(batches: usize) -> anyhow::Result<()> {
    batch_phase(
        &mut postgres_store::reset()?,
        batches,
        postgres_store::append,
        postgres_store::count,
    )
}

fn postgres_single() -> anyhow::Result<()> {
    single_phase(
        &mut postgres_store::reset()?,
        postgres_store::append,
        postgres_store::count,
    )
}

fn postgres_concurrent() -> anyhow::Result<()> {
    drop(postgres_store::reset()?);
    concurrent(postgres_store::connect, |client, stream, r| {
        postgres_store::append(client, stream, vec![r])
    })?;
    expect_count(
        postgres_store::count(&mut postgres_store::connect()?)?,
        TASKS * PER_TASK,
    )
}

/// The peer phases by name; `None` when `name` is not one of them.
pub fn run(name: &str, dir: &str, batches: usize) -> Option<anyhow::Result<()>> {
    Some(match name {
        "sqlite-batch" => sqlite_batch(dir, batches),
        "sqlite-single" => sqlite_single(dir),
        "sqlite-concurrent" => sqlite_concurrent(dir),
        "postgres-batch" => postgres_batch(batches),
        "postgres-single" => postgres_single(),
        "postgres-concurrent" => postgres_concurrent(),
        _ => return None,
    })
}
