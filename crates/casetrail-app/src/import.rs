//! Importing a region's contacts extract.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use casetrail_domain::PatientId;
use casetrail_import::{ImportEvent, Parsed, parse_contacts, stream_name, to_events};
use casetrail_ledger::{AppendRequest, EventId, EventType, ExpectedVersion, NewEvent, StreamId};
use casetrail_protect::PatientKey;

use crate::error::AppError;
use crate::workbench::{Workbench, actor};

/// Events per append: large enough to share an fsync widely, small enough to keep memory flat.
const EVENTS_PER_APPEND: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportOptions {
    /// Import the valid rows and write the rejected ones beside the input, instead of refusing.
    pub skip_invalid: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub rows: usize,
    pub rejected: usize,
    /// Where the rejected rows were written, with their reasons.
    pub rejected_file: Option<PathBuf>,
    pub patients: usize,
    pub appended: usize,
    pub already_stored: usize,
}

/// Where an import stands, for a progress bar.
pub trait Progress {
    fn start(&mut self, total_events: u64);
    fn advance(&mut self, events: u64);
    fn finish(&mut self);
}

/// No progress shown.
#[derive(Debug, Default)]
pub struct Quiet;

impl Progress for Quiet {
    fn start(&mut self, _: u64) {}
    fn advance(&mut self, _: u64) {}
    fn finish(&mut self) {}
}

pub(crate) fn new_key() -> Result<[u8; 32], AppError> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| AppError::Randomness(e.to_string()))?;
    Ok(key)
}

pub(crate) fn vault_name(patient: &PatientId) -> String {
    format!("patient/{patient}")
}

fn write_rejected(input: &Path, parsed: &Parsed) -> Result<PathBuf, AppError> {
    let path = input.with_extension("rejected.csv");
    let io = |source: std::io::Error| AppError::Io {
        path: path.clone(),
        source,
    };
    let mut out = csv::Writer::from_path(&path).map_err(|e| io(e.into()))?;
    let mut header = vec!["line".to_string(), "reasons".to_string()];
    header.extend(parsed.header.iter().cloned());
    out.write_record(&header).map_err(|e| io(e.into()))?;
    for r in &parsed.rejected {
        let reasons: Vec<String> = r
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.column, e.reason))
            .collect();
        let mut record = vec![r.line.to_string(), reasons.join("; ")];
        record.extend(r.fields.iter().cloned());
        out.write_record(&record).map_err(|e| io(e.into()))?;
    }
    out.flush().map_err(io)?;
    Ok(path)
}

impl Workbench {
    /// Validates the whole file, then (unless rows are invalid and `skip_invalid` is off)
    /// seals and appends its events. Events already stored are not written again.
    pub fn import_contacts(
        &self,
        file: &Path,
        options: ImportOptions,
        by: &str,
        progress: &mut dyn Progress,
    ) -> Result<ImportSummary, AppError> {
        let input = std::fs::File::open(file).map_err(|source| AppError::Io {
            path: file.to_owned(),
            source,
        })?;
        let parsed = parse_contacts(std::io::BufReader::with_capacity(1 << 20, input)).map_err(
            |source| AppError::ImportFile {
                path: file.to_owned(),
                source,
            },
        )?;
        if !parsed.rejected.is_empty() && !options.skip_invalid {
            return Err(AppError::InvalidRows {
                path: file.to_owned(),
                rejected: parsed.rejected,
            });
        }
        let rejected_file = if parsed.rejected.is_empty() {
            None
        } else {
            Some(write_rejected(file, &parsed)?)
        };
        let actor = actor(by)?;
        let vault = self.vault()?;
        let mut keys: HashMap<PatientId, PatientKey> = HashMap::new();
        for row in &parsed.rows {
            if !keys.contains_key(&row.patient) {
                let key = vault.get_or_insert(&vault_name(&row.patient), new_key()?)?;
                keys.insert(row.patient.clone(), PatientKey::from_bytes(key));
            }
        }
        let events = to_events(&parsed.rows, &keys).expect("a key was made for every patient");
        let mut summary = ImportSummary {
            rows: parsed.rows.len(),
            rejected: parsed.rejected.len(),
            rejected_file,
            patients: keys.len(),
            appended: 0,
            already_stored: 0,
        };
        progress.start(events.len() as u64);
        let mut batch: Vec<ImportEvent> = Vec::with_capacity(EVENTS_PER_APPEND);
        for event in events {
            if self.ledger().position_of(EventId(event.id))?.is_some() {
                summary.already_stored += 1;
                progress.advance(1);
                continue;
            }
            batch.push(event);
            if batch.len() >= EVENTS_PER_APPEND {
                summary.appended += self.append_batch(&actor, &mut batch)?;
                progress.advance(EVENTS_PER_APPEND as u64);
            }
        }
        let rest = batch.len() as u64;
        summary.appended += self.append_batch(&actor, &mut batch)?;
        progress.advance(rest);
        progress.finish();
        Ok(summary)
    }

    /// Appends the batch as one multi-stream append (one write per patient), and empties it.
    fn append_batch(
        &self,
        actor: &casetrail_ledger::Actor,
        batch: &mut Vec<ImportEvent>,
    ) -> Result<usize, AppError> {
        if batch.is_empty() {
            return Ok(0);
        }
        let mut request = AppendRequest::new(actor.clone());
        let mut index: HashMap<PatientId, usize> = HashMap::new();
        let count = batch.len();
        for e in batch.drain(..) {
            let slot = *index.entry(e.patient.clone()).or_insert_with(|| {
                let stream = StreamId::new(stream_name(&e.patient))
                    .expect("patient ids make valid stream ids");
                request.writes.push(casetrail_ledger::StreamWrite {
                    stream,
                    expected: ExpectedVersion::Any,
                    events: Vec::new(),
                });
                request.writes.len() - 1
            });
            request.writes[slot].events.push(NewEvent {
                id: EventId(e.id),
                event_type: EventType::new(e.event.event_type())?,
                schema_version: e.event.schema_version(),
                metadata: Vec::new(),
                payload: e.event.encode(),
            });
        }
        self.ledger().append_blocking(request)?;
        Ok(count)
    }
}
