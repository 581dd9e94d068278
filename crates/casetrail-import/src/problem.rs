//! What is wrong with one field of one line, as data rather than a sentence: the CLI and the
//! rejected-rows file say it in English (`Display`), and the web workbench words the same
//! fields in the reader's language.

/// What a value should have been, where the value's own type refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A patient id.
    PatientId,
    /// A CPR number (DDMMYY-XXXX).
    Cpr,
    /// A date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM).
    DateTime,
    /// An ICD-10 code.
    Icd10,
    /// A contact id.
    ContactId,
    /// A plan id.
    PlanId,
    /// An event id (32 hexadecimal digits).
    EventId,
    /// An episode id (LPR3's forløbselement).
    EpisodeId,
}

impl Expected {
    /// The code the web's translation keys are named by.
    pub fn code(self) -> &'static str {
        match self {
            Expected::PatientId => "patient_id",
            Expected::Cpr => "cpr",
            Expected::DateTime => "date_time",
            Expected::Icd10 => "icd10",
            Expected::ContactId => "contact_id",
            Expected::PlanId => "plan_id",
            Expected::EventId => "event_id",
            Expected::EpisodeId => "episode_id",
        }
    }
}

/// One refusal of one field. The English wording is the `Display`; every value the wording
/// names is a field, so another language can say the same.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// A required value is missing.
    #[error("is empty")]
    Empty,
    /// The line has another number of fields than the header.
    #[error("has {found} fields, the header {header}")]
    FieldCount {
        /// Fields on the line.
        found: usize,
        /// Columns in the header.
        header: usize,
    },
    /// One patient id with two CPR numbers: a mix-up of two people.
    #[error("patient {patient} has another CPR number on line {line}")]
    OtherCpr {
        /// The patient id.
        patient: String,
        /// The line that gave the first number.
        line: u64,
    },
    /// A value outside the column's vocabulary.
    #[error("{value:?} is not one of {allowed}")]
    NotOneOf {
        /// The value as written.
        value: String,
        /// The allowed codes, comma-separated.
        allowed: String,
    },
    /// A yes/no column with something else.
    #[error("{value:?} is not true or false")]
    NotYesNo {
        /// The value as written.
        value: String,
    },
    /// A value its type refused.
    #[error("{detail}")]
    Invalid {
        /// The value as written.
        value: String,
        /// What it should have been.
        expected: Expected,
        /// The type's own (English) explanation.
        detail: String,
    },
    /// A local time in the hour skipped when summer time begins.
    #[error("{when} does not exist in Danish time: that night the clocks went from 02:00 to 03:00")]
    SkippedHour {
        /// The time as read.
        when: String,
    },
    /// A plan action without a plan.
    #[error("is given without a plan")]
    WithoutPlan,
    /// A contact that ends before it starts.
    #[error("{end} is before the start {start}")]
    EndBeforeStart {
        /// The end as read.
        end: String,
        /// The start as read.
        start: String,
    },
    /// A ward admission without its main diagnosis.
    #[error("a ward admission needs its main diagnosis")]
    NoMainDiagnosis,
    /// An LPR3 contact at a SOR unit the mapping's unit table does not hold.
    #[error("the SOR unit {code:?} is not in the mapping's units")]
    UnknownUnit {
        /// The SOR code.
        code: String,
    },
    /// An LPR3 contact key given twice.
    #[error("the contact key is given on line {line} already")]
    DuplicateContact {
        /// The first line with the key.
        line: u64,
    },
    /// An LPR3 contact one of whose diagnosis rows was refused: it is not imported without it.
    #[error("its diagnosis on line {line} of the diagnosis table was refused")]
    DiagnosisRefused {
        /// The diagnosis table's line.
        line: u64,
    },
    /// An LPR3 diagnosis of a contact the contact table does not have.
    #[error("no contact {contact:?} in the contact table")]
    UnknownContact {
        /// The contact key.
        contact: String,
    },
    /// An LPR3 contact whose forløbselement the forløbselement table does not have.
    #[error("the forløbselement {episode:?} is not in the forløbselement table")]
    UnknownEpisode {
        /// The forløbselement key.
        episode: String,
    },
    /// An LPR3 contact whose forløbselement belongs to another CPR number.
    #[error("its forløbselement (line {line} of the forløbselement table) is another person's")]
    EpisodeOfAnotherPerson {
        /// The forløbselement table's line.
        line: u64,
    },
    /// An LPR3 contact that starts before its forløbselement.
    #[error("{start} is before its forløbselement starts ({episode_start})")]
    BeforeEpisode {
        /// The contact's start as read.
        start: String,
        /// The forløbselement's start date.
        episode_start: String,
    },
    /// An LPR3 contact whose forløbselement's row was refused.
    #[error("its forløbselement on line {line} of the forløbselement table was refused")]
    EpisodeRefused {
        /// The forløbselement table's line.
        line: u64,
    },
    /// A forløbselement key given twice.
    #[error("the forløbselement is given on line {line} already")]
    DuplicateEpisode {
        /// The first line with the key.
        line: u64,
    },
    /// A JSON Lines line that is not JSON.
    #[error("not JSON: {detail}")]
    NotJson {
        /// The JSON reader's explanation.
        detail: String,
    },
    /// A JSON value that is not an object.
    #[error("is not a JSON object")]
    NotObject,
    /// Keys beside id, type and data.
    #[error("unknown keys {keys}; a line holds id, type and data")]
    UnknownKeys {
        /// The unknown keys, comma-separated.
        keys: String,
    },
    /// An erasure, which only `casetrail forget` may make.
    #[error("patients are forgotten with `casetrail forget`, not by import")]
    ErasureByImport,
    /// A personal field that is not plain text.
    #[error("personal fields are plain text")]
    PersonalNotText,
    /// An event whose data does not have the event type's shape.
    #[error("{detail}")]
    Shape {
        /// The JSON reader's explanation.
        detail: String,
    },
}

impl Problem {
    /// The value refused, where it has one.
    pub fn invalid(value: &str, expected: Expected, detail: impl std::fmt::Display) -> Problem {
        Problem::Invalid {
            value: value.to_owned(),
            expected,
            detail: detail.to_string(),
        }
    }
}
