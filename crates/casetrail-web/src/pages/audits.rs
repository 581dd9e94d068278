//! The facilitator's audits: the overview, one audit with its panels, scoring progress and
//! (after a panel's reveal) the meeting view, and every form that moves an audit on. Each
//! form is one audit event, checked by the audit's rules before it is appended.

use casetrail_app::{DEFACTUM_2019, NewAudit, Role};
use serde::{Deserialize, Serialize};
use warp::http::StatusCode;
use warp::{Rejection, Reply};

use crate::ctx::{Chrome, Ctx, html, render_page, see_other, server_error};
use crate::i18n::text;
use crate::routes::{Base, FACILITATOR, Route, RouteDoc, boxed, form, get, post};
use crate::views::{fill, percent, sector_name};

use warp::Filter;

mod actions;
mod meeting;
mod progress;

pub use actions::act;
use actions::{ACTIONS, Refused, RefusedAt, refused_at};
use meeting::{QuestionMeeting, meeting};

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
        ctx.lang,
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
    /// The button that gives the panel the newer version.
    reassign: Option<String>,
    hash: String,
    submitted: usize,
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
    /// Agreement per case, once revealed.
    per_case: Vec<meeting::CaseAgreement>,
    /// Why a form of this panel was refused, shown at the top of its section.
    refused: Option<String>,
}

/// A recommendation with its owners and its row of the action plan (the form to fill it
/// preset to what is recorded, or to what a refused form held).
#[derive(Debug, Serialize)]
struct RecommendationRow {
    number: u32,
    text: String,
    owners: String,
    due: String,
    follow_up: String,
    /// Why this row's plan form came back.
    refused: Option<String>,
    /// The "Ret" form: the wording and the owner sectors, ticked as recorded (or as the
    /// refused form held them).
    revise_text: String,
    revise_owners: Vec<OwnerChoice>,
    /// Why this row's "Ret" form came back.
    revise_refused: Option<String>,
}

/// An owner sector's checkbox.
#[derive(Debug, Serialize)]
struct OwnerChoice {
    value: &'static str,
    label: String,
    checked: bool,
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
    recommendations: Vec<RecommendationRow>,
    next_recommendation: u32,
    sectors: Vec<Choice>,
    panel_members: Vec<String>,
    released_cases: Vec<(String, u32)>,
    export_files: Vec<crate::views::ExportLink>,
    /// Guarded steps taken although something was missing, with their reasons.
    overrides: Vec<String>,
    /// The confirmation line after an action: the action done, if it is one of the page's.
    done: Option<&'static str>,
    /// The panels there are, for the forms that choose one.
    panel_names: Vec<String>,
    /// A form the audit's rules refused, shown again at the form with what was entered
    /// (empty when none was: the template compares its fields, which must be there).
    refused: Refused,
}

/// What the audit page is asked with: the action just done, to confirm it in words.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowQuery {
    done: String,
}

pub async fn show(ctx: Ctx, audit: String, query: ShowQuery) -> Result<Box<dyn Reply>, Rejection> {
    let done = ACTIONS
        .iter()
        .any(|(a, _, _)| *a == query.done)
        .then(|| text(ctx.lang, "done_saved"));
    let body = page(&ctx, &audit, done, None).await?;
    Ok(html(body, StatusCode::OK))
}

/// The audit page: as it stands, after an action done, or with a refused form shown again.
async fn page(
    ctx: &Ctx,
    audit: &str,
    done: Option<&'static str>,
    refused: Option<Refused>,
) -> Result<String, Rejection> {
    let session = ctx.session()?;
    let id = audit.to_owned();
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
    let newer = |case: &str, release: u32| {
        released
            .iter()
            .find(|(c, _)| c == case)
            .map(|(_, latest)| *latest)
            .filter(|latest| *latest > release)
    };
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
                        newer: newer(case, *release),
                        reassign: newer(case, *release)
                            .map(|v| fill(lang, "reassign", &[("version", &v.to_string())])),
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
                progress: percent(lang, submitted as u64, expected as u64),
                revealed: p.revealed,
                refused: refused
                    .as_ref()
                    .filter(|r| r.panel.trim() == name.as_str())
                    .filter(|r| refused_at(&r.action) == RefusedAt::Panel)
                    .map(|r| r.message.clone()),
                per_case: if p.revealed {
                    meeting::per_case(lang, &status, p)
                } else {
                    Vec::new()
                },
                meeting: if p.revealed {
                    meeting(lang, &q, &status, (name, p), refused.as_ref())
                } else {
                    Vec::new()
                },
                notes: p.notes.clone(),
                themes: p.themes.clone(),
                matrix: progress::matrix(lang, &status, p, audit_wide),
            }
        })
        .collect();
    crate::templates::render(
        "audit",
        ctx.lang,
        &AuditPage {
            chrome: ctx.chrome(session),
            audit: audit.to_owned(),
            title: state.title.clone(),
            scoring_open: state.scoring_open,
            closed: state.closed,
            export_files: crate::views::export_links(lang),
            panels,
            recommendations: state
                .recommendations
                .iter()
                .map(|(n, t, owners)| {
                    let plan = state.action_plan.get(n).cloned().unwrap_or_default();
                    let again = refused
                        .as_ref()
                        .filter(|r| r.action == "plan" && r.value.trim() == n.to_string());
                    let revised = refused.as_ref().filter(|r| {
                        r.action == "revise_recommendation" && r.value.trim() == n.to_string()
                    });
                    RecommendationRow {
                        number: *n,
                        text: t.clone(),
                        owners: owners
                            .iter()
                            .map(|o| sector_name(lang, o))
                            .collect::<Vec<_>>()
                            .join(", "),
                        due: again.map_or(plan.due.unwrap_or_default(), |r| r.due.clone()),
                        follow_up: again.map_or(plan.follow_up, |r| r.text.clone()),
                        refused: again.map(|r| r.message.clone()),
                        revise_text: revised.map_or_else(|| t.clone(), |r| r.text.clone()),
                        revise_owners: casetrail_app::PANEL_SECTORS
                            .iter()
                            .map(|s| OwnerChoice {
                                value: s,
                                label: sector_name(lang, s),
                                checked: revised.map_or_else(
                                    || owners.iter().any(|o| o == s),
                                    |r| r.owners.iter().any(|o| o == s),
                                ),
                            })
                            .collect(),
                        revise_refused: revised.map(|r| r.message.clone()),
                    }
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
            overrides: progress::overrides(lang, &state.overrides),
            done,
            panel_names: state.panels.keys().cloned().collect(),
            refused: refused.unwrap_or_default(),
        },
    )
    .map_err(server_error)
}
