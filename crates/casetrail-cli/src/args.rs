//! Arguments several commands share: who acts, which case, the key files, output formats.

use std::path::{Path, PathBuf};

use anyhow::Context;
use casetrail_app::{CheckpointSigner, PublicKey};
use clap::Args;

#[derive(Debug, Args)]
pub struct Who {
    /// Who is acting, as recorded in the log.
    #[arg(long = "actor", env = "USER", default_value = "casetrail")]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct CaseArgs {
    /// The case: the patient id of its pathway.
    #[arg(long)]
    pub case: String,
    /// Date policy of the anonymised timeline.
    #[arg(long, value_enum, default_value = "relative")]
    pub policy: PolicyArg,
    /// Pseudonym key file (64 hex digits, owner-only); else CASETRAIL_PSEUDONYM_KEY, else
    /// DATA/pseudonym.key, created on first use.
    #[arg(long)]
    pub key: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PolicyArg {
    /// Days relative to the index admission.
    Relative,
    /// Dates moved back by a keyed number of whole weeks.
    Shifted,
}

impl From<PolicyArg> for casetrail_app::DatePolicy {
    fn from(p: PolicyArg) -> Self {
        match p {
            PolicyArg::Relative => casetrail_app::DatePolicy::RelativeDays,
            PolicyArg::Shifted => casetrail_app::DatePolicy::ShiftedWeeks,
        }
    }
}

/// Text for people, or JSON for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

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

/// Where a file's receipt goes: beside it, `NAME.receipt.json`.
pub fn receipt_path(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_owned();
    name.push(".receipt.json");
    file.with_file_name(name)
}

/// Writes `bytes` to `path`, naming the file in the error.
pub fn write_file(path: &Path, bytes: impl AsRef<[u8]>) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}
