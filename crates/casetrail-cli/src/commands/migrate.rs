//! `casetrail migrate`: an older data folder brought to this build's on-disk format, verified
//! before and after.

use std::process::ExitCode;

use casetrail_app::Workbench;
use clap::Args;

use crate::commands::verify::print_report;
use crate::env::Env;

/// Bring the data folder's ledger to this build's on-disk format (once, with the server
/// stopped): it is verified in its old format first and left as it is if broken, then the
/// indexes beside the records are rewritten (records and hashes never change), then it is
/// verified again; exit 1 if either verify finds a break
#[derive(Debug, Args)]
pub struct MigrateArgs {}

pub fn run(env: &Env, _args: MigrateArgs) -> anyhow::Result<ExitCode> {
    let migration = Workbench::migrate(env.data())?;
    if migration.was_current() {
        out!(
            "the ledger is already in format {}; nothing to migrate",
            migration.to
        );
    } else {
        out!(
            "migrated the ledger from format {} to format {}: {} records verified before",
            migration.from,
            migration.to,
            migration.before.checked
        );
    }
    print_report(&migration.after)
}
