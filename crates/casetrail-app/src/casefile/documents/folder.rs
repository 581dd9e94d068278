//! A folder of documents as a case's material, in one step: every file read first (all or
//! nothing, as an import), then each attached with the sector it comes from and its date, and
//! a document already attached to the case (the same text from the same source) not again.

use std::path::{Path, PathBuf};

use casetrail_domain::{DomainEvent, MaterialSource, NaiveDate};

use super::{DocumentKind, document_text};
use crate::core::error::{AppError, CaseFileError, io_error};
use crate::core::workbench::Workbench;

/// The largest document read from a folder (the PDF bound, which is the largest).
pub const MAX_DOCUMENT_BYTES: u64 = crate::casefile::material::MAX_PDF_BYTES as u64;
/// Documents one call attaches.
pub const MAX_DOCUMENTS: usize = 2_000;

/// One document read, ready to attach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadDocument {
    /// The file.
    pub path: PathBuf,
    /// What it was read as.
    pub kind: DocumentKind,
    /// Its text.
    pub text: String,
}

/// What attaching a folder did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attached {
    /// Documents attached now.
    pub attached: Vec<PathBuf>,
    /// Documents whose text the case already holds from that source.
    pub already: Vec<PathBuf>,
}

/// The files among `paths` (folders one level deep, hidden files skipped), in name order.
fn document_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, AppError> {
    let mut files = Vec::new();
    for path in paths {
        if !std::fs::metadata(path).map_err(io_error(path))?.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut found = Vec::new();
        for entry in std::fs::read_dir(path).map_err(io_error(path))? {
            let file = entry.map_err(io_error(path))?.path();
            let hidden = file
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if file.is_file() && !hidden {
                found.push(file);
            }
        }
        found.sort();
        files.extend(found);
        if files.len() > MAX_DOCUMENTS {
            break;
        }
    }
    if files.len() > MAX_DOCUMENTS {
        return Err(CaseFileError::Document {
            reason: format!(
                "more than {MAX_DOCUMENTS} documents in one step: attach them in parts"
            ),
        }
        .into());
    }
    Ok(files)
}

fn read_document(path: &Path) -> Result<ReadDocument, AppError> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io_error(path))?
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error(path))?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(CaseFileError::Document {
            reason: format!("larger than {} MB", MAX_DOCUMENT_BYTES >> 20),
        }
        .into());
    }
    let (kind, text) = document_text(&bytes)?;
    if text.trim().is_empty() {
        return Err(CaseFileError::Document {
            reason: "holds no text".into(),
        }
        .into());
    }
    Ok(ReadDocument {
        path: path.to_owned(),
        kind,
        text,
    })
}

/// The documents read, and the files refused with their reasons.
pub type ReadDocuments = (Vec<ReadDocument>, Vec<(PathBuf, AppError)>);

impl Workbench {
    /// Reads every document among `paths`; the refused ones with their reasons.
    pub fn read_documents(paths: &[PathBuf]) -> Result<ReadDocuments, AppError> {
        let mut read = Vec::new();
        let mut refused = Vec::new();
        for file in document_files(paths)? {
            match read_document(&file) {
                Ok(d) => read.push(d),
                Err(e) => refused.push((file, e)),
            }
        }
        Ok((read, refused))
    }

    /// Attaches documents read by [`Workbench::read_documents`] to `case`, all from `source`
    /// and dated `date`; one the case already holds (same source, same text) is not attached
    /// again.
    pub fn attach_documents(
        &self,
        case: &str,
        source: MaterialSource,
        date: NaiveDate,
        documents: &[ReadDocument],
        by: &str,
    ) -> Result<Attached, AppError> {
        let stream = self.case_stream(case)?;
        let key = self.case_key(&stream)?;
        let held: Vec<(MaterialSource, String)> = stream
            .events
            .iter()
            .filter_map(|(_, e)| match e {
                DomainEvent::MaterialAttached(m) => key
                    .open(&stream.patient, "text", &m.text)
                    .ok()
                    .map(|t| (m.source, String::from_utf8_lossy(&t).into_owned())),
                _ => None,
            })
            .collect();
        let mut done = Attached::default();
        for d in documents {
            let text = d.text.trim();
            if held.iter().any(|(s, t)| *s == source && t == text) {
                done.already.push(d.path.clone());
                continue;
            }
            self.attach_material(case, source, date, text, by)?;
            done.attached.push(d.path.clone());
        }
        Ok(done)
    }
}
