//! Signed checkpoints of the log's Merkle tree, and receipts for what leaves casetrail.
//!
//! The signing key is an Ed25519 seed in a file outside the data directory (so that a copy
//! of the data can neither sign nor be passed off as signed by another copy). casetrail
//! creates it, readable by its owner only, the first time it needs it.

use std::path::{Path, PathBuf};

use casetrail_ledger::{Position, StreamVersion};
use casetrail_receipt::{Checkpoint, ProvenEvent, Receipt, SignedCheckpoint, Signer, Subject};

use crate::core::error::{AppError, CoreError, ExportError};

use crate::core::workbench::Workbench;

/// The origin written into checkpoints when the operator names none.
pub const DEFAULT_ORIGIN: &str = "casetrail";

/// Signs checkpoints and receipts for one log.
#[derive(Debug)]
pub struct CheckpointSigner {
    signer: Signer,
    origin: String,
    path: PathBuf,
}

impl CheckpointSigner {
    pub fn public_key(&self) -> casetrail_receipt::PublicKey {
        self.signer.public()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A signer with a new random key that lives as long as the process: for tests and for
    /// a server started without a key file. Its checkpoints verify only against itself.
    pub fn ephemeral(origin: &str) -> Self {
        let mut seed = [0u8; 32];
        // Without randomness there is no safe key; a fixed one would be worse than failing.
        getrandom::fill(&mut seed).expect("the operating system gives randomness");
        Self::from_seed(seed, origin)
    }

    /// A signer from a seed, for tests and benchmarks that keep no key file.
    pub fn from_seed(seed: [u8; 32], origin: &str) -> Self {
        CheckpointSigner {
            signer: Signer::from_seed(seed),
            origin: origin.into(),
            path: PathBuf::new(),
        }
    }
}

fn key_error(path: &Path, problem: impl ToString) -> AppError {
    AppError::from(ExportError::SigningKey {
        path: path.to_owned(),
        problem: problem.to_string(),
    })
}

fn inside(path: &Path, dir: &Path) -> bool {
    let absolute = |p: &Path| {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            std::env::current_dir()
                .map(|c| c.join(p))
                .unwrap_or_else(|_| p.to_owned())
        })
    };
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let file_dir = absolute(parent.unwrap_or(Path::new(".")));
    file_dir.starts_with(absolute(dir))
}

/// Opens the signing key at `path`, creating it (and its folder, owner-only) when missing.
/// Refuses a key inside `data_dir` and a key file others can read.
pub fn signing_key(
    path: &Path,
    data_dir: &Path,
    origin: &str,
) -> Result<CheckpointSigner, AppError> {
    if inside(path, data_dir) {
        return Err(ExportError::SigningKeyInData {
            path: path.to_owned(),
            data_dir: data_dir.to_owned(),
        }
        .into());
    }
    let seed = if path.exists() {
        read_seed(path)?
    } else {
        create_seed(path)?
    };
    Ok(CheckpointSigner {
        signer: Signer::from_seed(seed),
        origin: origin.into(),
        path: path.to_owned(),
    })
}

const KEY_HEADER: &str = "casetrail ed25519 signing key v1";

fn read_seed(path: &Path) -> Result<[u8; 32], AppError> {
    crate::casefile::release::require_owner_only(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| key_error(path, e))?;
    let mut lines = text.lines();
    if lines.next() != Some(KEY_HEADER) {
        return Err(key_error(
            path,
            format!("its first line is not {KEY_HEADER:?}"),
        ));
    }
    let hex = lines.next().unwrap_or_default().trim();
    casetrail_domain::hex::decode::<32>(hex)
        .ok_or_else(|| key_error(path, "its second line is not 64 hexadecimal digits"))
}

fn create_seed(path: &Path) -> Result<[u8; 32], AppError> {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(|e| key_error(path, e))?;
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| CoreError::Randomness(e.to_string()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| key_error(path, e))?;
    let text = format!("{KEY_HEADER}\n{}\n", casetrail_domain::hex::encode(&seed));
    std::io::Write::write_all(&mut file, text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| key_error(path, e))?;
    tracing::info!(path = %path.display(), "created the checkpoint signing key");
    Ok(seed)
}

impl Workbench {
    /// Signs a checkpoint of the tree as it stands, stamped by the workbench's clock, and
    /// keeps it beside the log when this workbench may write.
    pub fn checkpoint(&self, signer: &CheckpointSigner) -> Result<SignedCheckpoint, AppError> {
        let tree = self.ledger().tree_head();
        let signed = Checkpoint {
            origin: signer.origin.clone(),
            size: tree.size,
            root: tree.root,
            head: tree.head.map(|h| h.0),
            made_at: self.now_rfc3339(),
        }
        .sign(&signer.signer);
        if self.is_writable() {
            self.ledger()
                .store_checkpoint(tree.size, signed.to_json().as_bytes())?;
        }
        Ok(signed)
    }

    /// Publishes a checkpoint when the log has grown past `published` events: what the
    /// server calls every second. Returns the new checkpoint's size, if it made one.
    pub fn publish_checkpoint_if_grown(
        &self,
        signer: &CheckpointSigner,
        published: u64,
    ) -> Result<Option<u64>, AppError> {
        if self.ledger().tree_head().size <= published {
            return Ok(None);
        }
        Ok(Some(self.checkpoint(signer)?.checkpoint.size))
    }

    /// The newest checkpoint kept beside the log.
    pub fn latest_checkpoint(&self) -> Result<Option<SignedCheckpoint>, AppError> {
        let Some((size, bytes)) = self.ledger().latest_checkpoint()? else {
            return Ok(None);
        };
        let text = String::from_utf8_lossy(&bytes);
        SignedCheckpoint::from_json(&text)
            .map(Some)
            .map_err(|source| ExportError::StoredCheckpoint { size, source }.into())
    }

    /// A receipt for `content`, made against a fresh checkpoint, proving `events`.
    pub fn receipt(
        &self,
        signer: &CheckpointSigner,
        subject: (&str, &str),
        content: &[u8],
        events: &[Position],
    ) -> Result<Receipt, AppError> {
        let checkpoint = self.checkpoint(signer)?;
        self.receipt_at(signer, checkpoint, subject, content, events)
    }

    /// A receipt for `content` against a checkpoint already made (a report shows its
    /// checkpoint before the receipt exists).
    pub fn receipt_at(
        &self,
        signer: &CheckpointSigner,
        checkpoint: SignedCheckpoint,
        subject: (&str, &str),
        content: &[u8],
        events: &[Position],
    ) -> Result<Receipt, AppError> {
        let size = checkpoint.checkpoint.size;
        let mut proven = Vec::with_capacity(events.len());
        for &position in events {
            let record = self.ledger().get(position)?.ok_or(CoreError::Ledger(
                casetrail_ledger::LedgerError::TreeBeyondLog {
                    size: position.0 + 1,
                    log_size: size,
                },
            ))?;
            proven.push(ProvenEvent {
                position: position.0,
                chain_hash: record.hash.0,
                proof: self.ledger().inclusion_proof(position, size)?,
            });
        }
        Ok(Receipt::make(
            &signer.signer,
            checkpoint,
            Subject {
                name: subject.0.into(),
                description: subject.1.into(),
                content: *blake3::hash(content).as_bytes(),
            },
            proven,
        ))
    }

    /// Puts the receipt into a report page rendered against `checkpoint` with
    /// [`casetrail_receipt::MARKER`] in it: the receipt covers the page around it and proves
    /// `events` (the audit's, from [`Workbench::audit_event_positions`]).
    pub fn report_with_receipt(
        &self,
        signer: &CheckpointSigner,
        audit: &str,
        name: &str,
        checkpoint: SignedCheckpoint,
        page: &str,
        events: &[Position],
    ) -> Result<String, AppError> {
        let receipt = self.receipt_at(
            signer,
            checkpoint,
            (name, &format!("audit report, audit {audit}")),
            page.as_bytes(),
            events,
        )?;
        Ok(casetrail_receipt::embed_in_html(page, &receipt)?)
    }

    /// The events an audit's findings summarise: every event of the audit, and the release
    /// of each case version its panels scored.
    pub fn audit_event_positions(&self, audit: &str) -> Result<Vec<Position>, AppError> {
        let (state, _, _) = self.audit_state(audit)?;
        let mut positions = Vec::new();
        for record in self.ledger().read_stream(
            &crate::audit::audits::stream(audit)?,
            StreamVersion(0),
            casetrail_ledger::Direction::Forward,
        ) {
            positions.push(record?.position);
        }
        for panel in state.panels.values() {
            for (case, (version, _)) in &panel.cases {
                if let Some(r) = self
                    .releases(case)?
                    .into_iter()
                    .find(|r| r.version == *version)
                {
                    positions.push(Position(r.position));
                }
            }
        }
        positions.sort();
        positions.dedup();
        Ok(positions)
    }

    /// Checks that the log was only appended to between two checkpoints: both signatures
    /// (against `trusted` when given), then a consistency proof taken from this log.
    pub fn check_consistency(
        &self,
        old: &SignedCheckpoint,
        new: &SignedCheckpoint,
        trusted: Option<&casetrail_receipt::PublicKey>,
    ) -> Result<(), AppError> {
        // Signatures first: a forged checkpoint is named as such, whatever sizes it claims.
        casetrail_receipt::verify_pair(old, new, trusted)?;
        let (o, n) = (old.checkpoint.size, new.checkpoint.size);
        if n < o {
            return Ok(casetrail_receipt::check_consistency_proof(old, new, &[])?);
        }
        let here = self.ledger().tree_head().size;
        if here < n {
            return Err(ExportError::LogRewound { here, signed: n }.into());
        }
        let proof = self.ledger().consistency_proof(o, n)?;
        // The proof comes from this log: it ties both checkpoints to it only if this log's
        // tree at the newer size is the one that was signed.
        let root_here = self.ledger().tree_root(n)?;
        if root_here != new.checkpoint.root {
            return Err(casetrail_receipt::ReceiptError::Inconsistent {
                old: n,
                new: here,
                source: casetrail_merkle::ProofError::RootMismatch {
                    expected: new.checkpoint.root.to_hex(),
                    found: root_here.to_hex(),
                },
            }
            .into());
        }
        Ok(casetrail_receipt::check_consistency_proof(
            old, new, &proof,
        )?)
    }
}
