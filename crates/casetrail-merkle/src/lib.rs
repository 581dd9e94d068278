//! casetrail-merkle: the Merkle tree over the log, in the shape of RFC 9162 (Certificate
//! Transparency 2.0, section 2.1), with BLAKE3 in place of SHA-256. Pure: it knows 32-byte
//! hashes and tree sizes, nothing of records, storage or keys.
//!
//! - A leaf is `BLAKE3(0x00 ‖ data)`, a node `BLAKE3(0x01 ‖ left ‖ right)`: the prefixes keep a
//!   leaf from ever being read as a node (second-preimage resistance), as in the RFC.
//! - The tree of `n` leaves splits at `k`, the largest power of two below `n`.
//! - An inclusion proof shows that a leaf is at an index of the tree of a size; a consistency
//!   proof that the tree of size `m` is a prefix of the tree of size `n` (the log was only
//!   appended to). Both are checked with nothing but the proof, the sizes and the roots.
//! - [`Frontier`] keeps the root of a growing tree in O(log n) space, for appends, and names
//!   the perfect subtrees each leaf completes; [`Subtrees`] answers proofs from those alone.
#![warn(missing_docs)]

mod frontier;
mod proofs;
mod stored;

pub use frontier::Frontier;
pub use proofs::{consistency_proof, inclusion_proof, root, verify_consistency, verify_inclusion};
pub use stored::{
    MemoryTree, Subtrees, consistency_proof_of, inclusion_proof_of, peak_positions, root_of,
};

/// A 32-byte BLAKE3 hash: of a leaf, a node or a whole tree.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The hash as 64 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        blake3::Hash::from_bytes(self.0).to_hex().to_string()
    }
}

impl std::fmt::Debug for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hash({})", &self.to_hex()[..16])
    }
}

/// The root of the empty tree: the hash of no bytes.
pub fn empty_root() -> Hash {
    Hash(*blake3::hash(&[]).as_bytes())
}

/// The hash of a leaf holding `data` (for the log: a record's chain hash).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = blake3::Hasher::new();
    h.update(&[0x00]);
    h.update(data);
    Hash(*h.finalize().as_bytes())
}

/// The hash of an inner node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = blake3::Hasher::new();
    h.update(&[0x01]);
    h.update(&left.0);
    h.update(&right.0);
    Hash(*h.finalize().as_bytes())
}

/// Why a proof does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// An inclusion proof for a leaf the tree does not have.
    #[error("leaf index {index} is not in a tree of {size} leaves")]
    IndexOutOfRange {
        /// The leaf asked for.
        index: u64,
        /// The tree's number of leaves.
        size: u64,
    },
    /// A consistency proof from a larger tree to a smaller one.
    #[error("the older tree ({old}) is larger than the newer ({new})")]
    SizesReversed {
        /// The older tree's size.
        old: u64,
        /// The newer tree's size.
        new: u64,
    },
    /// A proof with more or fewer hashes than its sizes call for.
    #[error("the proof has {found} hashes; a proof for these sizes has {expected}")]
    WrongLength {
        /// The number of hashes a proof for these sizes has.
        expected: usize,
        /// The number it has.
        found: usize,
    },
    /// The proof's hashes lead to another root (hex).
    #[error("the proof leads to root {found}, not the root {expected} it was checked against")]
    RootMismatch {
        /// The root it was checked against.
        expected: String,
        /// The root it leads to.
        found: String,
    },
    /// A consistency proof that leads to another old root (hex).
    #[error("the proof leads to old root {found}, not the old root {expected}")]
    OldRootMismatch {
        /// The old root it was checked against.
        expected: String,
        /// The old root it leads to.
        found: String,
    },
}
