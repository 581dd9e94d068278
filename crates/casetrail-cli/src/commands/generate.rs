//! `casetrail generate`: a deterministic synthetic region as a contacts CSV, or as an LPR3
//! extract with its mapping file, or as MedCom hospital notifications.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::env::Env;

/// The formats `generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// casetrail's contacts CSV (every sector, and the plans): --out is the file.
    Csv,
    /// An LPR3 extract of the region's hospital contacts: --out is a folder that gets
    /// mapping.toml, kontakter.csv and diagnoser.csv.
    Lpr3,
    /// MedCom hospital notifications of the region's ward admissions: --out is a folder that
    /// gets one FHIR bundle (.json) per message.
    Medcom,
}

/// Write a deterministic synthetic region (invented people only).
#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[arg(long)]
    patients: usize,
    #[arg(long)]
    year: i32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// What to write.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    #[arg(long)]
    out: PathBuf,
}

pub fn run(_: &Env, args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let GenerateArgs {
        patients,
        year,
        seed,
        format,
        out,
    } = args;
    let region = casetrail_app::SyntheticRegion {
        patients,
        year,
        seed,
    };
    let create = |path: &std::path::Path| {
        std::fs::File::create(path)
            .map(std::io::BufWriter::new)
            .with_context(|| format!("creating {}", path.display()))
    };
    match format {
        Format::Csv => {
            let rows = casetrail_app::generate_contacts_csv(region, create(&out)?)
                .with_context(|| format!("writing {}", out.display()))?;
            out!(
                "generated {patients} synthetic patients ({rows} rows) for {year} in {}",
                out.display()
            );
        }
        Format::Lpr3 => {
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let mut mapping = create(&out.join("mapping.toml"))?;
            let written = casetrail_app::generate_lpr3(
                region,
                &mut mapping,
                create(&out.join("kontakter.csv"))?,
                create(&out.join("diagnoser.csv"))?,
                create(&out.join("forloebselementer.csv"))?,
            )
            .with_context(|| format!("writing into {}", out.display()))?;
            std::io::Write::flush(&mut mapping)?;
            out!(
                "generated {patients} synthetic patients for {year} as LPR3 in {}: {} contacts, {} diagnoses, {} forløbselementer, {} SOR units (mapping.toml, kontakter.csv, diagnoser.csv, forloebselementer.csv)",
                out.display(),
                written.contacts,
                written.diagnoses,
                written.episodes,
                written.units
            );
        }
        Format::Medcom => {
            let written = casetrail_app::generate_medcom(region, &out)?;
            out!(
                "generated {patients} synthetic patients for {year} as MedCom hospital notifications in {}: {} messages about {} ward admissions, {} of them revisions or cancellations",
                out.display(),
                written.messages,
                written.stays,
                written.corrections
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
