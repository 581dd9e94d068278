//! The stays projection, stored with its checkpoint so it need not be rebuilt from the whole
//! log each time.
//!
//! The projection holds the decoded events that shape stays (admission contacts, admissions,
//! discharges, hospital notifications, corrections). Its checkpoint is the position and hash of the last record it has
//! seen: a reader loads it, checks that the log still has that hash at that position (else
//! the log is not the one the projection was made from, and it starts over), and reads only
//! the records after it. `casetrail rebuild` makes it anew; [`StaysProjection::follow`] keeps
//! one up to date from a catch-up subscription, as a long-running server does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use casetrail_domain::stays::{Stay, stays};
use casetrail_domain::{ContactKind, DomainEvent, EventRef, PatientId, corrections};
use casetrail_ledger::{EventHash, Head, Ledger, Position, Record};
use serde::{Deserialize, Serialize};

use crate::core::error::{AppError, CoreError};

use crate::core::workbench::decode_stored;

/// Bumped when the stored form changes; an older file is rebuilt, not misread.
const SNAPSHOT_FORMAT: u32 = 3;
const STAY_EVENTS: &[&str] = &[
    "AdmissionStarted",
    "DischargeRecorded",
    "HospitalNotified",
    "Corrected",
];

/// The events stays are made of, as of a checkpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaysProjection {
    format: u32,
    /// The last record seen: its position and hash; None before the first. Bytes, not hex,
    /// because it is set for every record read and only written out now and then.
    checkpoint: Option<(u64, [u8; 32])>,
    events: Vec<(EventRef, DomainEvent)>,
}

/// Whether a record shapes stays, judged without decoding most contacts.
fn shapes_stays(record: &Record) -> bool {
    match record.event_type.as_str() {
        "ContactRecorded" => DomainEvent::peek_contact_kind(record.schema_version, &record.payload)
            .is_none_or(|k| {
                matches!(
                    k,
                    ContactKind::WardAdmission | ContactKind::UserControlledBed
                )
            }),
        other => STAY_EVENTS.contains(&other),
    }
}

impl StaysProjection {
    pub fn empty() -> Self {
        StaysProjection {
            format: SNAPSHOT_FORMAT,
            ..Self::default()
        }
    }

    pub(crate) fn file(data_dir: &Path) -> PathBuf {
        data_dir.join("projections").join("stays.json")
    }

    /// The next position this projection has not seen.
    pub fn next_position(&self) -> Position {
        Position(self.checkpoint.as_ref().map_or(0, |(p, _)| p + 1))
    }

    pub fn checkpoint(&self) -> Option<Head> {
        let (position, hash) = self.checkpoint?;
        Some(Head {
            position: Position(position),
            hash: EventHash(hash),
        })
    }

    /// Takes one record into the projection (records must come in log order).
    pub fn apply(&mut self, record: &Record) -> Result<(), AppError> {
        if shapes_stays(record) {
            let event = decode_stored(record)?;
            self.events.push((EventRef(record.id.0), event));
        }
        self.checkpoint = Some((record.position.0, record.hash.0));
        Ok(())
    }

    /// Reads every record after the checkpoint; calls `tick` every so many records.
    pub fn catch_up(
        &mut self,
        ledger: &Ledger,
        tick: &mut dyn FnMut(u64),
    ) -> Result<u64, AppError> {
        let mut read = 0u64;
        for record in ledger.read_all(self.next_position()) {
            self.apply(&record?)?;
            read += 1;
            if read.is_multiple_of(65_536) {
                tick(65_536);
            }
        }
        tick(read % 65_536);
        Ok(read)
    }

    /// Every patient's stays, corrections applied.
    pub fn stays(&self) -> BTreeMap<PatientId, Vec<Stay>> {
        let applied = corrections::apply(self.events.iter().cloned());
        stays(applied.standing.iter().map(|s| &s.event))
    }

    /// The stored projection, if there is one that fits this log; otherwise an empty one.
    pub fn load(data_dir: &Path, ledger: &Ledger) -> Result<StaysProjection, AppError> {
        let path = Self::file(data_dir);
        let Ok(bytes) = std::fs::read(&path) else {
            return Ok(Self::empty());
        };
        let Ok(stored) = serde_json::from_slice::<StaysProjection>(&bytes) else {
            tracing::warn!(path = %path.display(), "the stored projection does not read; rebuilding it");
            return Ok(Self::empty());
        };
        let fits = stored.format == SNAPSHOT_FORMAT
            && match stored.checkpoint() {
                None => true,
                Some(c) => ledger.get(c.position)?.is_some_and(|r| r.hash == c.hash),
            };
        Ok(if fits { stored } else { Self::empty() })
    }

    /// Stores the projection: written beside, synced, then renamed into place, so a crash
    /// leaves the old file or the new one, never half of one.
    pub fn save(&self, data_dir: &Path) -> Result<(), AppError> {
        let path = Self::file(data_dir);
        let io = |source| CoreError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(path.parent().expect("a folder")).map_err(io)?;
        let temporary = path.with_extension("json.new");
        let bytes = serde_json::to_vec(self).map_err(|source| CoreError::Encode {
            what: "projection",
            source,
        })?;
        let write = || -> std::io::Result<()> {
            use std::io::Write;
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&temporary, &path)
        };
        write().map_err(io).map_err(AppError::from)
    }

    /// Keeps the projection up to date from a catch-up subscription: stored records first,
    /// then each new one as it is committed. `seen` is told each checkpoint; the future ends
    /// only when the subscription does (with an error, which it returns).
    pub async fn follow(
        &mut self,
        ledger: &Ledger,
        mut seen: impl FnMut(&StaysProjection),
    ) -> Result<(), AppError> {
        use futures_util::StreamExt;
        let mut records = Box::pin(ledger.subscribe(self.next_position()));
        while let Some(record) = records.next().await {
            self.apply(&record?)?;
            seen(self);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use casetrail_domain::{AdmissionStarted, DischargeRecorded, Icd10, Priority, StayId, When};
    use casetrail_ledger::{
        Actor, AppendRequest, EventId, EventType, ExpectedVersion, ManualClock, NewEvent, StreamId,
        Timestamp,
    };

    use super::*;

    fn ledger(dir: &Path) -> Ledger {
        Ledger::open(
            dir.join("ledger"),
            Arc::new(ManualClock::new(Timestamp(0), 1)),
        )
        .unwrap()
    }

    fn append(ledger: &Ledger, patient: &str, stay: &str, event: DomainEvent) {
        let request = AppendRequest::new(Actor::new("test").unwrap()).write(
            StreamId::new(format!("patient-{patient}")).unwrap(),
            ExpectedVersion::Any,
            vec![NewEvent {
                id: EventId::derive(format!("{patient}/{stay}/{}", event.event_type()).as_bytes()),
                event_type: EventType::new(event.event_type()).unwrap(),
                schema_version: event.schema_version(),
                metadata: Vec::new(),
                payload: event.encode(),
            }],
        );
        ledger.append_blocking(request).unwrap();
    }

    fn stay(ledger: &Ledger, patient: &str, stay: &str, start: &str, end: &str) {
        let p = PatientId::new(patient).unwrap();
        let id = StayId::new(stay).unwrap();
        let admitted = AdmissionStarted {
            stay: id.clone(),
            patient: p.clone(),
            ward: "A".into(),
            priority: Priority::Acute,
            main_diagnosis: Icd10::new("DF201").unwrap(),
            court_ordered: false,
            start: When::parse(start).unwrap(),
        };
        append(
            ledger,
            patient,
            stay,
            DomainEvent::AdmissionStarted(admitted),
        );
        let discharged = DischargeRecorded {
            stay: id,
            patient: p,
            end: When::parse(end).unwrap(),
        };
        append(
            ledger,
            patient,
            stay,
            DomainEvent::DischargeRecorded(discharged),
        );
    }

    fn count(p: &StaysProjection) -> usize {
        p.stays().values().map(Vec::len).sum()
    }

    #[test]
    fn a_stored_projection_catches_up_from_its_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = ledger(dir.path());
        stay(&ledger, "P1", "S1", "2019-01-01T22:00", "2019-01-02T10:00");
        let mut p = StaysProjection::empty();
        assert_eq!(p.catch_up(&ledger, &mut |_| {}).unwrap(), 2);
        p.save(dir.path()).unwrap();
        stay(&ledger, "P2", "S1", "2019-02-01T22:00", "2019-02-03T10:00");

        let mut loaded = StaysProjection::load(dir.path(), &ledger).unwrap();
        assert_eq!(loaded.checkpoint(), p.checkpoint());
        assert_eq!(count(&loaded), 1);
        assert_eq!(
            loaded.catch_up(&ledger, &mut |_| {}).unwrap(),
            2,
            "only what came after the checkpoint is read"
        );
        assert_eq!(count(&loaded), 2);
        assert_eq!(loaded.checkpoint(), ledger.head());
    }

    #[test]
    fn a_projection_made_from_another_log_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let first = ledger(other.path());
        stay(&first, "X", "S9", "2019-01-01T22:00", "2019-01-02T10:00");
        stay(&first, "Y", "S9", "2019-01-01T22:00", "2019-01-02T10:00");
        let mut p = StaysProjection::empty();
        p.catch_up(&first, &mut |_| {}).unwrap();
        p.save(dir.path()).unwrap();
        let ledger = ledger(dir.path());
        stay(&ledger, "P1", "S1", "2019-01-01T22:00", "2019-01-02T10:00");
        stay(&ledger, "P2", "S1", "2019-01-01T22:00", "2019-01-02T10:00");
        let loaded = StaysProjection::load(dir.path(), &ledger).unwrap();
        assert_eq!(
            loaded.checkpoint(),
            None,
            "same positions, other hashes: start over"
        );
        std::fs::write(StaysProjection::file(dir.path()), b"{not json").unwrap();
        assert_eq!(
            StaysProjection::load(dir.path(), &ledger)
                .unwrap()
                .checkpoint(),
            None
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_followed_projection_sees_new_records_as_they_commit() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = ledger(dir.path());
        let writer = ledger.clone();
        tokio::task::spawn_blocking(move || {
            stay(&writer, "P1", "S1", "2019-01-01T22:00", "2019-01-02T10:00")
        })
        .await
        .unwrap();
        let (tx, mut rx) = tokio::sync::watch::channel(0usize);
        let follower = ledger.clone();
        let task = tokio::spawn(async move {
            let mut p = StaysProjection::empty();
            p.follow(&follower, |p| {
                tx.send_replace(count(p));
            })
            .await
        });
        let writer = ledger.clone();
        tokio::task::spawn_blocking(move || {
            stay(&writer, "P2", "S1", "2019-03-01T22:00", "2019-03-02T10:00")
        })
        .await
        .unwrap();
        let seen = tokio::time::timeout(Duration::from_secs(10), rx.wait_for(|n| *n == 2)).await;
        assert!(seen.is_ok(), "the follower never saw the second stay");
        task.abort();
    }
}
