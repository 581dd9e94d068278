//! The guarded steps: opening scoring, revealing a panel and closing the audit cannot be
//! undone, so the audit page links here instead of acting. The page says what the step does,
//! lists what is still missing, and asks for a reason when the facilitator goes ahead anyway;
//! the form posts to the audit's own action route, where the audit's rules check it again.

use casetrail_app::{Gap, Questionnaire, Step};
use serde::{Deserialize, Serialize};
use warp::{Filter, Rejection, Reply};

use crate::ctx::{Chrome, Ctx, render_page};
use crate::i18n::{Lang, text};
use crate::routes::{Base, FACILITATOR, Route, RouteDoc, boxed, get};
use crate::views::{fill, question_text, sector_name};

/// GET /audits/{audit}/confirm/{step}: facilitator.
pub const CONFIRM: RouteDoc = RouteDoc::get(
    "/audits/{audit}/confirm/{step}",
    FACILITATOR,
    "what an irreversible step (open, reveal ?panel=, close) still lacks, and its confirmation",
);

pub const ROUTES: &[&RouteDoc] = &[&CONFIRM];

pub fn routes(b: &Base) -> Vec<Route> {
    vec![boxed(
        warp::path!("audits" / String / "confirm" / String)
            .and(get())
            .and(b.guard(&CONFIRM))
            .and(warp::query())
            .and_then(|audit, step, c, q| show(c, audit, step, q)),
    )]
}

/// The longest panel name a link may carry (panel names are short labels).
const MAX_PANEL: usize = 64;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfirmQuery {
    panel: String,
}

#[derive(Debug, Serialize)]
struct ConfirmPage {
    #[serde(flatten)]
    chrome: Chrome,
    audit: String,
    /// `open`, `reveal` or `close`: the action the form posts.
    action: &'static str,
    panel: String,
    heading: String,
    consequence: &'static str,
    gaps: Vec<String>,
    gap_count: usize,
    /// Where "cancel" returns to on the audit page.
    back: String,
    max_reason: usize,
}

/// A gap as the reader's language says it.
pub fn gap_text(lang: Lang, q: &Questionnaire, gap: &Gap) -> String {
    match gap {
        Gap::NoPanels => text(lang, "gap_no_panels").to_owned(),
        Gap::NoCases { panel } => fill(lang, "gap_no_cases", &[("panel", panel)]),
        Gap::SectorMissing { panel, sector } => fill(
            lang,
            "gap_sector_missing",
            &[("panel", panel), ("sector", &sector_name(lang, sector))],
        ),
        Gap::NotSubmitted {
            panel,
            member,
            case: Some(case),
        } => fill(
            lang,
            "gap_not_submitted_case",
            &[("panel", panel), ("member", member), ("case", case)],
        ),
        Gap::NotSubmitted {
            panel,
            member,
            case: None,
        } => fill(
            lang,
            "gap_not_submitted_audit",
            &[("panel", panel), ("member", member)],
        ),
        Gap::NotRevealed { panel } => fill(lang, "gap_not_revealed", &[("panel", panel)]),
        Gap::ConsensusMissing {
            panel,
            case,
            question,
        } => {
            let asked = q
                .question(question)
                .map_or_else(|| question.clone(), |x| question_text(lang, x));
            fill(
                lang,
                "gap_consensus_missing",
                &[("panel", panel), ("case", case), ("question", &asked)],
            )
        }
        Gap::NoRecommendations => text(lang, "gap_no_recommendations").to_owned(),
    }
}

async fn show(
    ctx: Ctx,
    audit: String,
    step: String,
    query: ConfirmQuery,
) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.session()?;
    let panel = query.panel.trim().to_owned();
    let (action, step) = match step.as_str() {
        "open" => ("open", Step::Open),
        "close" => ("close", Step::Close),
        "reveal" if !panel.is_empty() && panel.chars().count() <= MAX_PANEL => (
            "reveal",
            Step::Reveal {
                panel: panel.clone(),
            },
        ),
        _ => return Err(warp::reject::not_found()),
    };
    let lang = ctx.lang;
    let id = audit.clone();
    let checked = step.clone();
    // The cached audit state answers both; the full status (with its bootstrap intervals)
    // is not needed to list gaps.
    let (gaps, q) = ctx
        .blocking(move |wb| Ok((wb.audit_gaps(&id, &checked)?, wb.audit_questionnaire(&id)?)))
        .await?;
    let Some(gaps) = gaps else {
        return Err(warp::reject::not_found());
    };
    let (heading, consequence, back) = match &step {
        Step::Open => (
            text(lang, "confirm_open_heading").to_owned(),
            text(lang, "confirm_open_consequence"),
            format!("/audits/{audit}"),
        ),
        Step::Reveal { panel } => (
            fill(lang, "confirm_reveal_heading", &[("panel", panel)]),
            text(lang, "confirm_reveal_consequence"),
            format!("/audits/{audit}#panel-{panel}"),
        ),
        Step::Close => (
            text(lang, "confirm_close_heading").to_owned(),
            text(lang, "confirm_close_consequence"),
            format!("/audits/{audit}#close"),
        ),
    };
    render_page(
        "confirm",
        ctx.lang,
        &ConfirmPage {
            chrome: ctx.chrome(session),
            audit,
            action,
            panel,
            heading,
            consequence,
            gap_count: gaps.len(),
            gaps: gaps.iter().map(|g| gap_text(lang, &q, g)).collect(),
            back,
            max_reason: casetrail_app::MAX_REASON,
        },
    )
}
