//! `casetrail releases`: the released versions of a case.

use std::process::ExitCode;

use clap::Args;

use crate::env::Env;

/// The released versions of a case.
#[derive(Debug, Args)]
pub struct ReleasesArgs {
    #[arg(long)]
    case: String,
}

pub fn run(env: &Env, args: ReleasesArgs) -> anyhow::Result<ExitCode> {
    let case = args.case;
    let all = env.read()?.releases(&case)?;
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
