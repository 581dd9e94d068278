//! Importing a region's contacts extract.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use casetrail_domain::PatientId;
use casetrail_import::{ImportEvent, Parsed, parse_contacts, stream_name, to_events_in_chunks};
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
        let mut patients: Vec<&PatientId> = parsed.rows.iter().map(|r| &r.patient).collect();
        patients.sort();
        patients.dedup();
        let candidates = patients
            .iter()
            .map(|p| Ok((vault_name(p), new_key()?)))
            .collect::<Result<Vec<_>, AppError>>()?;
        let stored = vault.get_or_insert_many(&candidates)?;
        let keys: HashMap<PatientId, PatientKey> = patients
            .into_iter()
            .cloned()
            .zip(stored.into_iter().map(PatientKey::from_bytes))
            .collect();
        let mut summary = ImportSummary {
            rows: parsed.rows.len(),
            rejected: parsed.rejected.len(),
            rejected_file,
            patients: keys.len(),
            appended: 0,
            already_stored: 0,
        };
        progress.start(parsed.rows.len() as u64 + keys.len() as u64);
        // Encoding the next batch overlaps with the synced write of the one before.
        let (to_writer, batches) = std::sync::mpsc::sync_channel::<AppendRequest>(2);
        let (written, done) = std::sync::mpsc::channel::<Result<usize, AppError>>();
        let ledger = self.ledger().clone();
        std::thread::scope(|scope| -> Result<(), AppError> {
            scope.spawn(move || {
                for request in batches {
                    let count = request.event_count();
                    let outcome = ledger
                        .append_blocking(request)
                        .map(|_| count)
                        .map_err(AppError::from);
                    let failed = outcome.is_err();
                    if written.send(outcome).is_err() || failed {
                        break;
                    }
                }
            });
            let mut report = |outcome: Result<usize, AppError>,
                              summary: &mut ImportSummary|
             -> Result<(), AppError> {
                let n = outcome?;
                summary.appended += n;
                progress.advance(n as u64);
                Ok(())
            };
            let mut failure: Option<AppError> = None;
            let mut stopped = false;
            let mut pending = 0usize;
            to_events_in_chunks(&parsed.rows, &keys, EVENTS_PER_APPEND, |chunk| {
                if failure.is_some() || stopped {
                    return;
                }
                let mut batch: Vec<ImportEvent> = Vec::with_capacity(chunk.len());
                for event in chunk {
                    match self.ledger().position_of(EventId(event.id)) {
                        Ok(Some(_)) => summary.already_stored += 1,
                        Ok(None) => batch.push(event),
                        Err(e) => failure = Some(e.into()),
                    }
                }
                if !batch.is_empty() {
                    match request_for(&actor, &mut batch) {
                        Ok(request) => match to_writer.send(request) {
                            Ok(()) => pending += 1,
                            // The appender stopped after a failed append; its error follows.
                            Err(_) => stopped = true,
                        },
                        Err(e) => failure = Some(e),
                    }
                }
                while let Ok(outcome) = done.try_recv() {
                    pending -= 1;
                    if let Err(e) = report(outcome, &mut summary) {
                        failure = Some(e);
                    }
                }
            })
            .expect("a key was made for every patient");
            if let Some(e) = failure {
                return Err(e);
            }
            drop(to_writer);
            for _ in 0..pending {
                let outcome = done
                    .recv()
                    .map_err(|_| AppError::Ledger(casetrail_ledger::LedgerError::WriterStopped))?;
                report(outcome, &mut summary)?;
            }
            Ok(())
        })?;
        progress.advance(summary.already_stored as u64);
        progress.finish();
        Ok(summary)
    }
}

/// The batch as one multi-stream append (one write per patient); empties the batch.
fn request_for(
    actor: &casetrail_ledger::Actor,
    batch: &mut Vec<ImportEvent>,
) -> Result<AppendRequest, AppError> {
    let mut request = AppendRequest::new(actor.clone());
    let mut index: HashMap<PatientId, usize> = HashMap::new();
    for e in batch.drain(..) {
        let slot = *index.entry(e.patient.clone()).or_insert_with(|| {
            let stream =
                StreamId::new(stream_name(&e.patient)).expect("patient ids make valid stream ids");
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
    Ok(request)
}
