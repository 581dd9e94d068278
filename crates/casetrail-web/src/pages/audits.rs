//! The facilitator's audits: the overview, one audit with its panels, scoring progress and
//! (after a panel's reveal) the meeting view, and every form that moves an audit on. Each
//! form is one audit event, checked by the audit's rules before it is appended.

use std::collections::BTreeMap;

use casetrail_app::{
    Answer, AuditStatus, DEFACTUM_2019, NewAudit, Question, QuestionKind, Questionnaire, Role,
    Value,
};
use serde::{Deserialize, Serialize};
use warp::{Rejection, Reply};

use crate::ctx::{Chrome, Ctx, render_page, see_other};
use crate::i18n::{Lang, text};
use crate::routes::{Base, FACILITATOR, Route, RouteDoc, boxed, form, get, post};
use crate::views::{alpha_text, interval_text, question_text, sector_name, value_text};
use casetrail_report::charts::{BarChart, bar_chart, percent};
use warp::Filter;

mod actions;
mod progress;

use actions::ACTIONS;
pub use actions::act;

/// GET /audits: facilitator.
pub const LIST: RouteDoc = RouteDoc::get("/audits", FACILITATOR, "the audits overview");
/// POST /audits: facilitator, CSRF.
pub const CREATE: RouteDoc = RouteDoc::post("/audits", FACILITATOR, "a new audit");
/// GET /audits/{audit}: facilitator.
pub const SHOW: RouteDoc = RouteDoc::get(
    "/audits/{audit}",
    FACILITATOR,
    "an audit: panels, progress, the meeting view",
);
/// POST /audits/{audit}: facilitator, CSRF.
pub const ACT: RouteDoc = RouteDoc::post(
    "/audits/{audit}",
    FACILITATOR,
    "moving an audit on: members, assign, open, reveal, note, consensus, theme, recommend, close",
);

pub const ROUTES: &[&RouteDoc] = &[&LIST, &CREATE, &SHOW, &ACT];

pub fn routes(b: &Base) -> Vec<Route> {
    vec![
        boxed(
            warp::path!("audits")
                .and(get())
                .and(b.guard(&LIST))
                .and_then(list),
        ),
        boxed(
            warp::path!("audits")
                .and(post())
                .and(b.guard(&CREATE))
                .and(form())
                .and_then(create),
        ),
        boxed(
            warp::path!("audits" / String)
                .and(get())
                .and(b.guard(&SHOW))
                .and(warp::query())
                .and_then(|a, c, q| show(c, a, q)),
        ),
        boxed(
            warp::path!("audits" / String)
                .and(post())
                .and(b.guard(&ACT))
                .and(form())
                .and_then(|a, c, f| act(c, a, f)),
        ),
    ]
}

#[derive(Debug, Serialize)]
struct AuditsPage {
    #[serde(flatten)]
    chrome: Chrome,
    audits: Vec<AuditRow>,
}

/// One line of the audits overview.
#[derive(Debug, Serialize)]
struct AuditRow {
    audit: String,
    title: String,
    panels: usize,
    cases: usize,
    scoring_open: bool,
    revealed_panels: usize,
    closed: bool,
}

impl From<casetrail_app::AuditSummary> for AuditRow {
    fn from(s: casetrail_app::AuditSummary) -> Self {
        AuditRow {
            audit: s.audit,
            title: s.title,
            panels: s.panels,
            cases: s.cases,
            scoring_open: s.scoring_open,
            revealed_panels: s.revealed_panels,
            closed: s.closed,
        }
    }
}

pub async fn list(ctx: Ctx) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.session()?;
    let audits = ctx.blocking(|wb| wb.audits()).await?;
    render_page(
        "audits",
        &AuditsPage {
            chrome: ctx.chrome(session),
            audits: audits.into_iter().map(AuditRow::from).collect(),
        },
    )
}

/// Every field defaults, so who may send the form is checked before what it holds.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CreateForm {
    csrf: String,
    id: String,
    title: String,
    topic: String,
    criteria: String,
}

pub async fn create(ctx: Ctx, form: CreateForm) -> Result<Box<dyn Reply>, Rejection> {
    let by = ctx.check_csrf(&form.csrf)?.user.clone();
    let id = form.id.trim().to_owned();
    let target = format!("/audits/{id}");
    ctx.blocking(move |wb| {
        wb.create_audit(
            &id,
            NewAudit {
                title: form.title.trim().to_owned(),
                topic: form.topic.trim().to_owned(),
                stage1_reference: String::new(),
                criteria: form.criteria.trim().to_owned(),
            },
            DEFACTUM_2019,
            &by,
        )
    })
    .await?;
    Ok(see_other(target))
}

#[derive(Debug, Serialize)]
struct MemberRow {
    member: String,
    sector: String,
    role: String,
    submitted: usize,
}

#[derive(Debug, Serialize)]
struct CaseRow {
    case: String,
    release: u32,
    /// The newest released version, when it is newer than the panel's.
    newer: Option<u32>,
    hash: String,
    submitted: usize,
}

#[derive(Debug, Serialize)]
struct AnswerCell {
    member: String,
    sector: String,
    value: String,
    justification: String,
}

#[derive(Debug, Serialize)]
struct CaseAnswers {
    case: String,
    answers: Vec<AnswerCell>,
    consensus: Option<String>,
}

#[derive(Debug, Serialize)]
struct QuestionMeeting {
    id: String,
    text: String,
    alpha: String,
    interval: String,
    chart: BarChart,
    cases: Vec<CaseAnswers>,
}

#[derive(Debug, Serialize)]
struct PanelView {
    name: String,
    members: Vec<MemberRow>,
    missing: Vec<String>,
    cases: Vec<CaseRow>,
    expected: usize,
    submitted: usize,
    progress: String,
    revealed: bool,
    meeting: Vec<QuestionMeeting>,
    notes: Vec<String>,
    themes: Vec<String>,
    matrix: progress::Matrix,
}

#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Debug, Serialize)]
struct AuditPage {
    #[serde(flatten)]
    chrome: Chrome,
    audit: String,
    title: String,
    scoring_open: bool,
    closed: bool,
    panels: Vec<PanelView>,
    recommendations: Vec<(u32, String, String)>,
    next_recommendation: u32,
    sectors: Vec<Choice>,
    panel_members: Vec<String>,
    released_cases: Vec<(String, u32)>,
    scale: Vec<Choice>,
    rated: Vec<Choice>,
    export_files: Vec<crate::views::ExportLink>,
    /// Guarded steps taken although something was missing, with their reasons.
    overrides: Vec<String>,
    /// The confirmation line after an action: the action done, if it is one of the page's.
    done: Option<&'static str>,
}

/// What the audit page is asked with: the action just done, to confirm it in words.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    done: String,
}

fn rated(q: &Questionnaire) -> Vec<&Question> {
    q.questions
        .iter()
        .filter(|x| matches!(x.kind, QuestionKind::Rating { .. }))
        .collect()
}

fn meeting(
    lang: Lang,
    q: &Questionnaire,
    status: &AuditStatus,
    (name, panel): (&str, &casetrail_app::Panel),
) -> Vec<QuestionMeeting> {
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
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            for a in &of_question {
                *counts
                    .entry(value_text(lang, q, &question.id, &a.value))
                    .or_default() += 1;
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
                            let shown = format!("{n} ({})", percent(n, total));
                            (label, n, shown)
                        })
                        .collect(),
                ),
                cases: panel
                    .cases
                    .keys()
                    .map(|case| CaseAnswers {
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
                        consensus: panel
                            .consensus
                            .iter()
                            .rev()
                            .find(|(c, qid, _, _)| {
                                c.as_deref() == Some(case) && *qid == question.id
                            })
                            .map(|(_, _, v, note)| {
                                format!("{} – {note}", value_text(lang, q, &question.id, v))
                            }),
                    })
                    .collect(),
            }
        })
        .collect()
}

pub async fn show(ctx: Ctx, audit: String, query: ShowQuery) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.session()?;
    let id = audit.clone();
    let (status, q, users, released) = ctx
        .blocking(move |wb| {
            let status = wb.audit_status(&id, None)?;
            let q = wb.audit_questionnaire(&id)?;
            let users: Vec<String> = wb
                .users()?
                .into_iter()
                .filter(|u| u.role == Role::PanelMember && !u.disabled)
                .map(|u| u.name)
                .collect();
            let released = wb.released_cases()?;
            Ok((status, q, users, released))
        })
        .await?;
    let lang = ctx.lang;
    let state = &status.state;
    let audit_wide = q
        .questions
        .iter()
        .any(|x| x.asked == casetrail_app::Asked::PerAudit);
    let panels = state
        .panels
        .iter()
        .map(|(name, p)| {
            let submitted_by = |m: &str| {
                status
                    .submissions
                    .iter()
                    .filter(|(who, case)| who == m && case.is_some())
                    .filter(|(_, case)| p.cases.contains_key(case.as_deref().unwrap_or("")))
                    .count()
            };
            let expected = p.members.len() * p.cases.len();
            let submitted: usize = p.members.keys().map(|m| submitted_by(m)).sum();
            PanelView {
                name: name.clone(),
                members: p
                    .members
                    .iter()
                    .map(|(m, info)| MemberRow {
                        member: m.clone(),
                        sector: sector_name(lang, &info.sector),
                        role: info.role.clone(),
                        submitted: submitted_by(m),
                    })
                    .collect(),
                missing: p
                    .missing_sectors()
                    .iter()
                    .map(|s| sector_name(lang, s))
                    .collect(),
                cases: p
                    .cases
                    .iter()
                    .map(|(case, (release, hash))| CaseRow {
                        case: case.clone(),
                        release: *release,
                        newer: released
                            .iter()
                            .find(|(c, _)| c == case)
                            .map(|(_, latest)| *latest)
                            .filter(|latest| latest > release),
                        hash: hash.chars().take(12).collect(),
                        submitted: status
                            .submissions
                            .iter()
                            .filter(|(m, c)| {
                                c.as_deref() == Some(case) && p.members.contains_key(m)
                            })
                            .count(),
                    })
                    .collect(),
                expected,
                submitted,
                progress: percent(submitted as u64, expected as u64),
                revealed: p.revealed,
                meeting: if p.revealed {
                    meeting(lang, &q, &status, (name, p))
                } else {
                    Vec::new()
                },
                notes: p.notes.clone(),
                themes: p.themes.clone(),
                matrix: progress::matrix(lang, &status, p, audit_wide),
            }
        })
        .collect();
    let scale = rated(&q)
        .first()
        .and_then(|x| match &x.kind {
            QuestionKind::Rating { scale } => q.scale(scale),
            QuestionKind::FreeText => None,
        })
        .map(|s| {
            let mut v: Vec<Choice> = s
                .steps
                .iter()
                .map(|st| Choice {
                    value: st.value.to_string(),
                    label: value_text(lang, &q, &rated(&q)[0].id, &Value::Step(st.value)),
                })
                .collect();
            v.push(Choice {
                value: "cannot_assess".into(),
                label: value_text(lang, &q, &rated(&q)[0].id, &Value::CannotAssess),
            });
            v
        })
        .unwrap_or_default();
    render_page(
        "audit",
        &AuditPage {
            chrome: ctx.chrome(session),
            audit,
            title: state.title.clone(),
            scoring_open: state.scoring_open,
            closed: state.closed,
            export_files: crate::views::export_links(lang),
            panels,
            recommendations: state
                .recommendations
                .iter()
                .map(|(n, t, owners)| {
                    (
                        *n,
                        t.clone(),
                        owners
                            .iter()
                            .map(|o| sector_name(lang, o))
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                })
                .collect(),
            next_recommendation: state.recommendations.len() as u32 + 1,
            sectors: casetrail_app::PANEL_SECTORS
                .iter()
                .map(|s| Choice {
                    value: (*s).to_owned(),
                    label: sector_name(lang, s),
                })
                .collect(),
            panel_members: users,
            released_cases: released,
            scale,
            rated: rated(&q)
                .into_iter()
                .map(|x| Choice {
                    value: x.id.clone(),
                    label: question_text(lang, x),
                })
                .collect(),
            overrides: progress::overrides(lang, &state.overrides),
            done: ACTIONS
                .iter()
                .any(|(a, _)| *a == query.done)
                .then(|| text(lang, "done_saved")),
        },
    )
}
