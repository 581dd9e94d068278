//! `casetrail export-events`: every patient event as JSON Lines, personal fields opened.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::env::Env;

/// Write every event as JSON Lines, personal fields opened (forgotten patients left out).
#[derive(Debug, Args)]
pub struct ExportEventsArgs {
    out: PathBuf,
}

pub fn run(env: &Env, args: ExportEventsArgs) -> anyhow::Result<ExitCode> {
    let wb = env.read()?;
    let out = &args.out;
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
        std::fs::rename(&partial, out)
            .with_context(|| format!("renaming {} to {}", partial.display(), out.display()))?;
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
