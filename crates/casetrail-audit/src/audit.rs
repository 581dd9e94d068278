//! An audit as events, and the rules every event must pass. `Audit::decide` checks a command
//! against the state and gives the event to append, or a refusal that says why; `Audit::apply`
//! folds an event into the state. Replaying the stored events rebuilds the same state.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::questionnaire::{QuestionKind, Questionnaire};

mod action_plan;
mod events;
mod panel;
mod readiness;
mod reassign;
mod revisions;
mod units;

pub use action_plan::{ActionPlan, MAX_FOLLOW_UP};
pub use events::{
    AUDIT_SCHEMA_VERSION, Answer, AuditError, AuditEvent, MAX_REASON, PANEL_SECTORS, PanelText,
    Value,
};
pub use panel::{Member, Panel};
pub use readiness::{Gap, Step};

/// The key of a current answer: member, case (None per audit), question.
type AnswerKey = (String, Option<String>, String);

/// The state of one audit, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Audit {
    /// Whether the audit was created (false only for an empty stream).
    pub created: bool,
    /// The audit's title.
    pub title: String,
    /// The questionnaire's id.
    pub questionnaire: String,
    /// Panels by name.
    pub panels: BTreeMap<String, Panel>,
    /// Whether members may answer.
    pub scoring_open: bool,
    /// Whether the audit is closed.
    pub closed: bool,
    /// Never serialised with the state: answers are read through `answers_visible_to`, which
    /// keeps scoring blind.
    #[serde(skip)]
    answers: BTreeMap<AnswerKey, Answer>,
    #[serde(skip)]
    submitted: BTreeSet<(String, Option<String>)>,
    /// Recommendations: number, text, owner sectors.
    pub recommendations: Vec<(u32, String, Vec<String>)>,
    /// The action plan's deadline and follow-up per recommendation number.
    pub action_plan: BTreeMap<u32, ActionPlan>,
    /// Guarded steps taken although something was missing, with the reason given, in order.
    pub overrides: Vec<(Step, String)>,
}

/// A step's reason as stored: trimmed, None when empty.
fn given(reason: &Option<String>) -> Option<&str> {
    reason.as_deref().map(str::trim).filter(|r| !r.is_empty())
}

/// The key two panel names are the same panel under: case and spacing left out.
fn panel_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Audit {
    /// The state after these events, in order (the events are checked as they were when stored).
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

    /// Refuses a guarded step that lacks something unless a reason is given.
    fn check_ready(
        &self,
        q: &Questionnaire,
        step: Step,
        reason: &Option<String>,
    ) -> Result<(), AuditError> {
        if let Some(r) = reason {
            let length = r.chars().count();
            if length > MAX_REASON {
                return Err(AuditError::ReasonTooLong { length });
            }
        }
        let gaps = self.gaps(q, &step);
        match (gaps.first(), given(reason)) {
            (Some(first), None) => Err(AuditError::NotReady {
                step: step.to_string(),
                count: gaps.len(),
                first: first.to_string(),
            }),
            _ => Ok(()),
        }
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
                if !self.panels.contains_key(p)
                    && let Some(existing) =
                        self.panels.keys().find(|k| panel_key(k) == panel_key(p))
                {
                    return Err(AuditError::PanelNameClash {
                        panel: p.clone(),
                        existing: existing.clone(),
                    });
                }
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
            CaseAssigned {
                panel: p,
                case,
                release_version,
                set_aside_submitted,
                ..
            } => {
                panel(p)?;
                self.check_assignment(p, case, *release_version, *set_aside_submitted)?;
            }
            ScoringOpened { reason } => {
                if self.scoring_open {
                    return Err(AuditError::ScoringAlreadyOpen);
                }
                self.check_ready(q, Step::Open, reason)?;
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
            ScoresRevealed { panel: p, reason } => {
                if panel(p)?.revealed {
                    return Err(AuditError::Revealed { panel: p.clone() });
                }
                self.check_ready(q, Step::Reveal { panel: p.clone() }, reason)?;
            }
            MeetingNoted { panel: p, .. }
            | ConsensusRecorded { panel: p, .. }
            | ThemeRecorded { panel: p, .. } => {
                if !panel(p)?.revealed {
                    return Err(AuditError::NotRevealed { panel: p.clone() });
                }
            }
            ActionPlanned {
                number,
                due,
                follow_up,
            } => self.check_plan(*number, due, follow_up)?,
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
            PanelTextRevised {
                panel, kind, index, ..
            } => self.check_revision(panel, *kind, *index)?,
            RecommendationRevised { number, owners, .. } => {
                if !self.recommendations.iter().any(|(n, _, _)| n == number) {
                    return Err(AuditError::NoRecommendation { number: *number });
                }
                if owners.is_empty() {
                    return Err(AuditError::NoOwner);
                }
            }
            AuditClosed { reason } => self.check_ready(q, Step::Close, reason)?,
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
                ..
            } => {
                self.set_aside_case(panel, case);
                self.panels
                    .entry(panel.clone())
                    .or_default()
                    .cases
                    .insert(case.clone(), (*release_version, content_hash.clone()));
            }
            ScoringOpened { reason } => {
                self.scoring_open = true;
                self.note_override(Step::Open, reason);
            }
            AnswerSaved(a) | AnswerRevised(a) => {
                self.answers.insert(
                    (a.member.clone(), a.case.clone(), a.question.clone()),
                    a.clone(),
                );
            }
            AnswersSubmitted { member, case } => {
                self.submitted.insert((member.clone(), case.clone()));
            }
            ScoresRevealed { panel, reason } => {
                if let Some(p) = self.panels.get_mut(panel) {
                    p.revealed = true;
                }
                self.note_override(
                    Step::Reveal {
                        panel: panel.clone(),
                    },
                    reason,
                );
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
            PanelTextRevised {
                panel,
                kind,
                index,
                text,
            } => self.apply_revision(panel, *kind, *index, text),
            RecommendationAdded {
                number,
                text,
                owners,
            } => self
                .recommendations
                .push((*number, text.clone(), owners.clone())),
            RecommendationRevised {
                number,
                text,
                owners,
            } => {
                if let Some(r) = self
                    .recommendations
                    .iter_mut()
                    .find(|(n, _, _)| n == number)
                {
                    r.1 = text.clone();
                    r.2 = owners.clone();
                }
            }
            ActionPlanned {
                number,
                due,
                follow_up,
            } => {
                let plan = ActionPlan {
                    due: due.as_deref().map(str::trim).map(str::to_owned),
                    follow_up: follow_up.trim().to_owned(),
                };
                self.action_plan.insert(*number, plan);
            }
            AuditClosed { reason } => {
                self.closed = true;
                self.note_override(Step::Close, reason);
            }
        }
    }

    fn note_override(&mut self, step: Step, reason: &Option<String>) {
        if let Some(r) = given(reason) {
            self.overrides.push((step, r.to_owned()));
        }
    }
}

#[cfg(test)]
mod guard_tests;
#[cfg(test)]
mod tests;
