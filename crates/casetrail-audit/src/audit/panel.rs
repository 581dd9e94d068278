//! A panel: its members (one or more per sector of the method), its cases at the version
//! each was given, and what it agreed at the meeting.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{PANEL_SECTORS, Value};

/// A panel member's sector and role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The sector the member speaks for.
    pub sector: String,
    /// The member's professional role.
    pub role: String,
}

/// One panel: its members, its cases, and what it agreed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Panel {
    /// Members by user name.
    pub members: BTreeMap<String, Member>,
    /// Case → (release version, content hash).
    pub cases: BTreeMap<String, (u32, String)>,
    /// Whether the panel's answers are revealed to it.
    pub revealed: bool,
    /// The facilitator's meeting notes, in order.
    pub notes: Vec<String>,
    /// Themes the panel found.
    pub themes: Vec<String>,
    /// Consensus per (case, question): value and note, in the order recorded.
    pub consensus: Vec<(Option<String>, String, Value, String)>,
}

impl Panel {
    /// Sectors of the method with no member on this panel.
    pub fn missing_sectors(&self) -> Vec<&'static str> {
        PANEL_SECTORS
            .iter()
            .copied()
            .filter(|s| !self.members.values().any(|m| m.sector == *s))
            .collect()
    }
}
