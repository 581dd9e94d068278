//! Quality staff: closed audits with their findings, the ledger head and a verify button.

use serde::{Deserialize, Serialize};
use warp::{Rejection, Reply};

use crate::ctx::{Chrome, Ctx, render_page};
use crate::i18n::{Lang, text};
use crate::routes::{Base, QUALITY, Route, RouteDoc, boxed, form, get, post};
use crate::views::{fill, percent, question_text, sector_name, value_text};
use warp::Filter;

/// GET /quality: quality staff.
pub const PAGE: RouteDoc = RouteDoc::get(
    "/quality",
    QUALITY,
    "closed audits, their findings, the ledger head",
);
/// POST /quality/verify: quality staff, CSRF.
pub const VERIFY: RouteDoc =
    RouteDoc::post("/quality/verify", QUALITY, "the whole chain verified now");

pub const ROUTES: &[&RouteDoc] = &[&PAGE, &VERIFY];

pub fn routes(b: &Base) -> Vec<Route> {
    vec![
        boxed(
            warp::path!("quality")
                .and(get())
                .and(b.guard(&PAGE))
                .and_then(quality),
        ),
        boxed(
            warp::path!("quality" / "verify")
                .and(post())
                .and(b.guard(&VERIFY))
                .and(form())
                .and_then(verify),
        ),
    ]
}

#[derive(Debug, Serialize)]
struct Finding {
    panel: String,
    case: String,
    question: String,
    value: String,
    note: String,
}

#[derive(Debug, Serialize)]
struct ClosedAudit {
    audit: String,
    title: String,
    themes: Vec<String>,
    consensus: Vec<Finding>,
    recommendations: Vec<(u32, String, String)>,
}

/// One panel of an open audit as quality staff follow it: counts, never answers.
#[derive(Debug, Serialize)]
struct PanelProgress {
    panel: String,
    members: usize,
    cases: usize,
    submitted: usize,
    expected: usize,
    rate: String,
    missing_sectors: usize,
    revealed: bool,
    consensus: usize,
}

/// An open audit's progress, for quality staff.
#[derive(Debug, Serialize)]
struct OpenAudit {
    audit: String,
    title: String,
    stage: &'static str,
    panels: Vec<PanelProgress>,
    recommendations: usize,
}

fn progress_of(lang: Lang, audit: String, state: &casetrail_app::Audit) -> OpenAudit {
    let submissions = state.submissions();
    let panels = state
        .panels
        .iter()
        .map(|(name, p)| {
            let submitted = submissions
                .iter()
                .filter(|(m, c)| {
                    p.members.contains_key(m) && c.as_ref().is_some_and(|c| p.cases.contains_key(c))
                })
                .count();
            let expected = p.members.len() * p.cases.len();
            PanelProgress {
                panel: name.clone(),
                members: p.members.len(),
                cases: p.cases.len(),
                submitted,
                expected,
                rate: percent(lang, submitted as u64, expected as u64),
                missing_sectors: p.missing_sectors().len(),
                revealed: p.revealed,
                consensus: p.consensus.len(),
            }
        })
        .collect();
    OpenAudit {
        audit,
        title: state.title.clone(),
        stage: text(
            lang,
            if state.scoring_open {
                "state_scoring"
            } else {
                "state_preparing"
            },
        ),
        panels,
        recommendations: state.recommendations.len(),
    }
}

#[derive(Debug, Serialize)]
struct QualityPage {
    #[serde(flatten)]
    chrome: Chrome,
    head_position: String,
    head_hash: String,
    verified: Option<String>,
    intact: bool,
    closed: Vec<ClosedAudit>,
    open: Vec<OpenAudit>,
    /// The checkpoint key's fingerprint, to compare with a receipt's.
    fingerprint: String,
    export_files: Vec<crate::views::ExportLink>,
}

async fn quality_page(ctx: Ctx, verify: bool) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.session()?;
    let lang = ctx.lang;
    let (closed, open, head, report) = ctx
        .blocking(move |wb| {
            let mut closed = Vec::new();
            let mut open = Vec::new();
            for summary in wb.audits()? {
                if !summary.closed {
                    let state = wb.audit_progress(&summary.audit)?;
                    open.push(progress_of(lang, summary.audit.clone(), &state));
                    continue;
                }
                let status = wb.audit_status(&summary.audit, None)?;
                let q = wb.audit_questionnaire(&summary.audit)?;
                let state = &status.state;
                closed.push(ClosedAudit {
                    audit: summary.audit.clone(),
                    title: summary.title.clone(),
                    themes: state
                        .panels
                        .iter()
                        .flat_map(|(p, x)| x.themes.iter().map(move |t| format!("{p}: {t}")))
                        .collect(),
                    consensus: state
                        .panels
                        .iter()
                        .flat_map(|(p, x)| {
                            let q = &q;
                            x.consensus
                                .iter()
                                .map(move |(case, question, v, note)| Finding {
                                    panel: p.clone(),
                                    case: case.clone().unwrap_or_default(),
                                    question: q
                                        .question(question)
                                        .map(|x| question_text(lang, x))
                                        .unwrap_or_else(|| question.clone()),
                                    value: value_text(lang, q, question, v),
                                    note: note.clone(),
                                })
                        })
                        .collect(),
                    recommendations: state
                        .recommendations
                        .iter()
                        .map(|(n, t, owners)| {
                            let owners: Vec<String> =
                                owners.iter().map(|o| sector_name(lang, o)).collect();
                            (*n, t.clone(), owners.join(", "))
                        })
                        .collect(),
                });
            }
            let report = if verify { Some(wb.verify(None)?) } else { None };
            Ok((closed, open, wb.head(), report))
        })
        .await?;
    render_page(
        "quality",
        ctx.lang,
        &QualityPage {
            chrome: ctx.chrome(session),
            head_position: head.map(|h| h.position.0.to_string()).unwrap_or_default(),
            head_hash: head.map(|h| h.hash.to_hex()).unwrap_or_default(),
            intact: report.as_ref().is_some_and(|r| r.is_intact()),
            verified: report.map(|r| {
                if r.is_intact() {
                    format!("{} {}", text(lang, "verify_intact"), r.checked)
                } else {
                    let at: Vec<String> =
                        r.broken.iter().map(|b| b.position.0.to_string()).collect();
                    fill(
                        lang,
                        "verify_broken_at",
                        &[("count", &at.len().to_string()), ("at", &at.join(", "))],
                    )
                }
            }),
            closed,
            open,
            fingerprint: ctx.shared.signer.public_key().fingerprint(),
            export_files: crate::views::export_links(lang),
        },
    )
}

pub async fn quality(ctx: Ctx) -> Result<Box<dyn Reply>, Rejection> {
    quality_page(ctx, false).await
}

/// Every field defaults, so who may send the form is checked before what it holds.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn verify(ctx: Ctx, form: CsrfForm) -> Result<Box<dyn Reply>, Rejection> {
    ctx.check_csrf(&form.csrf)?;
    quality_page(ctx, true).await
}
