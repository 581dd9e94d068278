//! An audit as events, and the rules every event must pass. `Audit::decide` checks a command
//! against the state and gives the event to append, or a refusal that says why; `Audit::apply`
//! folds an event into the state. Replaying the stored events rebuilds the same state.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::questionnaire::{QuestionKind, Questionnaire};

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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Member {
    pub sector: String,
    pub role: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Panel {
    pub members: BTreeMap<String, Member>,
    /// Case → (release version, content hash).
    pub cases: BTreeMap<String, (u32, String)>,
    pub revealed: bool,
    pub notes: Vec<String>,
    pub themes: Vec<String>,
    pub consensus: Vec<(Option<String>, String, Value, String)>,
}

impl Panel {
    /// Sectors of the method with no member on this panel.
    pub fn missing_sectors(&self) -> Vec<&'static str> {
        PANEL_SECTORS
            .iter()
            .copied()
            .filter(|s| !self.members.values().any(|m| m.sector == *s))
            .collect()
    }
}

/// The key of a current answer: member, case (None per audit), question.
type AnswerKey = (String, Option<String>, String);

/// The state of one audit, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Audit {
    pub created: bool,
    pub title: String,
    pub questionnaire: String,
    pub panels: BTreeMap<String, Panel>,
    pub scoring_open: bool,
    pub closed: bool,
    /// Never serialised with the state: answers are read through `answers_visible_to`, which
    /// keeps scoring blind.
    #[serde(skip)]
    answers: BTreeMap<AnswerKey, Answer>,
    #[serde(skip)]
    submitted: BTreeSet<(String, Option<String>)>,
    pub recommendations: Vec<(u32, String, Vec<String>)>,
}

impl Audit {
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a AuditEvent>) -> Audit {
        let mut audit = Audit::default();
        for e in events {
            audit.apply(e);
        }
        audit
    }

    fn panel_of_member_case(&self, member: &str, case: &str) -> Option<(&String, &Panel)> {
        self.panels
            .iter()
            .find(|(_, p)| p.members.contains_key(member) && p.cases.contains_key(case))
    }

    fn panels_of(&self, member: &str) -> impl Iterator<Item = (&String, &Panel)> {
        self.panels
            .iter()
            .filter(move |(_, p)| p.members.contains_key(member))
    }

    /// Whether `member` has submitted `case` (None: the per-audit questions).
    pub fn has_submitted(&self, member: &str, case: Option<&str>) -> bool {
        self.submitted
            .contains(&(member.to_owned(), case.map(str::to_owned)))
    }

    /// The answers `viewer` may read. Before a panel's reveal, a member reads only their own;
    /// the facilitator (viewer None) reads none of them, only who has submitted.
    pub fn answers_visible_to(&self, viewer: Option<&str>) -> Vec<&Answer> {
        self.answers
            .values()
            .filter(|a| {
                let revealed = self.panels_of(&a.member).any(|(_, p)| p.revealed);
                revealed || viewer == Some(a.member.as_str())
            })
            .collect()
    }

    /// Who has submitted which case: what the facilitator sees before the reveal.
    pub fn submissions(&self) -> Vec<(String, Option<String>)> {
        self.submitted.iter().cloned().collect()
    }

    fn check_answer(&self, q: &Questionnaire, a: &Answer) -> Result<(), AuditError> {
        let question = q
            .question(&a.question)
            .ok_or_else(|| AuditError::NoSuchQuestion {
                question: a.question.clone(),
                questionnaire: q.id.clone(),
            })?;
        let per_case = question.asked == crate::questionnaire::Asked::PerCase;
        match (&a.case, per_case) {
            (None, true) => {
                return Err(AuditError::WrongScope {
                    question: a.question.clone(),
                    asked: "per case",
                    what: "name the case",
                });
            }
            (Some(_), false) => {
                return Err(AuditError::WrongScope {
                    question: a.question.clone(),
                    asked: "once per audit",
                    what: "give no case",
                });
            }
            _ => {}
        }
        let panel = match &a.case {
            Some(case) => {
                let (name, panel) =
                    self.panel_of_member_case(&a.member, case).ok_or_else(|| {
                        AuditError::NotAssigned {
                            case: case.clone(),
                            member: a.member.clone(),
                        }
                    })?;
                let expected = &panel.cases[case].1;
                if a.content_hash.as_deref() != Some(expected.as_str()) {
                    return Err(AuditError::WrongVersion {
                        expected: expected.clone(),
                        found: a.content_hash.clone().unwrap_or_else(|| "none".into()),
                    });
                }
                (name, panel)
            }
            None => self
                .panels_of(&a.member)
                .next()
                .ok_or_else(|| AuditError::NotAMember {
                    member: a.member.clone(),
                    panel: "any".into(),
                })?,
        };
        if panel.1.revealed {
            return Err(AuditError::Revealed {
                panel: panel.0.clone(),
            });
        }
        match (&question.kind, &a.value) {
            (QuestionKind::Rating { scale }, Value::Step(v)) => {
                let scale = q
                    .scale(scale)
                    .expect("checked when the questionnaire was read");
                if !scale.steps.iter().any(|s| s.value == *v) {
                    return Err(AuditError::OffScale {
                        question: a.question.clone(),
                        value: v.to_string(),
                        steps: scale.steps.iter().map(|s| s.value).collect(),
                    });
                }
            }
            (QuestionKind::Rating { .. }, Value::CannotAssess) => {}
            (QuestionKind::Rating { .. }, Value::Text(_)) => {
                return Err(AuditError::WrongKind {
                    question: a.question.clone(),
                    expected: "a step of its scale or cannot-assess",
                });
            }
            (QuestionKind::FreeText, Value::Text(_)) => {}
            (QuestionKind::FreeText, _) => {
                return Err(AuditError::WrongKind {
                    question: a.question.clone(),
                    expected: "free text",
                });
            }
        }
        if question.justification_required && a.justification.trim().is_empty() {
            return Err(AuditError::JustificationRequired {
                question: a.question.clone(),
            });
        }
        Ok(())
    }

    /// Checks `event` against the rules; Ok means it may be appended.
    pub fn decide(&self, q: &Questionnaire, event: &AuditEvent) -> Result<(), AuditError> {
        use AuditEvent::*;
        if let AuditCreated { .. } = event {
            return if self.created {
                Err(AuditError::AlreadyCreated)
            } else {
                Ok(())
            };
        }
        if !self.created {
            return Err(AuditError::NotCreated);
        }
        if self.closed {
            return Err(AuditError::Closed);
        }
        let panel = |name: &str| {
            self.panels.get(name).ok_or_else(|| AuditError::NoPanel {
                panel: name.to_owned(),
            })
        };
        match event {
            AuditCreated { .. } => unreachable!("handled above"),
            MemberAdded {
                panel: p, member, ..
            } => {
                if self
                    .panels
                    .get(p)
                    .is_some_and(|x| x.members.contains_key(member))
                {
                    return Err(AuditError::AlreadyMember {
                        member: member.clone(),
                        panel: p.clone(),
                    });
                }
            }
            CaseAssigned { panel: p, case, .. } => {
                panel(p)?;
                if let Some((other, _)) =
                    self.panels.iter().find(|(_, x)| x.cases.contains_key(case))
                {
                    return Err(AuditError::AlreadyAssigned {
                        case: case.clone(),
                        panel: other.clone(),
                    });
                }
            }
            ScoringOpened => {
                if self.scoring_open {
                    return Err(AuditError::ScoringAlreadyOpen);
                }
            }
            AnswerSaved(a) | AnswerRevised(a) => {
                if !self.scoring_open {
                    return Err(AuditError::ScoringNotOpen);
                }
                self.check_answer(q, a)?;
                let submitted = self.has_submitted(&a.member, a.case.as_deref());
                let case = a.case.clone().unwrap_or_else(|| "(per audit)".into());
                match (event, submitted) {
                    (AnswerSaved(_), true) => {
                        return Err(AuditError::AlreadySubmitted {
                            member: a.member.clone(),
                            case,
                        });
                    }
                    (AnswerRevised(_), false) => {
                        return Err(AuditError::NotSubmitted {
                            member: a.member.clone(),
                            case,
                        });
                    }
                    _ => {}
                }
            }
            AnswersSubmitted { member, case } => {
                if !self.scoring_open {
                    return Err(AuditError::ScoringNotOpen);
                }
                let label = case.clone().unwrap_or_else(|| "(per audit)".into());
                if self.has_submitted(member, case.as_deref()) {
                    return Err(AuditError::AlreadySubmitted {
                        member: member.clone(),
                        case: label,
                    });
                }
                let wanted: Vec<&str> = q
                    .questions
                    .iter()
                    .filter(|x| (x.asked == crate::questionnaire::Asked::PerCase) == case.is_some())
                    .map(|x| x.id.as_str())
                    .collect();
                let missing: Vec<String> = wanted
                    .iter()
                    .filter(|qid| {
                        !self.answers.contains_key(&(
                            member.clone(),
                            case.clone(),
                            (**qid).to_owned(),
                        ))
                    })
                    .map(|s| (*s).to_owned())
                    .collect();
                if missing.len() == wanted.len() {
                    return Err(AuditError::NothingToSubmit {
                        member: member.clone(),
                        case: label,
                    });
                }
                if !missing.is_empty() {
                    return Err(AuditError::Incomplete {
                        member: member.clone(),
                        case: label,
                        missing: missing.len(),
                        questions: missing,
                    });
                }
            }
            ScoresRevealed { panel: p } => {
                if panel(p)?.revealed {
                    return Err(AuditError::Revealed { panel: p.clone() });
                }
            }
            MeetingNoted { panel: p, .. }
            | ConsensusRecorded { panel: p, .. }
            | ThemeRecorded { panel: p, .. } => {
                if !panel(p)?.revealed {
                    return Err(AuditError::NotRevealed { panel: p.clone() });
                }
            }
            RecommendationAdded { number, owners, .. } => {
                let next = self.recommendations.len() as u32 + 1;
                if *number != next {
                    return Err(AuditError::RecommendationNumber {
                        number: *number,
                        next,
                    });
                }
                if owners.is_empty() {
                    return Err(AuditError::NoOwner);
                }
            }
            AuditClosed => {}
        }
        Ok(())
    }

    /// Folds an event that `decide` accepted.
    pub fn apply(&mut self, event: &AuditEvent) {
        use AuditEvent::*;
        match event {
            AuditCreated {
                title,
                questionnaire,
                ..
            } => {
                self.created = true;
                self.title = title.clone();
                self.questionnaire = questionnaire.clone();
            }
            MemberAdded {
                panel,
                member,
                sector,
                role,
            } => {
                self.panels
                    .entry(panel.clone())
                    .or_default()
                    .members
                    .insert(
                        member.clone(),
                        Member {
                            sector: sector.clone(),
                            role: role.clone(),
                        },
                    );
            }
            CaseAssigned {
                panel,
                case,
                release_version,
                content_hash,
            } => {
                self.panels
                    .entry(panel.clone())
                    .or_default()
                    .cases
                    .insert(case.clone(), (*release_version, content_hash.clone()));
            }
            ScoringOpened => self.scoring_open = true,
            AnswerSaved(a) | AnswerRevised(a) => {
                self.answers.insert(
                    (a.member.clone(), a.case.clone(), a.question.clone()),
                    a.clone(),
                );
            }
            AnswersSubmitted { member, case } => {
                self.submitted.insert((member.clone(), case.clone()));
            }
            ScoresRevealed { panel } => {
                if let Some(p) = self.panels.get_mut(panel) {
                    p.revealed = true;
                }
            }
            MeetingNoted { panel, text } => {
                if let Some(p) = self.panels.get_mut(panel) {
                    p.notes.push(text.clone());
                }
            }
            ConsensusRecorded {
                panel,
                case,
                question,
                value,
                note,
            } => {
                if let Some(p) = self.panels.get_mut(panel) {
                    p.consensus
                        .push((case.clone(), question.clone(), value.clone(), note.clone()));
                }
            }
            ThemeRecorded { panel, theme } => {
                if let Some(p) = self.panels.get_mut(panel) {
                    p.themes.push(theme.clone());
                }
            }
            RecommendationAdded {
                number,
                text,
                owners,
            } => self
                .recommendations
                .push((*number, text.clone(), owners.clone())),
            AuditClosed => self.closed = true,
        }
    }

    /// The ratings of one revealed case as units (the rated questions) × raters (its panel's
    /// members): agreement per case.
    pub fn case_units(&self, case: &str, questions: &[&str]) -> Vec<Vec<Option<f64>>> {
        let Some(panel) = self
            .panels
            .values()
            .find(|p| p.revealed && p.cases.contains_key(case))
        else {
            return Vec::new();
        };
        questions
            .iter()
            .map(|q| {
                panel
                    .members
                    .keys()
                    .map(|m| self.submitted_step(m, case, q))
                    .collect()
            })
            .collect()
    }

    fn submitted_step(&self, member: &str, case: &str, question: &str) -> Option<f64> {
        let key = (
            member.to_owned(),
            Some(case.to_owned()),
            question.to_owned(),
        );
        match self.answers.get(&key).map(|a| &a.value) {
            Some(Value::Step(v)) if self.has_submitted(member, Some(case)) => Some(*v as f64),
            _ => None,
        }
    }

    /// The ratings of one question as units (cases) × raters (members), for alpha. "Cannot be
    /// assessed" and unanswered are missing. Only revealed panels count.
    pub fn rating_units(&self, question: &str) -> Vec<Vec<Option<f64>>> {
        let mut out = Vec::new();
        for panel in self.panels.values().filter(|p| p.revealed) {
            for case in panel.cases.keys() {
                out.push(
                    panel
                        .members
                        .keys()
                        .map(|m| self.submitted_step(m, case, question))
                        .collect(),
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::parse_questionnaire;

    fn q() -> Questionnaire {
        parse_questionnaire(include_str!(
            "../../../fixtures/questionnaires/defactum-2019.questionnaire"
        ))
        .unwrap()
    }

    fn run(audit: &mut Audit, q: &Questionnaire, e: AuditEvent) -> Result<(), AuditError> {
        audit.decide(q, &e)?;
        audit.apply(&e);
        Ok(())
    }

    fn answer(member: &str, question: &str, value: Value, why: &str) -> Answer {
        Answer {
            member: member.into(),
            case: Some("SAG-A".into()),
            question: question.into(),
            value,
            justification: why.into(),
            content_hash: Some("h1".into()),
        }
    }

    fn open_audit() -> (Audit, Questionnaire) {
        let q = q();
        let mut a = Audit::default();
        use AuditEvent::*;
        let setup = [
            AuditCreated {
                title: "Audit".into(),
                topic: "Hyppige korte indlæggelser".into(),
                stage1_reference: "stage1 2017".into(),
                questionnaire: q.id.clone(),
                questionnaire_version: q.version,
                definition: String::new(),
                criteria: "F20/F60".into(),
            },
            MemberAdded {
                panel: "P1".into(),
                member: "m1".into(),
                sector: "region".into(),
                role: "overlæge".into(),
            },
            MemberAdded {
                panel: "P1".into(),
                member: "m2".into(),
                sector: "police".into(),
                role: "betjent".into(),
            },
            MemberAdded {
                panel: "P2".into(),
                member: "m3".into(),
                sector: "municipality".into(),
                role: "sagsbehandler".into(),
            },
            CaseAssigned {
                panel: "P1".into(),
                case: "SAG-A".into(),
                release_version: 1,
                content_hash: "h1".into(),
            },
            ScoringOpened,
        ];
        for e in setup {
            run(&mut a, &q, e).unwrap();
        }
        (a, q)
    }

    fn full(a: &mut Audit, q: &Questionnaire, member: &str, step: i64) {
        for question in ["efforts", "collaboration", "involvement"] {
            run(
                a,
                q,
                AuditEvent::AnswerSaved(answer(member, question, Value::Step(step), "side 3")),
            )
            .unwrap();
        }
        run(
            a,
            q,
            AuditEvent::AnswersSubmitted {
                member: member.into(),
                case: Some("SAG-A".into()),
            },
        )
        .unwrap();
    }

    #[test]
    fn each_rule_refuses_with_its_reason() {
        let (mut a, q) = open_audit();
        let save = |m: &str, question: &str, v: Value, why: &str| {
            AuditEvent::AnswerSaved(answer(m, question, v, why))
        };
        let refused = |a: &Audit, e: AuditEvent| a.decide(&q, &e).unwrap_err().to_string();
        assert_eq!(
            refused(&a, save("m3", "efforts", Value::Step(3), "x")),
            "case SAG-A is not assigned to a panel m3 sits on"
        );
        assert!(
            refused(&a, save("m1", "efforts", Value::Step(7), "x")).contains("not on the scale")
        );
        assert_eq!(
            refused(&a, save("m1", "efforts", Value::Step(3), "  ")),
            "question efforts requires a justification"
        );
        assert!(
            refused(&a, save("m1", "efforts", Value::Text("god".into()), "x"))
                .contains("takes a step")
        );
        assert!(
            refused(&a, save("m1", "nonsense", Value::Step(3), "x"))
                .contains("not in questionnaire")
        );
        let mut stale = answer("m1", "efforts", Value::Step(3), "x");
        stale.content_hash = Some("old".into());
        assert!(refused(&a, AuditEvent::AnswerSaved(stale)).contains("version old"));
        let submit = AuditEvent::AnswersSubmitted {
            member: "m1".into(),
            case: Some("SAG-A".into()),
        };
        assert!(refused(&a, submit.clone()).contains("no answer to submit"));
        run(
            &mut a,
            &q,
            save("m1", "efforts", Value::CannotAssess, "uklart"),
        )
        .unwrap();
        assert!(refused(&a, submit.clone()).contains("2 of m1's answers"));
        run(&mut a, &q, save("m1", "collaboration", Value::Step(2), "x")).unwrap();
        run(&mut a, &q, save("m1", "involvement", Value::Step(4), "x")).unwrap();
        run(&mut a, &q, submit.clone()).unwrap();
        assert!(refused(&a, save("m1", "efforts", Value::Step(3), "x")).contains("use a revision"));
        run(
            &mut a,
            &q,
            AuditEvent::AnswerRevised(answer("m1", "efforts", Value::Step(3), "ny vurdering")),
        )
        .unwrap();
        full(&mut a, &q, "m2", 2);
        run(
            &mut a,
            &q,
            AuditEvent::ScoresRevealed { panel: "P1".into() },
        )
        .unwrap();
        assert!(
            refused(
                &a,
                AuditEvent::AnswerRevised(answer("m1", "efforts", Value::Step(1), "x"))
            )
            .contains("revealed")
        );
        assert!(
            refused(
                &a,
                AuditEvent::ThemeRecorded {
                    panel: "P2".into(),
                    theme: "t".into()
                }
            )
            .contains("not revealed")
        );
        assert!(
            refused(
                &a,
                AuditEvent::RecommendationAdded {
                    number: 2,
                    text: "r".into(),
                    owners: vec!["region".into()]
                }
            )
            .contains("the next is 1")
        );
        run(&mut a, &q, AuditEvent::AuditClosed).unwrap();
        assert_eq!(
            refused(&a, AuditEvent::ScoresRevealed { panel: "P2".into() }),
            "the audit is closed: nothing more is accepted"
        );
    }

    #[test]
    fn blind_until_the_reveal() {
        let (mut a, q) = open_audit();
        full(&mut a, &q, "m1", 4);
        run(
            &mut a,
            &q,
            AuditEvent::AnswerSaved(answer("m2", "efforts", Value::Step(2), "x")),
        )
        .unwrap();
        let own = a.answers_visible_to(Some("m2"));
        assert!(own.iter().all(|x| x.member == "m2") && own.len() == 1);
        assert!(
            a.answers_visible_to(Some("m1"))
                .iter()
                .all(|x| x.member == "m1")
        );
        assert!(
            a.answers_visible_to(None).is_empty(),
            "the facilitator sees no answers"
        );
        assert_eq!(
            a.submissions(),
            [("m1".to_string(), Some("SAG-A".to_string()))]
        );
        assert_eq!(a.rating_units("efforts"), Vec::<Vec<Option<f64>>>::new());
        run(
            &mut a,
            &q,
            AuditEvent::ScoresRevealed { panel: "P1".into() },
        )
        .unwrap();
        assert_eq!(a.answers_visible_to(None).len(), 4);
        // m2 never submitted: their draft is not a score.
        assert_eq!(a.rating_units("efforts"), [vec![Some(4.0), None]]);
    }

    #[test]
    fn panels_show_which_sectors_they_lack_and_replay_gives_the_same_state() {
        let (a, q) = open_audit();
        assert_eq!(
            a.panels["P1"].missing_sectors(),
            ["municipality", "general_practice", "out_of_hours"]
        );
        // Record a whole small audit, store it as JSON, read it back and replay it.
        let (mut live, _) = open_audit();
        let mut log: Vec<AuditEvent> = Vec::new();
        let mut step = |audit: &mut Audit, e: AuditEvent| {
            audit.decide(&q, &e).unwrap();
            audit.apply(&e);
            log.push(e);
        };
        for question in ["efforts", "collaboration", "involvement"] {
            step(
                &mut live,
                AuditEvent::AnswerSaved(answer("m1", question, Value::Step(3), "x")),
            );
        }
        step(
            &mut live,
            AuditEvent::AnswersSubmitted {
                member: "m1".into(),
                case: Some("SAG-A".into()),
            },
        );
        step(&mut live, AuditEvent::ScoresRevealed { panel: "P1".into() });
        step(
            &mut live,
            AuditEvent::RecommendationAdded {
                number: 1,
                text: "Fælles kriseplan".into(),
                owners: vec!["region".into(), "municipality".into()],
            },
        );
        step(&mut live, AuditEvent::AuditClosed);
        let stored: Vec<String> = log
            .iter()
            .map(|e| serde_json::to_string(e).unwrap())
            .collect();
        let read: Vec<AuditEvent> = stored
            .iter()
            .map(|j| serde_json::from_str(j).unwrap())
            .collect();
        let (mut replayed, _) = open_audit();
        for e in &read {
            replayed.apply(e);
        }
        assert_eq!(replayed, live);
        assert!(replayed.closed);
        assert_eq!(
            stored[4],
            r#"{"type":"ScoresRevealed","data":{"panel":"P1"}}"#
        );
    }
}
