//! What verify reports when something is broken: where, what kind, expected and found.

use crate::ids::Position;

/// What kind of damage was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakKind {
    /// A position has no record: deleted, or the tail was cut.
    MissingRecord,
    /// The stored bytes do not decode as a record.
    Undecodable,
    /// The record names another position than the one it is stored under (moved or reordered).
    WrongPosition,
    /// The record's `previous hash` is not the hash of the record before it.
    BrokenLink,
    /// The record's bytes do not hash to the hash stored with them.
    WrongHash,
    /// The stored head disagrees with the last record.
    WrongHead,
    /// An index entry the record implies is missing or points elsewhere.
    IndexMissing,
    /// An index entry points at a record that does not imply it.
    IndexDangling,
    /// The record at the trusted checkpoint no longer has the checkpoint's hash.
    CheckpointMismatch,
    /// A stored Merkle subtree is not the hash of the records under it (or has no records).
    TreeNode,
}

impl std::fmt::Display for BreakKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BreakKind::MissingRecord => "record missing",
            BreakKind::Undecodable => "record unreadable",
            BreakKind::WrongPosition => "record out of place",
            BreakKind::BrokenLink => "previous hash does not link",
            BreakKind::WrongHash => "record hash does not match its bytes",
            BreakKind::WrongHead => "stored head does not match the log",
            BreakKind::IndexMissing => "index entry missing or wrong",
            BreakKind::IndexDangling => "index entry points at the wrong record",
            BreakKind::CheckpointMismatch => "checkpoint hash does not match",
            BreakKind::TreeNode => "Merkle tree node does not match the records under it",
        })
    }
}

/// The first broken place, with what was expected there and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// Where the break is.
    pub position: Position,
    /// What kind of break.
    pub kind: BreakKind,
    /// What verification expected there.
    pub expected: String,
    /// What it found.
    pub found: String,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "position {}: {}: expected {}, found {}",
            self.position, self.kind, self.expected, self.found
        )
    }
}

pub(crate) fn brk(
    position: Position,
    kind: BreakKind,
    expected: impl ToString,
    found: impl ToString,
) -> Break {
    Break {
        position,
        kind,
        expected: expected.to_string(),
        found: found.to_string(),
    }
}
