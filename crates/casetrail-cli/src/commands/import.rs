//! `casetrail import`: a contacts CSV or JSON Lines of events, every row checked first.

use std::path::PathBuf;
use std::process::ExitCode;

use casetrail_app::{AppError, CaseFileError, ImportOptions};
use clap::Args;

use crate::args::Who;
use crate::env::Env;

/// Import a contacts CSV, or JSON Lines of events (.jsonl): every row is validated first.
#[derive(Debug, Args)]
pub struct ImportArgs {
    file: PathBuf,
    /// Import the valid rows; write the rejected ones, with reasons, beside the input.
    #[arg(long)]
    skip_invalid: bool,
    /// Import a patient of the extract under another id (`OLD=NEW`, repeatable): for an
    /// extract that reuses an id the record already holds for another person.
    #[arg(long = "rename-patient", value_name = "OLD=NEW")]
    renames: Vec<String>,
    /// Check the file and say what would be imported (rows, new and existing patients),
    /// writing nothing.
    #[arg(long, conflicts_with = "skip_invalid")]
    dry_run: bool,
    #[command(flatten)]
    who: Who,
}

pub fn run(env: &Env, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let wb = env.write()?;
    let options = ImportOptions {
        skip_invalid: args.skip_invalid,
        renames: casetrail_app::Renames::parse(args.renames.iter().map(String::as_str))?,
        dry_run: args.dry_run,
    };
    if args.dry_run {
        let s = wb.import_file(
            &args.file,
            options,
            &args.who.name,
            &mut casetrail_app::Quiet,
        )?;
        out!(
            "{} would import {} rows for {} patients ({} new, {} already in the record); nothing was written",
            args.file.display(),
            s.rows,
            s.patients,
            s.new_patients,
            s.patients - s.new_patients
        );
        return Ok(ExitCode::SUCCESS);
    }
    match wb.import_file(
        &args.file,
        options,
        &args.who.name,
        &mut crate::progress::Bar::default(),
    ) {
        Ok(s) => {
            out!(
                "imported {}: {} rows for {} patients ({} new, {} already in the record); {} events appended, {} already stored",
                args.file.display(),
                s.rows,
                s.patients,
                s.new_patients,
                s.patients - s.new_patients,
                s.appended,
                s.already_stored
            );
            if let Some(rejected) = s.rejected_file {
                out!(
                    "{} rows rejected; they and the reasons are in {}",
                    s.rejected,
                    rejected.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(AppError::CaseFile(CaseFileError::InvalidRows { path, rejected })) => {
            for r in &rejected {
                eprintln!("{}: {r}", path.display());
            }
            eprintln!(
                "error: {} of the rows of {} are invalid, so nothing was imported (--skip-invalid imports the rest)",
                rejected.len(),
                path.display()
            );
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}
