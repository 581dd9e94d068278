//! The `casetrail` command: parses arguments, calls the application façade, prints.
//! `anyhow` lives only here, at the edge.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use casetrail_app::{Access, EventHash, Head, Position, Workbench};
use casetrail_ledger::SystemClock;
use clap::{Args, Parser, Subcommand};

/// casetrail: case-based audits of cross-sector psychiatric care.
#[derive(Debug, Parser)]
#[command(name = "casetrail", version, about)]
struct Cli {
    #[command(flatten)]
    data: DataDir,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct DataDir {
    /// The data directory (created by `demo` when missing).
    #[arg(long = "data", global = true, env = "CASETRAIL_DATA", default_value = casetrail_app::DEFAULT_DATA_DIR)]
    path: PathBuf,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Append synthetic sample pathways (once), print the head and verify the chain.
    Demo,
    /// Print the position and hash of the last record: the value to write down.
    Head,
    /// Recompute the hash chain and every index; exit 1 naming the first broken position.
    Verify {
        /// Trusted checkpoint position: verify only what comes after it.
        #[arg(long, requires = "hash")]
        from: Option<u64>,
        /// Hash of the record at the checkpoint position (64 hex digits).
        #[arg(long, requires = "from")]
        hash: Option<String>,
    },
}

fn print_head(head: Option<Head>) {
    match head {
        Some(h) => println!("position {}\nhash {}", h.position, h.hash),
        None => println!("the ledger is empty"),
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let data = &cli.data.path;
    match cli.command {
        Command::Demo => {
            let wb = Workbench::open(data, Access::ReadWrite, Arc::new(SystemClock))?;
            let summary = wb.load_demo()?;
            println!(
                "demo: {} synthetic pathways in {}; {} events appended, {} already stored",
                summary.streams,
                data.display(),
                summary.appended,
                summary.already_stored
            );
            print_head(summary.head);
            report(&summary.verify)
        }
        Command::Head => {
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            print_head(wb.head());
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { from, hash } => {
            let checkpoint = match (from, hash) {
                (Some(position), Some(hash)) => Some(Head {
                    position: Position(position),
                    hash: EventHash::from_hex(&hash).context("--hash")?,
                }),
                _ => None,
            };
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            report(&wb.verify(checkpoint)?)
        }
    }
}

fn report(verify: &casetrail_app::VerifyReport) -> anyhow::Result<ExitCode> {
    match &verify.broken {
        None => {
            let head = verify
                .verified_head
                .map_or("empty".to_string(), |h| h.to_string());
            println!("intact: {} records verified; head {head}", verify.checked);
            Ok(ExitCode::SUCCESS)
        }
        Some(b) => {
            eprintln!("BROKEN at position {}: {}", b.position, b.kind);
            eprintln!("  expected: {}", b.expected);
            eprintln!("  found:    {}", b.found);
            eprintln!("  ({} records before it verified)", verify.checked);
            Ok(ExitCode::from(1))
        }
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
