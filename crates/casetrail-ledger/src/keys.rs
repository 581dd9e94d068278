//! Column family names and key layouts. Documented byte by byte in `docs/ledger-format.md`.

use crate::ids::{EventId, Position, StreamVersion};

/// Records, keyed by position.
pub const CF_LOG: &str = "log";
/// (stream, version) → position.
pub const CF_STREAMS: &str = "streams";
/// event id → position.
pub const CF_EVENT_IDS: &str = "event_ids";
/// (event type, position) → nothing.
pub const CF_TYPES: &str = "types";
/// Format version and head.
pub const CF_META: &str = "meta";
/// (level, index) → root of a perfect subtree of the Merkle tree (format 2).
pub const CF_TREE: &str = "tree";
/// tree size → a signed checkpoint, as the application encoded it (format 2).
pub const CF_CHECKPOINTS: &str = "checkpoints";

/// The column families of format 1; a ledger without one of them is not a ledger.
pub const FORMAT1_CFS: [&str; 5] = [CF_LOG, CF_STREAMS, CF_EVENT_IDS, CF_TYPES, CF_META];
/// Every column family of the current format.
pub const ALL_CFS: [&str; 7] = [
    CF_LOG,
    CF_STREAMS,
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

/// The on-disk format this build writes and reads. Format 1 (no Merkle tree) is upgraded in
/// place by the first read-write open.
pub const FORMAT_VERSION: u32 = 2;
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
    fn malformed_name_keys_are_refused() {
        assert_eq!(split_name_key(&[]), None);
        assert_eq!(split_name_key(&[3, b'a']), None);
        assert!(decode_head(&[0; 39]).is_none());
    }
}
