//! LPR3 extracts (Landspatientregisteret 3, from February 2019): a contact table and a
//! diagnosis table, joined by the contact's key, read through a mapping file that names the
//! columns and says what the codes mean. Each contact becomes a row as the contacts CSV gives
//! it, so the import's guarantees (every row checked before anything is written, all or
//! nothing, keyed ids, sealing) are the same code.
//!
//! LPR3 has no patient id apart from the CPR number; the caller gives the id a CPR number
//! is imported under (keyed, so the id does not reveal the number).

mod episodes;
mod mapping;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;

use casetrail_domain::{
    ContactId, ContactKind, Cpr, Icd10, PatientId, Priority, Sector, StayId, When,
};

pub use mapping::{
    Codes, ContactColumns, DiagnosisColumns, EpisodeColumns, Lpr3Mapping, MappingError, Unit,
};

use crate::ImportError;
use crate::parse::{ContactRow, FieldError, Parsed, Rejected, RowKind, next_record, when};
use crate::problem::{Expected, Problem};

/// A table's header: the position of each column the mapping names.
struct Table {
    columns: HashMap<String, usize>,
}

impl Table {
    fn read(
        reader: &mut csv::Reader<impl Read>,
        required: &[&str],
        name: &'static str,
    ) -> Result<(Table, Vec<String>), ImportError> {
        let header = reader
            .headers()
            .map_err(|source| ImportError::Csv { line: 1, source })?
            .clone();
        if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
            return Err(ImportError::NoHeader);
        }
        let names: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
        if names.len() == 1 && names[0].matches(';').count() >= 2 {
            return Err(ImportError::SemicolonSeparated {
                columns: names[0].split(';').count(),
            });
        }
        let mut columns = HashMap::new();
        for (i, n) in names.iter().enumerate() {
            if columns.insert(n.clone(), i).is_some() {
                return Err(ImportError::DuplicateColumn { column: n.clone() });
            }
        }
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !columns.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns {
                missing: format!("{} ({name})", missing.join(", ")),
                found: names.join(", "),
            });
        }
        Ok((Table { columns }, names))
    }

    /// The value of `column` in `record`; empty when the table has no such column.
    fn get<'r>(&self, record: &'r csv::StringRecord, column: &str) -> &'r str {
        self.columns
            .get(column)
            .and_then(|&i| record.get(i))
            .map_or("", str::trim)
    }
}

fn reader(mapping: &Lpr3Mapping, input: impl Read) -> Result<csv::Reader<impl Read>, ImportError> {
    let delimiter = mapping.delimiter.unwrap_or(',');
    let byte = u8::try_from(delimiter).map_err(|_| ImportError::NoHeader)?;
    Ok(csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(byte)
        .from_reader(crate::BoundedLines::new(input)))
}

/// One diagnosis of a contact: the rank of its type (the main one first), the code, and its
/// line in the diagnosis table.
type Ranked = (usize, Icd10, u64);

/// The diagnosis table: per contact key, its diagnoses in rank order; the lines of refused
/// rows per contact key, and those rows.
struct Diagnoses {
    of: HashMap<String, Vec<Ranked>>,
    refused: HashMap<String, Vec<u64>>,
    rejected: Vec<(String, Rejected)>,
}

fn read_diagnoses(mapping: &Lpr3Mapping, input: impl Read) -> Result<Diagnoses, ImportError> {
    let c = &mapping.diagnoses;
    let mut reader = reader(mapping, input)?;
    let (table, _) = Table::read(&mut reader, &[&c.contact, &c.code], "diagnoses")?;
    let ranks = &mapping.codes.diagnosis_types;
    let mut found = Diagnoses {
        of: HashMap::new(),
        refused: HashMap::new(),
        rejected: Vec::new(),
    };
    let mut record = csv::StringRecord::new();
    while let Some(line) = next_record(&mut reader, &mut record)? {
        let contact = table.get(&record, &c.contact).to_owned();
        if mapping
            .codes
            .disproved
            .iter()
            .any(|d| d == table.get(&record, &c.disproved))
        {
            continue;
        }
        let kind = table.get(&record, &c.kind);
        let rank = if table.columns.contains_key(&c.kind) {
            match ranks.iter().position(|r| r == kind) {
                Some(rank) => rank,
                // A type the mapping does not keep (procedures' "+" codes, for example).
                None => continue,
            }
        } else {
            0
        };
        let code = table.get(&record, &c.code);
        let mut errors = Vec::new();
        if contact.is_empty() {
            errors.push(error(&in_diagnoses(&c.contact), Problem::Empty));
        }
        match Icd10::new(code) {
            Ok(d) if errors.is_empty() => {
                found.of.entry(contact).or_default().push((rank, d, line));
                continue;
            }
            Ok(_) => {}
            Err(e) => errors.push(error(
                &in_diagnoses(&c.code),
                Problem::invalid(code, Expected::Icd10, e),
            )),
        }
        found.refused.entry(contact.clone()).or_default().push(line);
        let fields = record.iter().map(str::to_owned).collect();
        found.rejected.push((
            contact,
            Rejected {
                line,
                errors,
                fields,
            },
        ));
    }
    for list in found.of.values_mut() {
        list.sort_by_key(|(rank, _, line)| (*rank, *line));
    }
    Ok(found)
}

/// A column of the diagnosis table, named so that it is not taken for the contact table's.
fn in_diagnoses(column: &str) -> String {
    format!("diagnoses: {column}")
}

/// A column named as the mapping names it.
fn error(column: &str, problem: Problem) -> FieldError {
    FieldError {
        column: column.to_owned().into(),
        problem,
    }
}

fn at(date: &str, time: &str) -> Result<When, Problem> {
    if time.is_empty() {
        when(date)
    } else {
        when(&format!("{date} {time}"))
    }
}

/// Reads an LPR3 extract: every contact with its diagnoses, as contact rows, each checked
/// against the forløbselement table when there is one. `patient_of` gives the patient id a
/// CPR number is imported under.
pub fn parse_lpr3(
    mapping: &Lpr3Mapping,
    contacts: impl Read,
    diagnoses: impl Read,
    episodes: Option<&mut dyn Read>,
    patient_of: &dyn Fn(&Cpr) -> PatientId,
) -> Result<Parsed, ImportError> {
    let mut diagnoses = read_diagnoses(mapping, diagnoses)?;
    let mut episodes = episodes
        .map(|input| episodes::read_episodes(mapping, input))
        .transpose()?;
    let c = &mapping.contacts;
    let mut reader = reader(mapping, contacts)?;
    let required = [
        c.contact.as_str(),
        &c.cpr,
        &c.unit,
        &c.start_date,
        &c.priority,
        &c.contact_type,
    ];
    let (table, header) = Table::read(&mut reader, &required, "contacts")?;
    let mut parsed = Parsed {
        header,
        ..Parsed::default()
    };
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    while let Some(line) = next_record(&mut reader, &mut record)? {
        let key = table.get(&record, &c.contact).to_owned();
        let first = seen.get(&key).copied();
        seen.entry(key.clone()).or_insert(line);
        let row = contact_row(mapping, &table, &record, line, &diagnoses, patient_of);
        let row = match (row, &episodes) {
            (Ok(row), Some(episodes)) => match episodes.check(&row, &c.episode) {
                Some(refused) => Err(vec![refused]),
                None => Ok(row),
            },
            (row, _) => row,
        };
        let row = match (row, first) {
            (Ok(_), Some(earlier)) => Err(vec![error(
                &c.contact,
                Problem::DuplicateContact { line: earlier },
            )]),
            (row, _) => row,
        };
        match row {
            Ok(row) => parsed.rows.push(row),
            Err(errors) => parsed.rejected.push(Rejected {
                line,
                errors,
                fields: record.iter().map(str::to_owned).collect(),
            }),
        }
    }
    // The diagnosis table's refusals follow the contact table's, each with its own line: a
    // refused row (its contact was refused with it), and a diagnosis of no contact.
    let known: HashSet<&str> = seen.keys().map(String::as_str).collect();
    let key_column = in_diagnoses(&mapping.diagnoses.contact);
    let mut from_diagnoses: Vec<Rejected> = Vec::new();
    for (contact, mut rejected) in diagnoses.rejected.drain(..) {
        if !contact.is_empty() && !known.contains(contact.as_str()) {
            rejected
                .errors
                .push(error(&key_column, Problem::UnknownContact { contact }));
        }
        from_diagnoses.push(rejected);
    }
    for (contact, list) in &diagnoses.of {
        if !known.contains(contact.as_str()) {
            for (_, _, line) in list {
                from_diagnoses.push(Rejected {
                    line: *line,
                    errors: vec![error(
                        &key_column,
                        Problem::UnknownContact {
                            contact: contact.clone(),
                        },
                    )],
                    fields: Vec::new(),
                });
            }
        }
    }
    from_diagnoses.sort_by_key(|r| r.line);
    parsed.rejected.extend(from_diagnoses);
    // Then the forløbselement table's refused rows, each with its own line.
    if let Some(episodes) = &mut episodes {
        parsed.rejected.append(&mut episodes.rejected);
    }
    Ok(parsed)
}

fn contact_row(
    mapping: &Lpr3Mapping,
    table: &Table,
    record: &csv::StringRecord,
    line: u64,
    diagnoses: &Diagnoses,
    patient_of: &dyn Fn(&Cpr) -> PatientId,
) -> Result<ContactRow, Vec<FieldError>> {
    let c = &mapping.contacts;
    let get = |column: &str| table.get(record, column);
    let mut errors = Vec::new();
    let mut check = |column: &str, result: Result<(), Problem>| {
        if let Err(p) = result {
            errors.push(error(column, p));
        }
    };
    let required = |column: &str| match get(column) {
        "" => Err(Problem::Empty),
        v => Ok(v),
    };
    let key = get(&c.contact);
    let contact = required(&c.contact)
        .and_then(|v| ContactId::new(v).map_err(|e| Problem::invalid(v, Expected::ContactId, e)));
    let cpr = required(&c.cpr)
        .and_then(|v| Cpr::parse(v).map_err(|e| Problem::invalid(v, Expected::Cpr, e)));
    let unit = required(&c.unit).and_then(|v| {
        mapping
            .units
            .get(v)
            .ok_or_else(|| Problem::UnknownUnit { code: v.to_owned() })
    });
    let start = required(&c.start_date).and_then(|d| at(d, get(&c.start_time)));
    let end = match get(&c.end_date) {
        "" => Ok(None),
        d => at(d, get(&c.end_time)).map(Some),
    };
    let priority = required(&c.priority).and_then(|v| {
        mapping
            .codes
            .priority
            .get(v)
            .and_then(|p| Priority::parse(p))
            .ok_or_else(|| not_one_of(v, &mapping.codes.priority))
    });
    let kind = required(&c.contact_type).and_then(|v| {
        let mapped = mapping
            .codes
            .contact_type
            .get(v)
            .ok_or_else(|| not_one_of(v, &mapping.codes.contact_type))?;
        let code = match (mapped.as_str(), &unit) {
            ("attendance", Ok(u)) => u.attendance.as_str(),
            ("attendance", Err(_)) => return Err(Problem::Empty),
            (other, _) => other,
        };
        ContactKind::parse(code).ok_or_else(|| Problem::NotOneOf {
            value: code.to_owned(),
            allowed: ContactKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
    });
    let main = match get(&c.main_diagnosis) {
        "" => Ok(None),
        v => Icd10::new(v)
            .map(Some)
            .map_err(|e| Problem::invalid(v, Expected::Icd10, e)),
    };
    let sector = unit
        .as_ref()
        .ok()
        .and_then(|u| Sector::parse(&u.sector))
        .ok_or(Problem::Empty);
    if let (Ok(s), Ok(Some(e))) = (&start, &end)
        && e.epoch_seconds() < s.epoch_seconds()
    {
        check(
            &c.end_date,
            Err(Problem::EndBeforeStart {
                end: e.to_string(),
                start: s.to_string(),
            }),
        );
    }
    for line in diagnoses.refused.get(key).into_iter().flatten() {
        check(&c.contact, Err(Problem::DiagnosisRefused { line: *line }));
    }
    let mut all: Vec<Icd10> = Vec::new();
    if let Ok(Some(d)) = &main {
        all.push(d.clone());
    }
    for (_, d, _) in diagnoses.of.get(key).into_iter().flatten() {
        if !all.contains(d) {
            all.push(d.clone());
        }
    }
    if let (Ok(ContactKind::WardAdmission), true) = (&kind, all.is_empty()) {
        check(&c.main_diagnosis, Err(Problem::NoMainDiagnosis));
    }
    check(&c.contact, refusal(&contact));
    check(&c.cpr, refusal(&cpr));
    check(&c.unit, refusal(&unit));
    check(&c.start_date, refusal(&start));
    check(&c.end_date, refusal(&end));
    check(&c.priority, refusal(&priority));
    // A contact type read as "attendance" needs its unit; the unit's own refusal says why.
    if unit.is_ok() {
        check(&c.contact_type, refusal(&kind));
    }
    check(&c.main_diagnosis, refusal(&main));
    let episode = match get(&c.episode) {
        "" => Ok(None),
        v => StayId::new(v)
            .map(Some)
            .map_err(|e| Problem::invalid(v, Expected::EpisodeId, e)),
    };
    check(&c.episode, refusal(&episode));
    match (
        contact, cpr, unit, start, end, priority, kind, sector, episode,
    ) {
        (
            Ok(id),
            Ok(cpr),
            Ok(unit),
            Ok(start),
            Ok(end),
            Ok(priority),
            Ok(kind),
            Ok(sector),
            Ok(episode),
        ) if errors.is_empty() => Ok(ContactRow {
            line,
            patient: patient_of(&cpr),
            cpr,
            start,
            end,
            sector,
            kind,
            priority,
            diagnoses: all,
            unit: unit.name.clone(),
            organisation: unit.organisation.clone(),
            note: String::new(),
            court_ordered: false,
            record: RowKind::Contact { id: Some(id) },
            name: String::new(),
            municipality: String::new(),
            episode,
        }),
        _ => Err(errors),
    }
}

/// What a field's result refuses, if anything.
fn refusal<T>(result: &Result<T, Problem>) -> Result<(), Problem> {
    result.as_ref().map(|_| ()).map_err(Clone::clone)
}

fn not_one_of(value: &str, codes: &BTreeMap<String, String>) -> Problem {
    Problem::NotOneOf {
        value: value.to_owned(),
        allowed: codes.keys().cloned().collect::<Vec<_>>().join(", "),
    }
}

#[cfg(test)]
mod tests;
