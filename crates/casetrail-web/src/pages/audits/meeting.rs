//! The meeting view of a revealed panel: per rated question its distribution, agreement and
//! every case's answers side by side, with the consensus recorded (shown in place, and the
//! form to record or correct it preset to it).

use casetrail_app::{Answer, AuditStatus, Question, QuestionKind, Questionnaire, Value};
use serde::Serialize;

use crate::i18n::{Lang, text};
use crate::views::{alpha_text, interval_text, percent, question_text, sector_name, value_text};
use casetrail_report::charts::{BarChart, bar_chart};

#[derive(Debug, Serialize)]
pub(super) struct AnswerCell {
    member: String,
    sector: String,
    value: String,
    justification: String,
}

/// One step of the consensus form's list; the recorded one is preselected.
#[derive(Debug, Serialize)]
pub(super) struct ConsensusOption {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Debug, Serialize)]
pub(super) struct CaseAnswers {
    case: String,
    answers: Vec<AnswerCell>,
    /// The consensus recorded last, in words.
    consensus: Option<String>,
    /// The form to record it, preset to what is recorded, so a correction starts from it.
    options: Vec<ConsensusOption>,
    note: String,
    /// The note as entered in a refused form.
    refused: Option<String>,
}

/// The consensus form's steps for `question`, with `current` selected.
fn options(
    lang: Lang,
    q: &Questionnaire,
    question: &str,
    current: Option<&Value>,
) -> Vec<ConsensusOption> {
    let steps: Vec<Value> = q
        .question(question)
        .and_then(|x| match &x.kind {
            QuestionKind::Rating { scale } => q.scale(scale),
            QuestionKind::FreeText => None,
        })
        .map(|s| s.steps.iter().map(|st| Value::Step(st.value)).collect())
        .unwrap_or_default();
    steps
        .into_iter()
        .chain([Value::CannotAssess])
        .map(|v| ConsensusOption {
            value: match &v {
                Value::Step(n) => n.to_string(),
                _ => "cannot_assess".into(),
            },
            label: value_text(lang, q, question, &v),
            selected: current == Some(&v),
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub(super) struct QuestionMeeting {
    id: String,
    text: String,
    alpha: String,
    interval: String,
    chart: BarChart,
    cases: Vec<CaseAnswers>,
}

/// Agreement over one case's rated questions: how far the panel agreed on that case.
#[derive(Debug, Serialize)]
pub(super) struct CaseAgreement {
    case: String,
    alpha: String,
    interval: String,
}

/// The panel's cases with their agreement, in the panel's order.
pub(super) fn per_case(
    lang: Lang,
    status: &AuditStatus,
    panel: &casetrail_app::Panel,
) -> Vec<CaseAgreement> {
    panel
        .cases
        .keys()
        .map(|case| {
            let of = status.agreement_per_case.iter().find(|a| &a.of == case);
            CaseAgreement {
                case: case.clone(),
                alpha: of.map_or_else(
                    || text(lang, "not_computed").to_owned(),
                    |a| alpha_text(lang, &a.agreement),
                ),
                interval: of
                    .and_then(|a| interval_text(lang, a))
                    .unwrap_or_else(|| text(lang, "not_computed").to_owned()),
            }
        })
        .collect()
}

pub(super) fn rated(q: &Questionnaire) -> Vec<&Question> {
    q.questions
        .iter()
        .filter(|x| matches!(x.kind, QuestionKind::Rating { .. }))
        .collect()
}

pub(super) fn meeting(
    lang: Lang,
    q: &Questionnaire,
    status: &AuditStatus,
    (name, panel): (&str, &casetrail_app::Panel),
    refused: Option<&super::Refused>,
) -> Vec<QuestionMeeting> {
    // A refused consensus form shows its note as entered.
    let entered = |case: &str, question: &str| {
        refused
            .filter(|r| r.action == "consensus" && r.panel.trim() == name)
            .filter(|r| r.case.trim() == case && r.question == question)
            .map(|r| r.text.clone())
    };
    let of_panel = status
        .agreement_per_panel
        .iter()
        .find(|(p, _)| p == name)
        .map(|(_, a)| a.as_slice())
        .unwrap_or_default();
    let answers: Vec<&Answer> = status
        .answers
        .iter()
        .filter(|a| panel.members.contains_key(&a.member))
        .collect();
    rated(q)
        .into_iter()
        .map(|question| {
            let of_question: Vec<&&Answer> = answers
                .iter()
                .filter(|a| a.question == question.id)
                .collect();
            // Every step of the scale, in its order, also those nobody chose: the chart then
            // shows the same steps as the report.
            let mut counts: Vec<(String, u64)> = options(lang, q, &question.id, None)
                .into_iter()
                .map(|o| (o.label, 0))
                .collect();
            for a in &of_question {
                let label = value_text(lang, q, &question.id, &a.value);
                match counts.iter_mut().find(|(l, _)| *l == label) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((label, 1)),
                }
            }
            let total = of_question.len() as u64;
            let agreement = of_panel.iter().find(|x| x.of == question.id);
            QuestionMeeting {
                id: question.id.clone(),
                text: question_text(lang, question),
                alpha: agreement
                    .map(|x| alpha_text(lang, &x.agreement))
                    .unwrap_or_else(|| text(lang, "not_computed").to_owned()),
                interval: agreement
                    .and_then(|x| interval_text(lang, x))
                    .unwrap_or_else(|| text(lang, "not_computed").to_owned()),
                chart: bar_chart(
                    "distribution",
                    question_text(lang, question),
                    counts
                        .into_iter()
                        .map(|(label, n)| {
                            let shown = format!("{n} ({})", percent(lang, n, total));
                            (label, n, shown)
                        })
                        .collect(),
                ),
                cases: panel
                    .cases
                    .keys()
                    .map(|case| {
                        let recorded = panel.consensus.iter().rev().find(|(c, qid, _, _)| {
                            c.as_deref() == Some(case) && *qid == question.id
                        });
                        CaseAnswers {
                            case: case.clone(),
                            answers: of_question
                                .iter()
                                .filter(|a| a.case.as_deref() == Some(case))
                                .map(|a| AnswerCell {
                                    member: a.member.clone(),
                                    sector: panel
                                        .members
                                        .get(&a.member)
                                        .map(|m| sector_name(lang, &m.sector))
                                        .unwrap_or_default(),
                                    value: value_text(lang, q, &question.id, &a.value),
                                    justification: a.justification.clone(),
                                })
                                .collect(),
                            consensus: recorded.map(|(_, _, v, note)| {
                                format!("{} – {note}", value_text(lang, q, &question.id, v))
                            }),
                            options: options(lang, q, &question.id, recorded.map(|r| &r.2)),
                            note: recorded.map(|r| r.3.clone()).unwrap_or_default(),
                            refused: entered(case, &question.id),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}
