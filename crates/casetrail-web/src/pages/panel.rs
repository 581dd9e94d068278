//! The panel member's workbench: their cases, the anonymised timeline of a released case
//! (LifeLines chart, the details list and the redacted material, filterable by source), and
//! the questionnaire with save-draft and submit. A member opens only cases assigned to a panel
//! they sit on, always the released version bound to its content hash, and every view is an
//! access event in the log before the page is sent.

use std::collections::BTreeMap;

use casetrail_app::{Answer, AuditEvent, MemberCase, Value};
use serde::{Deserialize, Serialize};
use warp::{Rejection, Reply};

use crate::ctx::{Chrome, Ctx, render_page, see_other};
use crate::routes::{Base, MEMBER, Route, RouteDoc, boxed, form, get, post};
use crate::views::{question_text, value_text};
use warp::Filter;

mod case;
pub(crate) mod timeline;

use case::{case_page, save_answers};

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
        ctx.lang,
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
        let mut events = Vec::new();
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
            events.push(if submitted {
                AuditEvent::AnswerRevised(answer)
            } else {
                AuditEvent::AnswerSaved(answer)
            });
        }
        if submit && !submitted {
            events.push(AuditEvent::AnswersSubmitted {
                member: member.clone(),
                case: None,
            });
        }
        // All the answers and the submit in one write, or none of them.
        wb.audit_event_batch(&audit_id, events, &member)?;
        Ok(())
    })
    .await?;
    Ok(see_other("/my?saved=1".into()))
}
