//! Checkpoints and receipts on the command line: the signing key's place, `checkpoint`,
//! `public-key`, `verify-receipt` and `verify --consistency`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use casetrail_app::{CheckpointSigner, PublicKey, Receipt, SignedCheckpoint, Workbench};
use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct SigningKeyArgs {
    /// The Ed25519 key that signs checkpoints and receipts (else CASETRAIL_SIGNING_KEY, else
    /// ~/.config/casetrail/signing.key). Created when missing; refused inside the data folder.
    #[arg(long = "signing-key", env = "CASETRAIL_SIGNING_KEY")]
    pub signing_key: Option<PathBuf>,
    /// The log's name in its checkpoints (a region's casetrail, say).
    #[arg(long, env = "CASETRAIL_ORIGIN", default_value = casetrail_app::DEFAULT_ORIGIN)]
    pub origin: String,
}

impl SigningKeyArgs {
    pub fn path(&self) -> anyhow::Result<PathBuf> {
        if let Some(p) = &self.signing_key {
            return Ok(p.clone());
        }
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .context("no --signing-key, CASETRAIL_SIGNING_KEY, XDG_CONFIG_HOME or HOME: say where the signing key is")?;
        Ok(config.join("casetrail").join("signing.key"))
    }

    pub fn open(&self, data: &Path) -> anyhow::Result<CheckpointSigner> {
        Ok(casetrail_app::signing_key(
            &self.path()?,
            data,
            &self.origin,
        )?)
    }
}

/// A public key given as 64 hex digits, or as a file holding them (what `public-key --out`
/// writes).
pub fn trusted_key(given: Option<&str>) -> anyhow::Result<Option<PublicKey>> {
    let Some(given) = given else {
        return Ok(None);
    };
    let text = if Path::new(given).is_file() {
        std::fs::read_to_string(given).with_context(|| format!("reading {given}"))?
    } else {
        given.to_owned()
    };
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or_default();
    Ok(Some(PublicKey::from_hex(line).with_context(|| {
        format!("--public-key {given}: expected 64 hex digits or a file holding them")
    })?))
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
pub fn verify_receipt(
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

/// A checkpoint from a checkpoint file, a receipt, or a report carrying a receipt.
pub fn load_checkpoint(file: &Path) -> anyhow::Result<SignedCheckpoint> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    if let Some((receipt, _)) = casetrail_app::receipt_in_html(&text)? {
        return Ok(receipt.checkpoint);
    }
    if let Ok(receipt) = Receipt::from_json(&text) {
        return Ok(receipt.checkpoint);
    }
    SignedCheckpoint::from_json(&text)
        .with_context(|| format!("{} is neither a checkpoint nor a receipt", file.display()))
}

pub fn verify_consistency(
    wb: &Workbench,
    old: &Path,
    new: &Path,
    public_key: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let trusted = trusted_key(public_key)?;
    let (o, n) = (load_checkpoint(old)?, load_checkpoint(new)?);
    match wb.check_consistency(&o, &n, trusted.as_ref()) {
        Ok(()) => {
            out!(
                "consistent: the log of {} events (checkpoint {}) extends the log of {} (checkpoint {}); nothing before was changed",
                n.checkpoint.size,
                new.display(),
                o.checkpoint.size,
                old.display()
            );
            out!("  signed by key {}", o.fingerprint());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("REJECTED: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
