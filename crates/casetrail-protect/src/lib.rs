//! casetrail-protect: personal data sealed under a key per patient.
//!
//! Pure: keys come in as arguments (the application creates them from the operating system's
//! randomness and keeps them in the key vault, never in the log). Sealing is deterministic:
//! the nonce is a keyed BLAKE3 hash of the field and its plaintext (a synthetic-IV
//! construction), so no randomness is needed and sealing the same value twice gives the same
//! bytes; that reveals nothing across patients, whose keys differ. Each ciphertext is bound
//! to its patient and field name as associated data, so it cannot be moved to another.
//!
//! Layout of a sealed value: `01 ‖ nonce (24) ‖ XChaCha20-Poly1305 ciphertext and tag`.
//!
//! Also here: [`ScratchKey`], which seals the blocks of an import's scratch files under a key
//! made for that one import (`scratch.rs`).
#![warn(missing_docs)]

mod scratch;

pub use scratch::{BlockDoesNotOpen, BlockPlace, ScratchKey};

use casetrail_domain::{PatientId, Sealed};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

const FORMAT: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// A patient's key, with the sub-keys derived from it once. Debug never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct PatientKey {
    key: [u8; 32],
    encryption: [u8; 32],
    nonce: [u8; 32],
    content_id: [u8; 32],
}

impl std::fmt::Debug for PatientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PatientKey(…)")
    }
}

/// Why a sealed field does not open.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProtectError {
    /// Too short to hold a nonce and a tag: not sealed bytes.
    #[error("sealed {field} of patient {patient} is malformed ({len} bytes)")]
    Malformed {
        /// The patient whose field it is.
        patient: String,
        /// Which field.
        field: &'static str,
        /// Its length in bytes.
        len: usize,
    },
    /// The authentication tag does not hold under this key, patient and field.
    #[error(
        "sealed {field} of patient {patient} does not open with the patient's key: altered, moved, or sealed under another key"
    )]
    DoesNotOpen {
        /// The patient whose field it is.
        patient: String,
        /// Which field.
        field: &'static str,
    },
}

impl PatientKey {
    /// The key from its 32 bytes (as the vault keeps them); the encryption, nonce and
    /// content-id keys are derived from it, each under its own context.
    pub fn from_bytes(key: [u8; 32]) -> Self {
        PatientKey {
            key,
            encryption: blake3::derive_key("casetrail protect v1 encryption", &key),
            nonce: blake3::derive_key("casetrail protect v1 nonce", &key),
            content_id: blake3::derive_key("casetrail protect v1 content id", &key),
        }
    }

    /// The 32 bytes the vault keeps.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&self.encryption.into())
    }

    fn associated(patient: &PatientId, field: &str) -> Vec<u8> {
        let mut aad = Vec::with_capacity(patient.as_str().len() + field.len() + 1);
        aad.extend_from_slice(patient.as_str().as_bytes());
        aad.push(0);
        aad.extend_from_slice(field.as_bytes());
        aad
    }

    /// Seals `plaintext` as field `field` of `patient`.
    pub fn seal(&self, patient: &PatientId, field: &'static str, plaintext: &[u8]) -> Sealed {
        let aad = Self::associated(patient, field);
        let mut nonce_hash = blake3::Hasher::new_keyed(&self.nonce);
        nonce_hash.update(&(aad.len() as u64).to_be_bytes());
        nonce_hash.update(&aad);
        nonce_hash.update(plaintext);
        let nonce_bytes = nonce_hash.finalize();
        let nonce = XNonce::from_slice(&nonce_bytes.as_bytes()[..NONCE_LEN]);
        let ciphertext = self
            .cipher()
            .encrypt(
                nonce,
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .expect("XChaCha20-Poly1305 encrypts any message that fits in memory");
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        out.push(FORMAT);
        out.extend_from_slice(nonce);
        out.extend_from_slice(&ciphertext);
        Sealed(out)
    }

    /// [`PatientKey::seal`] of a text's UTF-8 bytes.
    pub fn seal_str(&self, patient: &PatientId, field: &'static str, plaintext: &str) -> Sealed {
        self.seal(patient, field, plaintext.as_bytes())
    }

    /// Opens what [`PatientKey::seal`] sealed for the same patient and field.
    pub fn open(
        &self,
        patient: &PatientId,
        field: &'static str,
        sealed: &Sealed,
    ) -> Result<Vec<u8>, ProtectError> {
        let bytes = &sealed.0;
        if bytes.len() < 1 + NONCE_LEN + TAG_LEN || bytes[0] != FORMAT {
            return Err(ProtectError::Malformed {
                patient: patient.to_string(),
                field,
                len: bytes.len(),
            });
        }
        let nonce = XNonce::from_slice(&bytes[1..1 + NONCE_LEN]);
        let aad = Self::associated(patient, field);
        self.cipher()
            .decrypt(
                nonce,
                Payload {
                    msg: &bytes[1 + NONCE_LEN..],
                    aad: &aad,
                },
            )
            .map_err(|_| ProtectError::DoesNotOpen {
                patient: patient.to_string(),
                field,
            })
    }

    /// A 16-byte id for content of this patient, keyed so that it cannot be reversed by
    /// guessing the content (a CPR number's space is small enough to enumerate), and unlinkable
    /// once the key is destroyed.
    pub fn content_id(&self, content: &[u8]) -> [u8; 16] {
        let hash = blake3::keyed_hash(&self.content_id, content);
        let mut id = [0u8; 16];
        id.copy_from_slice(&hash.as_bytes()[..16]);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patient(id: &str) -> PatientId {
        PatientId::new(id).unwrap()
    }

    #[test]
    fn sealed_data_opens_only_with_its_key_patient_and_field() {
        let key = PatientKey::from_bytes([7; 32]);
        let sealed = key.seal_str(&patient("P1"), "cpr", "010203-1234");
        assert!(
            !sealed.0.windows(6).any(|w| w == b"010203"),
            "plaintext must not show"
        );
        assert_eq!(
            key.open(&patient("P1"), "cpr", &sealed).unwrap(),
            b"010203-1234"
        );
        let other = PatientKey::from_bytes([8; 32]);
        assert!(matches!(
            other.open(&patient("P1"), "cpr", &sealed),
            Err(ProtectError::DoesNotOpen { .. })
        ));
        assert!(
            key.open(&patient("P2"), "cpr", &sealed).is_err(),
            "bound to the patient"
        );
        assert!(
            key.open(&patient("P1"), "name", &sealed).is_err(),
            "bound to the field"
        );
        let mut altered = sealed.clone();
        let last = altered.0.len() - 1;
        altered.0[last] ^= 1;
        assert!(key.open(&patient("P1"), "cpr", &altered).is_err());
        assert!(matches!(
            key.open(&patient("P1"), "cpr", &Sealed(vec![1, 2])),
            Err(ProtectError::Malformed { .. })
        ));
    }

    #[test]
    fn sealing_is_deterministic_per_key_and_distinct_across_keys() {
        let a = PatientKey::from_bytes([1; 32]);
        let b = PatientKey::from_bytes([2; 32]);
        let p = patient("P1");
        assert_eq!(a.seal_str(&p, "note", "x"), a.seal_str(&p, "note", "x"));
        assert_ne!(a.seal_str(&p, "note", "x"), a.seal_str(&p, "note", "y"));
        assert_ne!(a.seal_str(&p, "note", "x"), b.seal_str(&p, "note", "x"));
        assert_ne!(a.content_id(b"row"), b.content_id(b"row"));
        assert_eq!(a.content_id(b"row"), a.content_id(b"row"));
        assert_eq!(format!("{a:?}"), "PatientKey(…)");
    }
}
