//! The BLAKE3 derive-key contexts: one per kind of hash, so that no hash of one kind can
//! stand for another (`docs/ledger-format.md`).

/// BLAKE3 derive-key context of record hashes.
pub const RECORD_CONTEXT: &str = "casetrail ledger v1 record hash";
/// BLAKE3 derive-key context whose output over no input is the genesis `previous hash`.
pub const GENESIS_CONTEXT: &str = "casetrail ledger v1 genesis";
/// BLAKE3 derive-key context of [`EventId::derive`](crate::EventId::derive).
pub const EVENT_ID_CONTEXT: &str = "casetrail ledger v1 event id";
