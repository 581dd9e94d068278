//! `casetrail rebuild`: the stored projections made anew from the whole log.

use std::process::ExitCode;

use clap::Args;

use crate::env::Env;

/// Make the stored projections anew from the whole log (with progress).
#[derive(Debug, Args)]
pub struct RebuildArgs {}

pub fn run(env: &Env, _: RebuildArgs) -> anyhow::Result<ExitCode> {
    let wb = env.write()?;
    let started = std::time::Instant::now();
    match wb.rebuild(&mut crate::progress::Bar::default())? {
        Some(c) => out!(
            "rebuilt the stays projection up to position {} in {:.1} s",
            c.position,
            started.elapsed().as_secs_f64()
        ),
        None => out!("the ledger is empty; the projection is empty"),
    }
    Ok(ExitCode::SUCCESS)
}
