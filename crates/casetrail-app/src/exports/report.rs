//! What the audit report says, gathered through the façade: the audit's aims and method, its
//! panels and cases (as pseudonyms, with their diagnosis group and pathway in figures), the
//! questionnaire, the revealed results per question with anonymised quotes, consensus,
//! recommendations, and the ledger head the report was made at. The web crate lays it out.

use casetrail_anon::PseudonymKey;
use casetrail_audit::audit::Value;
use casetrail_audit::questionnaire::QuestionKind;
use casetrail_ledger::{Direction, StreamVersion};

use crate::core::error::{AppError, AuditError};

use crate::core::workbench::Workbench;

#[derive(Debug, Clone)]
pub struct ReportCase {
    pub pseudonym: String,
    pub panel: String,
    pub diagnosis_group: String,
    pub stays: usize,
    pub readmissions: usize,
    pub contacts: usize,
    pub days: i64,
}

#[derive(Debug, Clone)]
pub struct Quote {
    pub sector: String,
    pub value: String,
    pub text: String,
    /// The panel theme it shares the most words with (`casetrail_audit::themes`), if any.
    pub theme: Option<String>,
}

#[derive(Debug, Clone)]
pub struct QuestionResult {
    pub id: String,
    pub text: String,
    /// (label, count) per scale step, then cannot-assess.
    pub distribution: Vec<(String, u64)>,
    pub alpha: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub quotes: Vec<Quote>,
}

#[derive(Debug, Clone)]
pub struct AuditReport {
    pub audit: String,
    pub title: String,
    pub topic: String,
    pub criteria: String,
    /// Who created the audit, as the log recorded it.
    pub facilitator: String,
    pub created_at_micros: i64,
    pub closed: bool,
    /// Per panel: (sector, members) in the method's order.
    pub panels: Vec<(String, Vec<(String, usize)>)>,
    /// Per panel: (panel, case submissions made, submissions expected = members × cases).
    pub response: Vec<(String, usize, usize)>,
    pub cases: Vec<ReportCase>,
    pub questionnaire: String,
    pub scale: Vec<String>,
    pub questions: Vec<QuestionResult>,
    /// (panel, case pseudonym, question, value, note)
    pub consensus: Vec<(String, String, String, String, String)>,
    pub themes: Vec<(String, String)>,
    pub recommendations: Vec<(u32, String, Vec<String>)>,
    /// The action plan per recommendation number: deadline (`YYYY-MM-DD` or empty) and
    /// follow-up, redacted like every text of the report.
    pub action_plan: std::collections::BTreeMap<u32, (String, String)>,
    pub head_position: Option<u64>,
    pub head_hash: Option<String>,
}

impl Workbench {
    /// The report of an audit. Results come only from revealed panels.
    pub fn audit_report(&self, audit: &str, key: &PseudonymKey) -> Result<AuditReport, AppError> {
        let status = self.audit_status(audit, None)?;
        let q = self.audit_questionnaire(audit)?;
        let state = &status.state;
        let first = self
            .ledger()
            .read_stream(
                &casetrail_ledger::StreamId::new(format!("audit-{audit}"))?,
                StreamVersion(0),
                Direction::Forward,
            )
            .next()
            .transpose()?
            .ok_or_else(|| AuditError::NoAudit {
                audit: audit.to_owned(),
            })?;
        let (topic, criteria) = match serde_json::from_slice(&first.payload) {
            Ok(casetrail_audit::audit::AuditEvent::AuditCreated {
                topic, criteria, ..
            }) => (topic, criteria),
            _ => Default::default(),
        };
        let pseudonym = |case: &str| key.case_pseudonym(case);
        let clean = |text: &str| crate::redact_text(text, &[], Some(key), None);
        let mut cases = Vec::new();
        for (panel_name, panel) in &state.panels {
            for (case, (version, _)) in &panel.cases {
                let t = self.released(case, *version, key)?.timeline;
                let group = t
                    .stays
                    .iter()
                    .find_map(|s| s.main_diagnosis.clone())
                    .map(|d| match d.get(..4) {
                        Some("DF20") => "F20".to_owned(),
                        Some("DF60") => "F60".to_owned(),
                        _ => "other".to_owned(),
                    })
                    .unwrap_or_else(|| "other".into());
                let (lo, hi) = t
                    .stays
                    .iter()
                    .map(|s| s.start.day)
                    .chain(t.contacts.iter().map(|c| c.start.day))
                    .fold((i64::MAX, i64::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
                cases.push(ReportCase {
                    pseudonym: pseudonym(case),
                    panel: panel_name.clone(),
                    diagnosis_group: group,
                    stays: t.stays.len(),
                    readmissions: t.stays.iter().filter(|s| s.readmission).count(),
                    contacts: t.contacts.len(),
                    days: if lo <= hi { hi - lo + 1 } else { 0 },
                });
            }
        }
        let scale = q.scales.first();
        let label = |v: &Value| match (v, scale) {
            (Value::Step(n), Some(s)) => s
                .steps
                .iter()
                .find(|st| st.value == *n)
                .map(|st| format!("{n} – {}", st.label.da))
                .unwrap_or_else(|| n.to_string()),
            (Value::CannotAssess, Some(s)) => s.missing.da.clone(),
            (Value::Text(t), _) => t.clone(),
            (v, None) => format!("{v:?}"),
        };
        let sector_of = |member: &str| {
            state
                .panels
                .values()
                .find_map(|p| p.members.get(member))
                .map(|m| m.sector.clone())
                .unwrap_or_default()
        };
        let mut questions: Vec<QuestionResult> = q
            .questions
            .iter()
            .filter(|x| matches!(x.kind, QuestionKind::Rating { .. }))
            .map(|question| {
                let answers: Vec<_> = status
                    .answers
                    .iter()
                    .filter(|a| a.question == question.id)
                    .collect();
                let mut distribution: Vec<(String, u64)> = scale
                    .map(|s| {
                        s.steps
                            .iter()
                            .map(|st| {
                                let n = answers
                                    .iter()
                                    .filter(|a| a.value == Value::Step(st.value))
                                    .count() as u64;
                                (label(&Value::Step(st.value)), n)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                distribution.push((
                    label(&Value::CannotAssess),
                    answers
                        .iter()
                        .filter(|a| a.value == Value::CannotAssess)
                        .count() as u64,
                ));
                let agreement = status.agreement.iter().find(|x| x.of == question.id);
                QuestionResult {
                    id: question.id.clone(),
                    text: question.text.da.clone(),
                    distribution,
                    alpha: agreement.and_then(|x| x.agreement.alpha),
                    interval: agreement.and_then(|x| x.interval),
                    quotes: answers
                        .iter()
                        .filter(|a| !a.justification.trim().is_empty())
                        .map(|a| Quote {
                            sector: sector_of(&a.member),
                            value: label(&a.value),
                            text: clean(&a.justification),
                            theme: None,
                        })
                        .collect(),
                }
            })
            .collect();
        let themes: Vec<String> = state
            .panels
            .values()
            .flat_map(|p| p.themes.iter().map(|t| clean(t)))
            .collect();
        let theme_refs: Vec<&str> = themes.iter().map(String::as_str).collect();
        for q in &mut questions {
            let texts: Vec<&str> = q.quotes.iter().map(|x| x.text.as_str()).collect();
            let assigned = casetrail_audit::themes::assign_to_themes(&theme_refs, &texts);
            for (quote, theme) in q.quotes.iter_mut().zip(assigned) {
                quote.theme = theme.map(|i| themes[i].clone());
            }
        }
        let head = self.head();
        Ok(AuditReport {
            audit: audit.to_owned(),
            title: clean(&state.title),
            topic: clean(&topic),
            criteria: clean(&criteria),
            facilitator: first.actor.as_str().to_owned(),
            created_at_micros: first.recorded_at.0,
            closed: state.closed,
            panels: state
                .panels
                .iter()
                .map(|(name, p)| {
                    let make_up = casetrail_audit::audit::PANEL_SECTORS
                        .iter()
                        .map(|s| {
                            (
                                (*s).to_owned(),
                                p.members.values().filter(|m| m.sector == *s).count(),
                            )
                        })
                        .collect();
                    (name.clone(), make_up)
                })
                .collect(),
            response: state
                .panels
                .iter()
                .map(|(name, p)| {
                    let made = status
                        .submissions
                        .iter()
                        .filter(|(m, c)| {
                            p.members.contains_key(m)
                                && c.as_ref().is_some_and(|c| p.cases.contains_key(c))
                        })
                        .count();
                    (name.clone(), made, p.members.len() * p.cases.len())
                })
                .collect(),
            cases,
            questionnaire: format!("{} (version {})", q.title.da, q.version),
            scale: scale
                .map(|s| {
                    let mut v: Vec<String> = s
                        .steps
                        .iter()
                        .map(|st| label(&Value::Step(st.value)))
                        .collect();
                    v.push(s.missing.da.clone());
                    v
                })
                .unwrap_or_default(),
            questions,
            consensus: state
                .panels
                .iter()
                .flat_map(|(p, x)| {
                    x.consensus.iter().map(move |(case, question, v, note)| {
                        (
                            p.clone(),
                            case.clone(),
                            question.clone(),
                            v.clone(),
                            note.clone(),
                        )
                    })
                })
                .map(|(p, case, question, v, note)| {
                    (
                        p,
                        case.as_deref().map(pseudonym).unwrap_or_default(),
                        question,
                        label(&v),
                        clean(&note),
                    )
                })
                .collect(),
            themes: state
                .panels
                .iter()
                .flat_map(|(p, x)| x.themes.iter().map(move |t| (p.clone(), t.clone())))
                .map(|(p, t)| (p, clean(&t)))
                .collect(),
            recommendations: state
                .recommendations
                .iter()
                .map(|(n, t, owners)| (*n, clean(t), owners.clone()))
                .collect(),
            action_plan: state
                .action_plan
                .iter()
                .map(|(n, plan)| {
                    let due = plan.due.clone().unwrap_or_default();
                    (*n, (due, clean(&plan.follow_up)))
                })
                .collect(),
            head_position: head.map(|h| h.position.0),
            head_hash: head.map(|h| h.hash.to_hex()),
        })
    }
}
