//! Reading and validating a contacts CSV, row by row and across rows.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;

use casetrail_domain::{
    ContactId, ContactKind, Cpr, Icd10, PatientId, PlanAction, PlanId, PlanKind, Priority, Sector,
    StayId, When,
};

use serde::{Deserialize, Serialize};

use crate::ImportError;
use crate::columns::{Column, Layout};
use crate::problem::{Expected, Problem};

/// What a row records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowKind {
    /// A contact (or admission) with an actor.
    Contact {
        /// The source's own id for the contact, if the file has one; otherwise one is keyed
        /// from the row.
        id: Option<ContactId>,
    },
    /// A plan change.
    Plan {
        /// Which kind of plan.
        kind: PlanKind,
        /// Made, revised or ended.
        action: PlanAction,
        /// The source's own plan id, if the file has one.
        id: Option<PlanId>,
    },
}

/// A valid row. Holds personal data in the clear: seal before storing.
///
/// It serialises only for the importer's scratch files, which seal every block (the CPR
/// number goes as its text, and is parsed again when read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRow {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// The patient's id in the source.
    pub patient: PatientId,
    /// The patient's CPR number (in the clear).
    #[serde(with = "cpr_text")]
    pub cpr: Cpr,
    /// When the contact began.
    pub start: When,
    /// When it ended, if the file says.
    pub end: Option<When>,
    /// The actor's sector.
    pub sector: Sector,
    /// The kind of contact.
    pub kind: ContactKind,
    /// Acute or planned.
    pub priority: Priority,
    /// ICD-10 codes, action diagnosis first.
    pub diagnoses: Vec<Icd10>,
    /// The unit within the organisation.
    pub unit: String,
    /// The organisation.
    pub organisation: String,
    /// The actor's note (in the clear).
    pub note: String,
    /// Under coercion by court order.
    pub court_ordered: bool,
    /// Contact or plan change.
    pub record: RowKind,
    /// The patient's name (in the clear).
    pub name: String,
    /// The patient's municipality.
    pub municipality: String,
    /// The episode (LPR3's forløbselement), when the source names one.
    pub episode: Option<StayId>,
}

/// One bad field of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The column's name in the header (for a format whose column names are configured, as
    /// the configuration names it).
    pub column: Cow<'static, str>,
    /// What is wrong with the value.
    pub problem: Problem,
}

/// A line that was refused, with every reason, and its original fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// 1-based line number in the file.
    pub line: u64,
    /// Every bad field of the line.
    pub errors: Vec<FieldError>,
    /// The line's fields as read, for the rejected-rows file.
    pub fields: Vec<String>,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let reasons: Vec<String> = self
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.column, e.problem))
            .collect();
        write!(f, "line {}: {}", self.line, reasons.join("; "))
    }
}

/// The whole file, validated.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The header's column names as given.
    pub header: Vec<String>,
    /// The valid rows, in file order.
    pub rows: Vec<ContactRow>,
    /// The refused lines, in file order.
    pub rejected: Vec<Rejected>,
}

/// Reads the next record into `record`: its 1-based line, or None at the end of the file. A
/// file that is not CSV from here on stops the reading, with the line reached.
pub(crate) fn next_record(
    reader: &mut csv::Reader<impl Read>,
    record: &mut csv::StringRecord,
) -> Result<Option<u64>, ImportError> {
    let line = reader.position().line();
    match reader.read_record(record) {
        Ok(false) => Ok(None),
        Ok(true) => Ok(Some(record.position().map_or(line, |p| p.line()))),
        Err(source) => Err(ImportError::Csv { line, source }),
    }
}

/// Reads the whole file. Errors of the file itself stop it; errors of rows are collected.
pub fn parse_contacts(input: impl Read) -> Result<Parsed, ImportError> {
    let (mut rows, mut rejected) = (Vec::new(), Vec::new());
    let header = parse_contacts_each(input, |row| match row {
        Ok(row) => rows.push(row),
        Err(refused) => rejected.push(refused),
    })?;
    Ok(Parsed {
        header,
        rows,
        rejected,
    })
}

/// [`parse_contacts`], handing each row to `each` as it is read (a valid row, or a refused
/// line with its reasons) instead of keeping it, and returning the header's column names.
/// What it keeps grows with the patients (one CPR number each, to find a patient given two),
/// not with the rows.
pub fn parse_contacts_each(
    input: impl Read,
    mut each: impl FnMut(Result<ContactRow, Rejected>),
) -> Result<Vec<String>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(crate::BoundedLines::new(input));
    let header = reader
        .headers()
        .map_err(|source| ImportError::Csv { line: 1, source })?
        .clone();
    if header.is_empty() {
        return Err(ImportError::NoHeader);
    }
    // Danish Excel saves "CSV" with semicolons: the whole header is then one field. Say so,
    // rather than list every column as missing.
    if header.len() == 1 {
        let names: Vec<&str> = header[0].split(';').map(str::trim).collect();
        let known = names
            .iter()
            .filter(|n| Column::ALL.iter().any(|c| c.name() == **n))
            .count();
        if known >= 2 {
            return Err(ImportError::SemicolonSeparated {
                columns: names.len(),
            });
        }
    }
    let layout = Layout::from_header(&header)?;
    let mut cprs: HashMap<PatientId, (String, u64)> = HashMap::new();
    let mut record = csv::StringRecord::new();
    while let Some(line) = next_record(&mut reader, &mut record)? {
        let reject = |errors| Rejected {
            line,
            errors,
            fields: record.iter().map(str::to_owned).collect(),
        };
        if record.len() != header.len() {
            each(Err(reject(vec![FieldError {
                column: "(line)".into(),
                problem: Problem::FieldCount {
                    found: record.len(),
                    header: header.len(),
                },
            }])));
            continue;
        }
        match parse_row(&layout, &record, line) {
            Err(errors) => each(Err(reject(errors))),
            Ok(row) => {
                // One patient, one CPR number: a second number for the same patient is a mix-up.
                let known = cprs
                    .entry(row.patient.clone())
                    .or_insert_with(|| (row.cpr.as_str().to_owned(), line));
                if known.0 != row.cpr.as_str() {
                    each(Err(reject(vec![FieldError {
                        column: "cpr".into(),
                        problem: Problem::OtherCpr {
                            patient: row.patient.to_string(),
                            line: known.1,
                        },
                    }])));
                } else {
                    each(Ok(row));
                }
            }
        }
    }
    Ok(header.iter().map(str::to_owned).collect())
}

/// A CPR number as its text, for the scratch files (see [`ContactRow`]).
mod cpr_text {
    use casetrail_domain::Cpr;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(cpr: &Cpr, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(cpr.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Cpr, D::Error> {
        let text = String::deserialize(d)?;
        Cpr::parse(&text).map_err(|e| serde::de::Error::custom(format!("not a CPR number: {e}")))
    }
}

fn parse_row(
    layout: &Layout,
    record: &csv::StringRecord,
    line: u64,
) -> Result<ContactRow, Vec<FieldError>> {
    let mut errors = Vec::new();
    let get = |c: Column| layout.get(record, c);
    let required = |c: Column| {
        let v = get(c);
        if v.is_empty() {
            Err(Problem::Empty)
        } else {
            Ok(v)
        }
    };
    let patient = field(
        &mut errors,
        Column::Patient,
        required(Column::Patient).and_then(|v| {
            PatientId::new(v).map_err(|e| Problem::invalid(v, Expected::PatientId, e))
        }),
    );
    let cpr = field(
        &mut errors,
        Column::Cpr,
        required(Column::Cpr)
            .and_then(|v| Cpr::parse(v).map_err(|e| Problem::invalid(v, Expected::Cpr, e))),
    );
    let start = field(
        &mut errors,
        Column::Start,
        required(Column::Start).and_then(when),
    );
    let end = field(
        &mut errors,
        Column::End,
        match get(Column::End) {
            "" => Ok(None),
            v => when(v).map(Some),
        },
    );
    let sector = field(
        &mut errors,
        Column::Sector,
        vocab(required(Column::Sector), Sector::parse, Sector::ALL),
    );
    let kind = field(
        &mut errors,
        Column::Kind,
        vocab(required(Column::Kind), ContactKind::parse, ContactKind::ALL),
    );
    let priority = field(
        &mut errors,
        Column::Priority,
        vocab(required(Column::Priority), Priority::parse, Priority::ALL),
    );
    let diagnoses = field(
        &mut errors,
        Column::Diagnosis,
        get(Column::Diagnosis)
            .split(';')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(|d| Icd10::new(d).map_err(|e| Problem::invalid(d, Expected::Icd10, e)))
            .collect::<Result<Vec<_>, _>>(),
    );
    let court_ordered = field(
        &mut errors,
        Column::CourtOrdered,
        match get(Column::CourtOrdered) {
            "" | "false" | "no" | "0" => Ok(false),
            "true" | "yes" | "1" => Ok(true),
            v => Err(Problem::NotYesNo {
                value: v.to_owned(),
            }),
        },
    );
    let contact_id = field(
        &mut errors,
        Column::ContactId,
        match get(Column::ContactId) {
            "" => Ok(None),
            v => ContactId::new(v)
                .map(Some)
                .map_err(|e| Problem::invalid(v, Expected::ContactId, e)),
        },
    );
    let record_kind = match get(Column::Plan) {
        "" => {
            if !get(Column::PlanAction).is_empty() {
                errors.push(FieldError {
                    column: "plan_action".into(),
                    problem: Problem::WithoutPlan,
                });
            }
            contact_id.map(|id| RowKind::Contact { id })
        }
        plan => {
            let kind = PlanKind::parse(plan).ok_or_else(|| Problem::NotOneOf {
                value: plan.to_owned(),
                allowed: list(PlanKind::ALL),
            });
            let kind = field(&mut errors, Column::Plan, kind);
            let action = field(
                &mut errors,
                Column::PlanAction,
                vocab(
                    required(Column::PlanAction),
                    PlanAction::parse,
                    PlanAction::ALL,
                ),
            );
            let id = field(
                &mut errors,
                Column::PlanId,
                match get(Column::PlanId) {
                    "" => Ok(None),
                    v => PlanId::new(v)
                        .map(Some)
                        .map_err(|e| Problem::invalid(v, Expected::PlanId, e)),
                },
            );
            match (kind, action, id) {
                (Some(kind), Some(action), Some(id)) => Some(RowKind::Plan { kind, action, id }),
                _ => None,
            }
        }
    };
    if let (Some(s), Some(Some(e))) = (&start, &end)
        && e.epoch_seconds() < s.epoch_seconds()
    {
        errors.push(FieldError {
            column: "end".into(),
            problem: Problem::EndBeforeStart {
                end: e.to_string(),
                start: s.to_string(),
            },
        });
    }
    if let (Some(ContactKind::WardAdmission), Some(d)) = (kind, &diagnoses)
        && d.is_empty()
    {
        errors.push(FieldError {
            column: "diagnosis".into(),
            problem: Problem::NoMainDiagnosis,
        });
    }
    match (
        patient,
        cpr,
        start,
        end,
        sector,
        kind,
        priority,
        diagnoses,
        court_ordered,
        record_kind,
    ) {
        (
            Some(patient),
            Some(cpr),
            Some(start),
            Some(end),
            Some(sector),
            Some(kind),
            Some(priority),
            Some(diagnoses),
            Some(court_ordered),
            Some(record),
        ) if errors.is_empty() => Ok(ContactRow {
            line,
            patient,
            cpr,
            start,
            end,
            sector,
            kind,
            priority,
            diagnoses,
            unit: get(Column::Unit).to_owned(),
            organisation: get(Column::Organisation).to_owned(),
            note: get(Column::Note).to_owned(),
            court_ordered,
            record,
            name: get(Column::Name).to_owned(),
            municipality: get(Column::Municipality).to_owned(),
            episode: None,
        }),
        _ => Err(errors),
    }
}

/// A date or date-time that exists in Danish local time.
pub(crate) fn when(text: &str) -> Result<When, Problem> {
    let w = When::parse(text).map_err(|e| Problem::invalid(text, Expected::DateTime, e))?;
    if w.exists() {
        Ok(w)
    } else {
        Err(Problem::SkippedHour {
            when: w.to_string(),
        })
    }
}

/// The value, or None with the reason recorded against the column.
fn field<T>(errors: &mut Vec<FieldError>, column: Column, result: Result<T, Problem>) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(problem) => {
            errors.push(FieldError {
                column: column.name().into(),
                problem,
            });
            None
        }
    }
}

fn vocab<T: Copy + std::fmt::Display>(
    value: Result<&str, Problem>,
    parse: fn(&str) -> Option<T>,
    all: &[T],
) -> Result<T, Problem> {
    value.and_then(|v| {
        parse(v).ok_or_else(|| Problem::NotOneOf {
            value: v.to_owned(),
            allowed: list(all),
        })
    })
}

fn list<T: std::fmt::Display>(all: &[T]) -> String {
    all.iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
