//! A checkpoint: what the log's Merkle tree was at a moment, signed.

use casetrail_merkle::{Hash, verify_consistency};
use serde::{Deserialize, Serialize};

use crate::hex;
use crate::{PublicKey, ReceiptError, Signer};

/// The format name a checkpoint carries and this build reads.
pub const CHECKPOINT_FORMAT: &str = "casetrail-checkpoint/1";

/// The tree over the first `size` records of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Which log: a name the operator chose (one region's casetrail, say).
    pub origin: String,
    /// How many records of the log the tree covers.
    pub size: u64,
    /// The Merkle tree's root over those records.
    pub root: Hash,
    /// The chain hash of record `size - 1`, which ties the tree to `casetrail verify --from`.
    pub head: Option<[u8; 32]>,
    /// When it was made (UTC, RFC 3339), as the caller's clock said.
    pub made_at: String,
}

impl Checkpoint {
    /// The exact bytes the signature covers.
    pub fn signed_text(&self) -> String {
        format!(
            "{CHECKPOINT_FORMAT}\norigin {}\nsize {}\nroot {}\nhead {}\nmade_at {}\n",
            self.origin,
            self.size,
            hex::encode(&self.root.0),
            self.head.map_or("-".to_string(), |h| hex::encode(&h)),
            self.made_at
        )
    }

    /// Signs the checkpoint's text with the operator's key.
    pub fn sign(self, signer: &Signer) -> SignedCheckpoint {
        let signature = signer.sign(self.signed_text().as_bytes());
        SignedCheckpoint {
            checkpoint: self,
            public_key: signer.public(),
            signature,
        }
    }
}

/// A checkpoint with its signature and the key that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// What was signed.
    pub checkpoint: Checkpoint,
    /// The key that signed it.
    pub public_key: PublicKey,
    /// Ed25519 signature over `checkpoint.signed_text()`.
    pub signature: [u8; 64],
}

/// The JSON shape of a checkpoint file (`docs/receipts.md`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckpointFile {
    pub format: String,
    pub origin: String,
    pub size: u64,
    pub root: String,
    pub head: Option<String>,
    pub made_at: String,
    pub public_key: String,
    pub key_fingerprint: String,
    pub signature: String,
}

pub(crate) fn one_line(field: &'static str, text: &str) -> Result<(), ReceiptError> {
    if text.chars().any(char::is_control) {
        return Err(ReceiptError::Malformed {
            field,
            problem: "holds a line break or another control character".into(),
        });
    }
    Ok(())
}

impl SignedCheckpoint {
    /// The public key's fingerprint, as receipts and the CLI name it.
    pub fn fingerprint(&self) -> String {
        self.public_key.fingerprint()
    }

    /// Checks the signature, and that it was made by `trusted` when a trusted key is given.
    pub fn verify(&self, trusted: Option<&PublicKey>) -> Result<(), ReceiptError> {
        if let Some(t) = trusted
            && *t != self.public_key
        {
            return Err(ReceiptError::WrongKey {
                what: "checkpoint",
                expected: t.fingerprint(),
                found: self.fingerprint(),
            });
        }
        self.public_key.verify(
            "checkpoint",
            self.checkpoint.signed_text().as_bytes(),
            &self.signature,
        )
    }

    pub(crate) fn to_file(&self) -> CheckpointFile {
        let c = &self.checkpoint;
        CheckpointFile {
            format: CHECKPOINT_FORMAT.into(),
            origin: c.origin.clone(),
            size: c.size,
            root: hex::encode(&c.root.0),
            head: c.head.map(|h| hex::encode(&h)),
            made_at: c.made_at.clone(),
            public_key: self.public_key.to_hex(),
            key_fingerprint: self.fingerprint(),
            signature: hex::encode(&self.signature),
        }
    }

    pub(crate) fn from_file(f: CheckpointFile) -> Result<Self, ReceiptError> {
        if f.format != CHECKPOINT_FORMAT {
            return Err(ReceiptError::UnknownFormat {
                expected: CHECKPOINT_FORMAT,
                found: f.format,
            });
        }
        one_line("origin", &f.origin)?;
        one_line("made_at", &f.made_at)?;
        let public_key = PublicKey::from_hex(&f.public_key)?;
        if f.key_fingerprint != public_key.fingerprint() {
            return Err(ReceiptError::Malformed {
                field: "key_fingerprint",
                problem: format!(
                    "{} is not the fingerprint of the public key beside it ({})",
                    f.key_fingerprint,
                    public_key.fingerprint()
                ),
            });
        }
        Ok(SignedCheckpoint {
            checkpoint: Checkpoint {
                origin: f.origin,
                size: f.size,
                root: Hash(hex::decode("root", &f.root)?),
                head: f.head.map(|h| hex::decode("head", &h)).transpose()?,
                made_at: f.made_at,
            },
            public_key,
            signature: hex::decode("signature", &f.signature)?,
        })
    }

    /// The checkpoint file's JSON (docs/receipts.md).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_file()).expect("a checkpoint serialises")
    }

    /// Reads a checkpoint file; checks its form, not its signature.
    pub fn from_json(text: &str) -> Result<Self, ReceiptError> {
        let file: CheckpointFile =
            serde_json::from_str(text).map_err(|e| ReceiptError::Malformed {
                field: "checkpoint",
                problem: e.to_string(),
            })?;
        Self::from_file(file)
    }
}

/// Checks both checkpoints' signatures: against `trusted` when it is given, else against
/// `old`'s key, which `new` must share.
pub fn verify_pair(
    old: &SignedCheckpoint,
    new: &SignedCheckpoint,
    trusted: Option<&PublicKey>,
) -> Result<(), ReceiptError> {
    old.verify(trusted)?;
    new.verify(Some(trusted.unwrap_or(&old.public_key)))
}

/// Checks that `new` extends `old` (the log was only appended to in between), given the
/// consistency proof between their sizes: first both signatures ([`verify_pair`]), then
/// [`check_consistency_proof`].
pub fn check_consistency(
    old: &SignedCheckpoint,
    new: &SignedCheckpoint,
    proof: &[Hash],
    trusted: Option<&PublicKey>,
) -> Result<(), ReceiptError> {
    verify_pair(old, new, trusted)?;
    check_consistency_proof(old, new, proof)
}

/// The sizes and the proof alone, for a caller that has checked the signatures.
pub fn check_consistency_proof(
    old: &SignedCheckpoint,
    new: &SignedCheckpoint,
    proof: &[Hash],
) -> Result<(), ReceiptError> {
    let (o, n) = (&old.checkpoint, &new.checkpoint);
    if n.size < o.size {
        return Err(ReceiptError::Rewound {
            old: o.size,
            new: n.size,
        });
    }
    verify_consistency(o.size, n.size, &o.root, &n.root, proof).map_err(|source| {
        ReceiptError::Inconsistent {
            old: o.size,
            new: n.size,
            source,
        }
    })
}
