//! Why a checkpoint or receipt is not accepted, in words a quality department can act on.

use casetrail_merkle::ProofError;

/// Every reason a checkpoint, receipt or exported file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// A field is missing or does not parse.
    #[error("{field}: {problem}")]
    Malformed {
        /// The field's name in the JSON.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
    /// The document names a format this build does not read.
    #[error("unknown format {found:?}; this build reads {expected:?}")]
    UnknownFormat {
        /// The format this build reads.
        expected: &'static str,
        /// The format the document names.
        found: String,
    },
    /// Signed by another key than the one the verifier trusts.
    #[error(
        "the {what} is signed by key {found}, not by the trusted key {expected}: it was made by another casetrail, or the key was swapped"
    )]
    WrongKey {
        /// What was signed (checkpoint, receipt).
        what: &'static str,
        /// The trusted key's fingerprint.
        expected: String,
        /// The signing key's fingerprint.
        found: String,
    },
    /// The signature does not verify over the signed bytes.
    #[error(
        "the {what}'s signature does not match its contents (key {fingerprint}): it was altered after signing, or forged"
    )]
    BadSignature {
        /// What was signed.
        what: &'static str,
        /// The key's fingerprint.
        fingerprint: String,
    },
    /// The inclusion proof does not lead from the event to the checkpoint's root.
    #[error(
        "event at position {position} (chain hash {chain_hash}) is not in the tree of checkpoint size {size}: {source}"
    )]
    NotIncluded {
        /// The event's position in the log.
        position: u64,
        /// The event's chain hash.
        chain_hash: String,
        /// The checkpoint's tree size.
        size: u64,
        /// Why the proof failed.
        source: ProofError,
    },
    /// The file's bytes are not the ones the receipt was made for.
    #[error(
        "{name} has BLAKE3 {found}, but the receipt was made for content with {expected}: the file was changed"
    )]
    ContentChanged {
        /// The file's name.
        name: String,
        /// The BLAKE3 the receipt names.
        expected: String,
        /// The file's BLAKE3.
        found: String,
    },
    /// A newer checkpoint covers fewer events than an older one.
    #[error(
        "the log was rewound: the newer checkpoint has {new} events, fewer than the {old} of the older one"
    )]
    Rewound {
        /// The older checkpoint's size.
        old: u64,
        /// The newer checkpoint's size.
        new: u64,
    },
    /// The consistency proof between two checkpoints fails: history was rewritten.
    #[error(
        "the log was not only appended to between {old} and {new} events: {source}. Its history before event {old} was rewritten"
    )]
    Inconsistent {
        /// The older checkpoint's size.
        old: u64,
        /// The newer checkpoint's size.
        new: u64,
        /// Why the proof failed.
        source: ProofError,
    },
}
