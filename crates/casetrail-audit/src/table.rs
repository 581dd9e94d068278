//! A rating table as quality staff keep one: a header row naming the raters, then one row per
//! unit, one column per rater, an empty cell for a missing value.

use crate::alpha::Level;

/// Units (rows) of values by raters (columns).
#[derive(Debug, Clone, PartialEq)]
pub struct RatingTable {
    /// The raters' names, from the header row.
    pub raters: Vec<String>,
    /// One row per unit, one value (None when missing) per rater.
    pub units: Vec<Vec<Option<f64>>>,
    /// For nominal data written as words: the label of each code, in code order.
    pub labels: Vec<String>,
}

/// Where the codes of nominal words start: far from any number written beside them.
const WORD_CODES: f64 = 1e12;

impl RatingTable {
    /// How a value was written: the word of a nominal code, or the number.
    pub fn label(&self, value: f64) -> String {
        if value >= WORD_CODES {
            self.labels[(value - WORD_CODES) as usize].clone()
        } else {
            format!("{value}")
        }
    }
}

/// Why a rating table is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TableError {
    /// The table is empty: no header row to name the raters.
    #[error("the table has no header row naming the raters")]
    NoHeader,
    /// The CSV itself does not read.
    #[error("line {line}: {problem}")]
    Csv {
        /// The line (1-based).
        line: u64,
        /// What the CSV reader found wrong.
        problem: String,
    },
    /// A cell that does not read as a number, at a level that needs numbers.
    #[error("line {line}, rater {rater:?}: {value:?} is not a number ({level} data needs numbers)")]
    NotANumber {
        /// The line (1-based).
        line: u64,
        /// The rater's column.
        rater: String,
        /// The cell as written.
        value: String,
        /// The measurement level asked for.
        level: &'static str,
    },
    /// A row with another number of cells than the header has raters.
    #[error("line {line} has {found} cells but the header names {expected} raters")]
    Width {
        /// The line (1-based).
        line: u64,
        /// The header's rater count.
        expected: usize,
        /// The row's cell count.
        found: usize,
    },
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Nominal => "nominal",
        Level::Ordinal => "ordinal",
        Level::Interval => "interval",
        Level::Ratio => "ratio",
    }
}

/// Reads the table. Nominal values may be words (each distinct word becomes a code); at the
/// other levels every value must be a number (a decimal comma is read as a point).
pub fn read_table(text: &str, level: Level) -> Result<RatingTable, TableError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let raters: Vec<String> = reader
        .headers()
        .map_err(|e| TableError::Csv {
            line: 1,
            problem: e.to_string(),
        })?
        .iter()
        .map(str::to_owned)
        .collect();
    if raters.is_empty() || raters.iter().all(String::is_empty) {
        return Err(TableError::NoHeader);
    }
    let mut table = RatingTable {
        raters,
        units: Vec::new(),
        labels: Vec::new(),
    };
    for record in reader.records() {
        let record = record.map_err(|e| TableError::Csv {
            line: e.position().map_or(0, |p| p.line()),
            problem: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != table.raters.len() {
            return Err(TableError::Width {
                line,
                expected: table.raters.len(),
                found: record.len(),
            });
        }
        let mut unit = Vec::with_capacity(record.len());
        for (cell, rater) in record.iter().zip(&table.raters) {
            if cell.is_empty() {
                unit.push(None);
                continue;
            }
            let number = cell
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite());
            let value = match (number, level) {
                (Some(v), _) => v,
                (None, Level::Nominal) => {
                    let code = match table.labels.iter().position(|l| l == cell) {
                        Some(i) => i,
                        None => {
                            table.labels.push(cell.to_owned());
                            table.labels.len() - 1
                        }
                    };
                    WORD_CODES + code as f64
                }
                (None, _) => {
                    return Err(TableError::NotANumber {
                        line,
                        rater: rater.clone(),
                        value: cell.to_owned(),
                        level: level_name(level),
                    });
                }
            };
            unit.push(Some(value));
        }
        table.units.push(unit);
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alpha::agreement;

    #[test]
    fn reads_raters_units_and_missing_cells() {
        let t = read_table("A,B,C\n1,2,\n3,,3\n", Level::Interval).unwrap();
        assert_eq!(t.raters, ["A", "B", "C"]);
        assert_eq!(
            t.units,
            [
                vec![Some(1.0), Some(2.0), None],
                vec![Some(3.0), None, Some(3.0)]
            ]
        );
    }

    #[test]
    fn nominal_words_are_codes_and_other_levels_need_numbers() {
        let t = read_table("A,B\nja,ja\nnej,ja\n", Level::Nominal).unwrap();
        assert_eq!(t.labels, ["ja", "nej"]);
        assert_eq!(agreement(&t.units, Level::Nominal).alpha, Some(0.0));
        let err = read_table("A,B\n1,2\n3,høj\n", Level::Ordinal).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 3, rater \"B\": \"høj\" is not a number (ordinal data needs numbers)"
        );
        let err = read_table("A,B\n1,2,3\n", Level::Ordinal).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2 has 3 cells but the header names 2 raters"
        );
        assert_eq!(
            read_table("", Level::Ordinal).unwrap_err(),
            TableError::NoHeader
        );
    }
}
