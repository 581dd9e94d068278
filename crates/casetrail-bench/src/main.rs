//! `ledger-bench`: the ledger's throughput, latency and memory against raw RocksDB, measured
//! in one run on one machine. Run it with `scripts/bench ledger` (see docs/PERFORMANCE.md).
//!
//! Each phase runs in a child process of its own, so each reports its own peak memory
//! (VmHWM) and no phase warms the caches of the next.

mod ledger_phases;
mod measure;

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
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("phase") => ledger_phases::run(&args[1..]),
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
