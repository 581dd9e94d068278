//! `casetrail checkpoint`: sign a checkpoint of the log now.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::args::{SigningKeyArgs, write_file};
use crate::env::Env;

/// Sign a checkpoint of the log now (the server also publishes one every second while
/// events arrive) and print it, or write it to --out for safe keeping.
#[derive(Debug, Args)]
pub struct CheckpointArgs {
    #[command(flatten)]
    signing: SigningKeyArgs,
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(env: &Env, args: CheckpointArgs) -> anyhow::Result<ExitCode> {
    let signer = env.signer(&args.signing)?;
    let wb = match env.write() {
        Err(e) if e.is_data_in_use() => anyhow::bail!(
            "the data folder is in use (by `casetrail serve`?): the server publishes a checkpoint every second while events arrive; fetch the newest from its /checkpoint page"
        ),
        other => other?,
    };
    let checkpoint = wb.checkpoint(&signer)?;
    let json = checkpoint.to_json();
    match args.out {
        Some(path) => {
            write_file(&path, format!("{json}\n"))?;
            out!(
                "wrote {}: checkpoint of {} events, key {}",
                path.display(),
                checkpoint.checkpoint.size,
                checkpoint.fingerprint()
            );
        }
        None => out!("{json}"),
    }
    Ok(ExitCode::SUCCESS)
}
