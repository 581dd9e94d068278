//! The columns of the contacts CSV.

use crate::ImportError;

macro_rules! columns {
    ($($variant:ident = $name:literal, $required:literal;)+) => {
        /// A column of the contacts CSV.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Column { $(#[doc = concat!("The `", $name, "` column (docs/import.md).")] $variant),+ }

        impl Column {
            /// Every column, in the documented order.
            pub const ALL: &'static [Column] = &[$(Column::$variant),+];

            /// The column's name in the header.
            pub fn name(self) -> &'static str {
                match self { $(Column::$variant => $name),+ }
            }

            /// Whether a file must have it.
            pub fn required(self) -> bool {
                match self { $(Column::$variant => $required),+ }
            }
        }
    };
}

columns! {
    Patient = "patient", true;
    Cpr = "cpr", true;
    Start = "start", true;
    End = "end", true;
    Sector = "sector", true;
    Kind = "kind", true;
    Priority = "priority", true;
    Diagnosis = "diagnosis", true;
    Unit = "unit", true;
    Note = "note", true;
    ContactId = "contact_id", false;
    Organisation = "organisation", false;
    CourtOrdered = "court_ordered", false;
    Plan = "plan", false;
    PlanAction = "plan_action", false;
    PlanId = "plan_id", false;
    Name = "name", false;
    Municipality = "municipality", false;
}

/// The columns every contacts CSV must have.
pub const REQUIRED_COLUMNS: &[&str] = &[
    "patient",
    "cpr",
    "start",
    "end",
    "sector",
    "kind",
    "priority",
    "diagnosis",
    "unit",
    "note",
];
/// The columns a contacts CSV may have.
pub const OPTIONAL_COLUMNS: &[&str] = &[
    "contact_id",
    "organisation",
    "court_ordered",
    "plan",
    "plan_action",
    "plan_id",
    "name",
    "municipality",
];

/// Where each known column sits in a row.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    index: Vec<Option<usize>>,
}

impl Layout {
    pub fn from_header(header: &csv::StringRecord) -> Result<Layout, ImportError> {
        let mut index = vec![None; Column::ALL.len()];
        for (i, name) in header.iter().enumerate() {
            let name = name.trim().trim_start_matches('\u{feff}');
            let column = Column::ALL
                .iter()
                .position(|c| c.name() == name)
                .ok_or_else(|| ImportError::UnknownColumn {
                    column: name.to_owned(),
                    known: Column::ALL
                        .iter()
                        .map(|c| c.name())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
            if index[column].replace(i).is_some() {
                return Err(ImportError::DuplicateColumn {
                    column: name.to_owned(),
                });
            }
        }
        let missing: Vec<&str> = Column::ALL
            .iter()
            .enumerate()
            .filter(|(i, c)| c.required() && index[*i].is_none())
            .map(|(_, c)| c.name())
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns {
                missing: missing.join(", "),
                found: header.iter().collect::<Vec<_>>().join(", "),
            });
        }
        Ok(Layout { index })
    }

    /// The trimmed text of `column` in `record` ("" when the column is absent).
    pub fn get<'r>(&self, record: &'r csv::StringRecord, column: Column) -> &'r str {
        // Column::ALL lists the variants in declaration order, so the discriminant is the index.
        self.index[column as usize]
            .and_then(|i| record.get(i))
            .map_or("", str::trim)
    }
}
