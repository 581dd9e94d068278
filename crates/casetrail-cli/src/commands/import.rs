//! `casetrail import`: a contacts CSV or JSON Lines of events, every row checked first.

use std::path::PathBuf;
use std::process::ExitCode;

use casetrail_app::{AppError, CaseFileError, ImportOptions, Lpr3Files};
use clap::Args;

use crate::args::Who;
use crate::env::Env;

/// The formats `import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// casetrail's contacts CSV, or JSON Lines of events when the file ends in .jsonl.
    Auto,
    /// An LPR3 extract: the contact table and the diagnosis table, with --mapping.
    Lpr3,
    /// MedCom messages (hospital notifications, care communications): bundle files (.json)
    /// or folders of them.
    Medcom,
}

/// Import a contacts CSV, JSON Lines of events (.jsonl), an LPR3 extract (--format lpr3
/// --mapping FILE KONTAKTER DIAGNOSER [FORLOEBSELEMENTER]) or MedCom messages (--format medcom
/// FOLDER|FILE…): every row or message is validated first.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file; for --format lpr3, the contact table, the diagnosis table and, if the
    /// extract has it, the forløbselement table; for
    /// --format medcom, bundle files or folders of them. LPR3 tables are CSV or Parquet.
    #[arg(required = true, num_args = 1..)]
    files: Vec<PathBuf>,
    /// What the files are.
    #[arg(long, value_enum, default_value = "auto")]
    format: Format,
    /// The LPR3 mapping file (TOML): the extract's column names, its codes, its SOR units.
    #[arg(long, required_if_eq("format", "lpr3"))]
    mapping: Option<PathBuf>,
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

/// What is imported: one file, or an LPR3 extract's tables with its mapping.
enum Source {
    File(PathBuf),
    Lpr3(Lpr3Files),
    Medcom(Vec<PathBuf>),
}

impl Source {
    fn of(args: &ImportArgs) -> anyhow::Result<Source> {
        match (args.format, args.files.as_slice(), &args.mapping) {
            (Format::Auto, [file], None) => Ok(Source::File(file.clone())),
            (Format::Auto, _, Some(_)) => {
                anyhow::bail!("--mapping is for --format lpr3")
            }
            (Format::Auto, _, None) => {
                anyhow::bail!("give one file (two are for --format lpr3: kontakter, diagnoser)")
            }
            (Format::Lpr3, [contacts, diagnoses, episodes @ ..], Some(mapping))
                if episodes.len() <= 1 =>
            {
                Ok(Source::Lpr3(Lpr3Files {
                    mapping: mapping.clone(),
                    contacts: contacts.clone(),
                    diagnoses: diagnoses.clone(),
                    episodes: episodes.first().cloned(),
                }))
            }
            (Format::Medcom, files, None) => Ok(Source::Medcom(files.to_vec())),
            (Format::Medcom, _, Some(_)) => anyhow::bail!("--mapping is for --format lpr3"),
            (Format::Lpr3, _, _) => anyhow::bail!(
                "--format lpr3 takes --mapping FILE and the tables: the contacts (kontakter), the diagnoses (diagnoser) and, if there is one, the forløbselementer (forloebselementer)"
            ),
        }
    }

    /// The file rows are counted from: the contact table of an LPR3 extract.
    fn shown(&self) -> std::path::Display<'_> {
        match self {
            Source::File(f) => f.display(),
            Source::Lpr3(f) => f.contacts.display(),
            Source::Medcom(paths) => paths[0].display(),
        }
    }
}

pub fn run(env: &Env, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let source = Source::of(&args)?;
    if let Source::Medcom(paths) = &source {
        return medcom(env, &args, paths);
    }
    let wb = env.write()?;
    let options = ImportOptions {
        skip_invalid: args.skip_invalid,
        renames: casetrail_app::Renames::parse(args.renames.iter().map(String::as_str))?,
        dry_run: args.dry_run,
    };
    let import = |options: ImportOptions, progress: &mut dyn casetrail_app::Progress| match &source
    {
        Source::File(file) => wb.import_file(file, options, &args.who.name, progress),
        Source::Lpr3(files) => wb.import_lpr3(files, options, &args.who.name, progress),
        Source::Medcom(_) => unreachable!("MedCom bundles are imported by medcom()"),
    };
    if args.dry_run {
        let s = import(options, &mut casetrail_app::Quiet)?;
        out!(
            "{} would import {} rows for {} patients ({} new, {} already in the record); nothing was written",
            source.shown(),
            s.rows,
            s.patients,
            s.new_patients,
            s.patients - s.new_patients
        );
        return Ok(ExitCode::SUCCESS);
    }
    match import(options, &mut crate::progress::Bar::default()) {
        Ok(s) => {
            out!(
                "imported {}: {} rows for {} patients ({} new, {} already in the record); {} events appended, {} already stored",
                source.shown(),
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
        Err(AppError::CaseFile(CaseFileError::InvalidRows {
            path,
            rejected,
            total,
        })) => {
            for r in &rejected {
                eprintln!("{}: {r}", path.display());
            }
            if total > rejected.len() {
                eprintln!(
                    "{}: … and {} more invalid rows not listed",
                    path.display(),
                    total - rejected.len()
                );
            }
            eprintln!(
                "error: {total} of the rows of {} are invalid, so nothing was imported (--skip-invalid imports the rest)",
                path.display()
            );
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

/// `import --format medcom`: messages rather than rows, each refusal named by its file.
fn medcom(env: &Env, args: &ImportArgs, paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    if !args.renames.is_empty() {
        anyhow::bail!(
            "--rename-patient is for extracts with patient ids of their own; MedCom messages know a patient by CPR number"
        );
    }
    let wb = env.write()?;
    let options = ImportOptions {
        skip_invalid: args.skip_invalid,
        renames: casetrail_app::Renames::default(),
        dry_run: args.dry_run,
    };
    let mut bar = crate::progress::Bar::default();
    let progress: &mut dyn casetrail_app::Progress = if args.dry_run {
        &mut casetrail_app::Quiet
    } else {
        &mut bar
    };
    match wb.import_medcom(paths, options, &args.who.name, progress) {
        Ok((s, rejected)) => {
            for (file, problem) in &rejected {
                eprintln!("{}: {problem} (not imported)", file.display());
            }
            if args.dry_run {
                out!(
                    "would import {} messages for {} patients ({} new, {} already in the record); nothing was written",
                    s.rows,
                    s.patients,
                    s.new_patients,
                    s.patients - s.new_patients
                );
            } else {
                out!(
                    "imported {} messages for {} patients ({} new, {} already in the record); {} events appended, {} already stored",
                    s.rows,
                    s.patients,
                    s.new_patients,
                    s.patients - s.new_patients,
                    s.appended,
                    s.already_stored
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(AppError::CaseFile(CaseFileError::InvalidBundles { rejected })) => {
            for (file, problem) in &rejected {
                eprintln!("{}: {problem}", file.display());
            }
            eprintln!(
                "error: {} of the messages are invalid, so nothing was imported (--skip-invalid imports the rest)",
                rejected.len()
            );
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}
