//! `pathways-bench`: importing a synthetic region and computing stage 1 from its log, each
//! beside a baseline measured in the same run. Run it with `scripts/bench pathways`.

mod measure;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use casetrail_app::{Access, ImportOptions, Progress, Quiet, Workbench};
use casetrail_ledger::{Ledger, Position, SystemClock};
use measure::{mib, peak_kib, run_phase};

fn report(pairs: &[(&str, String)]) {
    let fields: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    println!("RESULT {} peak_kib={}", fields.join(" "), peak_kib());
}

fn phase(args: &[String]) -> anyhow::Result<()> {
    let arg = |i: usize| args.get(i).with_context(|| format!("phase argument {i}"));
    match args.first().map(String::as_str) {
        Some("generate") => {
            let patients: usize = arg(1)?.parse()?;
            let file = std::fs::File::create(arg(2)?)?;
            let start = Instant::now();
            let rows = casetrail_synth::write_csv(
                casetrail_synth::Config {
                    patients,
                    year: 2017,
                    seed: 1,
                },
                std::io::BufWriter::new(file),
            )?;
            report(&[
                ("rows", rows.to_string()),
                ("seconds", format!("{:.3}", start.elapsed().as_secs_f64())),
            ]);
        }
        Some("parse") => {
            let start = Instant::now();
            // Row by row, as the import reads: the baseline is the checking, not holding rows.
            let mut rows = 0u64;
            casetrail_import::parse_contacts_each(
                std::io::BufReader::new(std::fs::File::open(arg(1)?)?),
                |_| rows += 1,
            )?;
            let took = start.elapsed().as_secs_f64();
            report(&[("rows_per_s", format!("{:.0}", rows as f64 / took))]);
        }
        Some("import") => {
            let wb = Workbench::open(Path::new(arg(2)?), Access::ReadWrite, Arc::new(SystemClock))?;
            let start = Instant::now();
            let mut checked = WhenChecked::default();
            let s = wb.import_contacts(
                Path::new(arg(1)?),
                ImportOptions::default(),
                "bench",
                &mut checked,
            )?;
            let took = start.elapsed().as_secs_f64();
            let checking = checked
                .at
                .context("the import never started appending")?
                .duration_since(start)
                .as_secs_f64();
            report(&[
                ("rows", s.rows.to_string()),
                ("events", s.appended.to_string()),
                ("rows_per_s", format!("{:.0}", s.rows as f64 / took)),
                ("seconds", format!("{took:.2}")),
                ("checking_seconds", format!("{checking:.2}")),
                ("checking_peak_kib", checked.peak_kib.to_string()),
            ]);
        }
        Some("replay") => {
            // Timed from the open, like stage 1: a read-only open replays the unflushed log.
            let start = Instant::now();
            let ledger = Ledger::open_read_only(Path::new(arg(1)?).join("ledger"))?;
            let mut n = 0u64;
            for r in ledger.read_all(Position(0)) {
                r?;
                n += 1;
            }
            let took = start.elapsed().as_secs_f64();
            report(&[("events", n.to_string()), ("seconds", format!("{took:.2}"))]);
        }
        Some("stage1") => {
            let start = Instant::now();
            let wb = Workbench::open(Path::new(arg(1)?), Access::ReadOnly, Arc::new(SystemClock))?;
            let opened = start.elapsed().as_secs_f64();
            let r = wb.stage1(2017)?;
            let took = start.elapsed().as_secs_f64();
            if r.patients == 0 {
                bail!("stage 1 found no patients");
            }
            report(&[
                ("patients", r.patients.to_string()),
                ("seconds", format!("{took:.2}")),
                ("open_seconds", format!("{opened:.2}")),
            ]);
        }
        Some("rebuild") => {
            let wb = Workbench::open(Path::new(arg(1)?), Access::ReadWrite, Arc::new(SystemClock))?;
            let start = Instant::now();
            wb.rebuild(&mut Quiet)?;
            report(&[("seconds", format!("{:.2}", start.elapsed().as_secs_f64()))]);
        }
        other => bail!("unknown phase {other:?}"),
    }
    Ok(())
}

/// When the import finished checking the file (and making keys) and began to append: the
/// split of its time between the first pass and the second.
#[derive(Debug, Default)]
struct WhenChecked {
    at: Option<Instant>,
    peak_kib: u64,
}

impl Progress for WhenChecked {
    fn start(&mut self, _: u64) {
        self.at = Some(Instant::now());
        self.peak_kib = peak_kib();
    }
    fn advance(&mut self, _: u64) {}
    fn finish(&mut self) {}
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("phase") {
        return phase(&args[1..]);
    }
    let mut patients = 100_000usize;
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        match a.as_str() {
            "--patients" => patients = rest.next().context("--patients needs a number")?.parse()?,
            other => bail!("unknown argument {other}; usage: pathways-bench [--patients N]"),
        }
    }
    let scratch = tempfile::Builder::new()
        .prefix("casetrail-pathways-")
        .tempdir_in(std::env::var_os("BENCH_DIR").unwrap_or_else(|| std::env::temp_dir().into()))?;
    let csv = scratch.path().join("region.csv").display().to_string();
    let data = scratch.path().join("data").display().to_string();
    let s = |v: &str| v.to_string();

    let generated = run_phase(&[s("generate"), patients.to_string(), csv.clone()])?;
    let parse = run_phase(&[s("parse"), csv.clone()])?;
    let import = run_phase(&[s("import"), csv.clone(), data.clone()])?;
    let replay = run_phase(&[s("replay"), data.clone()])?;
    let stage1 = run_phase(&[s("stage1"), data.clone()])?;
    let rebuild = run_phase(&[s("rebuild"), data.clone()])?;
    let stored = run_phase(&[s("stage1"), data.clone()])?;

    let import_rate = import.get("rows_per_s")?;
    let stage1_s = stage1.get("seconds")?;
    println!("| measurement | result | baseline (same run) | ratio | target | peak memory |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| generate {patients} patients | {:.0} rows in {:.1} s | – | – | – | {} |",
        generated.get("rows")?,
        generated.get("seconds")?,
        mib(&generated)?
    );
    println!(
        "| import {:.0} contacts ({:.0} events) | {import_rate:.0} contacts/s | validating the file only: {:.0} rows/s ({}) | {:.2} | ≥ 100,000 contacts/s: {} | {} |",
        import.get("rows")?,
        import.get("events")?,
        parse.get("rows_per_s")?,
        mib(&parse)?,
        import_rate / parse.get("rows_per_s")?,
        if import_rate >= 100_000.0 {
            "met"
        } else {
            "MISSED"
        },
        mib(&import)?
    );
    println!(
        "| … of which checking the file, setting rows aside and making keys | {:.2} s of {:.2} s | – | – | – | {:.0} MiB |",
        import.get("checking_seconds")?,
        import.get("seconds")?,
        import.get("checking_peak_kib")? / 1024.0,
    );
    println!(
        "| stage 1 for 2017, rebuilt from the log, open included ({:.2} s of it) | {stage1_s:.2} s for {:.0} patients | open and plain replay of the {:.0} events: {:.2} s ({}) | {:.2} | < 10 s: {} | {} |",
        stage1.get("open_seconds")?,
        stage1.get("patients")?,
        replay.get("events")?,
        replay.get("seconds")?,
        mib(&replay)?,
        stage1_s / replay.get("seconds")?,
        if stage1_s < 10.0 { "met" } else { "MISSED" },
        mib(&stage1)?
    );
    println!(
        "| stage 1 again, from the stored projection (after `rebuild`: {:.2} s, {}) | {:.2} s | the rebuild-from-log figure above: {stage1_s:.2} s | {:.2} | – | {} |",
        rebuild.get("seconds")?,
        mib(&rebuild)?,
        stored.get("seconds")?,
        stored.get("seconds")? / stage1_s,
        mib(&stored)?
    );
    Ok(())
}
