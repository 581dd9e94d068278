//! The optional forløbselement table. In LPR3 every contact belongs to exactly one
//! forløbselement; given the table, a contact's forløbselement must be in it, be the same
//! person's and not start after the contact. That catches an extract whose tables were cut
//! from different runs, or joined on the wrong key, before anything is written.

use std::collections::HashMap;
use std::io::Read;

use casetrail_domain::{Cpr, StayId, When};

use super::{Table, at, error, reader};
use crate::ImportError;
use crate::parse::{FieldError, Rejected, next_record};
use crate::problem::{Expected, Problem};
use crate::{Lpr3Mapping, parse::ContactRow};

/// One forløbselement as the table gives it.
struct Episode {
    cpr: Cpr,
    start: Option<When>,
    line: u64,
}

/// The table read: the valid forløbselementer by key, and the refused rows.
pub(super) struct Episodes {
    of: HashMap<String, Episode>,
    /// Keys of refused rows: a contact naming one is not "unknown", its row is refused.
    refused: HashMap<String, u64>,
    pub(super) rejected: Vec<Rejected>,
}

/// A column of the forløbselement table, named so that it is not taken for the contact
/// table's.
fn in_episodes(column: &str) -> String {
    format!("forløbselementer: {column}")
}

pub(super) fn read_episodes(
    mapping: &Lpr3Mapping,
    input: impl Read,
) -> Result<Episodes, ImportError> {
    let c = &mapping.episodes;
    let mut reader = reader(mapping, input)?;
    let (table, _) = Table::read(&mut reader, &[&c.episode, &c.cpr], "forløbselementer")?;
    let mut found = Episodes {
        of: HashMap::new(),
        refused: HashMap::new(),
        rejected: Vec::new(),
    };
    let mut record = csv::StringRecord::new();
    while let Some(line) = next_record(&mut reader, &mut record)? {
        let key = table.get(&record, &c.episode).to_owned();
        let mut errors: Vec<FieldError> = Vec::new();
        let mut refuse = |column: &str, problem| errors.push(error(&in_episodes(column), problem));
        match key.as_str() {
            "" => refuse(&c.episode, Problem::Empty),
            k => {
                if let Err(e) = StayId::new(k) {
                    refuse(&c.episode, Problem::invalid(k, Expected::EpisodeId, e));
                }
            }
        }
        let earlier = found
            .of
            .get(&key)
            .map(|e| e.line)
            .or_else(|| found.refused.get(&key).copied());
        if let Some(line) = earlier.filter(|_| !key.is_empty()) {
            refuse(&c.episode, Problem::DuplicateEpisode { line });
        }
        let cpr = match table.get(&record, &c.cpr) {
            "" => Err(Problem::Empty),
            v => Cpr::parse(v).map_err(|e| Problem::invalid(v, Expected::Cpr, e)),
        };
        let start = match table.get(&record, &c.start_date) {
            "" => Ok(None),
            d => at(d, "").map(Some),
        };
        match (cpr, start) {
            (Ok(cpr), Ok(start)) if errors.is_empty() => {
                found.of.insert(key, Episode { cpr, start, line });
                continue;
            }
            (cpr, start) => {
                if let Err(p) = cpr {
                    errors.push(error(&in_episodes(&c.cpr), p));
                }
                if let Err(p) = start {
                    errors.push(error(&in_episodes(&c.start_date), p));
                }
            }
        }
        found.refused.entry(key).or_insert(line);
        found.rejected.push(Rejected {
            line,
            errors,
            fields: record.iter().map(str::to_owned).collect(),
        });
    }
    Ok(found)
}

impl Episodes {
    /// What is wrong with a valid contact row given the forløbselement table, if anything.
    pub(super) fn check(&self, row: &ContactRow, column: &str) -> Option<FieldError> {
        let key = row.episode.as_ref().map(|e| e.as_str())?;
        if let Some(line) = self.refused.get(key) {
            return Some(error(column, Problem::EpisodeRefused { line: *line }));
        }
        let Some(episode) = self.of.get(key) else {
            return Some(error(
                column,
                Problem::UnknownEpisode {
                    episode: key.to_owned(),
                },
            ));
        };
        if episode.cpr != row.cpr {
            return Some(error(
                column,
                Problem::EpisodeOfAnotherPerson { line: episode.line },
            ));
        }
        match episode.start {
            // The table gives the day alone, so a contact later that day is within it.
            Some(start) if row.start.calendar_date() < start.calendar_date() => Some(error(
                column,
                Problem::BeforeEpisode {
                    start: row.start.to_string(),
                    episode_start: start.to_string(),
                },
            )),
            _ => None,
        }
    }
}
