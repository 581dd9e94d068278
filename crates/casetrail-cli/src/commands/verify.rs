//! `casetrail verify`: the hash chain and every index, from the start or from a trusted
//! checkpoint; or, with `--consistency`, that the log only grew between two checkpoints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use casetrail_app::{
    EventHash, Head, Position, Receipt, SignedCheckpoint, VerifyReport, Workbench,
};
use clap::Args;

use crate::args::trusted_key;
use crate::env::Env;

/// Recompute the hash chain and every index; exit 1 naming the first broken position.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Trusted checkpoint position: verify only what comes after it.
    #[arg(long, requires = "hash")]
    from: Option<u64>,
    /// Hash of the record at the checkpoint position (64 hex digits).
    #[arg(long, requires = "from")]
    hash: Option<String>,
    /// Check instead that the log was only appended to between two signed checkpoints
    /// (checkpoint files, receipts, or reports carrying one), older first.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["from", "hash"])]
    consistency: Option<Vec<PathBuf>>,
    /// The public key the checkpoints must be signed with (64 hex digits, or a file).
    #[arg(long, requires = "consistency")]
    public_key: Option<String>,
}

pub fn run(env: &Env, args: VerifyArgs) -> anyhow::Result<ExitCode> {
    if let Some(files) = args.consistency {
        let wb = env.read()?;
        return verify_consistency(&wb, &files[0], &files[1], args.public_key.as_deref());
    }
    let checkpoint = match (args.from, args.hash) {
        (Some(position), Some(hash)) => Some(Head {
            position: Position(position),
            hash: EventHash::from_hex(&hash).context("--hash")?,
        }),
        _ => None,
    };
    print_report(&env.read()?.verify(checkpoint)?)
}

/// Exit 0 when intact; 1 with the first broken position, what was expected and found.
pub fn print_report(verify: &VerifyReport) -> anyhow::Result<ExitCode> {
    match &verify.broken {
        None => {
            let head = verify
                .verified_head
                .map_or("empty".to_string(), |h| h.to_string());
            out!("intact: {} records verified; head {head}", verify.checked);
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

/// A checkpoint from a checkpoint file, a receipt, or a report carrying a receipt.
fn load_checkpoint(file: &Path) -> anyhow::Result<SignedCheckpoint> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    if let Some((receipt, _)) = casetrail_app::receipt_in_html(&text)? {
        return Ok(receipt.checkpoint);
    }
    if let Ok(receipt) = Receipt::from_json(&text) {
        return Ok(receipt.checkpoint);
    }
    SignedCheckpoint::from_json(&text)
        .with_context(|| format!("{} is neither a checkpoint nor a receipt", file.display()))
}

fn verify_consistency(
    wb: &Workbench,
    old: &Path,
    new: &Path,
    public_key: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let trusted = trusted_key(public_key)?;
    let (o, n) = (load_checkpoint(old)?, load_checkpoint(new)?);
    match wb.check_consistency(&o, &n, trusted.as_ref()) {
        Ok(()) => {
            out!(
                "consistent: the log of {} events (checkpoint {}) extends the log of {} (checkpoint {}); nothing before was changed",
                n.checkpoint.size,
                new.display(),
                o.checkpoint.size,
                old.display()
            );
            out!("  signed by key {}", o.fingerprint());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("REJECTED: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
