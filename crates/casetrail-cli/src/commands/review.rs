//! `casetrail review`: what still looks identifying in a case's anonymised timeline.

use std::process::ExitCode;

use clap::Args;

use crate::args::{CaseArgs, TextOrJson};
use crate::env::Env;

/// What still looks identifying in a case's anonymised timeline, for review.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    case: CaseArgs,
    #[arg(long, value_enum, default_value = "text")]
    format: TextOrJson,
    /// `review` also lists every name and place the open-world rules replaced, with its
    /// context, so a harmless word can be restored with `decide --accept`.
    #[arg(long, value_enum, default_value = "strict")]
    redaction: RedactionArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RedactionArg {
    /// Replace every candidate; list only what still looks identifying.
    Strict,
    /// Replace every candidate and list the replaced names and places too.
    Review,
}

pub fn run(env: &Env, args: ReviewArgs) -> anyhow::Result<ExitCode> {
    let ReviewArgs {
        case,
        format,
        redaction,
    } = args;
    let wb = env.read()?;
    let key = env.pseudonym_key(case.key)?;
    let redaction = match redaction {
        RedactionArg::Strict => casetrail_app::RedactionPolicy::Strict,
        RedactionArg::Review => casetrail_app::RedactionPolicy::Review,
    };
    let findings = wb.review(&case.case, &key, case.policy.into(), redaction)?;
    match format {
        TextOrJson::Json => out!("{}", serde_json::to_string_pretty(&findings)?),
        TextOrJson::Text => {
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
