//! `casetrail report`: the audit report as a printable HTML file with its receipt inside,
//! and optionally as a PDF with a receipt beside it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::args::{SigningKeyArgs, receipt_path, write_file};
use crate::env::Env;

/// The audit report as printable HTML (and PDF through headless chromium with --pdf).
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(long)]
    audit: String,
    /// Include the stage-1 analysis of this year.
    #[arg(long)]
    year: Option<i32>,
    #[arg(long, default_value = "report.html")]
    out: PathBuf,
    /// Also print it to this PDF with chromium (installed by scripts/setup).
    #[arg(long)]
    pdf: Option<PathBuf>,
    /// Pseudonym key file (else CASETRAIL_PSEUDONYM_KEY, else DATA/pseudonym.key).
    #[arg(long)]
    key: Option<PathBuf>,
    #[command(flatten)]
    signing: SigningKeyArgs,
}

fn file_name(path: &std::path::Path, default: &str) -> String {
    path.file_name()
        .map_or(default.into(), |n| n.to_string_lossy().into_owned())
}

pub fn run(env: &Env, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let signer = env.signer(&args.signing)?;
    let wb = env.read()?;
    let key = env.pseudonym_key(args.key)?;
    let request = casetrail_app::ReportRequest {
        audit: &args.audit,
        key: &key,
        year: args.year,
        file_name: &file_name(&args.out, "report.html"),
    };
    let html = wb.report(&request, &signer, &casetrail_report::Layout::Standalone)?;
    write_file(&args.out, html)?;
    out!("wrote {} (its receipt inside)", args.out.display());
    if let Some(pdf) = args.pdf {
        crate::pdf::print(&args.out, &pdf)?;
        let bytes = std::fs::read(&pdf).with_context(|| format!("reading {}", pdf.display()))?;
        let name = file_name(&pdf, "report.pdf");
        let receipt = wb.report_pdf_receipt(&signer, &args.audit, &name, bytes)?;
        let receipt_path = receipt_path(&pdf);
        write_file(&receipt_path, receipt.to_json())?;
        out!(
            "wrote {} and its receipt {}",
            pdf.display(),
            receipt_path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
