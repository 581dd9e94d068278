//! The mapping file of an LPR3 extract: which column holds what, what each code means, and
//! which SOR unit belongs to which sector. Research extracts name the columns as the defaults
//! here do; a region's own extract names them in the file (see `fixtures/import/lpr3/`).

use std::collections::BTreeMap;

use serde::Deserialize;

/// The whole mapping, as the TOML file gives it; every part has the defaults of the public
/// research extracts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lpr3Mapping {
    /// The field separator of both tables (`,` unless given; Danish exports often use `;`).
    pub delimiter: Option<char>,
    /// The contact table's columns.
    pub contacts: ContactColumns,
    /// The diagnosis table's columns.
    pub diagnoses: DiagnosisColumns,
    /// The forløbselement table's columns (the table is optional).
    pub episodes: EpisodeColumns,
    /// What the codes in the tables mean.
    pub codes: Codes,
    /// The SOR units the extract names, by SOR code: the table a region supplies.
    pub units: BTreeMap<String, Unit>,
}

/// The contact table (`kontakter`): one row per contact.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContactColumns {
    /// The contact's key, which the diagnosis table refers to.
    pub contact: String,
    /// The forløbselement the contact belongs to.
    pub episode: String,
    /// The CPR number.
    pub cpr: String,
    /// The responsible SOR unit (the unit that decides sector and kind).
    pub unit: String,
    /// Start date (`YYYY-MM-DD`).
    pub start_date: String,
    /// Start time (`HH:MM` or `HH:MM:SS`), may be empty.
    pub start_time: String,
    /// End date, empty while the contact is open.
    pub end_date: String,
    /// End time.
    pub end_time: String,
    /// The main diagnosis (aktionsdiagnose) as the contact row gives it.
    pub main_diagnosis: String,
    /// The priority code.
    pub priority: String,
    /// The contact type code.
    pub contact_type: String,
}

impl Default for ContactColumns {
    fn default() -> Self {
        let s = str::to_owned;
        ContactColumns {
            contact: s("DW_EK_KONTAKT"),
            episode: s("DW_EK_FORLOEB"),
            cpr: s("CPR"),
            unit: s("SORENHED_ANS"),
            start_date: s("dato_start"),
            start_time: s("tidspunkt_start"),
            end_date: s("dato_slut"),
            end_time: s("tidspunkt_slut"),
            main_diagnosis: s("aktionsdiagnose"),
            priority: s("prioritet"),
            contact_type: s("kontakttype"),
        }
    }
}

/// The diagnosis table (`diagnoser`): one row per diagnosis of a contact.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiagnosisColumns {
    /// The contact's key.
    pub contact: String,
    /// The diagnosis code (SKS, for example `DF200`).
    pub code: String,
    /// The diagnosis type (A = aktionsdiagnose, B = bidiagnose, …).
    pub kind: String,
    /// Whether the diagnosis was later disproved (`senere_afkraeftet`).
    pub disproved: String,
}

impl Default for DiagnosisColumns {
    fn default() -> Self {
        let s = str::to_owned;
        DiagnosisColumns {
            contact: s("DW_EK_KONTAKT"),
            code: s("diagnosekode"),
            kind: s("diagnosetype"),
            disproved: s("senere_afkraeftet"),
        }
    }
}

/// The forløbselement table (`forloebselementer`): one row per forløbselement, which each
/// contact names. Optional: given, every contact's forløbselement is checked against it.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EpisodeColumns {
    /// The forløbselement's key, which the contact table's episode column names.
    pub episode: String,
    /// The CPR number (a contact's forløbselement is the same person's).
    pub cpr: String,
    /// Its start date (`YYYY-MM-DD`): no contact of it starts before.
    pub start_date: String,
}

impl Default for EpisodeColumns {
    fn default() -> Self {
        let s = str::to_owned;
        EpisodeColumns {
            episode: s("DW_EK_FORLOEB"),
            cpr: s("CPR"),
            start_date: s("dato_start"),
        }
    }
}

/// What the tables' codes mean.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Codes {
    /// Priority code → `acute` or `planned`.
    pub priority: BTreeMap<String, String>,
    /// Contact type code → `attendance` (a physical attendance: the unit's own kind) or a
    /// contact kind (`outpatient_visit`, …). A code not listed is refused.
    pub contact_type: BTreeMap<String, String>,
    /// Diagnosis types kept, in the order a contact lists them (the main one first).
    pub diagnosis_types: Vec<String>,
    /// Values of the disproved column that mean "later disproved" (the row is left out).
    pub disproved: Vec<String>,
}

impl Default for Codes {
    fn default() -> Self {
        let map = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        Codes {
            priority: map(&[("ATA1", "acute"), ("ATA3", "planned")]),
            contact_type: map(&[("ALCA00", "attendance")]),
            diagnosis_types: vec!["A".into(), "B".into()],
            disproved: vec!["1".into(), "J".into(), "ja".into(), "true".into()],
        }
    }
}

/// One SOR unit as casetrail records it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// The sector code (`region`, `municipality`, …).
    pub sector: String,
    /// The organisation (hospital, municipality).
    pub organisation: String,
    /// The unit's name.
    pub name: String,
    /// What a physical attendance at the unit is: `ward_admission` for a ward,
    /// `psychiatric_emergency`, `outpatient_visit`, ….
    pub attendance: String,
}

/// A mapping file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// Not TOML of the mapping's shape.
    #[error("the mapping file is not a valid mapping: {detail}")]
    Toml {
        /// The TOML reader's explanation, with line and column.
        detail: String,
    },
    /// A code mapped to something casetrail has no word for.
    #[error("the mapping's {table} maps {code:?} to {value:?}, which is not one of {allowed}")]
    Value {
        /// Which table of the mapping.
        table: &'static str,
        /// The code.
        code: String,
        /// What it was mapped to.
        value: String,
        /// What it may be mapped to.
        allowed: String,
    },
}

impl Lpr3Mapping {
    /// Reads a mapping file's text, checking every value it maps to.
    pub fn parse(text: &str) -> Result<Lpr3Mapping, MappingError> {
        let mapping: Lpr3Mapping = toml::from_str(text).map_err(|e| MappingError::Toml {
            detail: e.to_string(),
        })?;
        mapping.check()?;
        Ok(mapping)
    }

    fn check(&self) -> Result<(), MappingError> {
        use casetrail_domain::{ContactKind, Priority, Sector};
        let bad = |table, code: &str, value: &str, allowed: String| MappingError::Value {
            table,
            code: code.to_owned(),
            value: value.to_owned(),
            allowed,
        };
        let list = |all: Vec<&str>| all.join(", ");
        for (code, value) in &self.codes.priority {
            if Priority::parse(value).is_none() {
                let allowed = list(Priority::ALL.iter().map(|p| p.as_str()).collect());
                return Err(bad("codes.priority", code, value, allowed));
            }
        }
        let kinds = || {
            let mut all = vec!["attendance"];
            all.extend(ContactKind::ALL.iter().map(|k| k.as_str()));
            list(all)
        };
        for (code, value) in &self.codes.contact_type {
            if value != "attendance" && ContactKind::parse(value).is_none() {
                return Err(bad("codes.contact_type", code, value, kinds()));
            }
        }
        for (code, unit) in &self.units {
            if Sector::parse(&unit.sector).is_none() {
                let allowed = list(Sector::ALL.iter().map(|s| s.as_str()).collect());
                return Err(bad("units", code, &unit.sector, allowed));
            }
            if ContactKind::parse(&unit.attendance).is_none() {
                let allowed = list(ContactKind::ALL.iter().map(|k| k.as_str()).collect());
                return Err(bad("units", code, &unit.attendance, allowed));
            }
        }
        Ok(())
    }
}
