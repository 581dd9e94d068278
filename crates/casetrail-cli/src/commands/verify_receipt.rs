//! `casetrail verify-receipt`: a receipt checked offline, with no access to the log.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use casetrail_app::Receipt;
use clap::Args;

use crate::args::trusted_key;
use crate::env::Env;

/// Check a receipt offline: its signatures, its inclusion proofs, and that the file it
/// names (beside it, or --content) is unaltered. FILE is a receipt, or a report.
#[derive(Debug, Args)]
pub struct VerifyReceiptArgs {
    file: PathBuf,
    /// The public key the receipt must be signed with (64 hex digits, or a file).
    #[arg(long)]
    public_key: Option<String>,
    /// The fingerprint of the key the receipt must be signed with, as `casetrail
    /// public-key` prints it. Without this or --public-key a receipt that holds together
    /// exits 3: its key is not known to be the organisation's.
    #[arg(long, conflicts_with = "public_key")]
    trust_fingerprint: Option<String>,
    /// The exported file, when it is not beside the receipt under its own name.
    #[arg(long)]
    content: Option<PathBuf>,
}

pub fn run(_: &Env, args: VerifyReceiptArgs) -> anyhow::Result<ExitCode> {
    verify_receipt(
        &args.file,
        args.public_key.as_deref(),
        args.trust_fingerprint.as_deref(),
        args.content.as_deref(),
    )
}

/// A receipt and the bytes it vouches for, from a receipt file, or from an HTML report that
/// carries one.
fn load_receipt(
    file: &Path,
    content: Option<&Path>,
) -> anyhow::Result<(Receipt, Option<Vec<u8>>, String)> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    if let Some((receipt, covered)) = casetrail_app::receipt_in_html(&text)? {
        let from = format!("the report {} itself", file.display());
        return Ok((receipt, Some(covered.into_bytes()), from));
    }
    let receipt = Receipt::from_json(&text)
        .with_context(|| format!("{} is not a receipt", file.display()))?;
    let beside = file.with_file_name(&receipt.subject.name);
    let path = content
        .map(Path::to_path_buf)
        .or_else(|| beside.is_file().then_some(beside));
    match path {
        Some(p) => {
            let bytes = std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
            Ok((receipt, Some(bytes), p.display().to_string()))
        }
        None => Ok((receipt, None, String::new())),
    }
}

/// A fingerprint as people write it down: hex digits, any case, with or without `:` or spaces.
fn plain_fingerprint(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Exit codes: 0 verified with a trusted key; 1 rejected (a changed file, a bad proof or
/// signature, another key than the trusted one, or no receipt at all); 3 every check holds
/// but the signing key was not said to be trusted (no `--public-key`, no
/// `--trust-fingerprint`): a receipt anyone can make with a key of their own proves nothing
/// until its key is the organisation's.
fn verify_receipt(
    file: &Path,
    public_key: Option<&str>,
    trust_fingerprint: Option<&str>,
    content: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let trusted = trusted_key(public_key)?;
    let (receipt, bytes, from) = match load_receipt(file, content) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("REJECTED: {e:#}");
            return Ok(ExitCode::from(1));
        }
    };
    match receipt.verify(trusted.as_ref(), bytes.as_deref()) {
        Ok(s) => {
            if let Some(wanted) = trust_fingerprint
                && plain_fingerprint(wanted) != plain_fingerprint(&s.fingerprint)
            {
                eprintln!(
                    "REJECTED: the receipt is signed by key {}, not by the trusted key {wanted}",
                    s.fingerprint
                );
                return Ok(ExitCode::from(1));
            }
            out!(
                "receipt verified: {} was made from the log at checkpoint {} (root {}), signed by key {}",
                s.subject,
                s.size,
                s.root,
                s.fingerprint
            );
            out!("  {} events proven to be in that log", s.events);
            if s.content_checked {
                out!("  content checked: {from} is the file the receipt was made for");
            } else {
                out!(
                    "  content NOT checked: {} is not beside the receipt; give it with --content",
                    receipt.subject.name
                );
            }
            if trusted.is_none() && trust_fingerprint.is_none() {
                eprintln!(
                    "UNTRUSTED: the receipt holds together, but it is signed by key {} and nothing says that key is your organisation's: compare it with the fingerprint your organisation published (casetrail public-key), then give --trust-fingerprint {} or --public-key",
                    s.fingerprint, s.fingerprint
                );
                return Ok(ExitCode::from(3));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("REJECTED: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
