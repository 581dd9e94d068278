//! `casetrail demo`: append the synthetic sample pathways (once), print the head, verify.

use std::process::ExitCode;

use clap::Args;

use crate::env::Env;

/// Append synthetic sample pathways (once), print the head and verify the chain.
#[derive(Debug, Args)]
pub struct DemoArgs {}

pub fn run(env: &Env, _: DemoArgs) -> anyhow::Result<ExitCode> {
    let wb = env.write()?;
    let summary = wb.load_demo()?;
    out!(
        "demo: {} synthetic pathways in {}; {} events appended, {} already stored",
        summary.streams,
        env.data().display(),
        summary.appended,
        summary.already_stored
    );
    super::head::print_head(summary.head)?;
    super::verify::print_report(&summary.verify)
}
