//! Ed25519 keys: the signer holds a seed given to it (made from the operating system's random
//! source by the application, kept outside the data directory); verifiers hold public keys.

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use crate::ReceiptError;
use crate::hex;

/// Signs checkpoints and receipts.
pub struct Signer {
    key: SigningKey,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the seed.
        f.debug_struct("Signer")
            .field("fingerprint", &self.public().fingerprint())
            .finish()
    }
}

impl Signer {
    /// The signing key from its 32-byte seed (kept in the key vault, never in the log).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Signer {
            key: SigningKey::from_bytes(&seed),
        }
    }

    /// The key that verifies this signer's signatures.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.key.verifying_key().to_bytes())
    }

    pub(crate) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
}

/// An Ed25519 public key (32 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(pub [u8; 32]);

impl PublicKey {
    /// Reads a public key from 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, ReceiptError> {
        let bytes = hex::decode::<32>("public key", text.trim())?;
        VerifyingKey::from_bytes(&bytes).map_err(|_| ReceiptError::Malformed {
            field: "public key",
            problem: "not a valid Ed25519 public key".into(),
        })?;
        Ok(PublicKey(bytes))
    }

    /// The key as 64 hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }

    /// What people compare by eye: the first 16 bytes of BLAKE3 of the key, in groups of four
    /// hexadecimal digits.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.0)
    }

    pub(crate) fn verify(
        &self,
        what: &'static str,
        message: &[u8],
        signature: &[u8; 64],
    ) -> Result<(), ReceiptError> {
        let bad = || ReceiptError::BadSignature {
            what,
            fingerprint: self.fingerprint(),
        };
        let key = VerifyingKey::from_bytes(&self.0).map_err(|_| bad())?;
        key.verify_strict(message, &Signature::from_bytes(signature))
            .map_err(|_| bad())
    }
}

/// The short name of a public key that receipts and the CLI show.
pub fn fingerprint(public_key: &[u8; 32]) -> String {
    let digest = blake3::hash(public_key);
    digest.as_bytes()[..16]
        .chunks(2)
        .map(hex::encode)
        .collect::<Vec<_>>()
        .join(":")
}
