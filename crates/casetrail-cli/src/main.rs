//! The `casetrail` command: parses arguments, calls the application façade, prints.
//! `anyhow` lives only here, at the edge.

/// `println!` that returns its error instead of panicking, so that `casetrail … | head`
/// ends quietly when the reader goes away.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)?
    }};
}

mod audit_cmd;
mod progress;
mod receipt_cmd;
mod serve_cmd;
mod stage1_output;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use casetrail_app::{Access, AppError, EventHash, Head, ImportOptions, Position, Workbench};
use casetrail_ledger::SystemClock;
use clap::{Args, Parser, Subcommand};

/// casetrail: case-based audits of cross-sector psychiatric care.
#[derive(Debug, Parser)]
#[command(name = "casetrail", version, about)]
struct Cli {
    #[command(flatten)]
    data: DataDir,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct DataDir {
    /// The data directory (created by `demo` when missing).
    #[arg(long = "data", global = true, env = "CASETRAIL_DATA", default_value = casetrail_app::DEFAULT_DATA_DIR)]
    path: PathBuf,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Append synthetic sample pathways (once), print the head and verify the chain.
    Demo,
    /// Read a PDF from standard input and print its text, under memory, CPU and output
    /// limits: the server runs this as a child for every uploaded PDF, so a hostile file
    /// ends this process, not the server.
    #[command(hide = true)]
    PdfText,
    /// Print the position and hash of the last record: the value to write down.
    Head,
    /// Recompute the hash chain and every index; exit 1 naming the first broken position.
    Verify {
        /// Trusted checkpoint position: verify only what comes after it.
        #[arg(long, requires = "hash")]
        from: Option<u64>,
        /// Hash of the record at the checkpoint position (64 hex digits).
        #[arg(long, requires = "from")]
        hash: Option<String>,
        /// Check instead that the log was only appended to between two signed checkpoints
        /// (checkpoint files, receipts, or reports carrying one), older first.
        #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["from", "hash"])]
        consistency: Option<Vec<PathBuf>>,
        /// The public key the checkpoints must be signed with (64 hex digits, or a file).
        #[arg(long, requires = "consistency")]
        public_key: Option<String>,
    },
    /// Check a receipt offline: its signatures, its inclusion proofs, and that the file it
    /// names (beside it, or --content) is unaltered. FILE is a receipt, or a report.
    VerifyReceipt {
        file: PathBuf,
        /// The public key the receipt must be signed with (64 hex digits, or a file).
        #[arg(long)]
        public_key: Option<String>,
        /// The fingerprint of the key the receipt must be signed with, as `casetrail
        /// public-key` prints it. Without this or --public-key a receipt that holds together
        /// exits 3: its key is not known to be the organisation's.
        #[arg(long, conflicts_with = "public_key")]
        trust_fingerprint: Option<String>,
        /// The exported file, when it is not beside the receipt under its own name.
        #[arg(long)]
        content: Option<PathBuf>,
    },
    /// Sign a checkpoint of the log now (the server also publishes one every second while
    /// events arrive) and print it, or write it to --out for safe keeping.
    Checkpoint {
        #[command(flatten)]
        signing: receipt_cmd::SigningKeyArgs,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the public key that verifies this casetrail's checkpoints, with its fingerprint.
    PublicKey {
        #[command(flatten)]
        signing: receipt_cmd::SigningKeyArgs,
        /// Also write the key to this file, for `--public-key`.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write a deterministic synthetic region as a contacts CSV (invented people only).
    Generate {
        #[arg(long)]
        patients: usize,
        #[arg(long)]
        year: i32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Import a contacts CSV, or JSON Lines of events (.jsonl): every row is validated first.
    Import {
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
    },
    /// Write every event as JSON Lines, personal fields opened (forgotten patients left out).
    ExportEvents { out: PathBuf },
    /// The audit report as printable HTML (and PDF through headless chromium with --pdf).
    Report {
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
        signing: receipt_cmd::SigningKeyArgs,
    },
    /// Export an audit's findings (revealed answers; preliminary until the audit is closed):
    /// CSV (ID-answers.csv, one row per answer, and ID-summary.csv, one row per case and
    /// question), JSON (ID-findings.json), FHIR R4 (ID-fhir.json), REDCap (a data dictionary
    /// and a data CSV) or Parquet (ID-answers.parquet, and the stage-1 episodes with --year).
    /// Each file gets a signed receipt beside it (FILE.receipt.json). Columns: docs/exports.md.
    Export {
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
        signing: receipt_cmd::SigningKeyArgs,
    },
    /// Redact text from standard input to standard output with the redactor case timelines
    /// use: CPR numbers, phone numbers, e-mail addresses, addresses, common names, exact
    /// dates, and the names listed in FILE (one per line; `name<TAB>label` to choose a label).
    Redact {
        #[arg(long)]
        names: Option<PathBuf>,
        /// Pseudonym key file: listed names without a label become keyed pseudonyms.
        #[arg(long)]
        key: Option<PathBuf>,
        /// Write dates as days from this day (YYYY-MM-DD) instead of [DATO].
        #[arg(long)]
        index_date: Option<casetrail_app::NaiveDate>,
    },
    /// A case's timeline: identifiable (facilitators), or anonymised as panels see it.
    Timeline {
        #[command(flatten)]
        case: CaseArgs,
        /// The anonymised timeline: pseudonyms, relative days, redacted text.
        #[arg(long)]
        anonymised: bool,
        /// Show released version N (anonymised, rebuilt and checked against its hash).
        #[arg(long)]
        release: Option<u32>,
        #[arg(long, value_enum, default_value = "json")]
        format: TimelineFormat,
    },
    /// What still looks identifying in a case's anonymised timeline, for review.
    Review {
        #[command(flatten)]
        case: CaseArgs,
        #[arg(long, value_enum, default_value = "text")]
        format: PathwayFormat,
        /// `review` also lists every name and place the open-world rules replaced, with its
        /// context, so a harmless word can be restored with `decide --accept`.
        #[arg(long, value_enum, default_value = "strict")]
        redaction: RedactionArg,
    },
    /// Record the decision on a residual-risk term: keep it (--accept) or redact it.
    Decide {
        #[arg(long)]
        case: String,
        #[arg(long)]
        term: String,
        #[arg(long, value_enum)]
        decision: DecisionArg,
        #[command(flatten)]
        who: Who,
    },
    /// Release the case's current anonymised timeline to audit panels.
    Release {
        #[command(flatten)]
        case: CaseArgs,
        #[command(flatten)]
        who: Who,
    },
    /// The released versions of a case.
    Releases {
        #[arg(long)]
        case: String,
    },
    /// Make the stored projections anew from the whole log (with progress).
    Rebuild,
    /// The DEFACTUM stage-1 analysis of a year.
    Stage1 {
        #[arg(long)]
        year: i32,
        #[arg(long, value_enum, default_value = "table")]
        format: stage1_output::Format,
    },
    /// Candidate cases by the DEFACTUM inclusion criteria, with the facts that made them match.
    Select(SelectArgs),
    /// A patient's whole pathway, identifiable (for facilitators assembling a case).
    Pathway {
        patient: String,
        #[arg(long, value_enum, default_value = "text")]
        format: PathwayFormat,
    },
    /// Krippendorff's alpha of a rating table: a CSV with a header row naming the raters, one
    /// row per unit, one column per rater, an empty cell for a missing value. Prints alpha
    /// alone on the first line ("undefined" when there is no variation), then the details.
    Alpha {
        file: PathBuf,
        #[arg(long, value_enum)]
        level: LevelArg,
        /// Bootstrap resamples of the units for the 95 % interval.
        #[arg(long, default_value_t = 1000)]
        bootstrap: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The audit workflow: create, add-member, assign, open, answer, submit, reveal, note,
    /// consensus, theme, recommend, close, status.
    Audit(audit_cmd::AuditArgs),
    /// Workbench users: add (password read from standard input), list, disable.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Start the web workbench (`--demo` loads invented cases, an audit and users first).
    Serve(serve_cmd::ServeArgs),
    /// Destroy a patient's key for good: every personal field of theirs becomes unreadable.
    Forget {
        patient: String,
        #[command(flatten)]
        who: Who,
    },
}

#[derive(Debug, Args)]
struct SelectArgs {
    /// First day of the period looked at (YYYY-MM-DD).
    #[arg(long)]
    from: Option<casetrail_app::NaiveDate>,
    /// Last day of the period looked at (YYYY-MM-DD).
    #[arg(long)]
    to: Option<casetrail_app::NaiveDate>,
    /// Diagnosis groups, any of: F20, F60, other (comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = parse_group)]
    diagnosis: Vec<casetrail_app::DiagnosisGroup>,
    /// At least this many acute admissions of 0-3 days in the period.
    #[arg(long, default_value_t = 0)]
    min_short_admissions: usize,
    /// At least this many distinct actors (sector and unit) in contact in the period.
    #[arg(long, default_value_t = 0)]
    min_actors: usize,
    /// Attached to housing or housing support.
    #[arg(long)]
    housing: bool,
    /// Substance misuse (F10-F19 diagnosis or addiction treatment).
    #[arg(long)]
    substance_misuse: bool,
    #[arg(long)]
    age_from: Option<i32>,
    #[arg(long)]
    age_to: Option<i32>,
    /// First psychiatric contact less than a year before the end of the period.
    #[arg(long)]
    new_to_psychiatry: bool,
    /// Leave out patients under a court treatment order.
    #[arg(long)]
    exclude_court_ordered: bool,
    #[arg(long, value_enum, default_value = "text")]
    format: PathwayFormat,
}

fn parse_group(text: &str) -> Result<casetrail_app::DiagnosisGroup, String> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_string()))
        .map_err(|_| format!("{text:?} is not a diagnosis group (F20, F60 or other)"))
}

#[derive(Debug, Args)]
struct CaseArgs {
    /// The case: the patient id of its pathway.
    #[arg(long)]
    case: String,
    /// Date policy of the anonymised timeline.
    #[arg(long, value_enum, default_value = "relative")]
    policy: PolicyArg,
    /// Pseudonym key file (64 hex digits, owner-only); else CASETRAIL_PSEUDONYM_KEY, else
    /// DATA/pseudonym.key, created on first use.
    #[arg(long)]
    key: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RedactionArg {
    /// Replace every candidate; list only what still looks identifying.
    Strict,
    /// Replace every candidate and list the replaced names and places too.
    Review,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PolicyArg {
    /// Days relative to the index admission.
    Relative,
    /// Dates moved back by a keyed number of whole weeks.
    Shifted,
}

impl From<PolicyArg> for casetrail_app::DatePolicy {
    fn from(p: PolicyArg) -> Self {
        match p {
            PolicyArg::Relative => casetrail_app::DatePolicy::RelativeDays,
            PolicyArg::Shifted => casetrail_app::DatePolicy::ShiftedWeeks,
        }
    }
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user; the password is the first line of standard input (never an argument, so it
    /// stays out of shell history and process lists).
    Add {
        #[arg(long = "name")]
        user: String,
        #[arg(long, value_parser = parse_role)]
        role: casetrail_app::Role,
        #[command(flatten)]
        who: Who,
    },
    /// Every user with their role and whether they are disabled.
    List,
    /// Disable a user: they can no longer sign in.
    Disable {
        #[arg(long = "name")]
        user: String,
        #[command(flatten)]
        who: Who,
    },
}

fn parse_role(text: &str) -> Result<casetrail_app::Role, String> {
    casetrail_app::Role::parse(text).ok_or_else(|| {
        format!("{text:?} is not a role (facilitator, panel_member, quality, administrator)")
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LevelArg {
    Nominal,
    Ordinal,
    Interval,
    Ratio,
}

impl From<LevelArg> for casetrail_app::Level {
    fn from(l: LevelArg) -> Self {
        match l {
            LevelArg::Nominal => casetrail_app::Level::Nominal,
            LevelArg::Ordinal => casetrail_app::Level::Ordinal,
            LevelArg::Interval => casetrail_app::Level::Interval,
            LevelArg::Ratio => casetrail_app::Level::Ratio,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DecisionArg {
    Accept,
    Redact,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Json,
    /// A FHIR R4 Bundle: the Questionnaire and a QuestionnaireResponse per member and case.
    Fhir,
    /// A REDCap data dictionary and a matching data CSV.
    Redcap,
    /// The answers (and, with --year, the stage-1 episodes) as Parquet.
    Parquet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TimelineFormat {
    Json,
    Html,
}

pub(crate) fn key_source(file: Option<PathBuf>) -> casetrail_app::KeySource {
    match (file, std::env::var("CASETRAIL_PSEUDONYM_KEY")) {
        (Some(path), _) => casetrail_app::KeySource::File(path),
        (None, Ok(hex)) => casetrail_app::KeySource::Hex(hex),
        (None, Err(_)) => casetrail_app::KeySource::DataDir,
    }
}

fn read_names(file: &std::path::Path) -> anyhow::Result<Vec<casetrail_app::NameEntry>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once('\t') {
            Some((name, label)) => casetrail_app::NameEntry {
                name: name.trim().to_owned(),
                label: Some(label.trim().to_owned()).filter(|l| !l.is_empty()),
            },
            None => casetrail_app::NameEntry {
                name: l.to_owned(),
                label: None,
            },
        })
        .collect())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PathwayFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
struct Who {
    /// Who is acting, as recorded in the log.
    #[arg(long = "actor", env = "USER", default_value = "casetrail")]
    name: String,
}

fn print_head(head: Option<Head>) -> anyhow::Result<()> {
    match head {
        Some(h) => out!("position {}\nhash {}", h.position, h.hash),
        None => out!("the ledger is empty"),
    }
    Ok(())
}

/// `casetrail pdf-text`: limits first, then at most `MAX_PDF_BYTES` from standard input.
fn pdf_text_child() -> anyhow::Result<ExitCode> {
    use std::io::{Read, Write};
    casetrail_app::limit_this_process_for_pdf()?;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(casetrail_app::MAX_PDF_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    match casetrail_app::pdf_text_here(&bytes) {
        Ok(text) => {
            std::io::stdout().write_all(text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::from(2))
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let data = &cli.data.path;
    match cli.command {
        Command::Demo => {
            let wb = Workbench::open(data, Access::ReadWrite, Arc::new(SystemClock))?;
            let summary = wb.load_demo()?;
            out!(
                "demo: {} synthetic pathways in {}; {} events appended, {} already stored",
                summary.streams,
                data.display(),
                summary.appended,
                summary.already_stored
            );
            print_head(summary.head)?;
            report(&summary.verify)
        }
        Command::Head => {
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            print_head(wb.head())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify {
            consistency: Some(files),
            public_key,
            ..
        } => {
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            receipt_cmd::verify_consistency(&wb, &files[0], &files[1], public_key.as_deref())
        }
        Command::VerifyReceipt {
            file,
            public_key,
            trust_fingerprint,
            content,
        } => receipt_cmd::verify_receipt(
            &file,
            public_key.as_deref(),
            trust_fingerprint.as_deref(),
            content.as_deref(),
        ),
        Command::Checkpoint { signing, out } => {
            let signer = signing.open(data)?;
            let wb = match Workbench::open(data, Access::ReadWrite, Arc::new(SystemClock)) {
                Err(AppError::Ledger(casetrail_ledger::LedgerError::Locked { .. })) => {
                    anyhow::bail!(
                        "the data folder is in use (by `casetrail serve`?): the server publishes a checkpoint every second while events arrive; fetch the newest from its /checkpoint page"
                    )
                }
                other => other?,
            };
            let checkpoint = wb.checkpoint(&signer)?;
            let json = checkpoint.to_json();
            match out {
                Some(path) => {
                    std::fs::write(&path, format!("{json}\n"))
                        .with_context(|| format!("writing {}", path.display()))?;
                    out!(
                        "wrote {}: checkpoint of {} events, key {}",
                        path.display(),
                        checkpoint.checkpoint.size,
                        checkpoint.fingerprint()
                    );
                }
                None => out!("{json}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::PublicKey { signing, out } => {
            let signer = signing.open(data)?;
            let key = signer.public_key();
            out!("{}", key.to_hex());
            out!("fingerprint {}", key.fingerprint());
            out!("key file {}", signer.path().display());
            if let Some(path) = out {
                std::fs::write(
                    &path,
                    format!(
                        "# casetrail checkpoint key, fingerprint {}\n{}\n",
                        key.fingerprint(),
                        key.to_hex()
                    ),
                )
                .with_context(|| format!("writing {}", path.display()))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { from, hash, .. } => {
            let checkpoint = match (from, hash) {
                (Some(position), Some(hash)) => Some(Head {
                    position: Position(position),
                    hash: EventHash::from_hex(&hash).context("--hash")?,
                }),
                _ => None,
            };
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            report(&wb.verify(checkpoint)?)
        }
        Command::Generate {
            patients,
            year,
            seed,
            out,
        } => {
            let file = std::fs::File::create(&out)
                .with_context(|| format!("creating {}", out.display()))?;
            let config = casetrail_synth::Config {
                patients,
                year,
                seed,
            };
            let rows = casetrail_synth::write_csv(config, std::io::BufWriter::new(file))
                .with_context(|| format!("writing {}", out.display()))?;
            out!(
                "generated {patients} synthetic patients ({rows} rows) for {year} in {}",
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            file,
            skip_invalid,
            renames,
            dry_run,
            who,
        } => {
            let wb = Workbench::open(data, Access::ReadWrite, Arc::new(SystemClock))?;
            let options = ImportOptions {
                skip_invalid,
                renames: casetrail_app::Renames::parse(renames.iter().map(String::as_str))?,
                dry_run,
            };
            if dry_run {
                let s = wb.import_file(&file, options, &who.name, &mut casetrail_app::Quiet)?;
                out!(
                    "{} would import {} rows for {} patients ({} new, {} already in the record); nothing was written",
                    file.display(),
                    s.rows,
                    s.patients,
                    s.new_patients,
                    s.patients - s.new_patients
                );
                return Ok(ExitCode::SUCCESS);
            }
            match wb.import_file(&file, options, &who.name, &mut progress::Bar::default()) {
                Ok(s) => {
                    out!(
                        "imported {}: {} rows for {} patients ({} new, {} already in the record); {} events appended, {} already stored",
                        file.display(),
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
                Err(AppError::InvalidRows { path, rejected }) => {
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
        Command::Report {
            audit,
            year,
            out,
            pdf,
            key,
            signing,
        } => {
            let signer = signing.open(data)?;
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            let key = casetrail_app::pseudonym_key(&key_source(key), data)?;
            let report = wb.audit_report(&audit, &key)?;
            let stage1 = year.map(|y| wb.stage1(y)).transpose()?;
            let checkpoint = wb.checkpoint(&signer)?;
            let events = wb.audit_event_positions(&audit)?;
            let page = casetrail_web::report_html(
                &report,
                stage1.as_ref(),
                &checkpoint.checkpoint.made_at,
                casetrail_web::ReportFile::Standalone,
                Some((&checkpoint, events.len())),
            )?;
            let name = out
                .file_name()
                .map_or("report.html".into(), |n| n.to_string_lossy().into_owned());
            let html =
                wb.report_with_receipt(&signer, &audit, &name, checkpoint, &page, &events)?;
            std::fs::write(&out, html).with_context(|| format!("writing {}", out.display()))?;
            out!("wrote {} (its receipt inside)", out.display());
            if let Some(pdf) = pdf {
                let page = std::fs::canonicalize(&out)
                    .with_context(|| format!("finding {}", out.display()))?;
                let status = std::process::Command::new("chromium")
                    .args([
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-pdf-header-footer",
                        &format!("--print-to-pdf={}", pdf.display()),
                        &format!("file://{}", page.display()),
                    ])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status()
                    .context("running chromium to print the PDF (scripts/setup installs it)")?;
                if !status.success() {
                    anyhow::bail!("chromium could not print {} ({status})", pdf.display());
                }
                let bytes =
                    std::fs::read(&pdf).with_context(|| format!("reading {}", pdf.display()))?;
                let file = casetrail_app::ExportFile {
                    name: pdf
                        .file_name()
                        .map_or("report.pdf".into(), |n| n.to_string_lossy().into_owned()),
                    content_type: "application/pdf",
                    description: format!("audit report as PDF, audit {audit}"),
                    bytes,
                    events,
                };
                let receipt = wb.export_receipt(&signer, &file)?;
                let receipt_path = receipt_path(&pdf);
                std::fs::write(&receipt_path, receipt.to_json())
                    .with_context(|| format!("writing {}", receipt_path.display()))?;
                out!(
                    "wrote {} and its receipt {}",
                    pdf.display(),
                    receipt_path.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            audit,
            format,
            out,
            bom,
            min_cell,
            key,
            year,
            signing,
        } => {
            if min_cell == 0 {
                anyhow::bail!("--min-cell must be at least 1");
            }
            if year.is_some() && format != ExportFormat::Parquet {
                anyhow::bail!("--year goes with --format parquet (the stage-1 episodes)");
            }
            let signer = signing.open(data)?;
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            let key = casetrail_app::pseudonym_key(&key_source(key), data)?;
            let format = match format {
                ExportFormat::Csv => casetrail_app::ExportFormat::Csv,
                ExportFormat::Json => casetrail_app::ExportFormat::Json,
                ExportFormat::Fhir => casetrail_app::ExportFormat::Fhir,
                ExportFormat::Redcap => casetrail_app::ExportFormat::Redcap,
                ExportFormat::Parquet => casetrail_app::ExportFormat::Parquet,
            };
            let options = casetrail_app::ExportOptions {
                min_cell,
                bom,
                stage1_year: year,
            };
            let export = wb.export(&audit, &key, format, options)?;
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            for file in &export.files {
                let path = out.join(&file.name);
                let receipt = wb.export_receipt(&signer, file)?;
                let receipt_path = receipt_path(&path);
                // The file first, then its receipt: a receipt never names a file not written.
                std::fs::write(&path, &file.bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
                std::fs::write(&receipt_path, receipt.to_json())
                    .with_context(|| format!("writing {}", receipt_path.display()))?;
                out!("wrote {} and {}", path.display(), receipt_path.display());
            }
            if export.preliminary {
                out!("preliminary: audit {audit} is not closed yet");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::ExportEvents { out } => {
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            // Written beside, then renamed: a failure leaves no partial file under the name.
            let partial = out.with_extension("partial");
            let write = || -> anyhow::Result<(usize, usize, usize)> {
                let file = std::fs::File::create(&partial)
                    .with_context(|| format!("creating {}", partial.display()))?;
                let mut writer = std::io::BufWriter::new(file);
                let counts = wb.export_events(&mut writer)?;
                let file = writer
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("writing {}", partial.display()))?;
                file.sync_all()
                    .with_context(|| format!("writing {}", partial.display()))?;
                std::fs::rename(&partial, &out).with_context(|| {
                    format!("renaming {} to {}", partial.display(), out.display())
                })?;
                Ok(counts)
            };
            let (written, left_out, other) = write().inspect_err(|_| {
                let _ = std::fs::remove_file(&partial);
            })?;
            out!(
                "exported {written} events of the patients' pathways to {}; {left_out} of forgotten patients left out; {other} events of users, audits and the access log are not exported (they stay in the log)",
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Redact {
            names,
            key,
            index_date,
        } => {
            let names = match names {
                Some(file) => read_names(&file)?,
                None => Vec::new(),
            };
            let key = match key {
                Some(path) => Some(casetrail_app::pseudonym_key(
                    &casetrail_app::KeySource::File(path),
                    data,
                )?),
                None => None,
            };
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .context("reading standard input")?;
            let redacted = casetrail_app::redact_text(&text, &names, key.as_ref(), index_date);
            std::io::Write::write_all(&mut std::io::stdout(), redacted.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Timeline {
            case,
            anonymised,
            release,
            format,
        } => {
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            let key = casetrail_app::pseudonym_key(&key_source(case.key), data)?;
            let timeline = match release {
                Some(version) => wb.released(&case.case, version, &key)?,
                None => {
                    let policy = anonymised.then(|| case.policy.into());
                    wb.timeline(&case.case, &key, policy)?
                }
            };
            match format {
                TimelineFormat::Json => out!("{}", serde_json::to_string_pretty(&timeline)?),
                TimelineFormat::Html => out!("{}", casetrail_web::timeline_html(&timeline)?),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Review {
            case,
            format,
            redaction,
        } => {
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            let key = casetrail_app::pseudonym_key(&key_source(case.key), data)?;
            let redaction = match redaction {
                RedactionArg::Strict => casetrail_app::RedactionPolicy::Strict,
                RedactionArg::Review => casetrail_app::RedactionPolicy::Review,
            };
            let findings = wb.review(&case.case, &key, case.policy.into(), redaction)?;
            match format {
                PathwayFormat::Json => out!("{}", serde_json::to_string_pretty(&findings)?),
                PathwayFormat::Text => {
                    if findings.is_empty() {
                        out!("nothing left to review in case {}", case.case);
                    }
                    for f in &findings {
                        out!(
                            "{:<20} {:<22} {:>3}×  first in {}{}",
                            f.term,
                            format!("{:?}", f.kind),
                            f.occurrences,
                            f.first_seen,
                            f.context
                                .as_ref()
                                .map_or_else(String::new, |c| format!(": {c}"))
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Decide {
            case,
            term,
            decision,
            who,
        } => {
            let wb = Workbench::open(data, Access::ReadWrite, Arc::new(SystemClock))?;
            let decision = match decision {
                DecisionArg::Accept => casetrail_app::RiskDecision::Accept,
                DecisionArg::Redact => casetrail_app::RiskDecision::Redact,
            };
            let position = wb.decide(&case, &term, decision, &who.name)?;
            out!("recorded: {decision} {term:?} in case {case} at position {position}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Release { case, who } => {
            let wb = Workbench::open(data, Access::ReadWrite, Arc::new(SystemClock))?;
            let key = casetrail_app::pseudonym_key(&key_source(case.key), data)?;
            let r = wb.release(&case.case, &key, case.policy.into(), &who.name)?;
            out!(
                "released version {} of case {} ({}) at position {}\ncontent hash {}",
                r.version,
                case.case,
                r.policy,
                r.position,
                r.content_hash
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Releases { case } => {
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            let all = wb.releases(&case)?;
            if all.is_empty() {
                out!("case {case} has no released versions");
            }
            for r in all {
                out!(
                    "version {}  position {}  events {}  {}  by {}  {}",
                    r.version,
                    r.position,
                    r.stream_version,
                    r.policy,
                    r.released_by,
                    r.content_hash
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Alpha {
            file,
            level,
            bootstrap,
            seed,
        } => {
            let r = casetrail_app::alpha_of_file(&file, level.into(), bootstrap, seed)?;
            let a = &r.agreement;
            match a.alpha {
                Some(alpha) => out!("{alpha:.3}"),
                None => out!("undefined"),
            }
            if a.alpha.is_none() {
                out!(
                    "alpha is undefined: the pairable values show no variation (or there are none)"
                );
            }
            out!("observed disagreement {:.6}", a.observed);
            out!("expected disagreement {:.6}", a.expected);
            out!(
                "pairable values {} in {} of {} units, {} raters",
                a.pairable,
                a.pairable_units,
                r.units,
                r.raters
            );
            match r.interval {
                Some((lo, hi)) => out!(
                    "{:.0} % interval {lo:.3} to {hi:.3} ({} bootstrap resamples of the units, seed {})",
                    r.confidence * 100.0,
                    r.samples,
                    r.seed
                ),
                None => out!("interval undefined"),
            }
            let counts: Vec<String> = r
                .distribution
                .iter()
                .map(|(v, n)| format!("{v}: {n}"))
                .collect();
            out!("distribution {}", counts.join(", "));
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(args) => audit_cmd::run(data, args),
        Command::Serve(args) => serve_cmd::run(data, args),
        Command::PdfText => pdf_text_child(),
        Command::User { command } => match command {
            UserCommand::Add {
                user: name,
                role,
                who,
            } => {
                let wb = Workbench::open(data, Access::ReadWrite, Arc::new(SystemClock))?;
                let mut password = String::new();
                std::io::stdin()
                    .read_line(&mut password)
                    .context("reading the password from standard input")?;
                let password = password.trim_end_matches(['\r', '\n']);
                let position = wb.add_user(&name, role, password, &who.name)?;
                out!(
                    "added user {name} ({}) at position {position}",
                    role.as_str()
                );
                Ok(ExitCode::SUCCESS)
            }
            UserCommand::List => {
                let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
                for u in wb.users()? {
                    let state = if u.disabled { "  (disabled)" } else { "" };
                    out!("{:<24} {}{state}", u.name, u.role.as_str());
                }
                Ok(ExitCode::SUCCESS)
            }
            UserCommand::Disable { user: name, who } => {
                let wb = Workbench::open(data, Access::ReadWrite, Arc::new(SystemClock))?;
                let position = wb.disable_user(&name, &who.name)?;
                out!("disabled user {name} at position {position}");
                Ok(ExitCode::SUCCESS)
            }
        },
        Command::Rebuild => {
            let wb = Workbench::open(data, Access::ReadWrite, Arc::new(SystemClock))?;
            let started = std::time::Instant::now();
            let checkpoint = wb.rebuild(&mut progress::Bar::default())?;
            match checkpoint {
                Some(c) => out!(
                    "rebuilt the stays projection up to position {} in {:.1} s",
                    c.position,
                    started.elapsed().as_secs_f64()
                ),
                None => out!("the ledger is empty; the projection is empty"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stage1 { year, format } => {
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            stage1_output::print(&wb.stage1(year)?, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Select(args) => {
            let criteria = casetrail_app::Criteria {
                from: args.from,
                to: args.to,
                groups: args.diagnosis,
                min_short_acute: args.min_short_admissions,
                min_actors: args.min_actors,
                housing: args.housing,
                substance_misuse: args.substance_misuse,
                age_from: args.age_from,
                age_to: args.age_to,
                new_to_psychiatry: args.new_to_psychiatry,
                exclude_court_ordered: args.exclude_court_ordered,
            };
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            let candidates = wb.select(&criteria)?;
            match args.format {
                PathwayFormat::Json => out!("{}", serde_json::to_string_pretty(&candidates)?),
                PathwayFormat::Text => {
                    out!("{} candidates", candidates.len());
                    for c in &candidates {
                        out!(
                            "{}  {}  age {}  admissions {} (short acute {}, readmissions {})  actors {}{}{}{}",
                            c.patient,
                            serde_json::to_value(c.group)?.as_str().unwrap_or("?"),
                            c.age.map_or("?".into(), |a| a.to_string()),
                            c.admissions,
                            c.short_acute_admissions,
                            c.readmissions,
                            c.actors.len(),
                            if c.housing { "  housing" } else { "" },
                            if c.substance_misuse {
                                "  substance misuse"
                            } else {
                                ""
                            },
                            if c.court_ordered { "  court order" } else { "" },
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Pathway { patient, format } => {
            let wb = Workbench::open(data, Access::ReadOnly, Arc::new(SystemClock))?;
            let view = wb.pathway(&patient)?;
            match format {
                PathwayFormat::Json => out!("{}", serde_json::to_string_pretty(&view)?),
                PathwayFormat::Text => print_pathway(&view)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Forget { patient, who } => {
            let wb = Workbench::open(data, Access::ReadWrite, Arc::new(SystemClock))?;
            let done = wb.forget(&patient, &who.name)?;
            out!(
                "forgot {}: the key is destroyed; the erasure is recorded at position {}",
                done.patient,
                done.position
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_pathway(view: &casetrail_app::PathwayView) -> anyhow::Result<()> {
    let show = |p: &Option<casetrail_app::Personal>| {
        p.as_ref().map_or("–".to_string(), |p| p.to_string())
    };
    out!(
        "patient {}: {} (CPR {}), born {}, {}",
        view.patient,
        show(&view.name),
        show(&view.cpr),
        view.birth_year.map_or("?".into(), |y| y.to_string()),
        view.municipality.clone().unwrap_or_default()
    );
    if let Some(e) = &view.erased {
        out!(
            "forgotten by {} (recorded at {} µs): personal fields are erased",
            e.by,
            e.recorded_at
        );
    }
    if !view.stays.is_empty() {
        out!("stays:");
        for s in &view.stays {
            let why = if s.readmission {
                format!(
                    "readmission, {} h after discharge",
                    s.hours_since_discharge.unwrap_or_default()
                )
            } else {
                s.why_not.clone().unwrap_or_default()
            };
            out!(
                "  {} → {}  {} days  {}{}  {why}",
                s.start,
                s.end.clone().unwrap_or_else(|| "(still admitted)".into()),
                s.length_days.map_or("?".into(), |d| d.to_string()),
                if s.acute { "acute" } else { "planned" },
                if s.evening_night == Some(true) {
                    ", evening/night"
                } else {
                    ""
                },
            );
        }
        out!("record:");
    }
    for entry in &view.entries {
        out!(
            "{:>8}  {:<16}  {}",
            entry.position,
            entry.when,
            entry.summary
        );
        if let Some(note) = &entry.note {
            out!("{:>8}  {:<16}  note: {note}", "", "");
        }
    }
    Ok(())
}

fn report(verify: &casetrail_app::VerifyReport) -> anyhow::Result<ExitCode> {
    match &verify.broken {
        None => {
            let head = verify
                .verified_head
                .map_or("empty".to_string(), |h| h.to_string());
            out!("intact: {} records verified; head {head}", verify.checked);
            Ok(ExitCode::SUCCESS)
        }
        Some(b) => {
            eprintln!("BROKEN at position {}: {}", b.position, b.kind);
            eprintln!("  expected: {}", b.expected);
            eprintln!("  found:    {}", b.found);
            eprintln!("  ({} records before it verified)", verify.checked);
            Ok(ExitCode::from(1))
        }
    }
}

/// Where a file's receipt goes: beside it, `NAME.receipt.json`.
fn receipt_path(file: &std::path::Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_owned();
    name.push(".receipt.json");
    file.with_file_name(name)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The server sets up its own logging, from its settings (text or JSON).
    if !matches!(cli.command, Command::Serve(_)) {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    match run(cli) {
        Ok(code) => code,
        // The reader of our output went away (`casetrail … | head`): nothing left to say.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
