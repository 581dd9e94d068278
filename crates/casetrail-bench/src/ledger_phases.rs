//! The measured phases. Each prints one `RESULT key=value ...` line.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::measure::peak_kib;
use casetrail_ledger::{
    Actor, AppendRequest, EventId, EventType, ExpectedVersion, Ledger, NewEvent, Position,
    StreamId, SystemClock,
};

const PAYLOAD: usize = 512;
pub const BATCH: usize = 1_000;
const BATCHES: usize = 40;
pub const SINGLE_WRITES: usize = 1_000;
pub const TASKS: usize = 64;
pub const PER_TASK: usize = 150;

pub fn report(events: usize, took: Duration, extra: &str) {
    println!(
        "RESULT events_per_s={:.1} peak_kib={} {extra}",
        events as f64 / took.as_secs_f64(),
        peak_kib()
    );
}

/// Deterministic, incompressible-looking payload bytes (like the ciphertext the domain stores).
pub fn payload(n: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(PAYLOAD);
    let mut hasher = blake3_xof(n);
    out.resize(PAYLOAD, 0);
    hasher.fill(&mut out);
    out
}

fn blake3_xof(n: u64) -> blake3::OutputReader {
    blake3::Hasher::new()
        .update(&n.to_le_bytes())
        .finalize_xof()
}

fn event(n: u64) -> NewEvent {
    NewEvent {
        id: EventId::derive(&n.to_le_bytes()),
        event_type: EventType::new(
            ["ContactRecorded", "AdmissionStarted", "PlanChanged"][(n % 3) as usize],
        )
        .expect("valid type"),
        schema_version: 1,
        metadata: Vec::new(),
        payload: payload(n),
    }
}

fn raw_db(dir: &str) -> anyhow::Result<rocksdb::DB> {
    let mut opts = rocksdb::Options::default();
    opts.create_if_missing(true);
    Ok(rocksdb::DB::open(&opts, dir)?)
}

fn synced() -> rocksdb::WriteOptions {
    let mut w = rocksdb::WriteOptions::default();
    w.set_sync(true);
    w
}

fn raw_batch(dir: &str) -> anyhow::Result<()> {
    let db = raw_db(dir)?;
    let values: Vec<Vec<u8>> = (0..(BATCH * BATCHES) as u64).map(payload).collect();
    let start = Instant::now();
    for b in 0..BATCHES {
        let mut batch = rocksdb::WriteBatch::default();
        for i in 0..BATCH {
            let n = (b * BATCH + i) as u64;
            batch.put(n.to_be_bytes(), &values[n as usize]);
        }
        db.write_opt(batch, &synced())?;
    }
    report(BATCH * BATCHES, start.elapsed(), "");
    Ok(())
}

fn raw_single(dir: &str) -> anyhow::Result<()> {
    let db = raw_db(dir)?;
    let values: Vec<Vec<u8>> = (0..SINGLE_WRITES as u64).map(payload).collect();
    let start = Instant::now();
    for (n, value) in values.iter().enumerate() {
        db.put_opt((n as u64).to_be_bytes(), value, &synced())?;
    }
    report(SINGLE_WRITES, start.elapsed(), "");
    Ok(())
}

fn actor() -> Actor {
    Actor::new("bench").expect("valid actor")
}

fn ledger_batch(dir: &str, merkle_tree: bool, batches: usize) -> anyhow::Result<()> {
    let ledger = Ledger::open_with(
        dir,
        Arc::new(SystemClock),
        casetrail_ledger::LedgerOptions { merkle_tree },
    )?;
    let requests: Vec<AppendRequest> = (0..batches)
        .map(|b| {
            let events = (0..BATCH).map(|i| event((b * BATCH + i) as u64)).collect();
            AppendRequest::new(actor()).write(
                StreamId::new(format!("patient-{}", b % 10)).expect("valid stream"),
                ExpectedVersion::Any,
                events,
            )
        })
        .collect();
    let start = Instant::now();
    for request in requests {
        ledger.append_blocking(request)?;
    }
    report(BATCH * batches, start.elapsed(), "");
    Ok(())
}

/// One durable append per event, one after another: the shape the peers' single-insert
/// figure has, for the side-by-side table.
fn ledger_single(dir: &str) -> anyhow::Result<()> {
    let ledger = Ledger::open(dir, Arc::new(SystemClock))?;
    let stream = StreamId::new("patient-0").expect("valid stream");
    let requests: Vec<AppendRequest> = (0..SINGLE_WRITES as u64)
        .map(|n| {
            AppendRequest::new(actor()).write(stream.clone(), ExpectedVersion::Any, vec![event(n)])
        })
        .collect();
    let start = Instant::now();
    for request in requests {
        ledger.append_blocking(request)?;
    }
    report(SINGLE_WRITES, start.elapsed(), "");
    Ok(())
}

fn ledger_concurrent(dir: &str) -> anyhow::Result<()> {
    let ledger = Ledger::open(dir, Arc::new(SystemClock))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let per_task: Vec<Vec<AppendRequest>> = (0..TASKS)
        .map(|t| {
            let stream = StreamId::new(format!("patient-{t}")).expect("valid stream");
            (0..PER_TASK)
                .map(|i| {
                    AppendRequest::new(actor()).write(
                        stream.clone(),
                        ExpectedVersion::Any,
                        vec![event((t * PER_TASK + i) as u64)],
                    )
                })
                .collect()
        })
        .collect();
    let (took, mut latencies) = runtime.block_on(async {
        let start = Instant::now();
        let mut tasks = Vec::new();
        for requests in per_task {
            let ledger = ledger.clone();
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(PER_TASK);
                for request in requests {
                    let began = Instant::now();
                    ledger.append(request).await?;
                    latencies.push(began.elapsed());
                }
                anyhow::Ok(latencies)
            }));
        }
        let mut all = Vec::with_capacity(TASKS * PER_TASK);
        for task in tasks {
            all.extend(task.await??);
        }
        anyhow::Ok((start.elapsed(), all))
    })?;
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let groups = ledger.group_commits();
    report(
        TASKS * PER_TASK,
        took,
        &format!(
            "p50_ms={:.3} p99_ms={:.3} events_per_group={:.1}",
            pct(0.50).as_secs_f64() * 1e3,
            pct(0.99).as_secs_f64() * 1e3,
            (TASKS * PER_TASK) as f64 / groups.max(1) as f64
        ),
    );
    Ok(())
}

fn populate(dir: &str, events: u64) -> anyhow::Result<()> {
    let ledger = Ledger::open(dir, Arc::new(SystemClock))?;
    let start = Instant::now();
    let mut n = 0u64;
    while n < events {
        let take = (events - n).min(BATCH as u64);
        let batch = (n..n + take).map(event).collect();
        let stream =
            StreamId::new(format!("patient-{}", (n / BATCH as u64) % 5_000)).expect("valid stream");
        ledger.append_blocking(AppendRequest::new(actor()).write(
            stream,
            ExpectedVersion::Any,
            batch,
        ))?;
        n += take;
    }
    report(events as usize, start.elapsed(), "");
    Ok(())
}

fn replay(dir: &str) -> anyhow::Result<()> {
    let ledger = Ledger::open_read_only(dir)?;
    let start = Instant::now();
    let mut count = 0usize;
    let mut bytes = 0usize;
    for record in ledger.read_all(Position(0)) {
        bytes += record?.payload.len();
        count += 1;
    }
    let took = start.elapsed();
    if bytes == 0 {
        bail!("replay read no payload bytes");
    }
    report(count, took, "");
    Ok(())
}

fn verify(dir: &str) -> anyhow::Result<()> {
    let ledger = Ledger::open_read_only(dir)?;
    let start = Instant::now();
    let result = ledger.verify()?;
    let took = start.elapsed();
    if let Some(b) = result.broken {
        bail!("the benchmark ledger does not verify: {b}");
    }
    report(result.checked as usize, took, "");
    Ok(())
}

/// How many batches of 1,000 a batch phase appends: its third argument, else 40.
pub fn batches(args: &[String]) -> anyhow::Result<usize> {
    Ok(match args.get(2) {
        Some(n) => n.parse().context("batch count")?,
        None => BATCHES,
    })
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let name = args.first().context("phase name")?;
    let dir = args.get(1).context("phase directory")?;
    match name.as_str() {
        "ledger-single" => ledger_single(dir),
        "raw-batch" => raw_batch(dir),
        "raw-single" => raw_single(dir),
        "ledger-batch" => ledger_batch(dir, true, batches(args)?),
        "ledger-batch-no-tree" => ledger_batch(dir, false, batches(args)?),
        "receipt" => receipt(dir, args.get(2).context("proof count")?.parse()?),
        "ledger-concurrent" => ledger_concurrent(dir),
        "populate" => populate(dir, args.get(2).context("event count")?.parse()?),
        "replay" => replay(dir),
        "verify" => verify(dir),
        other => bail!("unknown phase {other}"),
    }
}

/// Proves `proofs` events (spread over the whole log in `dir`) in one receipt, writes it as
/// JSON, then reads and verifies it as `casetrail verify-receipt` does; also times parsing
/// alone, the baseline the verification adds to.
fn receipt(dir: &str, proofs: u64) -> anyhow::Result<()> {
    use casetrail_receipt::{Checkpoint, ProvenEvent, Receipt, Signer, Subject};
    let ledger = Ledger::open_read_only(dir)?;
    let tree = ledger.tree_head();
    let signer = Signer::from_seed([42; 32]);
    let checkpoint = Checkpoint {
        origin: "bench".into(),
        size: tree.size,
        root: tree.root,
        head: tree.head.map(|h| h.0),
        made_at: "2026-12-01T00:00:00Z".into(),
    }
    .sign(&signer);
    let step = (tree.size / proofs).max(1);
    let started = Instant::now();
    let mut events = Vec::with_capacity(proofs as usize);
    for i in 0..proofs.min(tree.size) {
        let position = Position(i * step);
        let record = ledger.get(position)?.context("a record")?;
        events.push(ProvenEvent {
            position: position.0,
            chain_hash: record.hash.0,
            proof: ledger.inclusion_proof(position, tree.size)?,
        });
    }
    let proving = started.elapsed();
    let content = b"bench export";
    let json = Receipt::make(
        &signer,
        checkpoint,
        Subject {
            name: "bench.csv".into(),
            description: "bench".into(),
            content: *blake3::hash(content).as_bytes(),
        },
        events,
    )
    .to_json();
    let started = Instant::now();
    let parsed: serde_json::Value = serde_json::from_str(&json)?;
    let parse_only = started.elapsed();
    drop(parsed);
    let started = Instant::now();
    let receipt = Receipt::from_json(&json)?;
    let summary = receipt.verify(Some(&signer.public()), Some(content))?;
    let verifying = started.elapsed();
    if summary.events as u64 != proofs.min(tree.size) {
        bail!("the receipt proved {} events, not {proofs}", summary.events);
    }
    println!(
        "RESULT proofs={} tree_size={} proving_ms={:.1} json_mib={:.2} parse_ms={:.1} verify_ms={:.1} peak_kib={}",
        summary.events,
        tree.size,
        proving.as_secs_f64() * 1e3,
        json.len() as f64 / (1024.0 * 1024.0),
        parse_only.as_secs_f64() * 1e3,
        verifying.as_secs_f64() * 1e3,
        peak_kib()
    );
    Ok(())
}
