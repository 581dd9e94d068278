//! The release preview: before a case is released, the facilitator sees it exactly as a
//! panel will (the same chart, details and redacted material, built by the same code), the
//! content hash it will carry, and the review items still undecided. The release form posts
//! that hash back; a case that changed in between is not released but previewed again.

use casetrail_app::{DatePolicy, RedactionPolicy, Viewed};
use serde::{Deserialize, Serialize};
use warp::{Filter, Rejection, Reply};

use crate::bounds;
use crate::ctx::{Chrome, Ctx, render_page, server_error};
use crate::i18n::Lang;
use crate::pages::panel::timeline;
use crate::routes::{Base, FACILITATOR, Route, RouteDoc, boxed, get};
use crate::views::{fill, policy_name};

/// GET /cases/{case}/release: facilitator (an access event on the working copy).
pub const PREVIEW: RouteDoc = RouteDoc::get(
    "/cases/{case}/release",
    FACILITATOR,
    "what a release would give panels (?policy=, zoom ?from=&to=, ?source=), and its confirmation",
);

pub fn routes(b: &Base) -> Vec<Route> {
    vec![boxed(
        warp::path!("cases" / String / "release")
            .and(get())
            .and(b.guard(&PREVIEW))
            .and(warp::query())
            .and_then(|case, c, q| show(c, case, q)),
    )]
}

/// Every field defaults, and each is bounded where it is used.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PreviewQuery {
    policy: String,
    from: Option<i64>,
    to: Option<i64>,
    source: Option<String>,
    /// Set when a release was refused because the case changed since the last preview.
    changed: Option<String>,
}

#[derive(Debug, Serialize)]
struct PolicyLink {
    label: String,
    href: String,
    current: bool,
}

#[derive(Debug, Serialize)]
struct PreviewPage {
    #[serde(flatten)]
    chrome: Chrome,
    case: String,
    heading: String,
    /// The date policy's code, posted with the release.
    policy: &'static str,
    policies: Vec<PolicyLink>,
    label: String,
    content_hash: String,
    /// Rendered (and escaped) by `case_timeline`, as on a panel member's page.
    timeline_html: String,
    undecided: Vec<String>,
    undecided_count: usize,
    /// The case changed after the preview the facilitator confirmed.
    changed: bool,
    /// The last release has this very content: nothing new would be released.
    unchanged_since: Option<u32>,
    max_reason: usize,
}

fn policy_links(lang: Lang, case: &str, current: DatePolicy) -> Vec<PolicyLink> {
    [DatePolicy::RelativeDays, DatePolicy::ShiftedWeeks]
        .into_iter()
        .map(|p| PolicyLink {
            label: policy_name(lang, p.as_str()),
            href: format!("/cases/{case}/release?policy={}", p.as_str()),
            current: p == current,
        })
        .collect()
}

async fn show(ctx: Ctx, case: String, query: PreviewQuery) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.session()?.clone();
    let policy = if query.policy.is_empty() {
        DatePolicy::RelativeDays
    } else {
        DatePolicy::parse(&query.policy).ok_or_else(warp::reject::not_found)?
    };
    let shared = ctx.shared.clone();
    let id = case.clone();
    let (working, undecided, releases) = ctx
        .blocking(move |wb| {
            let working = wb.timeline(&id, &shared.key, Some(policy))?;
            let undecided = wb.review(&id, &shared.key, policy, RedactionPolicy::Strict)?;
            Ok((working, undecided, wb.releases(&id)?))
        })
        .await?;
    ctx.record_view(
        &session,
        &case,
        Viewed::WorkingCopy,
        None,
        working.content_hash.to_string(),
        None,
    )
    .await?;
    let lang = ctx.lang;
    let (window, whole) = timeline::opening(&working.timeline, query.from, query.to);
    let source = bounds::filter(query.source.as_deref());
    let base = format!("/cases/{case}/release?policy={}", policy.as_str());
    let timeline_html = crate::templates::render(
        "case_timeline",
        ctx.lang,
        &timeline::view(lang, &working, window, whole, &base, source),
    )
    .map_err(server_error)?;
    let next = releases.len() as u32 + 1;
    let hash = working.content_hash.to_string();
    render_page(
        "release",
        ctx.lang,
        &PreviewPage {
            chrome: ctx.chrome(&session),
            heading: fill(
                lang,
                "preview_heading",
                &[("case", &case), ("version", &next.to_string())],
            ),
            policies: policy_links(lang, &case, policy),
            policy: policy.as_str(),
            label: working.timeline.patient.label.clone(),
            unchanged_since: releases
                .last()
                .filter(|r| r.content_hash.to_string() == hash)
                .map(|r| r.version),
            content_hash: hash,
            timeline_html,
            undecided_count: undecided.len(),
            undecided: undecided.into_iter().map(|f| f.term).collect(),
            changed: query.changed.is_some(),
            max_reason: casetrail_app::MAX_REASON,
            case,
        },
    )
}

/// Where a release is taken again from: its preview, saying the case changed when it did.
pub fn again(case: &str, policy: &str, changed: bool) -> String {
    let policy = DatePolicy::parse(policy).unwrap_or(DatePolicy::RelativeDays);
    let changed = if changed { "&changed=1" } else { "" };
    format!("/cases/{case}/release?policy={}{changed}", policy.as_str())
}
