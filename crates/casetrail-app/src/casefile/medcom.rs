//! Importing MedCom messages: bundle files (or folders of them) read, every one checked —
//! hospital notifications with their corrections resolved against the batch and the record,
//! care communications as material from the sending sector — then sealed and appended like
//! any extract. A patient gets the same keyed id as in an LPR3 extract (both know the
//! person by CPR number only), so a region's LPR3 contacts and a municipality's notifications
//! about one person meet in one pathway.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use casetrail_domain::{Correction, DomainEvent, MessageId, PatientId};
use casetrail_import::{
    BundleError, MedcomMessage, StoredMessage, care_events, message_event_id, notification_events,
    parse_medcom, resolve,
};
use casetrail_ledger::EventId;
use casetrail_protect::PatientKey;

use crate::casefile::import::{ImportOptions, ImportSummary, Progress};
use crate::casefile::lpr3::person_id;
use crate::core::error::{AppError, CaseFileError, io_error};
use crate::core::layout::vault_name;
use crate::core::workbench::{Workbench, actor, decode_stored};

/// A notification bundle is a few kilobytes; a file far larger is no notification.
pub const MAX_BUNDLE_BYTES: u64 = 1 << 20;
/// Message files one import takes (a year of a region's notifications is tens of thousands).
pub const MAX_BUNDLES: usize = 500_000;

/// The `.json` files among `paths`, folders read one level deep, in name order.
fn bundle_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, AppError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(io_error(path))?;
        if !meta.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut found = Vec::new();
        for entry in std::fs::read_dir(path).map_err(io_error(path))? {
            let entry = entry.map_err(io_error(path))?;
            let file = entry.path();
            if file.extension().is_some_and(|e| e == "json") && file.is_file() {
                found.push(file);
            }
            if files.len() + found.len() > MAX_BUNDLES {
                return Err(CaseFileError::TooManyBundles { limit: MAX_BUNDLES }.into());
            }
        }
        if found.is_empty() {
            return Err(CaseFileError::NoBundles { path: path.clone() }.into());
        }
        found.sort();
        files.extend(found);
    }
    if files.len() > MAX_BUNDLES {
        return Err(CaseFileError::TooManyBundles { limit: MAX_BUNDLES }.into());
    }
    Ok(files)
}

/// One bundle file, read within its bound.
fn read_bundle(file: &Path) -> Result<Result<MedcomMessage, BundleError>, AppError> {
    use std::io::Read as _;
    let handle = std::fs::File::open(file).map_err(io_error(file))?;
    let mut bytes = Vec::new();
    handle
        .take(MAX_BUNDLE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error(file))?;
    if bytes.len() as u64 > MAX_BUNDLE_BYTES {
        let size = std::fs::metadata(file).map_or(bytes.len() as u64, |m| m.len());
        return Ok(Err(BundleError::TooLarge {
            bytes: size,
            limit: MAX_BUNDLE_BYTES,
        }));
    }
    Ok(parse_medcom(&bytes))
}

impl Workbench {
    /// Imports MedCom hospital notifications (see docs/import.md): every bundle is read and
    /// every correction resolved before anything is written; with `skip_invalid` the valid
    /// ones are imported and the others named.
    pub fn import_medcom(
        &self,
        paths: &[PathBuf],
        options: ImportOptions,
        by: &str,
        progress: &mut dyn Progress,
    ) -> Result<(ImportSummary, Vec<(PathBuf, BundleError)>), AppError> {
        let files = bundle_files(paths)?;
        let key = self.person_id_secret(options.dry_run)?;
        let mut read = Vec::with_capacity(files.len());
        let mut care = Vec::new();
        let mut origin = Vec::with_capacity(files.len());
        let mut rejected = Vec::new();
        for file in &files {
            match read_bundle(file)? {
                Ok(MedcomMessage::Notification(n)) => {
                    origin.push(file.clone());
                    read.push((person_id(&key, &n.cpr), n));
                }
                Ok(MedcomMessage::Care(c)) => care.push((person_id(&key, &c.cpr), c)),
                Err(e) => rejected.push((file.clone(), e)),
            }
        }
        self.check_identities(
            read.iter()
                .map(|(p, n)| (p, n.cpr.as_str()))
                .chain(care.iter().map(|(p, c)| (p, c.cpr.as_str()))),
        )?;
        let (resolved, refused) = resolve(read, &|patient, message| {
            self.stored_message(patient, message).ok().flatten()
        });
        rejected.extend(refused.into_iter().map(|(i, e)| (origin[i].clone(), e)));
        if !rejected.is_empty() && !options.skip_invalid {
            return Err(CaseFileError::InvalidBundles { rejected }.into());
        }
        let notified: HashSet<PatientId> = resolved.iter().map(|r| r.patient.clone()).collect();
        let patients: HashSet<&PatientId> = resolved
            .iter()
            .map(|r| &r.patient)
            .chain(care.iter().map(|(p, _)| p))
            .collect();
        let mut summary = ImportSummary {
            rows: resolved.len() + care.len(),
            rejected: rejected.len(),
            rejected_file: None,
            patients: patients.len(),
            appended: 0,
            already_stored: 0,
            new_patients: 0,
        };
        if options.dry_run {
            let vault = self.vault()?;
            for p in &patients {
                if vault.get(&vault_name(p))?.is_none() {
                    summary.new_patients += 1;
                }
            }
            return Ok((summary, rejected));
        }
        let actor = actor(by)?;
        let (keys, fresh) = self.keys_for(patients.into_iter())?;
        summary.new_patients = fresh.len();
        let mut events =
            notification_events(&resolved, &keys).expect("a key was made for every patient");
        events.extend(
            care_events(&care, &keys, &notified).expect("a key was made for every patient"),
        );
        progress.start(events.len() as u64);
        self.append_all(&actor, &mut summary, progress, &fresh, |take| {
            for chunk in events.chunks(crate::casefile::import::EVENTS_PER_APPEND) {
                take(chunk.to_vec());
            }
            Ok(())
        })?;
        Ok((summary, rejected))
    }

    /// What the record holds of `message` of `patient`, as a correction needs it.
    fn stored_message(
        &self,
        patient: &PatientId,
        message: &MessageId,
    ) -> Result<Option<StoredMessage>, AppError> {
        let Some(key) = self.vault()?.get(&vault_name(patient))? else {
            return Ok(None);
        };
        let key = PatientKey::from_bytes(key);
        let Some(event) = self.event_by_id(message_event_id(&key, message))? else {
            return Ok(None);
        };
        let original = match event {
            DomainEvent::HospitalNotified(n) => Some(n),
            DomainEvent::Corrected(c) => match c.correction {
                Correction::Amend(amended) => match *amended {
                    DomainEvent::HospitalNotified(n) => Some(n),
                    _ => None,
                },
                Correction::Retract => match self.event_by_id(c.target.0)? {
                    Some(DomainEvent::HospitalNotified(n)) => Some(n),
                    _ => None,
                },
            },
            _ => None,
        };
        Ok(original.map(|n| StoredMessage {
            root: n.message,
            patient: n.patient,
            episode: n.episode,
            activity: n.activity,
        }))
    }

    /// The stored event with ledger id `id`, decoded.
    fn event_by_id(&self, id: [u8; 16]) -> Result<Option<DomainEvent>, AppError> {
        let Some(position) = self.ledger().position_of(EventId(id))? else {
            return Ok(None);
        };
        match self.ledger().get(position)? {
            Some(record) => Ok(Some(decode_stored(&record)?)),
            None => Ok(None),
        }
    }
}
