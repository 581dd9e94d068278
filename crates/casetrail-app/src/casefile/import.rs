//! Importing a region's extract (contacts CSV, or JSON Lines of events), and exporting the
//! log as JSON Lines with personal fields opened.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use casetrail_domain::{DomainEvent, PatientId};
use casetrail_import::{ImportEvent, Rejected, open_event, patient_events, seal_line, stream_name};
use casetrail_ledger::{
    Actor, AppendRequest, EventId, EventType, ExpectedVersion, NewEvent, Position, StreamId,
    StreamWrite,
};
use casetrail_protect::PatientKey;

use crate::casefile::identity::Renames;
use crate::core::error::{AppError, CaseFileError, CoreError, io_error};

use crate::core::layout::vault_name;
use crate::core::workbench::decode_stored;
use crate::core::workbench::{Workbench, actor};

mod preview;
mod staged;

pub(crate) use staged::{Keep, Refused, StagedRows};

/// Events per append: large enough to share an fsync widely, small enough to keep memory flat.
pub(crate) const EVENTS_PER_APPEND: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportOptions {
    /// Import the valid rows and write the rejected ones beside the input, instead of refusing.
    pub skip_invalid: bool,
    /// Patient ids of the extract imported under other ids (contacts CSV): how a facilitator
    /// keeps two people apart when the extract reuses an id the record already holds.
    pub renames: Renames,
    /// Check everything and say what would be imported (rows, new and existing patients),
    /// writing nothing: no event, no key, no rejected-rows file.
    pub dry_run: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// Valid rows (CSV) or lines (JSON Lines).
    pub rows: usize,
    pub rejected: usize,
    /// Where the rejected rows were written, with their reasons.
    pub rejected_file: Option<PathBuf>,
    pub patients: usize,
    pub appended: usize,
    pub already_stored: usize,
    /// Patients the record did not hold before this import.
    pub new_patients: usize,
}

/// An import under way: who does it, the patients' keys, which of them are new, the counts.
struct Begun {
    actor: Actor,
    keys: HashMap<PatientId, PatientKey>,
    fresh: HashSet<PatientId>,
    summary: ImportSummary,
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
    getrandom::fill(&mut key).map_err(|e| CoreError::Randomness(e.to_string()))?;
    Ok(key)
}

/// The error of a file with invalid rows: the rows held to list, and how many there were.
pub(crate) fn invalid_rows(file: &Path, rejected: Refused) -> AppError {
    CaseFileError::InvalidRows {
        path: file.to_owned(),
        total: rejected.total,
        rejected: rejected.held,
    }
    .into()
}

/// Writes the rejected rows beside the input: `line`, `reasons`, then the original fields.
fn write_rejected(
    input: &Path,
    header: &[String],
    rejected: &[Rejected],
) -> Result<PathBuf, AppError> {
    let path = input.with_extension("rejected.csv");
    let io = io_error(&path);
    let mut out = csv::Writer::from_path(&path).map_err(|e| io(e.into()))?;
    let mut first = vec!["line".to_string(), "reasons".to_string()];
    first.extend(header.iter().cloned());
    out.write_record(&first).map_err(|e| io(e.into()))?;
    for r in rejected {
        let reasons: Vec<String> = r
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.column, e.problem))
            .collect();
        let mut record = vec![r.line.to_string(), reasons.join("; ")];
        record.extend(r.fields.iter().cloned());
        out.write_record(crate::exports::spreadsheet::record(&record))
            .map_err(|e| io(e.into()))?;
    }
    out.flush().map_err(&io)?;
    drop(io);
    Ok(path)
}

/// The batch as multi-stream appends (one write per patient), keeping the batch's order: a
/// patient who comes back after another patient's events starts a new append, because one
/// append holds one write per stream and the log must keep the order of the input.
fn requests_for(
    actor: &Actor,
    batch: &mut Vec<ImportEvent>,
) -> Result<Vec<AppendRequest>, AppError> {
    let mut requests = Vec::new();
    let mut request = AppendRequest::new(actor.clone());
    let mut index: HashMap<PatientId, usize> = HashMap::new();
    let mut last: Option<PatientId> = None;
    for e in batch.drain(..) {
        if last.as_ref() != Some(&e.patient) && index.contains_key(&e.patient) {
            requests.push(std::mem::replace(
                &mut request,
                AppendRequest::new(actor.clone()),
            ));
            index.clear();
        }
        let slot = match index.get(&e.patient) {
            Some(&slot) => slot,
            None => {
                let stream = StreamId::new(stream_name(&e.patient))
                    .expect("patient ids make valid stream ids");
                request.writes.push(StreamWrite {
                    stream,
                    expected: ExpectedVersion::Any,
                    events: Vec::new(),
                });
                index.insert(e.patient.clone(), request.writes.len() - 1);
                request.writes.len() - 1
            }
        };
        last = Some(e.patient.clone());
        request.writes[slot].events.push(NewEvent {
            id: EventId(e.id),
            event_type: EventType::new(e.event.event_type())?,
            schema_version: e.event.schema_version(),
            metadata: Vec::new(),
            payload: e.event.encode(),
        });
    }
    if !request.writes.is_empty() {
        requests.push(request);
    }
    Ok(requests)
}

impl Workbench {
    /// Imports `file`: JSON Lines of events when it ends in `.jsonl`, a contacts CSV otherwise.
    /// The whole file is validated before anything is written; events already stored are
    /// not written again.
    pub fn import_file(
        &self,
        file: &Path,
        options: ImportOptions,
        by: &str,
        progress: &mut dyn Progress,
    ) -> Result<ImportSummary, AppError> {
        if options.dry_run {
            return self.preview(file, &options);
        }
        match file.extension().and_then(|e| e.to_str()) {
            Some("jsonl" | "ndjson") => self.import_events(file, options, by, progress),
            _ => self.import_contacts(file, options, by, progress),
        }
    }

    fn open_input(file: &Path) -> Result<std::io::BufReader<std::fs::File>, AppError> {
        let input = std::fs::File::open(file).map_err(io_error(file))?;
        Ok(std::io::BufReader::with_capacity(1 << 20, input))
    }

    /// Refuses a file with invalid rows, or (with `skip_invalid`) writes them beside it;
    /// more than can be set aside refuses the file.
    fn triage(
        file: &Path,
        options: ImportOptions,
        header: &[String],
        rejected: Refused,
    ) -> Result<Option<PathBuf>, AppError> {
        if rejected.is_empty() {
            Ok(None)
        } else if !options.skip_invalid {
            Err(invalid_rows(file, rejected))
        } else if rejected.total > rejected.held.len() {
            Err(CaseFileError::TooManyInvalid {
                path: file.to_owned(),
                total: rejected.total,
                limit: rejected.held.len(),
            }
            .into())
        } else {
            write_rejected(file, header, &rejected.held).map(Some)
        }
    }

    /// Each patient's key: the stored one, or a new one, all new ones in one synced write.
    /// Also returns the patients whose key is new here: nothing keyed by it can be stored yet.
    pub(crate) fn keys_for<'a>(
        &self,
        patients: impl Iterator<Item = &'a PatientId>,
    ) -> Result<(HashMap<PatientId, PatientKey>, HashSet<PatientId>), AppError> {
        let mut patients: Vec<&PatientId> = patients.collect();
        patients.sort();
        patients.dedup();
        let candidates = patients
            .iter()
            .map(|p| Ok((vault_name(p), new_key()?)))
            .collect::<Result<Vec<_>, AppError>>()?;
        let stored = self.vault()?.get_or_insert_many(&candidates)?;
        let mut keys = HashMap::with_capacity(patients.len());
        let mut fresh = HashSet::new();
        for ((patient, (_, candidate)), key) in patients.into_iter().zip(&candidates).zip(stored) {
            if key == *candidate {
                fresh.insert(patient.clone());
            }
            keys.insert(patient.clone(), PatientKey::from_bytes(key));
        }
        Ok((keys, fresh))
    }

    /// What both formats do once their file is read: refuse the invalid rows (or set them
    /// aside), and find or make each patient's key.
    #[allow(clippy::too_many_arguments)]
    fn begin<'a>(
        &self,
        file: &Path,
        options: ImportOptions,
        by: &str,
        header: &[String],
        rejected: Refused,
        rows: usize,
        patients: impl Iterator<Item = &'a PatientId>,
    ) -> Result<Begun, AppError> {
        let rejected_count = rejected.total;
        let rejected_file = Self::triage(file, options, header, rejected)?;
        let actor = actor(by)?;
        let (keys, fresh) = self.keys_for(patients)?;
        let summary = ImportSummary {
            rows,
            rejected: rejected_count,
            rejected_file,
            patients: keys.len(),
            appended: 0,
            already_stored: 0,
            new_patients: fresh.len(),
        };
        Ok(Begun {
            actor,
            keys,
            fresh,
            summary,
        })
    }

    /// Imports a contacts CSV (see docs/import.md).
    pub fn import_contacts(
        &self,
        file: &Path,
        options: ImportOptions,
        by: &str,
        progress: &mut dyn Progress,
    ) -> Result<ImportSummary, AppError> {
        let staged = self.stage_contacts(file, &options, Keep::Rows)?;
        self.import_staged(file, staged, options, by, progress)
    }

    /// Imports contact rows read from `file` (a contacts CSV, or an LPR3 extract's contact
    /// table): the invalid rows refused or set aside, the rest sealed and appended, a
    /// patient at a time.
    pub(crate) fn import_staged(
        &self,
        file: &Path,
        mut staged: StagedRows,
        options: ImportOptions,
        by: &str,
        progress: &mut dyn Progress,
    ) -> Result<ImportSummary, AppError> {
        let rejected = std::mem::replace(&mut staged.rejected, Refused::new(&options));
        let mut b = self.begin(
            file,
            options,
            by,
            &staged.header,
            rejected,
            staged.rows,
            staged.patients().map(|(p, _)| p),
        )?;
        progress.start((staged.rows + b.keys.len()) as u64);
        let rows = staged.into_patients()?;
        // Ids of CSV rows are keyed by the patient's key: under a new key, none can be stored.
        self.append_all(&b.actor, &mut b.summary, progress, &b.fresh, |take| {
            let mut out = Vec::new();
            for group in rows {
                let (patient, rows) = group?;
                let key = &b.keys[&patient];
                let rows: Vec<&_> = rows.iter().collect();
                patient_events(&patient, &rows, key, &mut out);
                if out.len() >= EVENTS_PER_APPEND {
                    take(std::mem::take(&mut out));
                }
            }
            if !out.is_empty() {
                take(out);
            }
            Ok(())
        })?;
        Ok(b.summary)
    }

    /// Imports JSON Lines of events (see docs/import.md), sealing their personal fields.
    pub fn import_events(
        &self,
        file: &Path,
        options: ImportOptions,
        by: &str,
        progress: &mut dyn Progress,
    ) -> Result<ImportSummary, AppError> {
        let mut staged = self.stage_events(file, &options, Keep::Rows)?;
        let header = ["json".to_string()];
        let rejected = std::mem::replace(&mut staged.rejected, Refused::new(&options));
        let mut b = self.begin(
            file,
            options,
            by,
            &header,
            rejected,
            staged.lines,
            staged.patients.iter(),
        )?;
        progress.start(staged.lines as u64);
        let lines = staged.into_lines()?;
        // Lines may carry ids of their own, stored or not whatever the key: look every one up.
        self.append_all(
            &b.actor,
            &mut b.summary,
            progress,
            &HashSet::new(),
            |take| {
                let mut chunk = Vec::with_capacity(EVENTS_PER_APPEND);
                for line in lines.into_iter().flatten() {
                    let (_, line) = line?;
                    chunk.push(seal_line(&line, &b.keys[&line.patient]));
                    if chunk.len() == EVENTS_PER_APPEND {
                        take(std::mem::take(&mut chunk));
                    }
                }
                if !chunk.is_empty() {
                    take(chunk);
                }
                Ok(())
            },
        )?;
        Ok(b.summary)
    }

    /// Whether this event is stored already. An id stored in another patient's stream is
    /// refused: it is another event, and dropping it as "already stored" would lose it.
    fn already_stored(&self, event: &ImportEvent) -> Result<bool, AppError> {
        let Some(position) = self.ledger().position_of(EventId(event.id))? else {
            return Ok(false);
        };
        let stream = casetrail_import::stream_name(&event.patient);
        match self.ledger().get(position)? {
            Some(record) if record.stream.as_str() != stream => Err(CaseFileError::EventIdTaken {
                id: casetrail_domain::hex::encode(&event.id),
                patient: event.patient.to_string(),
                stream: record.stream.as_str().to_owned(),
            }
            .into()),
            _ => Ok(true),
        }
    }

    /// Appends what `produce` hands over, skipping events already stored (those of patients
    /// in `unstored` are known not to be, and are not looked up). One thread appends
    /// while this one prepares the next chunk, so sealing overlaps with the synced writes.
    /// An error of `produce` stops the import as an append's does: what was appended stays,
    /// and importing the same file again appends the rest.
    pub(crate) fn append_all(
        &self,
        actor: &Actor,
        summary: &mut ImportSummary,
        progress: &mut dyn Progress,
        unstored: &HashSet<PatientId>,
        produce: impl FnOnce(&mut dyn FnMut(Vec<ImportEvent>)) -> Result<(), AppError>,
    ) -> Result<(), AppError> {
        let (to_writer, batches) = mpsc::sync_channel::<AppendRequest>(2);
        let (written, done) = mpsc::channel::<Result<usize, AppError>>();
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
            let mut pending = 0usize;
            let mut failure: Option<AppError> = None;
            let mut count =
                |outcome: Result<usize, AppError>,
                 summary: &mut ImportSummary,
                 failure: &mut Option<AppError>| match outcome {
                    Ok(n) => {
                        summary.appended += n;
                        progress.advance(n as u64);
                    }
                    Err(e) => *failure = Some(e),
                };
            let produced = produce(&mut |chunk: Vec<ImportEvent>| {
                if failure.is_some() {
                    return;
                }
                let mut batch = Vec::with_capacity(chunk.len());
                for event in chunk {
                    if unstored.contains(&event.patient) {
                        batch.push(event);
                        continue;
                    }
                    match self.already_stored(&event) {
                        Ok(true) => summary.already_stored += 1,
                        Ok(false) => batch.push(event),
                        Err(e) => failure = Some(e),
                    }
                }
                match requests_for(actor, &mut batch) {
                    // A closed channel means the appender stopped on an error; it is reported below.
                    Ok(requests) => {
                        for request in requests {
                            pending += usize::from(to_writer.send(request).is_ok());
                        }
                    }
                    Err(e) => failure = Some(e),
                }
                while let Ok(outcome) = done.try_recv() {
                    pending -= 1;
                    count(outcome, summary, &mut failure);
                }
            });
            drop(to_writer);
            if let Err(e) = produced {
                failure.get_or_insert(e);
            }
            for _ in 0..pending {
                match done.recv() {
                    Ok(outcome) => count(outcome, summary, &mut failure),
                    Err(_) => break,
                }
            }
            failure.map_or(Ok(()), Err)
        })?;
        progress.advance(summary.already_stored as u64);
        progress.finish();
        Ok(())
    }

    /// Writes every event of the log as a JSON line, personal fields opened. Events of
    /// forgotten patients cannot be opened and are left out; returns (written, left out).
    ///
    /// Only the patients' pathway streams are exported (`patient-…`): users, audits and the
    /// access log are no pathway events, are not read back by the importer, and stay in the
    /// log; the third number counts them.
    pub fn export_events(&self, out: &mut dyn Write) -> Result<(usize, usize, usize), AppError> {
        let mut keys: HashMap<PatientId, Option<PatientKey>> = HashMap::new();
        let (mut written, mut left_out, mut other) = (0, 0, 0);
        for record in self.ledger().read_all(Position(0)) {
            let record = record?;
            if !record
                .stream
                .as_str()
                .starts_with(casetrail_import::STREAM_PREFIX)
            {
                other += 1;
                continue;
            }
            let event = decode_stored(&record)?;
            if matches!(event, DomainEvent::PatientErased(_)) {
                left_out += 1;
                continue;
            }
            let patient = event.patient().clone();
            let key = match keys.entry(patient) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => {
                    let key = self.patient_key(new.key())?;
                    new.insert(key)
                }
            };
            match key
                .as_ref()
                .and_then(|k| open_event(record.id.0, &event, k))
            {
                Some(line) => {
                    serde_json::to_writer(&mut *out, &line).map_err(|source| {
                        CoreError::Encode {
                            what: "export",
                            source,
                        }
                    })?;
                    out.write_all(b"\n").map_err(|source| CoreError::Io {
                        path: PathBuf::from("(export)"),
                        source,
                    })?;
                    written += 1;
                }
                None => left_out += 1,
            }
        }
        Ok((written, left_out, other))
    }
}
