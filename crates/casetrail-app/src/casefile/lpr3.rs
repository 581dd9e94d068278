//! Importing an LPR3 extract: a contact table and a diagnosis table read through the
//! region's mapping file, then imported as contact rows like the contacts CSV. LPR3 has no
//! patient id but the CPR number, so each number is imported under an id keyed by a secret
//! of this data directory's key vault: the same person gets the same id in every extract, and
//! the id does not reveal the number (a plain hash would: the CPR numbers are few enough to
//! try them all).

use std::path::{Path, PathBuf};

use casetrail_domain::{Cpr, PatientId};
use casetrail_import::{Lpr3Mapping, Parsed, parse_lpr3};

mod tables;
#[cfg(test)]
mod tables_tests;

use crate::casefile::import::{ImportOptions, ImportSummary, Keep, Progress, new_key};
use crate::core::error::{AppError, CaseFileError, io_error};
use crate::core::workbench::Workbench;

/// The vault entry of the secret LPR3 patient ids are keyed by.
const PERSON_ID_KEY: &str = "import/lpr3-person-ids";

/// A mapping file is a page of configuration: more than this is not one.
const MAX_MAPPING_BYTES: u64 = 1 << 20;

/// The files of one LPR3 extract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lpr3Files {
    /// The mapping file (TOML; see `fixtures/import/lpr3/mapping.toml`).
    pub mapping: PathBuf,
    /// The contact table (kontakter), CSV or Parquet.
    pub contacts: PathBuf,
    /// The diagnosis table (diagnoser), CSV or Parquet.
    pub diagnoses: PathBuf,
    /// The forløbselement table (forloebselementer), CSV or Parquet, when the extract has
    /// one: each contact's forløbselement is then checked against it.
    pub episodes: Option<PathBuf>,
}

/// The patient id a CPR number is imported under: `L` and 16 hexadecimal digits of a keyed
/// hash (a collision among a million patients has odds of about 1 in 36 million).
pub(crate) fn person_id(key: &[u8; 32], cpr: &Cpr) -> PatientId {
    let hash = blake3::keyed_hash(key, cpr.as_str().as_bytes());
    let hex: String = hash.as_bytes()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    PatientId::new(format!("L{hex}")).expect("L and hex digits are a valid id")
}

impl Workbench {
    /// The secret CPR numbers' patient ids are keyed by (LPR3 and MedCom alike). A dry run
    /// writes nothing, not even the secret: before the first import, every patient is new
    /// whatever id it would get.
    pub(crate) fn person_id_secret(&self, dry_run: bool) -> Result<[u8; 32], AppError> {
        if dry_run {
            return match self.vault()?.get(PERSON_ID_KEY)? {
                Some(key) => Ok(key),
                None => new_key(),
            };
        }
        Ok(self.vault()?.get_or_insert(PERSON_ID_KEY, new_key()?)?)
    }

    /// Imports an LPR3 extract (see docs/import.md): every row of both tables is checked
    /// before anything is written, as for the contacts CSV.
    pub fn import_lpr3(
        &self,
        files: &Lpr3Files,
        options: ImportOptions,
        by: &str,
        progress: &mut dyn Progress,
    ) -> Result<ImportSummary, AppError> {
        let parsed = self.read_lpr3(files, &options)?;
        if options.dry_run {
            let staged = self.stage_parsed(parsed, &options, Keep::CountOnly)?;
            return self.preview_rows(&files.contacts, staged);
        }
        let staged = self.stage_parsed(parsed, &options, Keep::Rows)?;
        self.import_staged(&files.contacts, staged, options, by, progress)
    }

    fn read_lpr3(&self, files: &Lpr3Files, options: &ImportOptions) -> Result<Parsed, AppError> {
        let mapping = read_mapping(&files.mapping)?;
        let key = self.person_id_secret(options.dry_run)?;
        let delimiter = u8::try_from(mapping.delimiter.unwrap_or(',')).unwrap_or(b',');
        // A table is CSV or Parquet, whatever its name says.
        let open = |path: &Path| -> Result<Box<dyn std::io::Read>, AppError> {
            if tables::is_parquet(path)? {
                let csv = tables::parquet_as_csv(path, delimiter)?;
                return Ok(Box::new(std::io::Cursor::new(csv)));
            }
            let file = std::fs::File::open(path).map_err(io_error(path))?;
            Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, file)))
        };
        let mut episodes = files.episodes.as_deref().map(open).transpose()?;
        parse_lpr3(
            &mapping,
            open(&files.contacts)?,
            open(&files.diagnoses)?,
            episodes.as_mut().map(|e| e as &mut dyn std::io::Read),
            &|cpr| person_id(&key, cpr),
        )
        .map_err(|source| {
            CaseFileError::ImportFile {
                path: files.contacts.clone(),
                source,
            }
            .into()
        })
    }
}

fn read_mapping(path: &Path) -> Result<Lpr3Mapping, AppError> {
    let size = std::fs::metadata(path).map_err(io_error(path))?.len();
    if size > MAX_MAPPING_BYTES {
        return Err(CaseFileError::Lpr3Mapping {
            path: path.to_owned(),
            source: casetrail_import::MappingError::Toml {
                detail: format!("{size} bytes; a mapping file has at most {MAX_MAPPING_BYTES}"),
            },
        }
        .into());
    }
    let text = std::fs::read_to_string(path).map_err(io_error(path))?;
    Lpr3Mapping::parse(&text).map_err(|source| {
        CaseFileError::Lpr3Mapping {
            path: path.to_owned(),
            source,
        }
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_person_id_is_keyed_and_stable() {
        let cpr = Cpr::parse("0101904321").unwrap();
        let a = person_id(&[1; 32], &cpr);
        assert_eq!(a, person_id(&[1; 32], &cpr), "the same person, the same id");
        assert_ne!(a, person_id(&[2; 32], &cpr), "another key, another id");
        assert!(!a.as_str().contains("010190"));
        assert_eq!(a.as_str().len(), 17);
    }
}
