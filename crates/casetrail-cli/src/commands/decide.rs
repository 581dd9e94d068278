//! `casetrail decide`: the decision on a residual-risk term of a case.

use std::process::ExitCode;

use clap::Args;

use crate::args::Who;
use crate::env::Env;

/// Record the decision on a residual-risk term: keep it (--accept) or redact it.
#[derive(Debug, Args)]
pub struct DecideArgs {
    #[arg(long)]
    case: String,
    #[arg(long)]
    term: String,
    #[arg(long, value_enum)]
    decision: DecisionArg,
    #[command(flatten)]
    who: Who,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DecisionArg {
    Accept,
    Redact,
}

pub fn run(env: &Env, args: DecideArgs) -> anyhow::Result<ExitCode> {
    let DecideArgs {
        case,
        term,
        decision,
        who,
    } = args;
    let wb = env.write()?;
    let decision = match decision {
        DecisionArg::Accept => casetrail_app::RiskDecision::Accept,
        DecisionArg::Redact => casetrail_app::RiskDecision::Redact,
    };
    let position = wb.decide(&case, &term, decision, &who.name)?;
    out!("recorded: {decision} {term:?} in case {case} at position {position}");
    Ok(ExitCode::SUCCESS)
}
