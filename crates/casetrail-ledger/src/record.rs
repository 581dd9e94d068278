//! The canonical byte encoding of a record, and its hash.
//!
//! The layout is documented byte by byte in `docs/ledger-format.md`; keep the two in step.
//! A record's bytes are the value stored in the `log` column family, and the hash at their
//! end is BLAKE3 (derive-key mode, context [`RECORD_CONTEXT`]) over every byte before it.

use crate::error::DecodeError;
use crate::ids::{
    Actor, EventHash, EventId, EventType, Position, StreamId, StreamVersion, Timestamp,
};

pub use crate::contexts::{GENESIS_CONTEXT, RECORD_CONTEXT};

/// First byte of every encoded record.
pub const RECORD_FORMAT: u8 = 1;
/// Largest metadata or payload accepted in one event.
pub const MAX_BLOB_LEN: usize = 16 * 1024 * 1024;

const FIXED_LEN: usize = 1 + 8 + 8 + 16 + 4 + 8 + 32;
const HASH_LEN: usize = 32;

/// An event as the caller hands it to `append`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// The event's id, chosen by the caller (keyed from content for imports).
    pub id: EventId,
    /// The event's type name.
    pub event_type: EventType,
    /// The payload's schema version.
    pub schema_version: u32,
    /// Metadata bytes (opaque to the ledger).
    pub metadata: Vec<u8>,
    /// Payload bytes (opaque to the ledger).
    pub payload: Vec<u8>,
}

/// A stored event with everything the chain covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The record's place in the global log.
    pub position: Position,
    /// The stream it belongs to.
    pub stream: StreamId,
    /// Its version within the stream (0 first).
    pub version: StreamVersion,
    /// The event's id.
    pub id: EventId,
    /// The event's type name.
    pub event_type: EventType,
    /// The payload's schema version.
    pub schema_version: u32,
    /// When the ledger stored it, from the injected clock.
    pub recorded_at: Timestamp,
    /// Who appended it.
    pub actor: Actor,
    /// Metadata bytes.
    pub metadata: Vec<u8>,
    /// Payload bytes.
    pub payload: Vec<u8>,
    /// The previous record's hash (the genesis hash for the first).
    pub prev_hash: EventHash,
    /// BLAKE3 over this record's fixed fields and `prev_hash`: the chain link.
    pub hash: EventHash,
}

/// The fields of a record that are fixed before hashing.
#[derive(Debug)]
pub(crate) struct RecordFields<'a> {
    pub position: Position,
    pub stream: &'a str,
    pub version: StreamVersion,
    pub id: EventId,
    pub event_type: &'a str,
    pub schema_version: u32,
    pub recorded_at: Timestamp,
    pub actor: &'a str,
    pub metadata: &'a [u8],
    pub payload: &'a [u8],
    pub prev_hash: EventHash,
}

impl RecordFields<'_> {
    /// Encodes the record, appending its hash; returns the bytes and the hash.
    #[cfg(test)]
    pub fn encode(&self) -> (Vec<u8>, EventHash) {
        let mut out = Vec::new();
        let hash = self.encode_into(&mut out);
        (out, hash)
    }

    /// Replaces `out` with the encoded record (the writer reuses one buffer for every event).
    pub fn encode_into(&self, out: &mut Vec<u8>) -> EventHash {
        let len = FIXED_LEN
            + 2 * 3
            + self.stream.len()
            + self.event_type.len()
            + self.actor.len()
            + 4 * 2
            + self.metadata.len()
            + self.payload.len()
            + HASH_LEN;
        out.clear();
        out.reserve(len);
        out.push(RECORD_FORMAT);
        out.extend_from_slice(&self.position.0.to_be_bytes());
        out.extend_from_slice(&self.version.0.to_be_bytes());
        out.extend_from_slice(&self.id.0);
        out.extend_from_slice(&self.schema_version.to_be_bytes());
        out.extend_from_slice(&self.recorded_at.0.to_be_bytes());
        out.extend_from_slice(&self.prev_hash.0);
        for name in [self.stream, self.event_type, self.actor] {
            // Names are checked to be at most 255 bytes, so u16 always suffices.
            out.extend_from_slice(&(name.len() as u16).to_be_bytes());
            out.extend_from_slice(name.as_bytes());
        }
        for blob in [self.metadata, self.payload] {
            out.extend_from_slice(&(blob.len() as u32).to_be_bytes());
            out.extend_from_slice(blob);
        }
        let hash = hash_body(out);
        out.extend_from_slice(&hash.0);
        debug_assert_eq!(out.len(), len);
        hash
    }
}

/// The hash stored with a record (its last 32 bytes), without decoding the rest: for the
/// Merkle tree, whose leaves are these hashes. None for bytes too short to be a record.
pub(crate) fn stored_hash(bytes: &[u8]) -> Option<EventHash> {
    if bytes.len() < FIXED_LEN + HASH_LEN || bytes[0] != RECORD_FORMAT {
        return None;
    }
    let mut hash = [0u8; HASH_LEN];
    hash.copy_from_slice(&bytes[bytes.len() - HASH_LEN..]);
    Some(EventHash(hash))
}

pub(crate) fn hash_body(body: &[u8]) -> EventHash {
    let mut hasher = blake3::Hasher::new_derive_key(RECORD_CONTEXT);
    hasher.update(body);
    EventHash(*hasher.finalize().as_bytes())
}

/// A record read in place from its stored bytes, without copying.
#[derive(Debug, Clone, Copy)]
pub struct RecordView<'a> {
    /// As in [`Record`].
    pub position: Position,
    /// As in [`Record`].
    pub version: StreamVersion,
    /// As in [`Record`].
    pub id: EventId,
    /// As in [`Record`].
    pub schema_version: u32,
    /// As in [`Record`].
    pub recorded_at: Timestamp,
    /// As in [`Record`].
    pub prev_hash: EventHash,
    /// As in [`Record`].
    pub stream: &'a str,
    /// As in [`Record`].
    pub event_type: &'a str,
    /// As in [`Record`].
    pub actor: &'a str,
    /// As in [`Record`].
    pub metadata: &'a [u8],
    /// As in [`Record`].
    pub payload: &'a [u8],
    /// The hash stored at the end of the record.
    pub hash: EventHash,
    /// Every byte the hash covers.
    pub body: &'a [u8],
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        match end {
            Some(end) => {
                let out = &self.bytes[self.at..end];
                self.at = end;
                Ok(out)
            }
            None => Err(DecodeError {
                field,
                offset: self.at,
                problem: "runs past the end of the record",
            }),
        }
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, field)?);
        Ok(out)
    }

    fn name(&mut self, field: &'static str) -> Result<&'a str, DecodeError> {
        let len = u16::from_be_bytes(self.array(field)?) as usize;
        let offset = self.at;
        let bytes = self.take(len, field)?;
        std::str::from_utf8(bytes).map_err(|_| DecodeError {
            field,
            offset,
            problem: "is not UTF-8",
        })
    }

    fn blob(&mut self, field: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = u32::from_be_bytes(self.array(field)?) as usize;
        self.take(len, field)
    }
}

impl<'a> RecordView<'a> {
    /// Reads a record's stored bytes in place (the format in docs/ARCHITECTURE.md).
    pub fn decode(bytes: &'a [u8]) -> Result<RecordView<'a>, DecodeError> {
        if bytes.len() < FIXED_LEN + HASH_LEN {
            return Err(DecodeError {
                field: "record",
                offset: bytes.len(),
                problem: "is shorter than the fixed header",
            });
        }
        let body_len = bytes.len() - HASH_LEN;
        let mut r = Reader {
            bytes: &bytes[..body_len],
            at: 0,
        };
        let [format] = r.array::<1>("format")?;
        if format != RECORD_FORMAT {
            return Err(DecodeError {
                field: "format",
                offset: 0,
                problem: "is not a known record format",
            });
        }
        let position = Position(u64::from_be_bytes(r.array("position")?));
        let version = StreamVersion(u64::from_be_bytes(r.array("stream version")?));
        let id = EventId(r.array("event id")?);
        let schema_version = u32::from_be_bytes(r.array("schema version")?);
        let recorded_at = Timestamp(i64::from_be_bytes(r.array("recorded at")?));
        let prev_hash = EventHash(r.array("previous hash")?);
        let stream = r.name("stream id")?;
        let event_type = r.name("event type")?;
        let actor = r.name("actor")?;
        let metadata = r.blob("metadata")?;
        let payload = r.blob("payload")?;
        if r.at != body_len {
            return Err(DecodeError {
                field: "payload",
                offset: r.at,
                problem: "is followed by unexpected bytes",
            });
        }
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&bytes[body_len..]);
        Ok(RecordView {
            position,
            version,
            id,
            schema_version,
            recorded_at,
            prev_hash,
            stream,
            event_type,
            actor,
            metadata,
            payload,
            hash: EventHash(hash),
            body: &bytes[..body_len],
        })
    }

    /// Recomputes the hash over the record's bytes.
    pub fn computed_hash(&self) -> EventHash {
        hash_body(self.body)
    }

    /// An owned copy.
    pub fn to_record(&self) -> Record {
        // Names were checked when appended; a stored one that fails the check was tampered
        // with, and verify reports it, so reading keeps the text as it is.
        Record {
            position: self.position,
            stream: StreamId::from_stored(self.stream),
            version: self.version,
            id: self.id,
            event_type: EventType::from_stored(self.event_type),
            schema_version: self.schema_version,
            recorded_at: self.recorded_at,
            actor: Actor::from_stored(self.actor),
            metadata: self.metadata.to_vec(),
            payload: self.payload.to_vec(),
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(payload: &'a [u8]) -> RecordFields<'a> {
        RecordFields {
            position: Position(7),
            stream: "patient-1",
            version: StreamVersion(2),
            id: EventId([9; 16]),
            event_type: "ContactRecorded",
            schema_version: 3,
            recorded_at: Timestamp(1_700_000_000_000_000),
            actor: "import",
            metadata: b"{}",
            payload,
            prev_hash: EventHash::genesis(),
        }
    }

    #[test]
    fn encode_then_decode_gives_back_every_field() {
        let (bytes, hash) = fields(b"hello").encode();
        let view = RecordView::decode(&bytes).unwrap();
        assert_eq!(view.position, Position(7));
        assert_eq!(view.version, StreamVersion(2));
        assert_eq!(view.id, EventId([9; 16]));
        assert_eq!(view.schema_version, 3);
        assert_eq!(view.recorded_at, Timestamp(1_700_000_000_000_000));
        assert_eq!(view.stream, "patient-1");
        assert_eq!(view.event_type, "ContactRecorded");
        assert_eq!(view.actor, "import");
        assert_eq!(view.metadata, b"{}");
        assert_eq!(view.payload, b"hello");
        assert_eq!(view.prev_hash, EventHash::genesis());
        assert_eq!(view.hash, hash);
        assert_eq!(view.computed_hash(), hash);
    }

    #[test]
    fn every_byte_is_covered_by_the_hash_or_breaks_decoding() {
        let (bytes, hash) = fields(b"payload").encode();
        for i in 0..bytes.len() {
            let mut changed = bytes.clone();
            changed[i] ^= 0x01;
            match RecordView::decode(&changed) {
                Err(_) => {}
                Ok(view) => assert!(
                    view.computed_hash() != view.hash || view.hash != hash,
                    "flipping byte {i} went unnoticed"
                ),
            }
        }
    }

    #[test]
    fn length_prefixes_keep_fields_apart() {
        // "ab"+"c" and "a"+"bc" must not encode alike.
        let mut a = fields(b"");
        a.stream = "ab";
        a.event_type = "c";
        let mut b = fields(b"");
        b.stream = "a";
        b.event_type = "bc";
        assert_ne!(a.encode().1, b.encode().1);
    }

    #[test]
    fn truncated_records_are_refused() {
        let (bytes, _) = fields(b"payload").encode();
        for len in 0..bytes.len() {
            assert!(RecordView::decode(&bytes[..len]).is_err(), "length {len}");
        }
    }

    /// Values computed outside Rust (Python's `blake3` package) from the layout in
    /// docs/ledger-format.md, so the document and the code cannot drift apart.
    #[test]
    fn the_genesis_value_and_a_record_hash_match_the_document() {
        assert_eq!(
            EventHash::genesis().to_hex(),
            "baa6734e88159e7f356fbfaafb37a1b5ededade94f37558bbf291d2525c74dfc"
        );
        let (bytes, hash) = fields(b"hello").encode();
        assert_eq!(bytes.len(), 160);
        assert_eq!(
            hash.to_hex(),
            "3692097657874f9998d0891b4f22c5511eff44f60b6c3545f22f9e9079f7faaa"
        );
        // The tree reads the stored hash from the record's last 32 bytes.
        assert_eq!(stored_hash(&bytes), Some(hash));
        assert_eq!(stored_hash(&bytes[..FIXED_LEN]), None);
    }
}
