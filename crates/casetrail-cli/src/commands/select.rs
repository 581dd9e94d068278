//! `casetrail select`: candidate cases by the DEFACTUM inclusion criteria.

use std::process::ExitCode;

use clap::Args;

use crate::args::TextOrJson;
use crate::env::Env;

/// Candidate cases by the DEFACTUM inclusion criteria, with the facts that made them match.
#[derive(Debug, Args)]
pub struct SelectArgs {
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
    format: TextOrJson,
}

fn parse_group(text: &str) -> Result<casetrail_app::DiagnosisGroup, String> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_string()))
        .map_err(|_| format!("{text:?} is not a diagnosis group (F20, F60 or other)"))
}

pub fn run(env: &Env, args: SelectArgs) -> anyhow::Result<ExitCode> {
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
    let wb = env.read()?;
    let candidates = wb.select(&criteria)?;
    match args.format {
        TextOrJson::Json => out!("{}", serde_json::to_string_pretty(&candidates)?),
        TextOrJson::Text => {
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
