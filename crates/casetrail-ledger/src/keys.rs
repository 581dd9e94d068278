//! Column family names and key layouts. Documented byte by byte in `docs/ledger-format.md`.

use crate::ids::{EventId, Position, StreamVersion};

/// Records, keyed by position.
pub const CF_LOG: &str = "log";
/// (stream, first version of a run) → (first position, count): one entry per run of a
/// stream's consecutive versions at consecutive positions (format 3).
pub const CF_STREAM_RUNS: &str = "stream_runs";
/// Format 2's stream index, (stream, version) → position, one entry per event. Only a
/// migration reads it; it is dropped once the runs replace it.
pub const CF_STREAMS: &str = "streams";
/// event id → position.
pub const CF_EVENT_IDS: &str = "event_ids";
/// (event type, position) → nothing, for positions below [`TYPES_INDEXED_TO`]'s value: a
/// projection of the log that reads bring up to date, not a row of every append (format 3).
pub const CF_TYPES: &str = "types";
/// Format version and head.
pub const CF_META: &str = "meta";
/// (level, index) → root of a perfect subtree of the Merkle tree (format 2).
pub const CF_TREE: &str = "tree";
/// tree size → a signed checkpoint, as the application encoded it (format 2).
pub const CF_CHECKPOINTS: &str = "checkpoints";

/// The column families of every format; a ledger without one of them is not a ledger.
pub const COMMON_CFS: [&str; 4] = [CF_LOG, CF_EVENT_IDS, CF_TYPES, CF_META];
/// Every column family of the current format.
pub const ALL_CFS: [&str; 7] = [
    CF_LOG,
    CF_STREAM_RUNS,
    CF_EVENT_IDS,
    CF_TYPES,
    CF_META,
    CF_TREE,
    CF_CHECKPOINTS,
];

/// Meta key of the format version (u32 BE).
pub const META_FORMAT: &[u8] = b"format";
/// Meta key of the head: see [`head_value`].
pub const META_HEAD: &[u8] = b"head";
/// Meta key present (empty value) while the Merkle tree is not kept: written by a writer
/// opened without it, removed by the open that builds the tree again.
pub const META_TREE_MISSING: &[u8] = b"tree-missing";
/// Key in `types` of the first position the type index does not cover yet (u64 BE). No
/// entry key can equal it: an entry starts with its type's length, which is at least 1.
pub const TYPES_INDEXED_TO: &[u8] = &[0];

/// The on-disk format this build writes and reads. Older formats are brought to it by
/// `Ledger::migrate`.
pub const FORMAT_VERSION: u32 = 3;
/// The format with one stream-index entry per event and a type-index entry in every append.
pub const FORMAT_PER_EVENT_STREAMS: u32 = 2;
/// The format before the Merkle tree was stored.
pub const FORMAT_WITHOUT_TREE: u32 = 1;

/// Subtrees lower than this (16 leaves) are not stored: a proof that needs one hashes it
/// again from its records (at most 15 record reads a proof). That keeps the tree to about one
/// row per eight events, which is what keeps its cost on appends within 10 %
/// (docs/PERFORMANCE.md).
pub const TREE_STORED_FROM_LEVEL: u32 = 4;

/// `level(u8) ‖ index(u64 BE)`.
pub fn tree_key(level: u32, index: u64) -> [u8; 9] {
    let mut out = [0u8; 9];
    out[0] = level as u8;
    out[1..].copy_from_slice(&index.to_be_bytes());
    out
}

/// Checkpoint key: tree size (u64 BE), so checkpoints sort by size.
pub fn checkpoint_key(size: u64) -> [u8; 8] {
    size.to_be_bytes()
}

/// Log key: position (u64 BE), so records sort in log order.
pub fn log_key(position: Position) -> [u8; 8] {
    position.0.to_be_bytes()
}

/// An index value: the record's position (u64 BE).
pub fn position_value(position: Position) -> [u8; 8] {
    position.0.to_be_bytes()
}

/// Reads a u64 BE of exactly 8 bytes.
pub fn decode_u64(bytes: &[u8]) -> Option<u64> {
    <[u8; 8]>::try_from(bytes).ok().map(u64::from_be_bytes)
}

/// `len(u8) ‖ name`: a prefix under which one name's entries sort together and apart from
/// every other name's, since no name is a prefix of another once its length leads.
pub fn name_prefix(name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + name.len() + 8);
    out.push(name.len() as u8);
    out.extend_from_slice(name.as_bytes());
    out
}

/// Stream index key: `len(u8) ‖ stream ‖ version(u64 BE)`.
pub fn stream_key(stream: &str, version: StreamVersion) -> Vec<u8> {
    let mut key = name_prefix(stream);
    key.extend_from_slice(&version.0.to_be_bytes());
    key
}

/// Stream-run value: `first position(u64 BE) ‖ count(u64 BE)`.
pub fn run_value(first: Position, count: u64) -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&first.0.to_be_bytes());
    out[8..].copy_from_slice(&count.to_be_bytes());
    out
}

/// Reads a stream-run value; a run of no events is malformed.
pub fn decode_run(bytes: &[u8]) -> Option<(Position, u64)> {
    if bytes.len() != 16 {
        return None;
    }
    let first = Position(decode_u64(&bytes[..8])?);
    let count = decode_u64(&bytes[8..])?;
    (count > 0 && first.0.checked_add(count).is_some()).then_some((first, count))
}

/// Type index key: `len(u8) ‖ event type ‖ position(u64 BE)`.
pub fn type_key(event_type: &str, position: Position) -> Vec<u8> {
    let mut key = name_prefix(event_type);
    key.extend_from_slice(&position.0.to_be_bytes());
    key
}

/// Event-id index key: the id's 16 bytes.
pub fn event_id_key(id: EventId) -> [u8; 16] {
    id.0
}

/// Splits `len ‖ name ‖ u64` back into its name and number.
pub fn split_name_key(key: &[u8]) -> Option<(&str, u64)> {
    let (&len, rest) = key.split_first()?;
    let len = len as usize;
    if rest.len() != len + 8 {
        return None;
    }
    let name = std::str::from_utf8(&rest[..len]).ok()?;
    Some((name, decode_u64(&rest[len..])?))
}

/// Head value: `position(u64 BE) ‖ hash(32)` of the last record.
pub fn head_value(position: Position, hash: &[u8; 32]) -> [u8; 40] {
    let mut out = [0u8; 40];
    out[..8].copy_from_slice(&position.0.to_be_bytes());
    out[8..].copy_from_slice(hash);
    out
}

/// Reads a head value.
pub fn decode_head(bytes: &[u8]) -> Option<(Position, [u8; 32])> {
    if bytes.len() != 40 {
        return None;
    }
    let position = Position(decode_u64(&bytes[..8])?);
    let mut hash = [0u8; 32];
    hash.copy_from_slice(&bytes[8..]);
    Some((position, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_streams_keys_sort_together_and_by_version() {
        let mut keys = [
            stream_key("ab", StreamVersion(1)),
            stream_key("a", StreamVersion(300)),
            stream_key("ab", StreamVersion(0)),
            stream_key("a", StreamVersion(2)),
            stream_key("b", StreamVersion(0)),
        ];
        keys.sort();
        let decoded: Vec<_> = keys.iter().map(|k| split_name_key(k).unwrap()).collect();
        assert_eq!(
            decoded,
            vec![("a", 2), ("a", 300), ("b", 0), ("ab", 0), ("ab", 1)]
        );
    }

    #[test]
    fn run_values_read_back_and_empty_runs_are_refused() {
        assert_eq!(
            decode_run(&run_value(Position(7), 3)),
            Some((Position(7), 3))
        );
        assert_eq!(decode_run(&run_value(Position(7), 0)), None);
        assert_eq!(decode_run(&run_value(Position(u64::MAX), 2)), None);
        assert_eq!(decode_run(&[0; 15]), None);
    }

    #[test]
    fn the_type_watermark_sorts_before_every_entry() {
        assert!(TYPES_INDEXED_TO < type_key("a", Position(0)).as_slice());
    }

    #[test]
    fn malformed_name_keys_are_refused() {
        assert_eq!(split_name_key(&[]), None);
        assert_eq!(split_name_key(&[3, b'a']), None);
        assert!(decode_head(&[0; 39]).is_none());
    }
}
