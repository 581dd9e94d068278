//! `casetrail attach`: documents from one sector (a folder, or files) as a case's material.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use casetrail_app::Workbench;
use casetrail_app::{MaterialSource, NaiveDate};
use clap::Args;

use crate::args::Who;
use crate::env::Env;

/// Attach documents (PDF, DOCX, e-mail .eml with its attachments, RTF, text) to a case as
/// material from one source: every file is read first, and with any refused nothing is
/// attached. The text is sealed under the patient's key and redacted in every timeline.
#[derive(Debug, Args)]
pub struct AttachArgs {
    /// The case (its patient id).
    #[arg(long)]
    case: String,
    /// Whose record the documents come from: psychiatric_record, general_practice,
    /// out_of_hours_doctor, police_report, municipal_notes, housing_diary,
    /// addiction_treatment, job_centre, patient_comment.
    #[arg(long, value_parser = parse_source)]
    source: MaterialSource,
    /// The documents' date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    date: NaiveDate,
    /// Attach the readable documents and name the others.
    #[arg(long)]
    skip_invalid: bool,
    /// Folders (read one level deep) or files.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    who: Who,
}

fn parse_source(text: &str) -> Result<MaterialSource, String> {
    MaterialSource::parse(text).ok_or_else(|| {
        let known: Vec<&str> = MaterialSource::ALL.iter().map(|s| s.as_str()).collect();
        format!("{text:?} is not a source; one of {}", known.join(", "))
    })
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date (YYYY-MM-DD)"))
}

pub fn run(env: &Env, args: AttachArgs) -> anyhow::Result<ExitCode> {
    // Documents come from other sectors: PDFs are read by a child of this program under limits.
    let program = std::env::current_exe().context("finding this program, to read PDFs with")?;
    casetrail_app::read_pdfs_with(casetrail_app::PdfReader::Sandboxed(program));
    let (read, refused) = Workbench::read_documents(&args.paths)?;
    for (file, problem) in &refused {
        eprintln!("{}: {problem}", file.display());
    }
    if !refused.is_empty() && !args.skip_invalid {
        eprintln!(
            "error: {} of the documents cannot be read, so nothing was attached (--skip-invalid attaches the rest)",
            refused.len()
        );
        return Ok(ExitCode::from(2));
    }
    if read.is_empty() {
        anyhow::bail!("no document to attach");
    }
    let wb = env.write()?;
    let done = wb.attach_documents(&args.case, args.source, args.date, &read, &args.who.name)?;
    for d in &read {
        let state = if done.attached.contains(&d.path) {
            "attached"
        } else {
            "already in the case"
        };
        out!(
            "{}: {:?}, {} characters: {state}",
            d.path.display(),
            d.kind,
            d.text.chars().count()
        );
    }
    out!(
        "{} documents attached to {} as {}, {} already in the case{}",
        done.attached.len(),
        args.case,
        args.source,
        done.already.len(),
        if refused.is_empty() {
            String::new()
        } else {
            format!(", {} not readable", refused.len())
        }
    );
    Ok(ExitCode::SUCCESS)
}
