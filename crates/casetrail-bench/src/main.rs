//! `ledger-bench`: the ledger's throughput, latency and memory against raw RocksDB, measured
//! in one run on one machine. Run it with `scripts/bench ledger` (see docs/PERFORMANCE.md).
//!
//! Each phase runs in a child process of its own, so each reports its own peak memory
//! (VmHWM) and no phase warms the caches of the next.

mod ledger_phases;
mod measure;
mod peer_phases;
mod row_phases;

use anyhow::{Context, bail};
use measure::{Measured, mib, run_phase};

fn orchestrate(events: u64) -> anyhow::Result<()> {
    let scratch = tempfile::Builder::new()
        .prefix("casetrail-bench-")
        .tempdir_in(std::env::var_os("BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into()))?;
    let dir = |name: &str| scratch.path().join(name).display().to_string();
    let s = |v: &str| v.to_string();

    let raw_batch = run_phase(&[s("raw-batch"), dir("raw-batch")])?;
    // The Merkle tree's cost: batch appends with and without it, alternated so that both
    // see the same machine, five rounds each, medians compared.
    let mut with_tree = Vec::new();
    let mut without_tree = Vec::new();
    for round in 0..5 {
        // 200 batches (200,000 events) a phase: long enough for this machine's noise.
        let w = run_phase(&[s("ledger-batch"), dir(&format!("tree-{round}")), s("200")])?;
        let n = run_phase(&[
            s("ledger-batch-no-tree"),
            dir(&format!("no-tree-{round}")),
            s("200"),
        ])?;
        with_tree.push(w.get("events_per_s")?);
        without_tree.push(n.get("events_per_s")?);
    }
    let ledger_batch = run_phase(&[s("ledger-batch"), dir("ledger-batch")])?;
    let raw_single = run_phase(&[s("raw-single"), dir("raw-single")])?;
    let concurrent = run_phase(&[s("ledger-concurrent"), dir("concurrent")])?;
    let single = run_phase(&[s("ledger-single"), dir("single")])?;
    let peers = peers(&dir)?;
    let populate = run_phase(&[s("populate"), dir("big"), events.to_string()])?;
    let replay = run_phase(&[s("replay"), dir("big")])?;
    let verify = run_phase(&[s("verify"), dir("big")])?;

    let batch_ratio = ledger_batch.get("events_per_s")? / raw_batch.get("events_per_s")?;
    let group_ratio = concurrent.get("events_per_s")? / raw_single.get("events_per_s")?;
    let rate =
        |m: &Measured| -> anyhow::Result<String> { Ok(format!("{:.0}", m.get("events_per_s")?)) };

    println!("| measurement | result | baseline (same run) | ratio | target | peak memory |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| batch append, 1,000 × 512 B per synced batch | {} events/s | raw RocksDB synced batches: {} events/s ({}) | {:.2} | ≥ 0.75 of raw: {} | {} |",
        rate(&ledger_batch)?,
        rate(&raw_batch)?,
        mib(&raw_batch)?,
        batch_ratio,
        if batch_ratio >= 0.75 { "met" } else { "MISSED" },
        mib(&ledger_batch)?
    );
    println!(
        "| 64 tasks, single durable appends | {} events/s; p50 {:.2} ms, p99 {:.2} ms; {:.1} events per fsync | one synced put per event, one writer: {} events/s ({}) | {:.1}× | ≥ 20×: {} | {} |",
        rate(&concurrent)?,
        concurrent.get("p50_ms")?,
        concurrent.get("p99_ms")?,
        concurrent.get("events_per_group")?,
        rate(&raw_single)?,
        mib(&raw_single)?,
        group_ratio,
        if group_ratio >= 20.0 { "met" } else { "MISSED" },
        mib(&concurrent)?
    );
    println!(
        "| populate {} events (1,000 per append) | {} events/s | – | – | – | {} |",
        events,
        rate(&populate)?,
        mib(&populate)?
    );
    let replay_rate = replay.get("events_per_s")?;
    let verify_rate = verify.get("events_per_s")?;
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (tree_rate, plain_rate) = (median(&mut with_tree), median(&mut without_tree));
    let tree_ratio = tree_rate / plain_rate;
    println!(
        "| batch append with the Merkle tree, 200,000 events per run (median of 5, alternated) | {tree_rate:.0} events/s | the same ledger without the tree: {plain_rate:.0} events/s | {tree_ratio:.2} | ≥ 0.90 (at most 10 % slower): {} | – |",
        if tree_ratio >= 0.90 { "met" } else { "MISSED" }
    );
    let receipt = run_phase(&[s("receipt"), dir("big"), "10000".into()])?;
    let verify_ms = receipt.get("verify_ms")?;
    println!(
        "| verify a receipt of 10,000 inclusion proofs into a tree of {} events ({:.1} MiB of JSON) | {verify_ms:.0} ms (parse, 2 signatures, proofs, content) | parsing the same JSON alone: {:.0} ms | {:.1}× | < 1,000 ms: {} | {} |",
        receipt.get("tree_size")?,
        receipt.get("json_mib")?,
        receipt.get("parse_ms")?,
        verify_ms / receipt.get("parse_ms")?,
        if verify_ms < 1000.0 { "met" } else { "MISSED" },
        mib(&receipt)?
    );
    println!(
        "| make those 10,000 inclusion proofs from the stored tree | {:.0} ms | – | – | – | – |",
        receipt.get("proving_ms")?
    );
    println!(
        "| full replay of {} events | {:.0} events/s | – | – | ≥ 1,000,000/s: {} | {} |",
        events,
        replay_rate,
        if replay_rate >= 1e6 { "met" } else { "MISSED" },
        mib(&replay)?
    );
    println!(
        "| full verify of {} events | {:.0} events/s | – | – | ≥ 500,000/s: {} | {} |",
        events,
        verify_rate,
        if verify_rate >= 5e5 { "met" } else { "MISSED" },
        mib(&verify)?
    );
    print_peers(&ledger_batch, &single, &concurrent, &peers)?;
    print_rows(&dir)
}

/// What each kind of index row costs: the row phases and the raw baseline, round after round
/// (so that all see the same moments of this machine), medians of five compared.
fn print_rows(dir: &dyn Fn(&str) -> String) -> anyhow::Result<()> {
    let phases: Vec<&(&str, &str)> = row_phases::PHASES
        .iter()
        .chain(row_phases::TUNINGS.iter())
        .collect();
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); phases.len() + 1];
    for round in 0..5 {
        let raw = run_phase(&["raw-batch".into(), dir(&format!("rows-raw-{round}"))])?;
        rates[0].push(raw.get("events_per_s")?);
        for (i, (name, _)) in phases.iter().enumerate() {
            let m = run_phase(&[name.to_string(), dir(&format!("{name}-{round}"))])?;
            rates[i + 1].push(m.get("events_per_s")?);
        }
    }
    let medians: Vec<f64> = rates
        .into_iter()
        .map(|mut v| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        })
        .collect();
    println!();
    println!(
        "| rows per event on raw RocksDB, synced batches of 1,000 (median of 5 alternated rounds) | events/s | ratio to the raw baseline |"
    );
    println!("|---|---|---|");
    println!(
        "| raw baseline: the payload alone, default column family | {:.0} | 1.00 |",
        medians[0]
    );
    let (rows, tunings) = medians[1..].split_at(row_phases::PHASES.len());
    for ((_, what), rate) in row_phases::PHASES.iter().zip(rows) {
        println!("| {what} | {rate:.0} | {:.2} |", rate / medians[0]);
    }
    let four_rows = rows[3];
    println!();
    println!(
        "| RocksDB option on the four rows (same rounds) | events/s | ratio to the four rows with defaults |"
    );
    println!("|---|---|---|");
    for ((_, what), rate) in row_phases::TUNINGS.iter().zip(tunings) {
        println!("| {what} | {rate:.0} | {:.2} |", rate / four_rows);
    }
    Ok(())
}

/// The peers' three shapes, each in a child process like the ledger's: SQLite always,
/// PostgreSQL when `BENCH_POSTGRES` names a server (`scripts/bench ledger` starts one).
fn peers(dir: &dyn Fn(&str) -> String) -> anyhow::Result<Vec<(&'static str, [Measured; 3])>> {
    let mut peers = Vec::new();
    let mut names = vec![("sqlite", "SQLite 3, WAL, synchronous=FULL")];
    if std::env::var_os("BENCH_POSTGRES").is_some() {
        names.push((
            "postgres",
            "PostgreSQL, fsync and synchronous_commit on, loopback TCP",
        ));
    }
    for (store, title) in names {
        let phase = |shape: &str| {
            let name = format!("{store}-{shape}");
            run_phase(&[name.clone(), dir(&name)])
        };
        peers.push((
            title,
            [phase("batch")?, phase("single")?, phase("concurrent")?],
        ));
    }
    Ok(peers)
}

fn print_peers(
    batch: &Measured,
    single: &Measured,
    concurrent: &Measured,
    peers: &[(&'static str, [Measured; 3])],
) -> anyhow::Result<()> {
    let ours = [batch, single, concurrent];
    let shapes = [
        "batches of 1,000 events, one durable commit each (40 batches)",
        "single appends one after another, each durable (1,000)",
        "64 concurrent writers, 150 single durable appends each",
    ];
    println!();
    println!(
        "| shape (same 512 B payloads, same rows per event) | casetrail ledger | peer | peer | casetrail ÷ peer | peer peak memory (client) |"
    );
    println!("|---|---|---|---|---|---|");
    for (title, measured) in peers {
        for (i, shape) in shapes.iter().enumerate() {
            let latency = |m: &Measured| match (m.get("p50_ms"), m.get("p99_ms")) {
                (Ok(p50), Ok(p99)) => format!("; p50 {p50:.2} ms, p99 {p99:.2} ms"),
                _ => String::new(),
            };
            println!(
                "| {shape} | {:.0} events/s{} | {title} | {:.0} events/s{} | {:.2} | {} |",
                ours[i].get("events_per_s")?,
                latency(ours[i]),
                measured[i].get("events_per_s")?,
                latency(&measured[i]),
                ours[i].get("events_per_s")? / measured[i].get("events_per_s")?,
                mib(&measured[i])?
            );
        }
    }
    if peers.len() < 2 {
        println!(
            "\nPostgreSQL was not measured: set BENCH_POSTGRES, or run through scripts/bench ledger."
        );
    }
    Ok(())
}

/// Runs the phase `args` names: the ledger's, a peer's or a row phase.
fn phase(args: &[String]) -> anyhow::Result<()> {
    let (Some(name), Some(dir)) = (args.first(), args.get(1)) else {
        bail!("usage: ledger-bench phase NAME DIRECTORY [N]");
    };
    if let Some(result) = peer_phases::run(name, dir, ledger_phases::batches(args)?) {
        return result;
    }
    if let Some(result) = row_phases::phase(name, dir) {
        return result;
    }
    ledger_phases::run(args)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("phase") => phase(&args[1..]),
        _ => {
            let mut events = 1_000_000u64;
            let mut rest = args.iter();
            while let Some(a) = rest.next() {
                match a.as_str() {
                    "--events" => {
                        events = rest
                            .next()
                            .context("--events needs a number")?
                            .parse()
                            .context("--events needs a number")?
                    }
                    other => bail!("unknown argument {other}; usage: ledger-bench [--events N]"),
                }
            }
            orchestrate(events)
        }
    }
}
