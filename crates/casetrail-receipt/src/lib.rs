//! casetrail-receipt: signed checkpoints of the log's Merkle tree and the receipts that
//! exports and reports carry, with their offline verification. Pure: keys and times are
//! passed in; it signs and checks bytes, and knows nothing of storage or of audits.
//!
//! - A [`Checkpoint`] states the tree size, root and last chain hash of the log at a moment;
//!   [`SignedCheckpoint`] adds an Ed25519 signature and the public key that made it.
//! - A [`Receipt`] binds one exported file (its name and BLAKE3) to a signed checkpoint and to
//!   the events it summarises, each with an inclusion proof into that checkpoint's tree, under
//!   a second signature by the same key. [`Receipt::verify`] needs the receipt, optionally the
//!   file, and the public key the verifier trusts: nothing else.
//! - [`check_consistency`] checks that a later checkpoint extends an earlier one.
//!
//! The signed bytes are plain text, one field per line, so that anyone can rebuild them: see
//! `docs/receipts.md`.
#![warn(missing_docs)]

mod checkpoint;
mod embedded;
mod error;
mod hex;
mod keys;
mod receipt;

pub use checkpoint::{
    CHECKPOINT_FORMAT, Checkpoint, SignedCheckpoint, check_consistency, check_consistency_proof,
    verify_pair,
};
pub use embedded::{MARKER, embed_in_html, extract_from_html};
pub use error::ReceiptError;
pub use keys::{PublicKey, Signer, fingerprint};
pub use receipt::{ProvenEvent, RECEIPT_FORMAT, Receipt, ReceiptSummary, Subject};
