//! `casetrail public-key`: the key that verifies this casetrail's checkpoints.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::args::{SigningKeyArgs, write_file};
use crate::env::Env;

/// Print the public key that verifies this casetrail's checkpoints, with its fingerprint.
#[derive(Debug, Args)]
pub struct PublicKeyArgs {
    #[command(flatten)]
    signing: SigningKeyArgs,
    /// Also write the key to this file, for `--public-key`.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(env: &Env, args: PublicKeyArgs) -> anyhow::Result<ExitCode> {
    let signer = env.signer(&args.signing)?;
    let key = signer.public_key();
    out!("{}", key.to_hex());
    out!("fingerprint {}", key.fingerprint());
    out!("key file {}", signer.path().display());
    if let Some(path) = args.out {
        write_file(
            &path,
            format!(
                "# casetrail checkpoint key, fingerprint {}\n{}\n",
                key.fingerprint(),
                key.to_hex()
            ),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
