//! The `casetrail` command: parses the arguments, sets up logging, and hands the command to
//! its file under `commands/` (one file a command: its arguments and its `run`). Every
//! command goes through the application façade; `anyhow` lives only here, at the edge.

/// `println!` that returns its error instead of panicking, so that `casetrail … | head`
/// ends quietly when the reader goes away.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)?
    }};
}

mod args;
mod commands;
mod env;
mod pdf;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// casetrail: case-based audits of cross-sector psychiatric care.
#[derive(Debug, Parser)]
#[command(name = "casetrail", version, about)]
struct Cli {
    /// The data directory (created by `demo` when missing).
    #[arg(long = "data", global = true, env = "CASETRAIL_DATA", default_value = casetrail_app::DEFAULT_DATA_DIR)]
    data: PathBuf,
    #[command(subcommand)]
    command: commands::Command,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The server sets up its own logging, from its settings (text or JSON).
    if !cli.command.sets_up_its_own_logging() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let env = env::Env::new(cli.data);
    match commands::run(&env, cli.command) {
        Ok(code) => code,
        // The reader of our output went away (`casetrail … | head`): nothing left to say.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", env::with_advice(&e));
            ExitCode::from(2)
        }
    }
}
