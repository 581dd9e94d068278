//! What an audit is made of: the sectors a panel draws from, answers and their values, the
//! audit's events, and the refusals a rule gives.

use super::action_plan::MAX_FOLLOW_UP;
use serde::{Deserialize, Serialize};

/// The sectors a DEFACTUM panel draws its members from.
pub const PANEL_SECTORS: [&str; 5] = [
    "region",
    "municipality",
    "general_practice",
    "out_of_hours",
    "police",
];

/// The longest reason a guarded step keeps, in characters.
pub const MAX_REASON: usize = 2000;

/// The schema version audit events are written with. Version 1 wrote `ScoringOpened` and
/// `AuditClosed` without data (no reason could be given then); [`AuditEvent::decode`] reads both.
pub const AUDIT_SCHEMA_VERSION: u32 = 2;

/// One answer: a step of the scale, "cannot be assessed", or free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// A step of the question's scale (1 to 5 in the DEFACTUM questionnaire).
    Step(i64),
    /// "Kan ikke vurderes": the material does not allow an assessment.
    CannotAssess,
    /// The answer to a free-text question.
    Text(String),
}

/// One member's answer to one question, with the reason the member gives for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The panel member (user name) who answers.
    pub member: String,
    /// None for a question asked once per audit.
    pub case: Option<String>,
    /// The question's id in the questionnaire.
    pub question: String,
    /// The answer itself.
    pub value: Value,
    /// The member's reason for the answer (required where the question says so).
    pub justification: String,
    /// The content hash of the case-file version the member was shown.
    pub content_hash: Option<String>,
}

/// Everything that happens in an audit. Stored in the audit's own stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum AuditEvent {
    /// The audit is set up; always the stream's first event.
    AuditCreated {
        /// The audit's title as the report shows it.
        title: String,
        /// The topic the audit looks into (for example short readmissions).
        topic: String,
        /// Which stage-1 analysis the cases were selected from.
        stage1_reference: String,
        /// The questionnaire's id.
        questionnaire: String,
        /// The questionnaire's version.
        questionnaire_version: u32,
        /// The whole definition, so the audit replays with the questionnaire it was run with.
        definition: String,
        /// The inclusion criteria the cases were picked by, in words.
        criteria: String,
    },
    /// A member joins a panel.
    MemberAdded {
        /// The panel joined.
        panel: String,
        /// The member's user name.
        member: String,
        /// The sector the member speaks for (one of [`PANEL_SECTORS`]).
        sector: String,
        /// The member's professional role, in the member's own words.
        role: String,
    },
    /// A released case-file version is given to a panel to score.
    CaseAssigned {
        /// The panel that scores the case.
        panel: String,
        /// The case's pseudonymous id.
        case: String,
        /// The release version the panel is given.
        release_version: u32,
        /// The content hash of that version, so an answer names what it was given for.
        content_hash: String,
        /// A newer version given to a panel whose members have submitted for the case sets
        /// their submissions aside: the facilitator says so, or the assignment is refused.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        set_aside_submitted: bool,
    },
    /// Members may now answer; set-up is over.
    ScoringOpened {
        /// Why the facilitator went ahead although something was missing (see
        /// [`Audit::gaps`](crate::audit::Audit::gaps)); None when nothing was.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A member saves an answer before submitting (may be replaced until submitted).
    AnswerSaved(Answer),
    /// A member hands in every answer for a case (or the audit-wide questions).
    AnswersSubmitted {
        /// The member who submits.
        member: String,
        /// The case submitted; None for the audit-wide questions.
        case: Option<String>,
    },
    /// A member changes a submitted answer before the scores are revealed.
    AnswerRevised(Answer),
    /// The panel's answers are shown to the panel; no answer changes after this.
    ScoresRevealed {
        /// The panel whose answers are revealed.
        panel: String,
        /// Why the facilitator revealed before every answer was in; None when all were.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The facilitator's minutes of a panel meeting.
    MeetingNoted {
        /// The panel that met.
        panel: String,
        /// What was noted.
        text: String,
    },
    /// The panel's agreed answer to one question, after the meeting.
    ConsensusRecorded {
        /// The panel that agreed.
        panel: String,
        /// The case; None for an audit-wide question.
        case: Option<String>,
        /// The question's id.
        question: String,
        /// The agreed answer.
        value: Value,
        /// Why the panel agreed on it.
        note: String,
    },
    /// A theme the panel found across its cases.
    ThemeRecorded {
        /// The panel that found the theme.
        panel: String,
        /// The theme, in words.
        theme: String,
    },
    /// A theme or meeting note of a panel, worded anew: the earlier wording stays in the log,
    /// the state holds the new one in its place.
    PanelTextRevised {
        /// The panel.
        panel: String,
        /// Which list the text is in.
        kind: PanelText,
        /// Its place in that list, from 0.
        index: u32,
        /// The new wording.
        text: String,
    },
    /// A numbered recommendation with the sectors that own it.
    RecommendationAdded {
        /// The recommendation's number: one more than the last.
        number: u32,
        /// The recommendation, in words.
        text: String,
        /// The sectors that are to act on it.
        owners: Vec<String>,
    },
    /// A recommendation worded anew, or given other owners: it keeps its number and its place,
    /// the earlier wording stays in the log.
    RecommendationRevised {
        /// The recommendation's number.
        number: u32,
        /// The new wording.
        text: String,
        /// The sectors that are to act on it now.
        owners: Vec<String>,
    },
    /// The action plan's columns for a recommendation: by when, and how it is followed up.
    /// Recorded again to change them; the last one stands.
    ActionPlanned {
        /// The recommendation's number.
        number: u32,
        /// The deadline, `YYYY-MM-DD`; None for none yet.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<String>,
        /// Who follows up, when and how, in words.
        follow_up: String,
    },
    /// The audit is finished; nothing more is accepted.
    AuditClosed {
        /// Why the facilitator closed with consensus or recommendations missing; None when
        /// nothing was.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

/// What the audit refuses, and why.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum AuditError {
    /// An event came before the audit was created.
    #[error("the audit is not created yet")]
    NotCreated,
    /// A second creation of the same audit.
    #[error("the audit already exists")]
    AlreadyCreated,
    /// Anything after the close.
    #[error("the audit is closed: nothing more is accepted")]
    Closed,
    /// The user does not sit on the panel named.
    #[error("{member} is not a member of panel {panel}")]
    NotAMember {
        /// The user who acted.
        member: String,
        /// The panel named.
        panel: String,
    },
    /// The user sits on the panel already.
    #[error("{member} is already a member of panel {panel}")]
    AlreadyMember {
        /// The user added again.
        member: String,
        /// The panel.
        panel: String,
    },
    /// The panel has no members, so it does not exist.
    #[error("there is no panel {panel}")]
    NoPanel {
        /// The panel named.
        panel: String,
    },
    /// The member answers a case none of the member's panels was given.
    #[error("case {case} is not assigned to a panel {member} sits on")]
    NotAssigned {
        /// The case answered.
        case: String,
        /// The member who answered.
        member: String,
    },
    /// The case went to this panel already.
    #[error("case {case} is already assigned to panel {panel}")]
    AlreadyAssigned {
        /// The case.
        case: String,
        /// The panel that has it.
        panel: String,
    },
    /// An answer before scoring was opened.
    #[error("scoring is not open yet")]
    ScoringNotOpen,
    /// Scoring was opened a second time.
    #[error("scoring is already open")]
    ScoringAlreadyOpen,
    /// An answer after the panel's scores were revealed.
    #[error("the scores of panel {panel} are revealed: answers can no longer change")]
    Revealed {
        /// The revealed panel.
        panel: String,
    },
    /// A consensus or reveal step that needs the scores revealed first.
    #[error("the scores of panel {panel} are not revealed yet")]
    NotRevealed {
        /// The panel.
        panel: String,
    },
    /// The question id is not in the audit's questionnaire.
    #[error("question {question} is not in questionnaire {questionnaire}")]
    NoSuchQuestion {
        /// The question id given.
        question: String,
        /// The audit's questionnaire.
        questionnaire: String,
    },
    /// A per-case question answered for the audit, or the other way round.
    #[error("question {question} is asked {asked}: {what}")]
    WrongScope {
        /// The question id.
        question: String,
        /// How the question is asked ("per case" or "once per audit").
        asked: &'static str,
        /// What was wrong with the answer's case.
        what: &'static str,
    },
    /// A step outside the question's scale.
    #[error(
        "{value} is not on the scale of question {question} (steps {steps:?}, or cannot be assessed)"
    )]
    OffScale {
        /// The question id.
        question: String,
        /// The value given.
        value: String,
        /// The steps the scale has.
        steps: Vec<i64>,
    },
    /// Text for a scale question, or a step for a text question.
    #[error("question {question} takes {expected}")]
    WrongKind {
        /// The question id.
        question: String,
        /// What the question takes.
        expected: &'static str,
    },
    /// The question requires a justification and none was given.
    #[error("question {question} requires a justification")]
    JustificationRequired {
        /// The question id.
        question: String,
    },
    /// The answer names another case-file version than the panel was given.
    #[error(
        "the answer was given for case-file version {found}, but the panel was given {expected}"
    )]
    WrongVersion {
        /// The content hash the panel was given.
        expected: String,
        /// The content hash the answer names.
        found: String,
    },
    /// A save or second submit after the submission.
    #[error("{member} has already submitted case {case}: use a revision")]
    AlreadySubmitted {
        /// The member.
        member: String,
        /// The case.
        case: String,
    },
    /// A revision before the submission.
    #[error("{member} has not submitted case {case} yet: save the answer instead")]
    NotSubmitted {
        /// The member.
        member: String,
        /// The case.
        case: String,
    },
    /// A submit without a single saved answer.
    #[error("{member} has no answer to submit for case {case}")]
    NothingToSubmit {
        /// The member.
        member: String,
        /// The case.
        case: String,
    },
    /// A submit with required questions unanswered.
    #[error("{missing} of {member}'s answers for case {case} are missing: {questions:?}")]
    Incomplete {
        /// The member.
        member: String,
        /// The case.
        case: String,
        /// How many answers are missing.
        missing: usize,
        /// The ids of the unanswered questions.
        questions: Vec<String>,
    },
    /// The panel has this case at the version given, or a newer one, already.
    #[error(
        "case {case} is assigned at version {assigned} already; only a newer version replaces it (given {given})"
    )]
    NotNewer {
        /// The case.
        case: String,
        /// The version the panel has.
        assigned: u32,
        /// The version given.
        given: u32,
    },
    /// A newer version would set aside answers members have submitted, and the assignment
    /// does not say it may.
    #[error(
        "giving panel {panel} the newer version of case {case} sets aside {submitted} submitted answer sheet(s); confirm that they are set aside"
    )]
    WouldSetAside {
        /// The case.
        case: String,
        /// The panel.
        panel: String,
        /// How many members have submitted for the case.
        submitted: usize,
    },
    /// An action plan for a recommendation the audit does not have.
    #[error("there is no recommendation {number}")]
    NoRecommendation {
        /// The number given.
        number: u32,
    },
    /// A deadline that is no date.
    #[error("{value:?} is no date (YYYY-MM-DD)")]
    NotADate {
        /// What was given.
        value: String,
    },
    /// A revision of a theme or note the panel does not have.
    #[error("panel {panel} has no {kind:?} number {index}")]
    NoSuchText {
        /// The panel.
        panel: String,
        /// Which list.
        kind: PanelText,
        /// The place asked for, from 0.
        index: u32,
    },
    /// A follow-up text past the bound.
    #[error("the follow-up is {length} characters; at most {MAX_FOLLOW_UP} are kept")]
    FollowUpTooLong {
        /// Its length in characters.
        length: usize,
    },
    /// Recommendations are numbered without gaps.
    #[error("recommendation {number} exists already; the next is {next}")]
    RecommendationNumber {
        /// The number given.
        number: u32,
        /// The number the next recommendation must have.
        next: u32,
    },
    /// A recommendation names no sector to act on it.
    #[error("a recommendation needs at least one owner sector")]
    NoOwner,
    /// A guarded step with something missing, and no reason given for going ahead.
    #[error(
        "cannot {step} yet: {count} thing(s) missing, the first: {first}; give a reason to go ahead anyway"
    )]
    NotReady {
        /// The step, in words.
        step: String,
        /// How many gaps there are.
        count: usize,
        /// The first gap, in words.
        first: String,
    },
    /// A reason longer than [`MAX_REASON`] characters.
    #[error("the reason is {length} characters; at most {MAX_REASON} are kept")]
    ReasonTooLong {
        /// Its length in characters.
        length: usize,
    },
    /// A new panel name that differs from an existing one only in case or spaces.
    #[error("panel {panel:?} would be a second panel beside {existing:?}: choose {existing:?}")]
    PanelNameClash {
        /// The name given.
        panel: String,
        /// The panel that exists.
        existing: String,
    },
}

/// The texts of a panel that can be worded anew.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelText {
    /// A theme the panel found.
    Theme,
    /// A note of the meeting.
    Note,
}

impl AuditEvent {
    /// Reads a stored audit event of schema version 1 or 2.
    pub fn decode(schema_version: u32, payload: &[u8]) -> Result<AuditEvent, serde_json::Error> {
        if schema_version < AUDIT_SCHEMA_VERSION {
            let mut value: serde_json::Value = serde_json::from_slice(payload)?;
            if let Some(object) = value.as_object_mut() {
                let unit = matches!(
                    object.get("type").and_then(|t| t.as_str()),
                    Some("ScoringOpened" | "AuditClosed")
                );
                if unit && !object.contains_key("data") {
                    object.insert("data".into(), serde_json::json!({}));
                }
            }
            return serde_json::from_value(value);
        }
        serde_json::from_slice(payload)
    }
}
