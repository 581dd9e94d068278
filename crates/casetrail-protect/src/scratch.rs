//! Blocks of a scratch file sealed under a key that lives only in memory.
//!
//! An import sets validated rows aside on disk between reading its file and appending it.
//! Those rows hold CPR numbers and names in the clear, so each block is sealed under a key
//! the application makes for that one import and forgets when it ends: a scratch file left
//! behind by a crash is unreadable. The nonce is the block's place (file and block number),
//! so a block moved, swapped or replayed from another place does not open.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// Where a block sits: which scratch file, and which block of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockPlace {
    /// The file's number within the import.
    pub file: u64,
    /// The block's number within the file.
    pub block: u64,
}

impl BlockPlace {
    fn nonce(self) -> XNonce {
        let mut nonce = [0u8; 24];
        nonce[..8].copy_from_slice(&self.file.to_le_bytes());
        nonce[8..16].copy_from_slice(&self.block.to_le_bytes());
        XNonce::from(nonce)
    }
}

/// The key of one import's scratch files. Debug never prints it.
#[derive(Clone)]
pub struct ScratchKey(XChaCha20Poly1305);

impl std::fmt::Debug for ScratchKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScratchKey(…)")
    }
}

/// A block that does not open: altered, truncated, moved, or from another import.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("scratch block {} of file {} does not open under this import's key", place.block, place.file)]
pub struct BlockDoesNotOpen {
    /// Where the block was read from.
    pub place: BlockPlace,
}

impl ScratchKey {
    /// A key from 32 fresh random bytes; use each key for one import only.
    pub fn from_bytes(key: [u8; 32]) -> Self {
        ScratchKey(XChaCha20Poly1305::new(&key.into()))
    }

    /// Seals `plaintext` as the block at `place`. Sealing two blocks at one place under one
    /// key would reuse a nonce: the caller numbers its blocks.
    pub fn seal(&self, place: BlockPlace, plaintext: &[u8]) -> Vec<u8> {
        self.0
            .encrypt(&place.nonce(), plaintext)
            .expect("XChaCha20-Poly1305 encrypts any message that fits in memory")
    }

    /// Opens what [`ScratchKey::seal`] sealed at the same place.
    pub fn open(&self, place: BlockPlace, sealed: &[u8]) -> Result<Vec<u8>, BlockDoesNotOpen> {
        self.0
            .decrypt(&place.nonce(), sealed)
            .map_err(|_| BlockDoesNotOpen { place })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: BlockPlace = BlockPlace { file: 3, block: 7 };

    #[test]
    fn a_block_opens_at_its_place_only_and_under_its_key_only() {
        let key = ScratchKey::from_bytes([9; 32]);
        let sealed = key.seal(AT, b"0101904321,Karen Holm");
        assert!(!sealed.windows(7).any(|w| w == b"0101904"));
        assert_eq!(key.open(AT, &sealed).unwrap(), b"0101904321,Karen Holm");
        for other in [
            BlockPlace { file: 3, block: 8 },
            BlockPlace { file: 4, block: 7 },
        ] {
            assert_eq!(
                key.open(other, &sealed),
                Err(BlockDoesNotOpen { place: other })
            );
        }
        assert!(ScratchKey::from_bytes([8; 32]).open(AT, &sealed).is_err());
        let mut altered = sealed.clone();
        altered[0] ^= 1;
        assert!(key.open(AT, &altered).is_err());
        assert!(key.open(AT, &sealed[..sealed.len() - 1]).is_err());
    }
}
