//! What an append asks for and what it gives back.

use std::fmt;

use crate::ids::{Actor, EventHash, ExpectedVersion, Position, StreamId, StreamVersion};
use crate::record::NewEvent;

/// Events for one stream within an append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamWrite {
    /// The stream written.
    pub stream: StreamId,
    /// The version the stream must be at, or the append is refused.
    pub expected: ExpectedVersion,
    /// The events, in order.
    pub events: Vec<NewEvent>,
}

/// One atomic append: every write in it lands, in order, or none does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendRequest {
    /// Who appends (recorded with every event).
    pub actor: Actor,
    /// The writes, one per stream.
    pub writes: Vec<StreamWrite>,
}

impl AppendRequest {
    /// An empty append by this actor; add writes with [`AppendRequest::write`].
    pub fn new(actor: Actor) -> Self {
        AppendRequest {
            actor,
            writes: Vec::new(),
        }
    }

    /// Adds a write to one stream; several streams make a multi-stream append.
    pub fn write(
        mut self,
        stream: StreamId,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Self {
        self.writes.push(StreamWrite {
            stream,
            expected,
            events,
        });
        self
    }

    /// How many events the append holds.
    pub fn event_count(&self) -> usize {
        self.writes.iter().map(|w| w.events.len()).sum()
    }
}

/// The outcome of a successful append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// Position of every event, in the order of the request.
    pub positions: Vec<Position>,
    /// Each written stream with the version of its last event in this append.
    pub stream_versions: Vec<(StreamId, StreamVersion)>,
    /// True when every event id was already stored: nothing was written, and the positions
    /// are those of the original append.
    pub already_stored: bool,
}

/// The last record of the log: what a quality department writes down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// The last record's position.
    pub position: Position,
    /// The last record's hash.
    pub hash: EventHash,
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.position, self.hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_versions_admit_the_right_states() {
        let at = |v| Some(StreamVersion(v));
        assert!(ExpectedVersion::Any.admits(None));
        assert!(ExpectedVersion::Any.admits(at(4)));
        assert!(ExpectedVersion::NoStream.admits(None));
        assert!(!ExpectedVersion::NoStream.admits(at(0)));
        assert!(!ExpectedVersion::StreamExists.admits(None));
        assert!(ExpectedVersion::StreamExists.admits(at(0)));
        assert!(ExpectedVersion::Exact(StreamVersion(3)).admits(at(3)));
        assert!(!ExpectedVersion::Exact(StreamVersion(3)).admits(at(2)));
        assert!(!ExpectedVersion::Exact(StreamVersion(0)).admits(None));
    }
}
