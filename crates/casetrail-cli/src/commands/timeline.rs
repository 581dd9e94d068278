//! `casetrail timeline`: a case's timeline, identifiable or anonymised, as JSON or HTML.

use std::process::ExitCode;

use clap::Args;

use crate::args::CaseArgs;
use crate::env::Env;

/// A case's timeline: identifiable (facilitators), or anonymised as panels see it.
#[derive(Debug, Args)]
pub struct TimelineArgs {
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TimelineFormat {
    Json,
    Html,
}

pub fn run(env: &Env, args: TimelineArgs) -> anyhow::Result<ExitCode> {
    let TimelineArgs {
        case,
        anonymised,
        release,
        format,
    } = args;
    let wb = env.read()?;
    let key = env.pseudonym_key(case.key)?;
    let timeline = match release {
        Some(version) => wb.released(&case.case, version, &key)?,
        None => {
            let policy = anonymised.then(|| case.policy.into());
            wb.timeline(&case.case, &key, policy)?
        }
    };
    match format {
        TimelineFormat::Json => out!("{}", serde_json::to_string_pretty(&timeline)?),
        TimelineFormat::Html => out!("{}", casetrail_report::timeline_html(&timeline)?),
    }
    Ok(ExitCode::SUCCESS)
}
