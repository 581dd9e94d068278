//! The panel member's workbench: their cases, the anonymised timeline of a released case
//! (LifeLines chart, the details list and the redacted material, filterable by source), and
//! the questionnaire with save-draft and submit. A member opens only cases assigned to a panel
//! they sit on, always the released version bound to its content hash, and every view is an
//! access event in the log before the page is sent.

use std::collections::BTreeMap;
use std::sync::Arc;

use casetrail_app::{
    Answer, AuditEvent, HashedTimeline, MemberCase, QuestionKind, Questionnaire, Value, Viewed,
};
use serde::{Deserialize, Serialize};
use warp::{Rejection, Reply};

use crate::bounds;
use crate::ctx::{Chrome, Ctx, render_page, see_other, server_error};
use crate::i18n::Lang;
use crate::lifelines::{Window, extent};
use crate::routes::{Base, MEMBER, Route, RouteDoc, boxed, form, get, post};
use crate::views::{parse_value, question_text, sector_name, value_text};
use warp::Filter;

mod timeline;

/// GET /my: panel member.
pub const MY_CASES: RouteDoc =
    RouteDoc::get("/my", MEMBER, "the member's cases and per-audit questions");
/// POST /my/{audit}: panel member, CSRF.
pub const AUDIT_ANSWERS: RouteDoc = RouteDoc::post(
    "/my/{audit}",
    MEMBER,
    "per-audit answers: save a draft, submit",
);
/// GET /my/{audit}/{case}: panel member of the case's panel, by its pseudonym (an access event).
pub const CASE: RouteDoc = RouteDoc::get(
    "/my/{audit}/{case}",
    MEMBER,
    "a released case of the member's panel, by its pseudonym (403 for another panel's, or a patient id); an access event",
);
/// POST /my/{audit}/{case}: panel member of the case's panel, CSRF.
pub const ANSWERS: RouteDoc = RouteDoc::post(
    "/my/{audit}/{case}",
    MEMBER,
    "a case's answers: save a draft, submit",
);

pub const ROUTES: &[&RouteDoc] = &[&MY_CASES, &AUDIT_ANSWERS, &CASE, &ANSWERS];

pub fn routes(b: &Base) -> Vec<Route> {
    vec![
        boxed(
            warp::path!("my")
                .and(get())
                .and(b.guard(&MY_CASES))
                .and(warp::query())
                .and_then(my_cases),
        ),
        boxed(
            warp::path!("my" / String)
                .and(post())
                .and(b.guard(&AUDIT_ANSWERS))
                .and(form())
                .and_then(|a, c, f| save_audit_answers(c, a, f)),
        ),
        boxed(
            warp::path!("my" / String / String)
                .and(get())
                .and(b.guard(&CASE))
                .and(warp::query())
                .and_then(|a, case, c, q| case_page(c, a, case, q)),
        ),
        boxed(
            warp::path!("my" / String / String)
                .and(post())
                .and(b.guard(&ANSWERS))
                .and(form())
                .and_then(|a, case, c, f| save_answers(c, a, case, f)),
        ),
    ]
}

/// Days shown when a case opens: long pathways open on their first months.
const DEFAULT_SPAN: i64 = 120;

#[derive(Debug, Serialize)]
struct TextQuestion {
    id: String,
    text: String,
    answer: String,
}

/// The questions asked once per audit (not per case), on the member's start page.
#[derive(Debug, Serialize)]
struct AuditQuestions {
    audit: String,
    title: String,
    submitted: bool,
    closed: bool,
    questions: Vec<TextQuestion>,
}

#[derive(Debug, Serialize)]
struct MyPage {
    #[serde(flatten)]
    chrome: Chrome,
    cases: Vec<CaseRow>,
    audits: Vec<AuditQuestions>,
    saved: bool,
}

/// A case on the member's list: named by its pseudonym only (the patient id stays out of
/// the page altogether, not merely unshown).
#[derive(Debug, Serialize)]
struct CaseRow {
    audit: String,
    audit_title: String,
    panel: String,
    pseudonym: String,
    release_version: u32,
    submitted: bool,
    revealed: bool,
}

impl From<&MemberCase> for CaseRow {
    fn from(c: &MemberCase) -> Self {
        CaseRow {
            audit: c.audit.clone(),
            audit_title: c.audit_title.clone(),
            panel: c.panel.clone(),
            pseudonym: c.pseudonym.clone(),
            release_version: c.release_version,
            submitted: c.submitted,
            revealed: c.revealed,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn my_cases(ctx: Ctx, query: SavedQuery) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.session()?;
    let user = session.user.clone();
    let lang = ctx.lang;
    let key = ctx.shared.key.clone();
    let (cases, audits) = ctx
        .blocking(move |wb| {
            let cases = wb.member_cases(&user, &key)?;
            let mut ids: Vec<(String, String)> = cases
                .iter()
                .map(|c| (c.audit.clone(), c.audit_title.clone()))
                .collect();
            ids.dedup();
            let mut audits = Vec::new();
            for (audit, title) in ids {
                let (state, answers) = wb.audit_answers(&audit, Some(&user))?;
                let q = wb.audit_questionnaire(&audit)?;
                let questions: Vec<TextQuestion> = q
                    .questions
                    .iter()
                    .filter(|x| x.asked == casetrail_app::Asked::PerAudit)
                    .map(|x| TextQuestion {
                        id: x.id.clone(),
                        text: question_text(lang, x),
                        answer: answers
                            .iter()
                            .find(|a| a.member == user && a.case.is_none() && a.question == x.id)
                            .map(|a| match &a.value {
                                Value::Text(t) => t.clone(),
                                other => value_text(lang, &q, &x.id, other),
                            })
                            .unwrap_or_default(),
                    })
                    .collect();
                if !questions.is_empty() {
                    audits.push(AuditQuestions {
                        submitted: state.has_submitted(&user, None),
                        closed: state.closed,
                        audit,
                        title,
                        questions,
                    });
                }
            }
            Ok((cases, audits))
        })
        .await?;
    render_page(
        "my_cases",
        &MyPage {
            chrome: ctx.chrome(session),
            cases: cases.iter().map(CaseRow::from).collect(),
            audits,
            saved: query.saved.is_some(),
        },
    )
}

/// Saves (and with `action=submit`, submits) the member's answers to the per-audit questions.
pub async fn save_audit_answers(
    ctx: Ctx,
    audit: String,
    form: BTreeMap<String, String>,
) -> Result<Box<dyn Reply>, Rejection> {
    let csrf = form.get("csrf").cloned().unwrap_or_default();
    let member = ctx.check_csrf(&csrf)?.user.clone();
    let user = member.clone();
    let key = ctx.shared.key.clone();
    let cases = ctx.blocking(move |wb| wb.member_cases(&user, &key)).await?;
    if !cases.iter().any(|c| c.audit == audit) {
        return Err(ctx.forbidden());
    }
    let submit = form.get("action").map(String::as_str) == Some("submit");
    let audit_id = audit.clone();
    ctx.blocking(move |wb| {
        let q = wb.audit_questionnaire(&audit_id)?;
        let (state, answers) = wb.audit_answers(&audit_id, Some(&member))?;
        let submitted = state.has_submitted(&member, None);
        for question in q
            .questions
            .iter()
            .filter(|x| x.asked == casetrail_app::Asked::PerAudit)
        {
            let Some(text) = form
                .get(&format!("t_{}", question.id))
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
            else {
                continue;
            };
            let answer = Answer {
                member: member.clone(),
                case: None,
                question: question.id.clone(),
                value: Value::Text(text.to_owned()),
                justification: String::new(),
                content_hash: None,
            };
            if answers.contains(&answer) {
                continue;
            }
            let event = if submitted {
                AuditEvent::AnswerRevised(answer)
            } else {
                AuditEvent::AnswerSaved(answer)
            };
            wb.audit_event(&audit_id, event, &member)?;
        }
        if submit && !submitted {
            wb.audit_event(
                &audit_id,
                AuditEvent::AnswersSubmitted {
                    member: member.clone(),
                    case: None,
                },
                &member,
            )?;
        }
        Ok(())
    })
    .await?;
    Ok(see_other("/my?saved=1".into()))
}

/// The released timeline of a case, verified against the hash the panel was given. Released
/// versions never change, so one verified build is kept for every later view.
async fn released(
    ctx: &Ctx,
    case: &str,
    version: u32,
    hash: &str,
) -> Result<Arc<HashedTimeline>, Rejection> {
    let key = (case.to_owned(), version);
    if let Some(t) = ctx
        .shared
        .released_cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
    {
        return Ok(t.clone());
    }
    let shared = ctx.shared.clone();
    let case = case.to_owned();
    let built = ctx
        .blocking(move |wb| wb.released(&case, version, &shared.key))
        .await?;
    if built.content_hash.to_string() != hash {
        return Err(server_error(format!(
            "case {} version {version} rebuilds to {}, but the panel was given {hash}",
            key.0, built.content_hash
        )));
    }
    let built = Arc::new(built);
    ctx.shared
        .released_cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, built.clone());
    Ok(built)
}

#[derive(Debug, Deserialize)]
pub struct CaseQuery {
    from: Option<i64>,
    to: Option<i64>,
    source: Option<String>,
    saved: Option<String>,
}

#[derive(Debug, Serialize)]
struct Step {
    value: String,
    label: String,
    checked: bool,
}

#[derive(Debug, Serialize)]
struct QuestionForm {
    id: String,
    text: String,
    steps: Vec<Step>,
    justification: String,
    required: bool,
}

#[derive(Debug, Serialize)]
struct PanelAnswer {
    member: String,
    sector: String,
    question: String,
    value: String,
    justification: String,
}

#[derive(Debug, Serialize)]
struct CasePage<'a> {
    #[serde(flatten)]
    chrome: Chrome,
    audit: String,
    case: String,
    label: String,
    release: u32,
    content_hash: String,
    index: String,
    /// Rendered (and escaped) by `case_timeline`.
    timeline_html: &'a str,
    questions: Vec<QuestionForm>,
    submitted: bool,
    revealed: bool,
    closed: bool,
    saved: bool,
    panel_answers: Vec<PanelAnswer>,
}

/// The member's case named by its pseudonym, or Forbidden: cases of other panels are not
/// theirs to open, and a patient id is no name a member knows a case by.
async fn assigned(ctx: &Ctx, audit: &str, pseudonym: &str) -> Result<MemberCase, Rejection> {
    let user = ctx.session()?.user.clone();
    let key = ctx.shared.key.clone();
    let cases = ctx.blocking(move |wb| wb.member_cases(&user, &key)).await?;
    cases
        .into_iter()
        .find(|c| c.audit == audit && c.pseudonym == pseudonym)
        .ok_or_else(|| ctx.forbidden())
}

fn scale_steps(
    lang: Lang,
    q: &Questionnaire,
    question: &str,
    current: Option<&Value>,
) -> Vec<Step> {
    let Some(scale) = q.question(question).and_then(|x| match &x.kind {
        QuestionKind::Rating { scale } => q.scale(scale),
        QuestionKind::FreeText => None,
    }) else {
        return Vec::new();
    };
    let mut steps: Vec<Step> = scale
        .steps
        .iter()
        .map(|s| Step {
            value: s.value.to_string(),
            label: value_text(lang, q, question, &Value::Step(s.value)),
            checked: current == Some(&Value::Step(s.value)),
        })
        .collect();
    steps.push(Step {
        value: "cannot_assess".into(),
        label: value_text(lang, q, question, &Value::CannotAssess),
        checked: current == Some(&Value::CannotAssess),
    });
    steps
}

pub async fn case_page(
    ctx: Ctx,
    audit: String,
    pseudonym: String,
    query: CaseQuery,
) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.session()?.clone();
    let assignment = assigned(&ctx, &audit, &pseudonym).await?;
    let case = assignment.case.clone();
    let timeline = released(
        &ctx,
        &case,
        assignment.release_version,
        &assignment.content_hash,
    )
    .await?;
    // The view is in the log before anything of the case is sent.
    ctx.record_view(
        &session,
        &case,
        Viewed::Released,
        Some(assignment.release_version),
        assignment.content_hash.clone(),
        None,
    )
    .await?;
    let (audit_id, user) = (audit.clone(), session.user.clone());
    let ((state, answers), q) = ctx
        .blocking(move |wb| {
            Ok((
                wb.audit_answers(&audit_id, Some(&user))?,
                wb.audit_questionnaire(&audit_id)?,
            ))
        })
        .await?;
    let lang = ctx.lang;
    let whole = extent(&timeline.timeline);
    let opening = whole.0.clamp(-bounds::MAX_DAY, bounds::MAX_DAY).max(-30);
    let window = bounds::window(
        query.from,
        query.to,
        Window {
            from: opening,
            to: whole.1.clamp(opening + 1, opening + DEFAULT_SPAN),
        },
    );
    let source = bounds::filter(query.source.as_deref()).map(str::to_owned);
    let base = format!("/my/{audit}/{pseudonym}");
    let mine: BTreeMap<&str, &Answer> = answers
        .iter()
        .filter(|a| a.member == session.user && a.case.as_deref() == Some(case.as_str()))
        .map(|a| (a.question.as_str(), a))
        .collect();
    let questions = q
        .questions
        .iter()
        .filter(|x| {
            x.asked == casetrail_app::Asked::PerCase
                && matches!(x.kind, QuestionKind::Rating { .. })
        })
        .map(|x| QuestionForm {
            id: x.id.clone(),
            text: question_text(lang, x),
            steps: scale_steps(lang, &q, &x.id, mine.get(x.id.as_str()).map(|a| &a.value)),
            justification: mine
                .get(x.id.as_str())
                .map(|a| a.justification.clone())
                .unwrap_or_default(),
            required: x.justification_required,
        })
        .collect();
    let panel = state.panels.get(&assignment.panel);
    let panel_answers = if assignment.revealed {
        answers
            .iter()
            .filter(|a| a.case.as_deref() == Some(case.as_str()))
            .filter(|a| panel.is_some_and(|p| p.members.contains_key(&a.member)))
            .map(|a| PanelAnswer {
                member: a.member.clone(),
                sector: panel
                    .and_then(|p| p.members.get(&a.member))
                    .map(|m| sector_name(lang, &m.sector))
                    .unwrap_or_default(),
                question: a.question.clone(),
                value: value_text(lang, &q, &a.question, &a.value),
                justification: a.justification.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let key = crate::state::FragmentKey {
        case: case.clone(),
        release: assignment.release_version,
        from: window.from,
        to: window.to,
        source: source.clone(),
        lang,
    };
    let timeline_html = match ctx.shared.fragment(&key) {
        Some(html) => html,
        None => {
            let html = Arc::new(
                crate::templates::render(
                    "case_timeline",
                    &timeline::view(lang, &timeline, window, whole, &base, source.as_deref()),
                )
                .map_err(server_error)?,
            );
            ctx.shared.keep_fragment(key, html.clone());
            html
        }
    };
    let t = &timeline.timeline;
    let view = CasePage {
        chrome: ctx.chrome(&session),
        label: t.patient.label.clone(),
        release: assignment.release_version,
        content_hash: assignment.content_hash.clone(),
        index: t.index.clone(),
        timeline_html: &timeline_html,
        questions,
        submitted: assignment.submitted,
        revealed: assignment.revealed,
        closed: assignment.closed,
        saved: query.saved.is_some(),
        panel_answers,
        audit,
        case: pseudonym,
    };
    render_page("case", &view)
}

pub async fn save_answers(
    ctx: Ctx,
    audit: String,
    pseudonym: String,
    form: BTreeMap<String, String>,
) -> Result<Box<dyn Reply>, Rejection> {
    let csrf = form.get("csrf").cloned().unwrap_or_default();
    let member = ctx.check_csrf(&csrf)?.user.clone();
    let assignment = assigned(&ctx, &audit, &pseudonym).await?;
    let submit = form.get("action").map(String::as_str) == Some("submit");
    let (audit_id, case_id) = (audit.clone(), assignment.case.clone());
    ctx.blocking(move |wb| {
        let q = wb.audit_questionnaire(&audit_id)?;
        let (_, answers) = wb.audit_answers(&audit_id, Some(&member))?;
        for question in q
            .questions
            .iter()
            .filter(|x| x.asked == casetrail_app::Asked::PerCase)
        {
            let Some(field) = form.get(&format!("v_{}", question.id)) else {
                continue;
            };
            let answer = Answer {
                member: member.clone(),
                case: Some(case_id.clone()),
                question: question.id.clone(),
                value: parse_value(field),
                justification: form
                    .get(&format!("j_{}", question.id))
                    .map(|j| j.trim().to_owned())
                    .unwrap_or_default(),
                content_hash: Some(assignment.content_hash.clone()),
            };
            if answers.contains(&answer) {
                continue;
            }
            let event = if assignment.submitted {
                AuditEvent::AnswerRevised(answer)
            } else {
                AuditEvent::AnswerSaved(answer)
            };
            wb.audit_event(&audit_id, event, &member)?;
        }
        if submit && !assignment.submitted {
            wb.audit_event(
                &audit_id,
                AuditEvent::AnswersSubmitted {
                    member: member.clone(),
                    case: Some(case_id.clone()),
                },
                &member,
            )?;
        }
        Ok(())
    })
    .await?;
    Ok(see_other(format!("/my/{audit}/{pseudonym}?saved=1")))
}
