//! `casetrail release`: the case's current anonymised timeline, released to panels.

use std::process::ExitCode;

use clap::Args;

use crate::args::{CaseArgs, Who};
use crate::env::Env;

/// Release the case's current anonymised timeline to audit panels.
#[derive(Debug, Args)]
pub struct ReleaseArgs {
    #[command(flatten)]
    case: CaseArgs,
    #[command(flatten)]
    who: Who,
    /// Why the case is released with review items undecided (refused without one); sealed
    /// into the release event.
    #[arg(long)]
    reason: Option<String>,
}

pub fn run(env: &Env, args: ReleaseArgs) -> anyhow::Result<ExitCode> {
    let ReleaseArgs { case, who, reason } = args;
    let wb = env.write()?;
    let key = env.pseudonym_key(case.key)?;
    let r = wb.release(
        &case.case,
        &key,
        case.policy.into(),
        &who.name,
        reason.as_deref(),
    )?;
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
