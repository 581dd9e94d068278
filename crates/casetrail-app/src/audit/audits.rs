//! Audits through the façade: each audit is its own stream (`audit-ID`) of audit events,
//! checked against the rules of the audit core before they are appended.

use std::sync::Arc;

use casetrail_audit::audit::{Audit, AuditEvent};
use casetrail_audit::{Agreement, Level, Questionnaire, parse_questionnaire};
use casetrail_ledger::{
    AppendRequest, Direction, EventId, EventType, ExpectedVersion, NewEvent, StreamId,
    StreamVersion,
};

use crate::core::caches::CachedAudit;
use crate::core::error::{AppError, AuditError, CaseFileError, CoreError};

use crate::core::workbench::{Workbench, actor};

/// The DEFACTUM 2019 questionnaire, used when an audit names no other.
pub const DEFACTUM_2019: &str =
    include_str!("../../../../fixtures/questionnaires/defactum-2019.questionnaire");

/// What an audit is about, as its facilitator creates it.
#[derive(Debug, Clone, Default)]
pub struct NewAudit {
    pub title: String,
    pub topic: String,
    pub stage1_reference: String,
    pub criteria: String,
}

/// What a viewer sees of an audit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditStatus {
    pub audit: String,
    pub events: u64,
    pub state: Audit,
    /// Per panel: sectors of the method with no member.
    pub missing_sectors: Vec<(String, Vec<&'static str>)>,
    /// Who has submitted which case (what the facilitator sees before the reveal).
    pub submissions: Vec<(String, Option<String>)>,
    /// The answers this viewer may read.
    pub answers: Vec<casetrail_audit::audit::Answer>,
    /// Ordinal alpha per rated question over the revealed panels' cases.
    pub agreement: Vec<QuestionAgreement>,
    /// Ordinal alpha per revealed case over its rated questions.
    pub agreement_per_case: Vec<QuestionAgreement>,
    /// Per revealed panel: ordinal alpha per rated question over that panel's cases only.
    pub agreement_per_panel: Vec<(String, Vec<QuestionAgreement>)>,
}

/// Alpha for one question or one case, with its seeded bootstrap interval and the answers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QuestionAgreement {
    /// The question id, or the case.
    pub of: String,
    pub agreement: Agreement,
    pub interval: Option<(f64, f64)>,
    pub distribution: Vec<(f64, usize)>,
}

/// Bootstrap resamples and seed for the intervals of an audit: fixed, so a status is
/// reproducible.
const SAMPLES: usize = 1000;
const SEED: u64 = 2019;

fn agreement_of(of: String, units: &[Vec<Option<f64>>]) -> QuestionAgreement {
    QuestionAgreement {
        of,
        agreement: casetrail_audit::agreement(units, Level::Ordinal),
        interval: casetrail_audit::bootstrap_interval(units, Level::Ordinal, SAMPLES, SEED, 0.95),
        distribution: casetrail_audit::distribution(units),
    }
}

/// The longest audit id.
pub const MAX_AUDIT_ID: usize = 64;

/// Whether `audit` is an audit id: 1-64 of `A-Z a-z 0-9 - _`, starting with a letter or a
/// digit. An id names a stream, a URL path segment and the files an export writes, so it can
/// hold no `/`, `.`, space or markup: `../x`, `a/b` and `<script>` are no ids.
pub fn is_audit_id(audit: &str) -> bool {
    (1..=MAX_AUDIT_ID).contains(&audit.len())
        && audit.starts_with(|c: char| c.is_ascii_alphanumeric())
        && audit
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The stream of an audit; every use of an audit id passes here, so a malformed one is
/// refused wherever it enters (a form, a URL, the command line).
pub(crate) fn stream(audit: &str) -> Result<StreamId, AppError> {
    if !is_audit_id(audit) {
        return Err(AuditError::AuditId {
            value: audit.chars().take(80).collect(),
        }
        .into());
    }
    Ok(StreamId::new(format!("audit-{audit}"))?)
}

fn variant(event: &AuditEvent) -> String {
    let json = serde_json::to_value(event).expect("audit events are JSON");
    json["type"].as_str().expect("tagged").to_owned()
}

impl Workbench {
    /// The audit's events from stream version `from` on.
    fn audit_events_from(&self, audit: &str, from: u64) -> Result<Vec<AuditEvent>, AppError> {
        let id = stream(audit)?;
        let mut out = Vec::new();
        for record in self
            .ledger()
            .read_stream(&id, StreamVersion(from), Direction::Forward)
        {
            let record = record?;
            let event =
                AuditEvent::decode(record.schema_version, &record.payload).map_err(|source| {
                    CoreError::StoredJson {
                        what: "audit",
                        position: record.position.0,
                        source,
                    }
                })?;
            out.push(event);
        }
        Ok(out)
    }

    fn audit_events(&self, audit: &str) -> Result<Vec<AuditEvent>, AppError> {
        self.audit_events_from(audit, 0)
    }

    /// The audit as its events leave it, with its questionnaire and event count. Kept per
    /// audit and brought up to date with only the events appended since, so a page does not
    /// replay the whole stream; every append still checks the stream version it decided on.
    pub(crate) fn audit_state(
        &self,
        audit: &str,
    ) -> Result<(Arc<Audit>, Arc<Questionnaire>, u64), AppError> {
        let mut cache = self.audit_cache().lock().expect("not poisoned");
        if let Some(known) = cache.get(audit) {
            let current = self.ledger().stream_version(&stream(audit)?)?;
            if current.map(|v| v.0 + 1) == Some(known.count) {
                return Ok((
                    known.state.clone(),
                    known.questionnaire.clone(),
                    known.count,
                ));
            }
        }
        let (mut state, questionnaire, mut count) = match cache.remove(audit) {
            Some(known) => (known.state, known.questionnaire, known.count),
            None => {
                let first = self.audit_events_from(audit, 0)?;
                let definition = match first.first() {
                    Some(AuditEvent::AuditCreated { definition, .. }) => definition.clone(),
                    _ => {
                        return Err(AuditError::NoAudit {
                            audit: audit.to_owned(),
                        }
                        .into());
                    }
                };
                let q = parse_questionnaire(&definition).map_err(|source| {
                    AuditError::Questionnaire {
                        origin: format!("audit {audit}"),
                        source,
                    }
                })?;
                (
                    Arc::new(Audit::replay(&first)),
                    Arc::new(q),
                    first.len() as u64,
                )
            }
        };
        let newer = if count == 0 {
            Vec::new()
        } else {
            self.audit_events_from(audit, count)?
        };
        for event in &newer {
            Arc::make_mut(&mut state).apply(event);
        }
        count += newer.len() as u64;
        cache.insert(
            audit.to_owned(),
            CachedAudit {
                count,
                state: state.clone(),
                questionnaire: questionnaire.clone(),
            },
        );
        Ok((state, questionnaire, count))
    }

    /// Creates an audit with the questionnaire `definition` (checked first); its id and
    /// version are taken from the definition.
    pub fn create_audit(
        &self,
        audit: &str,
        about: NewAudit,
        definition: &str,
        by: &str,
    ) -> Result<u64, AppError> {
        let q = parse_questionnaire(definition).map_err(|source| AuditError::Questionnaire {
            origin: "the questionnaire given".into(),
            source,
        })?;
        if !self.audit_events(audit)?.is_empty() {
            return Err(AuditError::AuditRule {
                audit: audit.to_owned(),
                rule: casetrail_audit::audit::AuditError::AlreadyCreated,
            }
            .into());
        }
        let event = AuditEvent::AuditCreated {
            title: about.title,
            topic: about.topic,
            stage1_reference: about.stage1_reference,
            questionnaire: q.id.clone(),
            questionnaire_version: q.version,
            definition: definition.to_owned(),
            criteria: about.criteria,
        };
        self.append_audit(audit, None, event, by)
    }

    /// Checks `event` against the audit's rules and appends it; returns its position.
    ///
    /// Optimistic: the event is decided on the state at version N and appended only if the
    /// stream is still at N. If someone else appended first (another member saving an answer
    /// at the same moment), it is decided again on the new state and retried, a few times.
    pub fn audit_event(&self, audit: &str, event: AuditEvent, by: &str) -> Result<u64, AppError> {
        const ATTEMPTS: usize = 8;
        // Writers in this process take turns per audit, so they do not race each other round
        // after round; the retry is for writers in other processes (the CLI beside a server).
        let writer = self.audit_writer(audit);
        let _turn = writer.lock().expect("not poisoned");
        let mut attempt = 1;
        loop {
            let (state, q, count) = self.audit_state(audit)?;
            state
                .decide(&q, &event)
                .map_err(|rule| AuditError::AuditRule {
                    audit: audit.to_owned(),
                    rule,
                })?;
            match self.append_audit(audit, Some(count), event.clone(), by) {
                Err(AppError::Core(CoreError::Ledger(
                    casetrail_ledger::LedgerError::VersionConflict { .. },
                ))) if attempt < ATTEMPTS => {
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }

    fn append_audit(
        &self,
        audit: &str,
        count: Option<u64>,
        event: AuditEvent,
        by: &str,
    ) -> Result<u64, AppError> {
        Ok(self.append_audit_events(audit, count, vec![event], by)?[0])
    }

    /// Appends `events` in one write, all or none, if the stream holds `count` events.
    fn append_audit_events(
        &self,
        audit: &str,
        count: Option<u64>,
        events: Vec<AuditEvent>,
        by: &str,
    ) -> Result<Vec<u64>, AppError> {
        let expected = match count {
            None => ExpectedVersion::NoStream,
            Some(n) => ExpectedVersion::Exact(StreamVersion(n - 1)),
        };
        let mut new = Vec::with_capacity(events.len());
        for (i, event) in events.iter().enumerate() {
            let payload = serde_json::to_vec(event).map_err(|source| CoreError::Encode {
                what: "audit",
                source,
            })?;
            // The id names the event's place and content: a resend of the same event is
            // recognised, while a different event decided on the same version meets the
            // version check instead of passing for a resend.
            let id_key = format!(
                "audit/{audit}/{}/{}",
                count.unwrap_or(0) + i as u64,
                blake3::hash(&payload).to_hex()
            );
            new.push(NewEvent {
                id: EventId::derive(id_key.as_bytes()),
                event_type: EventType::new(variant(event))?,
                schema_version: casetrail_audit::audit::AUDIT_SCHEMA_VERSION,
                metadata: Vec::new(),
                payload,
            });
        }
        let request = AppendRequest::new(actor(by)?).write(stream(audit)?, expected, new);
        Ok(self
            .ledger()
            .append_blocking(request)?
            .positions
            .iter()
            .map(|p| p.0)
            .collect())
    }

    /// What a guarded step of the audit still lacks (empty when nothing): what the
    /// confirmation lists before the facilitator goes ahead, with a reason, or not. None when
    /// the step reveals a panel the audit does not have.
    pub fn audit_gaps(
        &self,
        audit: &str,
        step: &casetrail_audit::audit::Step,
    ) -> Result<Option<Vec<casetrail_audit::audit::Gap>>, AppError> {
        let (state, q, _) = self.audit_state(audit)?;
        if let casetrail_audit::audit::Step::Reveal { panel } = step
            && !state.panels.contains_key(panel)
        {
            return Ok(None);
        }
        Ok(Some(state.gaps(&q, step)))
    }

    /// The content hash of a case's released version, for assigning it to a panel.
    pub fn release_hash(&self, case: &str, version: u32) -> Result<String, AppError> {
        let all = self.releases(case)?;
        all.iter()
            .find(|r| r.version == version)
            .map(|r| r.content_hash.to_string())
            .ok_or_else(|| CaseFileError::NoSuchRelease {
                case: case.to_owned(),
                version,
                released: all.len(),
            })
            .map_err(AppError::from)
    }

    /// The case-file hash a member was given for a case (for binding an answer).
    pub fn assigned_hash(&self, audit: &str, case: &str) -> Result<Option<String>, AppError> {
        let (state, _, _) = self.audit_state(audit)?;
        Ok(state
            .panels
            .values()
            .find_map(|p| p.cases.get(case).map(|(_, h)| h.clone())))
    }

    /// The audit as `viewer` may see it: a member (Some) or the facilitator (None).
    pub fn audit_status(&self, audit: &str, viewer: Option<&str>) -> Result<AuditStatus, AppError> {
        let (state, q, count) = self.audit_state(audit)?;
        let rated: Vec<&str> = q
            .questions
            .iter()
            .filter(|x| {
                matches!(
                    x.kind,
                    casetrail_audit::questionnaire::QuestionKind::Rating { .. }
                )
            })
            .map(|x| x.id.as_str())
            .collect();
        let agreement = rated
            .iter()
            .map(|id| agreement_of((*id).to_owned(), &state.rating_units(id)))
            .collect();
        let agreement_per_case = state
            .panels
            .values()
            .filter(|p| p.revealed)
            .flat_map(|p| p.cases.keys())
            .map(|case| agreement_of(case.clone(), &state.case_units(case, &rated)))
            .collect();
        let agreement_per_panel = state
            .panels
            .iter()
            .filter(|(_, p)| p.revealed)
            .map(|(name, _)| {
                let per_question = rated
                    .iter()
                    .map(|id| agreement_of((*id).to_owned(), &state.panel_units(name, id)))
                    .collect();
                (name.clone(), per_question)
            })
            .collect();
        Ok(AuditStatus {
            audit: audit.to_owned(),
            agreement_per_panel,
            events: count,
            missing_sectors: state
                .panels
                .iter()
                .map(|(name, p)| (name.clone(), p.missing_sectors()))
                .collect(),
            submissions: state.submissions(),
            answers: state
                .answers_visible_to(viewer)
                .into_iter()
                .cloned()
                .collect(),
            agreement,
            agreement_per_case,
            state: (*state).clone(),
        })
    }
}

/// One line of the audits overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSummary {
    pub audit: String,
    pub title: String,
    pub panels: usize,
    pub cases: usize,
    pub scoring_open: bool,
    pub revealed_panels: usize,
    pub closed: bool,
}

/// A case a panel member is to score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberCase {
    pub audit: String,
    pub audit_title: String,
    pub panel: String,
    /// The case's patient id: for the workbench's own lookups, never shown to the member.
    pub case: String,
    /// What the member sees and links to: the keyed case pseudonym (`C-…`).
    pub pseudonym: String,
    pub release_version: u32,
    pub content_hash: String,
    pub submitted: bool,
    pub revealed: bool,
    pub closed: bool,
}

impl Workbench {
    fn audit_writer(&self, audit: &str) -> Arc<std::sync::Mutex<()>> {
        self.audit_writers()
            .lock()
            .expect("not poisoned")
            .entry(audit.to_owned())
            .or_default()
            .clone()
    }

    pub fn audit_exists(&self, audit: &str) -> Result<bool, AppError> {
        Ok(self.ledger().stream_version(&stream(audit)?)?.is_some())
    }

    /// The audit's state and the answers `viewer` may read (a member, or None for the
    /// facilitator), without the agreement statistics of `audit_status`.
    pub fn audit_answers(
        &self,
        audit: &str,
        viewer: Option<&str>,
    ) -> Result<(Arc<Audit>, Vec<casetrail_audit::audit::Answer>), AppError> {
        let (state, _, _) = self.audit_state(audit)?;
        let answers = state
            .answers_visible_to(viewer)
            .into_iter()
            .cloned()
            .collect();
        Ok((state, answers))
    }

    /// The audit's state as it stands, from the cache: what progress views count (panels,
    /// members, cases, submissions, consensus), without building answers or agreement.
    pub fn audit_progress(&self, audit: &str) -> Result<Arc<Audit>, AppError> {
        Ok(self.audit_state(audit)?.0)
    }

    /// The audit's questionnaire, as it was created with.
    pub fn audit_questionnaire(&self, audit: &str) -> Result<Arc<Questionnaire>, AppError> {
        Ok(self.audit_state(audit)?.1)
    }

    /// Every audit, in the order they were created.
    pub fn audits(&self) -> Result<Vec<AuditSummary>, AppError> {
        self.audit_ids()?
            .into_iter()
            .map(|id| {
                let (state, _, _) = self.audit_state(&id)?;
                Ok(AuditSummary {
                    title: state.title.clone(),
                    panels: state.panels.len(),
                    cases: state.panels.values().map(|p| p.cases.len()).sum(),
                    scoring_open: state.scoring_open,
                    revealed_panels: state.panels.values().filter(|p| p.revealed).count(),
                    closed: state.closed,
                    audit: id,
                })
            })
            .collect()
    }

    /// The id of every audit, in the order they were created (from the type index).
    fn audit_ids(&self) -> Result<Vec<String>, AppError> {
        let created = EventType::new("AuditCreated")?;
        let mut out = Vec::new();
        for record in self
            .ledger()
            .read_type(&created, casetrail_ledger::Position(0))
        {
            if let Some(id) = record?.stream.as_str().strip_prefix("audit-") {
                out.push(id.to_owned());
            }
        }
        Ok(out)
    }

    /// The cases `member` is to score, in every audit where they sit on a panel.
    /// The cases assigned to a panel member, each with the pseudonym the member knows it by.
    pub fn member_cases(
        &self,
        member: &str,
        key: &casetrail_anon::PseudonymKey,
    ) -> Result<Vec<MemberCase>, AppError> {
        let mut out = Vec::new();
        for audit in self.audit_ids()? {
            let (state, _, _) = self.audit_state(&audit)?;
            for (name, panel) in &state.panels {
                if !panel.members.contains_key(member) {
                    continue;
                }
                for (case, (version, hash)) in &panel.cases {
                    out.push(MemberCase {
                        audit: audit.clone(),
                        audit_title: state.title.clone(),
                        panel: name.clone(),
                        case: case.clone(),
                        pseudonym: key.case_pseudonym(case),
                        release_version: *version,
                        content_hash: hash.clone(),
                        submitted: state.has_submitted(member, Some(case)),
                        revealed: panel.revealed,
                        closed: state.closed,
                    });
                }
            }
        }
        Ok(out)
    }
}

mod batch;
#[cfg(test)]
mod tests;
