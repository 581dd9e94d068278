//! Contact rows and event lines read, checked and set aside, so that nothing is written
//! before the whole file has been read and the rows need not all be held in memory while it is.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use casetrail_domain::PatientId;
use casetrail_import::{
    ContactRow, EventLine, ImportError, Parsed, Rejected, parse_contacts_each, parse_events_each,
};

use super::{ImportOptions, new_key};
use crate::core::error::{AppError, CaseFileError};
use crate::core::layout::scratch_dir;
use crate::core::spill::{RUN_ITEMS, Sorted, Spill, SpillError};
use crate::core::workbench::Workbench;

/// Whether the rows themselves are kept for appending, or only counted (a dry run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    Rows,
    CountOnly,
}

/// What an import knows once its file is read: the header, the refused lines, every patient
/// (renamed as asked) with the first CPR number given, and the valid rows in a [`Spill`]
/// grouped by patient in order of first appearance.
#[derive(Debug)]
pub(crate) struct StagedRows {
    pub(crate) header: Vec<String>,
    pub(crate) rejected: Refused,
    pub(crate) rows: usize,
    patients: Vec<(PatientId, String)>,
    ordinals: HashMap<PatientId, u64>,
    spill: Option<Spill<ContactRow>>,
}

/// A spill under the data folder's scratch folder when rows are kept, none when only counted.
fn spill_for<T>(workbench: &Workbench, keep: Keep) -> Result<Option<Spill<T>>, AppError>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + 'static,
{
    Ok(match keep {
        Keep::Rows => Some(Spill::new(
            &scratch_dir(workbench.data_dir()),
            new_key()?,
            RUN_ITEMS,
        )),
        Keep::CountOnly => None,
    })
}

/// Reads `file` with `read`, which hands each line to `take` as it reads it (a valid item, or
/// a refused line). After `take`'s first error nothing more is taken, and the read ends with
/// that error.
fn read_each<P, I>(
    file: &Path,
    read: impl FnOnce(
        std::io::BufReader<std::fs::File>,
        &mut dyn FnMut(Result<I, Rejected>),
    ) -> Result<P, ImportError>,
    mut take: impl FnMut(Result<I, Rejected>) -> Result<(), SpillError>,
) -> Result<P, AppError> {
    let mut failure: Option<SpillError> = None;
    let parsed = read(Workbench::open_input(file)?, &mut |item| {
        if failure.is_none()
            && let Err(e) = take(item)
        {
            failure = Some(e);
        }
    })
    .map_err(|source| CaseFileError::ImportFile {
        path: file.to_owned(),
        source,
    })?;
    match failure {
        Some(e) => Err(e.into()),
        None => Ok(parsed),
    }
}

/// How many refused lines are held to be listed when a file is refused.
pub(crate) const MAX_LISTED: usize = 1_000;
/// How many refused lines an import that sets them aside (`skip_invalid`) holds for the
/// rejected-rows file; a file with more is refused whole.
pub(crate) const MAX_SET_ASIDE: usize = 50_000;

/// Refused lines as an import keeps them: every one counted, the first few held (to list, or
/// to write beside the input), so that a file of bad lines costs no more memory than a bound.
#[derive(Debug)]
pub(crate) struct Refused {
    pub(crate) held: Vec<Rejected>,
    pub(crate) total: usize,
    limit: usize,
}

impl Refused {
    pub(crate) fn new(options: &ImportOptions) -> Self {
        Refused {
            held: Vec::new(),
            total: 0,
            limit: if options.skip_invalid {
                MAX_SET_ASIDE
            } else {
                MAX_LISTED
            },
        }
    }

    pub(crate) fn push(&mut self, line: Rejected) {
        self.total += 1;
        if self.held.len() < self.limit {
            self.held.push(line);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }
}

impl StagedRows {
    fn new(workbench: &Workbench, options: &ImportOptions, keep: Keep) -> Result<Self, AppError> {
        let spill = spill_for(workbench, keep)?;
        Ok(StagedRows {
            header: Vec::new(),
            rejected: Refused::new(options),
            rows: 0,
            patients: Vec::new(),
            ordinals: HashMap::new(),
            spill,
        })
    }

    /// Takes one line as read: a valid row, its patient renamed as `options` asks, or a
    /// refused line.
    fn take(
        &mut self,
        line: Result<ContactRow, Rejected>,
        options: &ImportOptions,
    ) -> Result<(), SpillError> {
        let mut row = match line {
            Ok(row) => row,
            Err(refused) => {
                self.rejected.push(refused);
                return Ok(());
            }
        };
        if let Some(new) = options.renames.apply(&row.patient) {
            row.patient = new.clone();
        }
        let next = self.patients.len() as u64;
        let ordinal = *self.ordinals.entry(row.patient.clone()).or_insert(next);
        if ordinal == next {
            self.patients
                .push((row.patient.clone(), row.cpr.as_str().to_owned()));
        }
        self.rows += 1;
        match &mut self.spill {
            Some(spill) => spill.push(ordinal, row),
            None => Ok(()),
        }
    }

    /// Every patient with the CPR number their first row gives, in order of first appearance.
    pub(crate) fn patients(&self) -> impl Iterator<Item = (&PatientId, &str)> {
        self.patients.iter().map(|(p, cpr)| (p, cpr.as_str()))
    }

    /// The rows, a patient at a time, patients in order of first appearance and each one's
    /// rows in file order. Empty for rows that were only counted.
    pub(crate) fn into_patients(self) -> Result<PatientRows, AppError> {
        let sorted = match self.spill {
            Some(spill) => Some(spill.into_sorted()?),
            None => None,
        };
        Ok(PatientRows {
            sorted,
            patients: self.patients.into_iter().map(|(p, _)| p).collect(),
            ahead: None,
        })
    }
}

/// Rows a patient at a time (see [`StagedRows::into_patients`]).
#[derive(Debug)]
pub(crate) struct PatientRows {
    sorted: Option<Sorted<ContactRow>>,
    patients: Vec<PatientId>,
    /// The first row of the next patient, read while finding the end of the last one.
    ahead: Option<(u64, ContactRow)>,
}

impl Iterator for PatientRows {
    type Item = Result<(PatientId, Vec<ContactRow>), AppError>;

    fn next(&mut self) -> Option<Self::Item> {
        let sorted = self.sorted.as_mut()?;
        let (group, first) = match self.ahead.take() {
            Some(ahead) => ahead,
            None => match sorted.next()? {
                Ok(item) => item,
                Err(e) => return Some(Err(e.into())),
            },
        };
        let mut rows = vec![first];
        for item in sorted.by_ref() {
            match item {
                Ok((g, row)) if g == group => rows.push(row),
                Ok(other) => {
                    self.ahead = Some(other);
                    break;
                }
                Err(e) => return Some(Err(e.into())),
            }
        }
        let patient = self.patients[group as usize].clone();
        Some(Ok((patient, rows)))
    }
}

impl Workbench {
    /// Reads a contacts CSV as an import takes it: checked row by row, its patients renamed
    /// as asked, and refused when an id the record holds comes with another CPR number.
    pub(crate) fn stage_contacts(
        &self,
        file: &Path,
        options: &ImportOptions,
        keep: Keep,
    ) -> Result<StagedRows, AppError> {
        let mut staged = StagedRows::new(self, options, keep)?;
        staged.header = read_each(
            file,
            |input, each| parse_contacts_each(input, each),
            |line| staged.take(line, options),
        )?;
        self.check_identities(staged.patients())?;
        Ok(staged)
    }

    /// Rows already read whole (an LPR3 extract's contacts, joined with its other tables),
    /// staged as [`Workbench::stage_contacts`] stages a file's.
    pub(crate) fn stage_parsed(
        &self,
        parsed: Parsed,
        options: &ImportOptions,
        keep: Keep,
    ) -> Result<StagedRows, AppError> {
        let mut staged = StagedRows::new(self, options, keep)?;
        let lines = parsed.rows.into_iter().map(Ok);
        for line in lines.chain(parsed.rejected.into_iter().map(Err)) {
            staged.take(line, options)?;
        }
        staged.header = parsed.header;
        self.check_identities(staged.patients())?;
        Ok(staged)
    }
}

/// JSON Lines read, checked and set aside in file order: the refused lines, every patient once,
/// and the valid lines in a [`Spill`] (one group, so they come back as the file has them).
#[derive(Debug)]
pub(crate) struct StagedEvents {
    pub(crate) rejected: Refused,
    pub(crate) lines: usize,
    pub(crate) patients: Vec<PatientId>,
    spill: Option<Spill<EventLine>>,
}

impl StagedEvents {
    /// The lines in file order; empty for lines that were only counted.
    pub(crate) fn into_lines(self) -> Result<Option<Sorted<EventLine>>, AppError> {
        Ok(self.spill.map(Spill::into_sorted).transpose()?)
    }
}

impl Workbench {
    /// Reads JSON Lines of events as an import takes them, line by line.
    pub(crate) fn stage_events(
        &self,
        file: &Path,
        options: &ImportOptions,
        keep: Keep,
    ) -> Result<StagedEvents, AppError> {
        let mut spill = spill_for(self, keep)?;
        let mut seen: HashSet<PatientId> = HashSet::new();
        let mut patients = Vec::new();
        let mut lines = 0usize;
        let mut refused = Refused::new(options);
        read_each(
            file,
            |input, each| parse_events_each(input, each),
            |line| {
                let line: EventLine = match line {
                    Ok(line) => line,
                    Err(line) => {
                        refused.push(line);
                        return Ok(());
                    }
                };
                lines += 1;
                if seen.insert(line.patient.clone()) {
                    patients.push(line.patient.clone());
                }
                match &mut spill {
                    Some(spill) => spill.push(0, line),
                    None => Ok(()),
                }
            },
        )?;
        Ok(StagedEvents {
            rejected: refused,
            lines,
            patients,
            spill,
        })
    }
}
