//! The same synthetic region as an LPR3 extract: the hospital's contacts as a contact table, a
//! diagnosis table and a forløbselement table in the research extracts' column names, and the mapping file that reads
//! them, with an invented SOR code for each unit. Only the region's contacts are in LPR3; the
//! other sectors' contacts and the plans are not.

use std::collections::BTreeMap;

use crate::{Config, Generator, Row};

/// The contact table's header, as public research extracts name the columns.
const CONTACTS: [&str; 11] = [
    "DW_EK_KONTAKT",
    "DW_EK_FORLOEB",
    "CPR",
    "SORENHED_ANS",
    "dato_start",
    "tidspunkt_start",
    "dato_slut",
    "tidspunkt_slut",
    "aktionsdiagnose",
    "prioritet",
    "kontakttype",
];

const DIAGNOSES: [&str; 4] = [
    "DW_EK_KONTAKT",
    "diagnosekode",
    "diagnosetype",
    "senere_afkraeftet",
];

const EPISODES: [&str; 4] = ["DW_EK_FORLOEB", "CPR", "SORENHED_ANS", "dato_start"];

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lpr3Written {
    /// Rows of the contact table.
    pub contacts: u64,
    /// Rows of the diagnosis table.
    pub diagnoses: u64,
    /// Rows of the forløbselement table.
    pub episodes: u64,
    /// SOR units in the mapping.
    pub units: usize,
}

/// The forløbselement of the region's `n`-th contact: one per contact (the generator has no
/// referral episodes spanning several).
pub(crate) fn episode_of(n: u64) -> String {
    format!("F{n}")
}

/// `2019-03-01T22:10` as LPR3's date and time columns.
fn split(when: &str) -> (&str, &str) {
    when.split_once('T').unwrap_or((when, ""))
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Writes the region's hospital contacts as LPR3 tables and the mapping that reads them.
pub fn write_lpr3(
    config: Config,
    mapping: &mut impl std::io::Write,
    contacts: impl std::io::Write,
    diagnoses: impl std::io::Write,
    episodes: impl std::io::Write,
) -> csv::Result<Lpr3Written> {
    let mut contact_table = csv::Writer::from_writer(contacts);
    let mut diagnosis_table = csv::Writer::from_writer(diagnoses);
    let mut episode_table = csv::Writer::from_writer(episodes);
    contact_table.write_record(CONTACTS)?;
    diagnosis_table.write_record(DIAGNOSES)?;
    episode_table.write_record(EPISODES)?;
    // (organisation, unit, kind) → SOR code, in the order first met.
    let mut units: BTreeMap<(String, String, &'static str), String> = BTreeMap::new();
    let mut written = Lpr3Written {
        contacts: 0,
        diagnoses: 0,
        episodes: 0,
        units: 0,
    };
    let mut failure = None;
    let mut write = |row: &Row| -> csv::Result<()> {
        if row.sector != "region" || !row.plan.is_empty() {
            return Ok(());
        }
        let next = format!("9{:05}", units.len() + 1);
        let sor = units
            .entry((row.organisation.clone(), row.unit.clone(), row.kind))
            .or_insert(next)
            .clone();
        written.contacts += 1;
        let key = format!("K{}", written.contacts);
        let (start_date, start_time) = split(&row.start);
        let (end_date, end_time) = split(&row.end);
        let codes: Vec<&str> = row.diagnosis.split(';').filter(|d| !d.is_empty()).collect();
        let cpr = row.cpr.replace('-', "");
        let priority = if row.priority == "acute" {
            "ATA1"
        } else {
            "ATA3"
        };
        let episode = episode_of(written.contacts);
        episode_table.write_record([episode.as_str(), &cpr, &sor, start_date])?;
        written.episodes += 1;
        contact_table.write_record([
            key.as_str(),
            &episode,
            &cpr,
            &sor,
            start_date,
            start_time,
            end_date,
            end_time,
            codes.first().copied().unwrap_or(""),
            priority,
            "ALCA00",
        ])?;
        for (i, code) in codes.iter().enumerate() {
            let kind = if i == 0 { "A" } else { "B" };
            diagnosis_table.write_record([key.as_str(), code, kind, "0"])?;
            written.diagnoses += 1;
        }
        Ok(())
    };
    Generator::new(config).run(|rows| {
        for row in rows {
            if failure.is_none()
                && let Err(e) = write(row)
            {
                failure = Some(e);
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    contact_table.flush()?;
    diagnosis_table.flush()?;
    episode_table.flush()?;
    let mut text = String::from(
        "# The mapping of a synthetic LPR3 extract written by `casetrail generate --format lpr3`:\n\
         # research extracts' column names (the defaults), ATA1 acute, ATA3 planned, ALCA00\n\
         # physical attendance, and an invented SOR code for each unit.\n\n\
         [codes.priority]\nATA1 = \"acute\"\nATA3 = \"planned\"\n\n\
         [codes.contact_type]\nALCA00 = \"attendance\"\n",
    );
    let mut by_code: Vec<(&String, &(String, String, &str))> =
        units.iter().map(|(unit, sor)| (sor, unit)).collect();
    by_code.sort();
    for (sor, (organisation, unit, kind)) in by_code {
        text.push_str(&format!(
            "\n[units.\"{sor}\"]\nsector = \"region\"\norganisation = {}\nname = {}\nattendance = \"{kind}\"\n",
            toml_string(organisation),
            toml_string(unit),
        ));
    }
    mapping.write_all(text.as_bytes())?;
    written.units = units.len();
    Ok(written)
}
