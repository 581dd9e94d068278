//! What an audit is made of: the sectors a panel draws from, answers and their values, the
//! audit's events, and the refusals a rule gives.

use serde::{Deserialize, Serialize};

/// The sectors a DEFACTUM panel draws its members from.
pub const PANEL_SECTORS: [&str; 5] = [
    "region",
    "municipality",
    "general_practice",
    "out_of_hours",
    "police",
];

/// One answer: a step of the scale, "cannot be assessed", or free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Step(i64),
    CannotAssess,
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub member: String,
    /// None for a question asked once per audit.
    pub case: Option<String>,
    pub question: String,
    pub value: Value,
    pub justification: String,
    /// The content hash of the case-file version the member was shown.
    pub content_hash: Option<String>,
}

/// Everything that happens in an audit. Stored in the audit's own stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum AuditEvent {
    AuditCreated {
        title: String,
        topic: String,
        stage1_reference: String,
        questionnaire: String,
        questionnaire_version: u32,
        /// The whole definition, so the audit replays with the questionnaire it was run with.
        definition: String,
        criteria: String,
    },
    MemberAdded {
        panel: String,
        member: String,
        sector: String,
        role: String,
    },
    CaseAssigned {
        panel: String,
        case: String,
        release_version: u32,
        content_hash: String,
    },
    ScoringOpened,
    AnswerSaved(Answer),
    AnswersSubmitted {
        member: String,
        case: Option<String>,
    },
    AnswerRevised(Answer),
    ScoresRevealed {
        panel: String,
    },
    MeetingNoted {
        panel: String,
        text: String,
    },
    ConsensusRecorded {
        panel: String,
        case: Option<String>,
        question: String,
        value: Value,
        note: String,
    },
    ThemeRecorded {
        panel: String,
        theme: String,
    },
    RecommendationAdded {
        number: u32,
        text: String,
        owners: Vec<String>,
    },
    AuditClosed,
}

/// What the audit refuses, and why.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum AuditError {
    #[error("the audit is not created yet")]
    NotCreated,
    #[error("the audit already exists")]
    AlreadyCreated,
    #[error("the audit is closed: nothing more is accepted")]
    Closed,
    #[error("{member} is not a member of panel {panel}")]
    NotAMember { member: String, panel: String },
    #[error("{member} is already a member of panel {panel}")]
    AlreadyMember { member: String, panel: String },
    #[error("there is no panel {panel}")]
    NoPanel { panel: String },
    #[error("case {case} is not assigned to a panel {member} sits on")]
    NotAssigned { case: String, member: String },
    #[error("case {case} is already assigned to panel {panel}")]
    AlreadyAssigned { case: String, panel: String },
    #[error("scoring is not open yet")]
    ScoringNotOpen,
    #[error("scoring is already open")]
    ScoringAlreadyOpen,
    #[error("the scores of panel {panel} are revealed: answers can no longer change")]
    Revealed { panel: String },
    #[error("the scores of panel {panel} are not revealed yet")]
    NotRevealed { panel: String },
    #[error("question {question} is not in questionnaire {questionnaire}")]
    NoSuchQuestion {
        question: String,
        questionnaire: String,
    },
    #[error("question {question} is asked {asked}: {what}")]
    WrongScope {
        question: String,
        asked: &'static str,
        what: &'static str,
    },
    #[error(
        "{value} is not on the scale of question {question} (steps {steps:?}, or cannot be assessed)"
    )]
    OffScale {
        question: String,
        value: String,
        steps: Vec<i64>,
    },
    #[error("question {question} takes {expected}")]
    WrongKind {
        question: String,
        expected: &'static str,
    },
    #[error("question {question} requires a justification")]
    JustificationRequired { question: String },
    #[error(
        "the answer was given for case-file version {found}, but the panel was given {expected}"
    )]
    WrongVersion { expected: String, found: String },
    #[error("{member} has already submitted case {case}: use a revision")]
    AlreadySubmitted { member: String, case: String },
    #[error("{member} has not submitted case {case} yet: save the answer instead")]
    NotSubmitted { member: String, case: String },
    #[error("{member} has no answer to submit for case {case}")]
    NothingToSubmit { member: String, case: String },
    #[error("{missing} of {member}'s answers for case {case} are missing: {questions:?}")]
    Incomplete {
        member: String,
        case: String,
        missing: usize,
        questions: Vec<String>,
    },
    #[error("recommendation {number} exists already; the next is {next}")]
    RecommendationNumber { number: u32, next: u32 },
    #[error("a recommendation needs at least one owner sector")]
    NoOwner,
}
