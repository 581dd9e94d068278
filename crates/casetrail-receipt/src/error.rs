//! Why a checkpoint or receipt is not accepted, in words a quality department can act on.

use casetrail_merkle::ProofError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error("{field}: {problem}")]
    Malformed {
        field: &'static str,
        problem: String,
    },
    #[error("unknown format {found:?}; this build reads {expected:?}")]
    UnknownFormat {
        expected: &'static str,
        found: String,
    },
    #[error(
        "the {what} is signed by key {found}, not by the trusted key {expected}: it was made by another casetrail, or the key was swapped"
    )]
    WrongKey {
        what: &'static str,
        expected: String,
        found: String,
    },
    #[error(
        "the {what}'s signature does not match its contents (key {fingerprint}): it was altered after signing, or forged"
    )]
    BadSignature {
        what: &'static str,
        fingerprint: String,
    },
    #[error(
        "event at position {position} (chain hash {chain_hash}) is not in the tree of checkpoint size {size}: {source}"
    )]
    NotIncluded {
        position: u64,
        chain_hash: String,
        size: u64,
        source: ProofError,
    },
    #[error(
        "{name} has BLAKE3 {found}, but the receipt was made for content with {expected}: the file was changed"
    )]
    ContentChanged {
        name: String,
        expected: String,
        found: String,
    },
    #[error(
        "the log was rewound: the newer checkpoint has {new} events, fewer than the {old} of the older one"
    )]
    Rewound { old: u64, new: u64 },
    #[error(
        "the log was not only appended to between {old} and {new} events: {source}. Its history before event {old} was rewritten"
    )]
    Inconsistent {
        old: u64,
        new: u64,
        source: ProofError,
    },
}
