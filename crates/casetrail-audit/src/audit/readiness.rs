//! What a guarded step still lacks. Opening scoring, revealing a panel and closing the audit
//! cannot be undone, so each lists its gaps first: a facilitator who goes ahead anyway gives a
//! reason, and the reason is stored in the step's event.

use serde::Serialize;

use super::{Audit, PANEL_SECTORS};
use crate::questionnaire::{Asked, QuestionKind, Questionnaire};

/// A step that cannot be undone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Open scoring: set-up ends for every panel.
    Open,
    /// Reveal one panel's answers to it: no answer of the panel changes after this.
    Reveal {
        /// The panel.
        panel: String,
    },
    /// Close the audit: nothing more is accepted.
    Close,
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Open => f.write_str("open scoring"),
            Step::Reveal { panel } => write!(f, "reveal panel {panel}"),
            Step::Close => f.write_str("close the audit"),
        }
    }
}

/// One thing a step still lacks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "gap", rename_all = "snake_case")]
pub enum Gap {
    /// The audit has no panel at all.
    NoPanels,
    /// A panel with no case to score.
    NoCases {
        /// The panel.
        panel: String,
    },
    /// A sector of the method with no member on a panel.
    SectorMissing {
        /// The panel.
        panel: String,
        /// The sector's code (one of [`PANEL_SECTORS`]).
        sector: &'static str,
    },
    /// A member who has not submitted a case (None: the questions asked once per audit).
    NotSubmitted {
        /// The panel.
        panel: String,
        /// The member.
        member: String,
        /// The case.
        case: Option<String>,
    },
    /// A panel whose answers are not revealed, so it has not met.
    NotRevealed {
        /// The panel.
        panel: String,
    },
    /// A rated question of a case with no consensus recorded.
    ConsensusMissing {
        /// The panel.
        panel: String,
        /// The case.
        case: String,
        /// The question's id.
        question: String,
    },
    /// No recommendation recorded.
    NoRecommendations,
}

impl std::fmt::Display for Gap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Gap::NoPanels => f.write_str("the audit has no panel"),
            Gap::NoCases { panel } => write!(f, "panel {panel} has no case"),
            Gap::SectorMissing { panel, sector } => {
                write!(f, "panel {panel} has no member from {sector}")
            }
            Gap::NotSubmitted {
                panel,
                member,
                case: Some(case),
            } => write!(f, "{member} (panel {panel}) has not submitted case {case}"),
            Gap::NotSubmitted {
                panel,
                member,
                case: None,
            } => write!(
                f,
                "{member} (panel {panel}) has not submitted the audit-wide questions"
            ),
            Gap::NotRevealed { panel } => write!(f, "panel {panel} is not revealed"),
            Gap::ConsensusMissing {
                panel,
                case,
                question,
            } => write!(
                f,
                "panel {panel} has no consensus on {question} for case {case}"
            ),
            Gap::NoRecommendations => f.write_str("no recommendation is recorded"),
        }
    }
}

impl Audit {
    /// What `step` still lacks, in a stable order; empty when nothing does. A panel that does
    /// not exist has no gaps: the step itself is refused for it.
    pub fn gaps(&self, q: &Questionnaire, step: &Step) -> Vec<Gap> {
        let mut out = Vec::new();
        match step {
            Step::Open => {
                if self.panels.is_empty() {
                    out.push(Gap::NoPanels);
                }
                for (name, panel) in &self.panels {
                    if panel.cases.is_empty() {
                        out.push(Gap::NoCases {
                            panel: name.clone(),
                        });
                    }
                    for sector in PANEL_SECTORS {
                        if !panel.members.values().any(|m| m.sector == sector) {
                            out.push(Gap::SectorMissing {
                                panel: name.clone(),
                                sector,
                            });
                        }
                    }
                }
            }
            Step::Reveal { panel: name } => {
                let Some(panel) = self.panels.get(name) else {
                    return out;
                };
                let per_audit = q.questions.iter().any(|x| x.asked == Asked::PerAudit);
                for member in panel.members.keys() {
                    for case in panel.cases.keys() {
                        if !self.has_submitted(member, Some(case)) {
                            out.push(Gap::NotSubmitted {
                                panel: name.clone(),
                                member: member.clone(),
                                case: Some(case.clone()),
                            });
                        }
                    }
                    if per_audit && !self.has_submitted(member, None) {
                        out.push(Gap::NotSubmitted {
                            panel: name.clone(),
                            member: member.clone(),
                            case: None,
                        });
                    }
                }
            }
            Step::Close => {
                let rated: Vec<&str> = q
                    .questions
                    .iter()
                    .filter(|x| x.asked == Asked::PerCase)
                    .filter(|x| matches!(x.kind, QuestionKind::Rating { .. }))
                    .map(|x| x.id.as_str())
                    .collect();
                for (name, panel) in &self.panels {
                    if !panel.revealed {
                        out.push(Gap::NotRevealed {
                            panel: name.clone(),
                        });
                        continue;
                    }
                    for case in panel.cases.keys() {
                        for question in &rated {
                            let agreed = panel.consensus.iter().any(|(c, qid, _, _)| {
                                c.as_deref() == Some(case) && qid == question
                            });
                            if !agreed {
                                out.push(Gap::ConsensusMissing {
                                    panel: name.clone(),
                                    case: case.clone(),
                                    question: (*question).to_owned(),
                                });
                            }
                        }
                    }
                }
                if self.recommendations.is_empty() {
                    out.push(Gap::NoRecommendations);
                }
            }
        }
        out
    }
}
