//! `casetrail head`: the position and hash of the last record.

use std::process::ExitCode;

use casetrail_app::Head;
use clap::Args;

use crate::env::Env;

/// Print the position and hash of the last record: the value to write down.
#[derive(Debug, Args)]
pub struct HeadArgs {}

pub fn run(env: &Env, _: HeadArgs) -> anyhow::Result<ExitCode> {
    print_head(env.read()?.head())?;
    Ok(ExitCode::SUCCESS)
}

pub fn print_head(head: Option<Head>) -> anyhow::Result<()> {
    match head {
        Some(h) => out!("position {}\nhash {}", h.position, h.hash),
        None => out!("the ledger is empty"),
    }
    Ok(())
}
