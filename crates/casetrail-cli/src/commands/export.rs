//! `casetrail export`: an audit's findings in one format, each file with its receipt.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::args::{SigningKeyArgs, receipt_path, write_file};
use crate::env::Env;

/// Export an audit's findings (revealed answers; preliminary until the audit is closed):
/// CSV (ID-answers.csv, one row per answer, and ID-summary.csv, one row per case and
/// question), the same for Danish Excel (csv-da: ID-answers-da.csv, ID-summary-da.csv), JSON
/// (ID-findings.json), FHIR R4 (ID-fhir.json), REDCap (a data dictionary
/// and a data CSV) or Parquet (ID-answers.parquet, and the stage-1 episodes with --year).
/// Each file gets a signed receipt beside it (FILE.receipt.json). Columns: docs/exports.md.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long)]
    audit: String,
    #[arg(long, value_enum, default_value = "csv")]
    format: ExportFormat,
    /// The folder to write into.
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// Start CSV files with a UTF-8 byte-order mark (for Excel).
    #[arg(long)]
    bom: bool,
    /// Counts below this are shown as "<N".
    #[arg(long, default_value_t = casetrail_app::DEFAULT_MIN_CELL)]
    min_cell: usize,
    /// Pseudonym key file (else CASETRAIL_PSEUDONYM_KEY, else DATA/pseudonym.key).
    #[arg(long)]
    key: Option<PathBuf>,
    /// The stage-1 year whose admission episodes the Parquet export adds.
    #[arg(long)]
    year: Option<i32>,
    #[command(flatten)]
    signing: SigningKeyArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    /// The CSV tables for Danish Excel: semicolons, decimal commas, a byte-order mark.
    CsvDa,
    Json,
    /// A FHIR R4 Bundle: the Questionnaire and a QuestionnaireResponse per member and case.
    Fhir,
    /// A REDCap data dictionary and a matching data CSV.
    Redcap,
    /// The answers (and, with --year, the stage-1 episodes) as Parquet.
    Parquet,
}

impl From<ExportFormat> for casetrail_app::ExportFormat {
    fn from(f: ExportFormat) -> Self {
        match f {
            ExportFormat::Csv => casetrail_app::ExportFormat::Csv,
            ExportFormat::CsvDa => casetrail_app::ExportFormat::CsvDanish,
            ExportFormat::Json => casetrail_app::ExportFormat::Json,
            ExportFormat::Fhir => casetrail_app::ExportFormat::Fhir,
            ExportFormat::Redcap => casetrail_app::ExportFormat::Redcap,
            ExportFormat::Parquet => casetrail_app::ExportFormat::Parquet,
        }
    }
}

pub fn run(env: &Env, args: ExportArgs) -> anyhow::Result<ExitCode> {
    if args.min_cell == 0 {
        anyhow::bail!("--min-cell must be at least 1");
    }
    if args.year.is_some() && args.format != ExportFormat::Parquet {
        anyhow::bail!("--year goes with --format parquet (the stage-1 episodes)");
    }
    let signer = env.signer(&args.signing)?;
    let wb = env.read()?;
    let key = env.pseudonym_key(args.key)?;
    let options = casetrail_app::ExportOptions {
        min_cell: args.min_cell,
        bom: args.bom,
        stage1_year: args.year,
    };
    let export = wb.export(&args.audit, &key, args.format.into(), options)?;
    let out = &args.out;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for file in &export.files {
        let path = out.join(&file.name);
        let receipt = wb.export_receipt(&signer, file)?;
        let receipt_path = receipt_path(&path);
        // The file first, then its receipt: a receipt never names a file not written.
        write_file(&path, &file.bytes)?;
        write_file(&receipt_path, receipt.to_json())?;
        out!("wrote {} and {}", path.display(), receipt_path.display());
    }
    if export.preliminary {
        out!("preliminary: audit {} is not closed yet", args.audit);
    }
    Ok(ExitCode::SUCCESS)
}
