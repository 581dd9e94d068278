//! Case files for audit panels: the timeline of a case (identifiable for the facilitator,
//! anonymised for panels), the residual-risk review, and released versions.
//!
//! A released version is not stored as text. The release event records how many events of
//! the patient's stream it was made from, the date policy and the content hash; showing it
//! again rebuilds it from those events and checks the hash. So nothing anonymised is written
//! to the log, and a version that can no longer be rebuilt exactly (the patient was
//! forgotten, the pseudonym key changed) is refused rather than shown altered.

use std::path::{Path, PathBuf};

use casetrail_anon::timeline::{self, CaseEvents, HashedTimeline, View};
use casetrail_anon::{PseudonymKey, RedactionPolicy, RiskFinding};
use casetrail_domain::{
    CaseFileReleased, ContentHash, DatePolicy, DomainEvent, EventRef, PatientId,
};
use casetrail_ledger::{
    AppendRequest, Direction, EventId, EventType, ExpectedVersion, NewEvent, StreamId,
    StreamVersion,
};
use casetrail_protect::PatientKey;

use crate::core::error::{AppError, CaseFileError, CoreError, io_error};

use crate::core::workbench::{Workbench, actor, decode_stored};

/// Where the pseudonym key comes from. It never goes into the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A file holding 64 hex digits, readable by its owner only.
    File(PathBuf),
    /// 64 hex digits given directly (from `CASETRAIL_PSEUDONYM_KEY`).
    Hex(String),
    /// `DATA/pseudonym.key`, created on first use.
    DataDir,
}

/// One released version of a case file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// 1 for the first release of the case, and so on.
    pub version: u32,
    pub position: u64,
    pub stream_version: u64,
    pub policy: DatePolicy,
    pub content_hash: ContentHash,
    pub released_by: String,
    /// When the release was recorded (the log's clock), microseconds since the epoch.
    pub released_at_micros: i64,
}

const KEY_FILE: &str = "pseudonym.key";

/// Refuses a key file that anyone but its owner can read or write.
pub(crate) fn require_owner_only(path: &Path) -> Result<(), AppError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(io_error(path))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(CoreError::KeyFilePermissions {
                path: path.to_owned(),
                mode: mode & 0o777,
            }
            .into());
        }
    }
    Ok(())
}

fn read_key_file(path: &Path) -> Result<PseudonymKey, AppError> {
    require_owner_only(path)?;
    let text = std::fs::read_to_string(path).map_err(io_error(path))?;
    PseudonymKey::parse_hex(&text)
        .map_err(|source| CoreError::PseudonymKey {
            origin: path.display().to_string(),
            source,
        })
        .map_err(AppError::from)
}

/// Creates a key file that only its owner can read, refusing to overwrite one.
pub fn create_key_file(path: &Path) -> Result<PseudonymKey, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| CoreError::Randomness(e.to_string()))?;
    let key = PseudonymKey::from_bytes(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io_error(path))?;
    std::io::Write::write_all(&mut file, format!("{}\n", key.to_hex()).as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io_error(path))?;
    Ok(key)
}

/// Loads the pseudonym key from where `source` says.
pub fn pseudonym_key(source: &KeySource, data_dir: &Path) -> Result<PseudonymKey, AppError> {
    match source {
        KeySource::File(path) => read_key_file(path),
        KeySource::Hex(hex) => PseudonymKey::parse_hex(hex)
            .map_err(|source| CoreError::PseudonymKey {
                origin: "CASETRAIL_PSEUDONYM_KEY".into(),
                source,
            })
            .map_err(AppError::from),
        KeySource::DataDir => {
            let path = data_dir.join(KEY_FILE);
            if path.exists() {
                read_key_file(&path)
            } else {
                std::fs::create_dir_all(data_dir).map_err(io_error(data_dir))?;
                create_key_file(&path)
            }
        }
    }
}

fn patient_id(case: &str) -> Result<PatientId, AppError> {
    PatientId::new(case)
        .map_err(|source| CaseFileError::PatientId {
            value: case.to_owned(),
            source,
        })
        .map_err(AppError::from)
}

/// A patient's stream: its events in order, and the position of each.
pub(super) struct Stream {
    pub(super) patient: PatientId,
    id: StreamId,
    pub(super) events: Vec<(EventRef, DomainEvent)>,
    positions: Vec<u64>,
    /// When each event was recorded, microseconds since the epoch.
    recorded: Vec<i64>,
}

impl Workbench {
    pub(super) fn case_stream(&self, case: &str) -> Result<Stream, AppError> {
        let patient = patient_id(case)?;
        let id = StreamId::new(casetrail_import::stream_name(&patient))?;
        let mut stream = Stream {
            patient,
            id,
            events: Vec::new(),
            positions: Vec::new(),
            recorded: Vec::new(),
        };
        for record in self
            .ledger()
            .read_stream(&stream.id, StreamVersion(0), Direction::Forward)
        {
            let record = record?;
            stream.positions.push(record.position.0);
            stream.recorded.push(record.recorded_at.0);
            stream
                .events
                .push((EventRef(record.id.0), decode_stored(&record)?));
        }
        if stream.events.is_empty() {
            return Err(CaseFileError::UnknownPatient {
                patient: stream.patient.to_string(),
            }
            .into());
        }
        Ok(stream)
    }

    /// Runs `f` on the first `upto` events of the case, personal fields opened with the
    /// patient's key (or not at all once it is gone).
    fn with_case<T>(
        &self,
        stream: &Stream,
        upto: usize,
        f: impl FnOnce(&CaseEvents<'_>) -> T,
    ) -> Result<T, AppError> {
        let patient_key = self.patient_key(&stream.patient)?;
        let open = opener(patient_key.as_ref(), &stream.patient);
        Ok(f(&CaseEvents {
            patient: &stream.patient,
            events: &stream.events[..upto],
            open: &open,
        }))
    }

    fn build(
        &self,
        stream: &Stream,
        upto: usize,
        key: &PseudonymKey,
        view: View,
    ) -> Result<HashedTimeline, AppError> {
        self.with_case(stream, upto, |case| timeline::build(case, key, view))
    }

    /// The timeline of a case as it stands now: identifiable, or anonymised under `policy`.
    pub fn timeline(
        &self,
        case: &str,
        key: &PseudonymKey,
        policy: Option<DatePolicy>,
    ) -> Result<HashedTimeline, AppError> {
        let stream = self.case_stream(case)?;
        let view = policy.map_or(View::Identifiable, View::Anonymised);
        self.build(&stream, stream.events.len(), key, view)
    }

    /// What still looks identifying in the anonymised timeline, for the facilitator; under
    /// the `review` redaction policy also every name and place the open-world rules replaced,
    /// with its context, for a harmless word to be restored by accepting it.
    pub fn review(
        &self,
        case: &str,
        key: &PseudonymKey,
        policy: DatePolicy,
        redaction: RedactionPolicy,
    ) -> Result<Vec<RiskFinding>, AppError> {
        let stream = self.case_stream(case)?;
        self.with_case(&stream, stream.events.len(), |events| {
            timeline::review(events, key, policy, redaction)
        })
    }

    /// Attaches a piece of material (a note, a report, a diary page) to a case. The text is
    /// sealed under the patient's key; timelines redact it like any other note.
    pub fn attach_material(
        &self,
        case: &str,
        source: casetrail_domain::MaterialSource,
        date: casetrail_domain::NaiveDate,
        text: &str,
        by: &str,
    ) -> Result<u64, AppError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(CoreError::BadForm {
                what: "the material has no text".into(),
            }
            .into());
        }
        let stream = self.case_stream(case)?;
        let key = self.case_key(&stream)?;
        let content = casetrail_domain::hex::encode(&key.content_id(text.as_bytes()));
        let material = casetrail_domain::MaterialId::new(format!("M-{}", &content[..16])).map_err(
            |source| CaseFileError::PatientId {
                value: case.to_owned(),
                source,
            },
        )?;
        let event = DomainEvent::MaterialAttached(casetrail_domain::MaterialAttached {
            material,
            patient: stream.patient.clone(),
            source,
            date: casetrail_domain::When::date(date),
            text: key.seal_str(&stream.patient, "text", text),
        });
        let id_key = format!(
            "material/{}/{}/{content}",
            stream.patient,
            stream.events.len()
        );
        self.append_case_event(&stream, event, &id_key, by)
    }

    /// Releases the current anonymised timeline of a case to audit panels.
    pub fn release(
        &self,
        case: &str,
        key: &PseudonymKey,
        policy: DatePolicy,
        by: &str,
        reason: Option<&str>,
    ) -> Result<Release, AppError> {
        self.release_checked(case, key, policy, by, reason, None)
    }

    /// Releases what the facilitator previewed, and only that: refused with
    /// [`CaseFileError::PreviewOutdated`] when the anonymised timeline no longer has the
    /// content hash the preview showed (material attached or a review item decided since),
    /// so nobody releases a version they have not seen.
    pub fn release_previewed(
        &self,
        case: &str,
        key: &PseudonymKey,
        policy: DatePolicy,
        by: &str,
        reason: Option<&str>,
        previewed: &str,
    ) -> Result<Release, AppError> {
        self.release_checked(case, key, policy, by, reason, Some(previewed))
    }

    fn release_checked(
        &self,
        case: &str,
        key: &PseudonymKey,
        policy: DatePolicy,
        by: &str,
        reason: Option<&str>,
        previewed: Option<&str>,
    ) -> Result<Release, AppError> {
        let stream = self.case_stream(case)?;
        if self.patient_key(&stream.patient)?.is_none() {
            return Err(CaseFileError::Forgotten {
                patient: stream.patient.to_string(),
            }
            .into());
        }
        let upto = stream.events.len();
        // A release is what panels score, and cannot be taken back: undecided review items
        // (words that still look identifying) need a decision, or a reason to go ahead.
        let undecided = self
            .with_case(&stream, upto, |events| {
                timeline::review(events, key, policy, RedactionPolicy::Strict)
            })?
            .len();
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if let Some(r) = reason
            && r.chars().count() > casetrail_audit::audit::MAX_REASON
        {
            return Err(CoreError::BadForm {
                what: format!(
                    "the reason is longer than {} characters",
                    casetrail_audit::audit::MAX_REASON
                ),
            }
            .into());
        }
        if undecided > 0 && reason.is_none() {
            return Err(CaseFileError::UndecidedReview {
                case: case.to_owned(),
                undecided,
            }
            .into());
        }
        let built = self.build(&stream, upto, key, View::Anonymised(policy))?;
        if let Some(previewed) = previewed
            && previewed != built.content_hash.to_string()
        {
            return Err(CaseFileError::PreviewOutdated {
                case: case.to_owned(),
                previewed: previewed.chars().take(64).collect(),
                found: built.content_hash.to_string(),
            }
            .into());
        }
        // A release that would show panels nothing new is refused: the same content under a
        // new version number would only make panels wonder what changed.
        if let Some(last) = releases_of(&stream).last()
            && last.content_hash == built.content_hash
        {
            return Err(CaseFileError::ReleaseUnchanged {
                case: case.to_owned(),
                version: last.version,
            }
            .into());
        }
        let event = DomainEvent::CaseFileReleased(CaseFileReleased {
            patient: stream.patient.clone(),
            stream_version: upto as u64,
            policy,
            content_hash: built.content_hash,
            released_by: by.to_owned(),
            reason: match reason {
                Some(r) => Some(
                    self.case_key(&stream)?
                        .seal_str(&stream.patient, "reason", r),
                ),
                None => None,
            },
        });
        let id_key = format!("release/{}/{upto}/{}", stream.patient, built.content_hash);
        let version = releases_of(&stream).len() as u32 + 1;
        let position = self.append_case_event(&stream, event, &id_key, by)?;
        let released_at_micros = self
            .ledger()
            .get(casetrail_ledger::Position(position))?
            .map_or(0, |r| r.recorded_at.0);
        Ok(Release {
            version,
            position,
            stream_version: upto as u64,
            policy,
            content_hash: built.content_hash,
            released_by: by.to_owned(),
            released_at_micros,
        })
    }

    /// Every case with a release, and its latest released version, in case order.
    pub fn released_cases(&self) -> Result<Vec<(String, u32)>, AppError> {
        let released = casetrail_ledger::EventType::new("CaseFileReleased")?;
        let mut latest: std::collections::BTreeMap<String, u32> = Default::default();
        for record in self
            .ledger()
            .read_type(&released, casetrail_ledger::Position(0))
        {
            let record = record?;
            if let DomainEvent::CaseFileReleased(r) =
                crate::core::workbench::decode_stored(&record)?
            {
                *latest.entry(r.patient.to_string()).or_default() += 1;
            }
        }
        Ok(latest.into_iter().collect())
    }

    /// Every released version of a case, oldest first.
    pub fn releases(&self, case: &str) -> Result<Vec<Release>, AppError> {
        let stream = self.case_stream(case)?;
        Ok(releases_of(&stream))
    }

    /// A released version, rebuilt from the events it was made from and checked against the
    /// hash its release recorded.
    pub fn released(
        &self,
        case: &str,
        version: u32,
        key: &PseudonymKey,
    ) -> Result<HashedTimeline, AppError> {
        let stream = self.case_stream(case)?;
        let all = releases_of(&stream);
        let release = version
            .checked_sub(1)
            .and_then(|i| all.get(i as usize))
            .ok_or_else(|| CaseFileError::NoSuchRelease {
                case: case.to_owned(),
                version,
                released: all.len(),
            })?;
        let built = self.build(
            &stream,
            release.stream_version as usize,
            key,
            View::Anonymised(release.policy),
        )?;
        if built.content_hash != release.content_hash {
            return Err(CaseFileError::ReleaseMismatch {
                case: case.to_owned(),
                version,
                expected: release.content_hash.to_string(),
                found: built.content_hash.to_string(),
            }
            .into());
        }
        Ok(built)
    }

    /// The key of the case's patient; a forgotten patient's case can no longer change.
    pub(super) fn case_key(&self, stream: &Stream) -> Result<PatientKey, AppError> {
        self.patient_key(&stream.patient)?
            .ok_or_else(|| CaseFileError::Forgotten {
                patient: stream.patient.to_string(),
            })
            .map_err(AppError::from)
    }

    pub(super) fn append_case_event(
        &self,
        stream: &Stream,
        event: DomainEvent,
        id_key: &str,
        by: &str,
    ) -> Result<u64, AppError> {
        let positions = self.append_case_events(stream, vec![(event, id_key.to_owned())], by)?;
        Ok(positions[0])
    }

    /// Appends events to the case's stream in one write, or none: the stream must still be
    /// as `stream` read it.
    pub(super) fn append_case_events(
        &self,
        stream: &Stream,
        events: Vec<(DomainEvent, String)>,
        by: &str,
    ) -> Result<Vec<u64>, AppError> {
        let last = StreamVersion(stream.events.len() as u64 - 1);
        let mut new = Vec::with_capacity(events.len());
        for (event, id_key) in events {
            new.push(NewEvent {
                id: EventId::derive(id_key.as_bytes()),
                event_type: EventType::new(event.event_type())?,
                schema_version: event.schema_version(),
                metadata: Vec::new(),
                payload: event.encode(),
            });
        }
        let request = AppendRequest::new(actor(by)?).write(
            stream.id.clone(),
            ExpectedVersion::Exact(last),
            new,
        );
        let written = self.ledger().append_blocking(request)?;
        Ok(written.positions.iter().map(|p| p.0).collect())
    }
}

fn releases_of(stream: &Stream) -> Vec<Release> {
    stream
        .events
        .iter()
        .zip(stream.positions.iter().zip(&stream.recorded))
        .filter_map(|((_, event), (&position, &at))| match event {
            DomainEvent::CaseFileReleased(r) => Some((r, position, at)),
            _ => None,
        })
        .enumerate()
        .map(|(i, (r, position, at))| Release {
            version: i as u32 + 1,
            position,
            stream_version: r.stream_version,
            policy: r.policy,
            content_hash: r.content_hash,
            released_by: r.released_by.clone(),
            released_at_micros: at,
        })
        .collect()
}

fn opener<'a>(
    key: Option<&'a PatientKey>,
    patient: &'a PatientId,
) -> impl Fn(&'static str, &casetrail_domain::Sealed) -> Option<String> + 'a {
    move |field, sealed| {
        let bytes = key?.open(patient, field, sealed).ok()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod guard_tests;
