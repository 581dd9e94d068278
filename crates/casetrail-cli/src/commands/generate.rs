//! `casetrail generate`: a deterministic synthetic region as a contacts CSV.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::env::Env;

/// Write a deterministic synthetic region as a contacts CSV (invented people only).
#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[arg(long)]
    patients: usize,
    #[arg(long)]
    year: i32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long)]
    out: PathBuf,
}

pub fn run(_: &Env, args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let GenerateArgs {
        patients,
        year,
        seed,
        out,
    } = args;
    let file =
        std::fs::File::create(&out).with_context(|| format!("creating {}", out.display()))?;
    let region = casetrail_app::SyntheticRegion {
        patients,
        year,
        seed,
    };
    let rows = casetrail_app::generate_contacts_csv(region, std::io::BufWriter::new(file))
        .with_context(|| format!("writing {}", out.display()))?;
    out!(
        "generated {patients} synthetic patients ({rows} rows) for {year} in {}",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
