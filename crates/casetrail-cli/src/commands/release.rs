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
}

pub fn run(env: &Env, args: ReleaseArgs) -> anyhow::Result<ExitCode> {
    let ReleaseArgs { case, who } = args;
    let wb = env.write()?;
    let key = env.pseudonym_key(case.key)?;
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
