//! One released case for a panel member: the anonymised timeline bound to the hash the panel
//! was given, and the questionnaire. A form refused by the audit's rules comes back to this
//! page with the refused questions marked and everything entered kept; nothing of it is saved.

use std::collections::BTreeMap;
use std::sync::Arc;

use casetrail_app::{
    Answer, AuditEvent, HashedTimeline, MemberCase, QuestionKind, Questionnaire, Value, Viewed,
};
use serde::{Deserialize, Serialize};
use warp::http::StatusCode;
use warp::{Rejection, Reply};

use super::timeline;
use crate::bounds;
use crate::ctx::{Chrome, Ctx, html, see_other, server_error};
use crate::i18n::Lang;
use crate::views::{fill, parse_value, question_text, sector_name, value_text};

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

#[derive(Debug, Default, Deserialize)]
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
    /// Named by the refusal the form came back with.
    marked: bool,
}

#[derive(Debug, Serialize)]
struct PanelAnswer {
    member: String,
    sector: String,
    question: String,
    value: String,
    justification: String,
}

/// A question the refusal names, for the summary's link to it.
#[derive(Debug, Serialize)]
struct Marked {
    id: String,
    text: String,
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
    /// Why the form came back, in the reader's language; nothing of it was saved.
    problem: Option<String>,
    marked: Vec<Marked>,
}

/// A refused form sent back to its page: the fields as entered, the questions to mend.
struct Entered {
    form: BTreeMap<String, String>,
    marked: Vec<String>,
    problem: String,
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
    let body = page(&ctx, &audit, &pseudonym, query, None).await?;
    Ok(html(body, StatusCode::OK))
}

/// The case page, as saved or, with `entered`, as a refused form left it.
async fn page(
    ctx: &Ctx,
    audit: &str,
    pseudonym: &str,
    query: CaseQuery,
    entered: Option<Entered>,
) -> Result<String, Rejection> {
    let session = ctx.session()?.clone();
    let assignment = assigned(ctx, audit, pseudonym).await?;
    let case = assignment.case.clone();
    let timeline = released(
        ctx,
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
    let (audit_id, user) = (audit.to_owned(), session.user.clone());
    let ((state, answers), q) = ctx
        .blocking(move |wb| {
            Ok((
                wb.audit_answers(&audit_id, Some(&user))?,
                wb.audit_questionnaire(&audit_id)?,
            ))
        })
        .await?;
    let lang = ctx.lang;
    let (window, whole) = timeline::opening(&timeline.timeline, query.from, query.to);
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
        .map(|x| {
            let saved = mine.get(x.id.as_str());
            // A refused form shows what was entered, not what is saved.
            let (value, justification) = match &entered {
                Some(e) => (
                    e.form.get(&format!("v_{}", x.id)).map(|v| parse_value(v)),
                    e.form
                        .get(&format!("j_{}", x.id))
                        .cloned()
                        .unwrap_or_default(),
                ),
                None => (
                    saved.map(|a| a.value.clone()),
                    saved.map(|a| a.justification.clone()).unwrap_or_default(),
                ),
            };
            QuestionForm {
                id: x.id.clone(),
                text: question_text(lang, x),
                steps: scale_steps(lang, &q, &x.id, value.as_ref()),
                justification,
                required: x.justification_required,
                marked: entered.as_ref().is_some_and(|e| e.marked.contains(&x.id)),
            }
        })
        .collect::<Vec<_>>();
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
                question: q
                    .question(&a.question)
                    .map(|x| question_text(lang, x))
                    .unwrap_or_else(|| a.question.clone()),
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
                    ctx.lang,
                    &timeline::view(lang, &timeline, window, whole, &base, source.as_deref()),
                )
                .map_err(server_error)?,
            );
            ctx.shared.keep_fragment(key, html.clone());
            html
        }
    };
    let t = &timeline.timeline;
    let marked = questions
        .iter()
        .filter(|x| x.marked)
        .map(|x| Marked {
            id: x.id.clone(),
            text: x.text.clone(),
        })
        .collect();
    let view = CasePage {
        chrome: ctx.chrome(&session),
        label: t.patient.label.clone(),
        release: assignment.release_version,
        content_hash: assignment.content_hash.clone(),
        index: crate::views::day_zero(ctx.lang, &t.index),
        timeline_html: &timeline_html,
        questions,
        submitted: assignment.submitted,
        revealed: assignment.revealed,
        closed: assignment.closed,
        saved: query.saved.is_some(),
        panel_answers,
        audit: audit.to_owned(),
        case: pseudonym.to_owned(),
        problem: entered.map(|e| e.problem),
        marked,
    };
    crate::templates::render("case", ctx.lang, &view).map_err(server_error)
}

/// The form's answers that differ from what is saved, as the events that save them; and the
/// questions with a justification written but no answer chosen (which would be lost).
fn changes(
    q: &Questionnaire,
    form: &BTreeMap<String, String>,
    saved: &[Answer],
    (member, assignment): (&str, &MemberCase),
) -> (Vec<AuditEvent>, Vec<String>) {
    let mut events = Vec::new();
    let mut unrated = Vec::new();
    for question in q
        .questions
        .iter()
        .filter(|x| x.asked == casetrail_app::Asked::PerCase)
    {
        let justification = form
            .get(&format!("j_{}", question.id))
            .map(|j| j.trim().to_owned())
            .unwrap_or_default();
        let Some(field) = form.get(&format!("v_{}", question.id)) else {
            if !justification.is_empty() {
                unrated.push(question.id.clone());
            }
            continue;
        };
        let answer = Answer {
            member: member.to_owned(),
            case: Some(assignment.case.clone()),
            question: question.id.clone(),
            value: parse_value(field),
            justification,
            content_hash: Some(assignment.content_hash.clone()),
        };
        if saved.contains(&answer) {
            continue;
        }
        events.push(if assignment.submitted {
            AuditEvent::AnswerRevised(answer)
        } else {
            AuditEvent::AnswerSaved(answer)
        });
    }
    (events, unrated)
}

/// Saves the form's answers, and with `action=submit` submits them, in one write: all of
/// them, or (when a rule refuses one) none, and the page comes back with the refused
/// questions marked and everything entered kept.
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
    let audit_id = audit.clone();
    let sent = form.clone();
    let (q, outcome) = ctx
        .blocking(move |wb| {
            let q = wb.audit_questionnaire(&audit_id)?;
            let (_, saved) = wb.audit_answers(&audit_id, Some(&member))?;
            let (mut events, unrated) = changes(&q, &sent, &saved, (&member, &assignment));
            if !unrated.is_empty() {
                return Ok((q, Err(Refusal::Unrated(unrated))));
            }
            if submit && !assignment.submitted {
                events.push(AuditEvent::AnswersSubmitted {
                    member: member.clone(),
                    case: Some(assignment.case.clone()),
                });
            }
            let outcome = match wb.audit_event_batch(&audit_id, events, &member) {
                Ok(_) => Ok(()),
                Err(e) if !crate::problems::rules(&e).is_empty() => Err(Refusal::Rules(e)),
                Err(e) => return Err(e),
            };
            Ok((q, outcome))
        })
        .await?;
    let lang = ctx.lang;
    let (problem, marked, kind) = match outcome {
        Ok(()) => return Ok(see_other(format!("/my/{audit}/{pseudonym}?saved=1"))),
        Err(Refusal::Unrated(marked)) => {
            let names: Vec<String> = marked
                .iter()
                .filter_map(|id| q.question(id))
                .map(|x| format!("“{}”", question_text(lang, x)))
                .collect();
            let problem = fill(lang, "problem_unrated", &[("questions", &names.join(", "))]);
            (problem, marked, casetrail_app::ErrorKind::Invalid)
        }
        Err(Refusal::Rules(e)) => {
            let marked = crate::problems::rules(&e)
                .into_iter()
                .flat_map(crate::problems::rule_questions)
                .map(str::to_owned)
                .collect();
            let problem = crate::problems::explain(lang, Some(&*q), &e);
            (problem, marked, e.kind())
        }
    };
    let entered = Entered {
        form,
        marked,
        problem,
    };
    let body = page(
        &ctx,
        &audit,
        &pseudonym,
        CaseQuery::default(),
        Some(entered),
    )
    .await?;
    Ok(crate::recover::refused_form(kind, body))
}

/// Why a form of answers comes back.
enum Refusal {
    /// Justifications written for questions with no answer chosen.
    Unrated(Vec<String>),
    /// The audit's rules refused some of the changes.
    Rules(casetrail_app::AppError),
}
