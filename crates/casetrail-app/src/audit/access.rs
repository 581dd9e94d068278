//! Access events: every view of case material is appended to the log (who, in which role,
//! which case and version, when) before the material is shown. They live in one stream,
//! `access`, so listing them never reads a patient's stream.

use casetrail_ledger::{
    AppendRequest, Direction, EventId, EventType, ExpectedVersion, NewEvent, StreamId,
    StreamVersion,
};
use serde::{Deserialize, Serialize};

use crate::core::error::{AppError, CoreError, stored_json};

use crate::core::workbench::{Workbench, actor};

const STREAM: &str = "access";
const EVENT_TYPE: &str = "CaseViewed";

/// What was looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Viewed {
    /// The identifiable pathway, to assemble a case file.
    Pathway,
    /// The anonymised working copy, before or while it is reviewed.
    WorkingCopy,
    /// A released version, as a panel sees it.
    Released,
}

/// One view of case material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseAccess {
    pub user: String,
    pub role: String,
    pub case: String,
    pub viewed: Viewed,
    /// The released version, for `Released`.
    pub release: Option<u32>,
    /// The content hash of what was shown, when it has one.
    pub content_hash: Option<String>,
    /// The case stream's version at the time of the view of a working copy or pathway (a
    /// released version is pinned by its number and hash instead).
    pub case_version: Option<u64>,
}

/// An access event as listed for the facilitator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEntry {
    pub position: u64,
    /// Microseconds since the epoch, UTC, as the ledger recorded it.
    pub at_micros: i64,
    pub access: CaseAccess,
}

fn request(access: &CaseAccess, nonce: [u8; 16]) -> Result<AppendRequest, AppError> {
    let payload = serde_json::to_vec(access).map_err(|source| CoreError::Encode {
        what: "access",
        source,
    })?;
    Ok(AppendRequest::new(actor(&access.user)?).write(
        StreamId::new(STREAM)?,
        ExpectedVersion::Any,
        vec![NewEvent {
            // Every view is its own event, even the same page twice.
            id: EventId(nonce),
            event_type: EventType::new(EVENT_TYPE)?,
            schema_version: 1,
            metadata: Vec::new(),
            payload,
        }],
    ))
}

fn nonce() -> Result<[u8; 16], AppError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| CoreError::Randomness(e.to_string()))?;
    Ok(bytes)
}

impl Workbench {
    /// Appends the access event; the caller shows the material only after this returns Ok.
    pub async fn record_access(&self, access: &CaseAccess) -> Result<u64, AppError> {
        let appended = self.ledger().append(request(access, nonce()?)?).await?;
        Ok(appended.positions[0].0)
    }

    /// The same, for callers outside an async runtime.
    pub fn record_access_blocking(&self, access: &CaseAccess) -> Result<u64, AppError> {
        let appended = self.ledger().append_blocking(request(access, nonce()?)?)?;
        Ok(appended.positions[0].0)
    }

    /// Every access event, newest first, of one case or of all.
    pub fn access_log(&self, case: Option<&str>) -> Result<Vec<AccessEntry>, AppError> {
        let stream = StreamId::new(STREAM)?;
        let mut out = Vec::new();
        for record in
            self.ledger()
                .read_stream(&stream, StreamVersion(u64::MAX), Direction::Backward)
        {
            let record = record?;
            let access: CaseAccess = stored_json("access", &record)?;
            if case.is_none_or(|c| c == access.case) {
                out.push(AccessEntry {
                    position: record.position.0,
                    at_micros: record.recorded_at.0,
                    access,
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use casetrail_ledger::{ManualClock, Timestamp};

    use super::*;
    use crate::core::workbench::Access;

    fn view(user: &str, case: &str) -> CaseAccess {
        CaseAccess {
            user: user.into(),
            role: "panel_member".into(),
            case: case.into(),
            viewed: Viewed::Released,
            release: Some(1),
            content_hash: Some("ab".repeat(32)),
            case_version: None,
        }
    }

    #[test]
    fn every_view_is_its_own_event_listed_newest_first_and_by_case() {
        let dir = tempfile::tempdir().unwrap();
        let wb = Workbench::open(
            dir.path(),
            Access::ReadWrite,
            Arc::new(ManualClock::new(Timestamp(1_000), 5)),
        )
        .unwrap();
        let first = wb.record_access_blocking(&view("anna", "SAG1")).unwrap();
        let second = wb.record_access_blocking(&view("anna", "SAG1")).unwrap();
        wb.record_access_blocking(&view("bo", "SAG2")).unwrap();
        assert_ne!(first, second, "the same view twice is two events");
        let all = wb.access_log(None).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].access.user, "bo");
        assert!(all[0].at_micros > all[2].at_micros);
        let sag1 = wb.access_log(Some("SAG1")).unwrap();
        assert_eq!(sag1.len(), 2);
        assert!(sag1.iter().all(|e| e.access == view("anna", "SAG1")));
        assert!(wb.verify(None).unwrap().is_intact());
    }
}
