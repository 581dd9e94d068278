//! `casetrail forget`: a patient's key destroyed for good.

use std::process::ExitCode;

use clap::Args;

use crate::args::Who;
use crate::env::Env;

/// Destroy a patient's key for good: every personal field of theirs becomes unreadable.
#[derive(Debug, Args)]
pub struct ForgetArgs {
    patient: String,
    #[command(flatten)]
    who: Who,
}

pub fn run(env: &Env, args: ForgetArgs) -> anyhow::Result<ExitCode> {
    let done = env.write()?.forget(&args.patient, &args.who.name)?;
    out!(
        "forgot {}: the key is destroyed; the erasure is recorded at position {}",
        done.patient,
        done.position
    );
    Ok(ExitCode::SUCCESS)
}
