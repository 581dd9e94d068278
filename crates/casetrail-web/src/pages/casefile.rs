//! Assembling a case file: the identifiable pathway, material, consent, the residual-risk
//! review and the release. Every view is an access event, like a panel member's.

use casetrail_app::{AppError, DatePolicy, NaiveDate, RiskDecision, Viewed};
use serde::{Deserialize, Serialize};
use warp::{Rejection, Reply};

use crate::ctx::{Chrome, Ctx, render_page, see_other};
use crate::i18n::Lang;
use crate::multipart::read_multipart;
use crate::routes::{Base, FACILITATOR, Route, RouteDoc, boxed, form, get, post};
use crate::views::{entry_summary, moment, policy_name, vocab};
use warp::Filter;

/// GET /cases/{case}: facilitator (an access event).
pub const SHOW: RouteDoc = RouteDoc::get(
    "/cases/{case}",
    FACILITATOR,
    "a case file, identifiable; an access event",
);
/// POST /cases/{case}: facilitator, CSRF.
pub const ACT: RouteDoc = RouteDoc::post(
    "/cases/{case}",
    FACILITATOR,
    "deciding a review item, releasing the case",
);
/// POST /cases/{case}/material: facilitator, CSRF (the multipart form's first part).
pub const MATERIAL: RouteDoc = RouteDoc::post(
    "/cases/{case}/material",
    FACILITATOR,
    "material attached: text or PDF (multipart)",
);

pub const ROUTES: &[&RouteDoc] = &[&SHOW, &ACT, &MATERIAL];

pub fn routes(b: &Base) -> Vec<Route> {
    vec![
        boxed(
            warp::path!("cases" / String)
                .and(get())
                .and(b.guard(&SHOW))
                .and(warp::query())
                .and_then(|case, c, q| case_file(c, case, q)),
        ),
        boxed(
            warp::path!("cases" / String)
                .and(post())
                .and(b.guard(&ACT))
                .and(form())
                .and_then(|case, c, f| case_action(c, case, f)),
        ),
        boxed(
            warp::path!("cases" / String / "material")
                .and(post())
                .and(b.guard(&MATERIAL))
                .and(
                    warp::multipart::form()
                        .max_length(casetrail_app::MAX_PDF_BYTES as u64 + 64 * 1024),
                )
                .and_then(|case, c, f| attach_material(c, case, f)),
        ),
    ]
}

#[derive(Debug, Serialize)]
struct FindingRow {
    term: String,
    kind: String,
    occurrences: usize,
    first_seen: String,
    context: Option<String>,
}

#[derive(Debug, Serialize)]
struct ReleaseRow {
    version: u32,
    policy: String,
    hash: String,
    by: String,
    events: u64,
    /// When it was released, in Danish local time.
    at: String,
}

#[derive(Debug, Serialize)]
struct ConsentRow {
    given: bool,
    scope: String,
    when: String,
}

#[derive(Debug, Serialize)]
struct MaterialRow {
    source: String,
    when: String,
    text: String,
}

#[derive(Debug, Serialize)]
struct EntryRow {
    position: u64,
    when: String,
    event: String,
    summary: String,
    note: String,
}

#[derive(Debug, Serialize)]
struct PathwayRows {
    cpr: String,
    name: String,
    birth_year: String,
    municipality: String,
    stays: Vec<StayRow>,
    entries: Vec<EntryRow>,
}

/// A stay as the case file's table shows it.
#[derive(Debug, Serialize)]
struct StayRow {
    start: String,
    end: String,
    ward: String,
    length_days: String,
    readmission: bool,
    hours_since_discharge: String,
}

impl From<&casetrail_app::StayView> for StayRow {
    fn from(s: &casetrail_app::StayView) -> Self {
        StayRow {
            start: s.start.clone(),
            end: s.end.clone().unwrap_or_default(),
            ward: s.ward.clone(),
            length_days: s.length_days.map(|d| d.to_string()).unwrap_or_default(),
            readmission: s.readmission,
            hours_since_discharge: s
                .hours_since_discharge
                .map(|h| h.to_string())
                .unwrap_or_default(),
        }
    }
}

fn personal(p: &Option<casetrail_app::Personal>) -> String {
    p.as_ref().map(ToString::to_string).unwrap_or_default()
}

impl PathwayRows {
    fn new(lang: Lang, p: casetrail_app::PathwayView) -> Self {
        PathwayRows {
            cpr: personal(&p.cpr),
            name: personal(&p.name),
            birth_year: p.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            municipality: p.municipality.clone().unwrap_or_default(),
            entries: p
                .entries
                .iter()
                .map(|e| EntryRow {
                    position: e.position,
                    when: e.when.clone(),
                    event: vocab(lang, "event", e.event),
                    summary: entry_summary(lang, &e.detail).trim().to_owned(),
                    note: personal(&e.note),
                })
                .collect(),
            stays: p.stays.iter().map(StayRow::from).collect(),
        }
    }
}

#[derive(Debug, Serialize)]
struct CaseFilePage {
    #[serde(flatten)]
    chrome: Chrome,
    case: String,
    pathway: PathwayRows,
    consents: Vec<ConsentRow>,
    material: Vec<MaterialRow>,
    findings: Vec<FindingRow>,
    /// Whether the replaced names are listed too (`?redaction=review`).
    reviewing: bool,
    releases: Vec<ReleaseRow>,
    sources: Vec<Choice>,
}

/// An option of a select: the code sent, the words shown.
#[derive(Debug, Serialize)]
struct Choice {
    value: &'static str,
    label: String,
}

/// The snake_case code serde gives a value (the form the translation keys use).
fn code_of(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// How the case file's review lists findings: `?redaction=review` also lists every name and
/// place the open-world rules replaced. Any other value is refused by the query parser.
#[derive(Debug, Default, Deserialize)]
pub struct CaseFileQuery {
    #[serde(default)]
    redaction: casetrail_app::RedactionPolicy,
}

pub async fn case_file(
    ctx: Ctx,
    case: String,
    query: CaseFileQuery,
) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.session()?.clone();
    let shared = ctx.shared.clone();
    let id = case.clone();
    let redaction = query.redaction;
    let reviewing = redaction == casetrail_app::RedactionPolicy::Review;
    let (pathway, working, findings, releases) = ctx
        .blocking(move |wb| {
            let pathway = wb.pathway(&id)?;
            let working = wb.timeline(&id, &shared.key, Some(DatePolicy::RelativeDays))?;
            let findings = wb.review(&id, &shared.key, DatePolicy::RelativeDays, redaction)?;
            Ok((pathway, working, findings, wb.releases(&id)?))
        })
        .await?;
    ctx.record_view(
        &session,
        &case,
        Viewed::Pathway,
        None,
        working.content_hash.to_string(),
        Some(pathway.entries.len() as u64),
    )
    .await?;
    let t = &working.timeline;
    render_page(
        "casefile",
        &CaseFilePage {
            chrome: ctx.chrome(&session),
            case,
            consents: t
                .consents
                .iter()
                .map(|c| ConsentRow {
                    given: c.given,
                    scope: c.scope.clone(),
                    when: moment(ctx.lang, &c.at),
                })
                .collect(),
            material: t
                .material
                .iter()
                .map(|m| MaterialRow {
                    source: vocab(ctx.lang, "source", &m.source),
                    when: moment(ctx.lang, &m.at),
                    text: m.text.clone(),
                })
                .collect(),
            findings: findings
                .into_iter()
                .map(|f| FindingRow {
                    term: f.term,
                    kind: vocab(ctx.lang, "risk", &code_of(&f.kind)),
                    occurrences: f.occurrences,
                    first_seen: f.first_seen,
                    context: f.context,
                })
                .collect(),
            reviewing,
            releases: releases
                .into_iter()
                .map(|r| ReleaseRow {
                    version: r.version,
                    policy: policy_name(ctx.lang, r.policy.as_str()),
                    hash: r.content_hash.to_string(),
                    by: r.released_by,
                    events: r.stream_version,
                    at: crate::views::local_time(r.released_at_micros),
                })
                .collect(),
            sources: casetrail_app::MaterialSource::ALL
                .iter()
                .map(|s| Choice {
                    value: s.as_str(),
                    label: vocab(ctx.lang, "source", s.as_str()),
                })
                .collect(),
            pathway: PathwayRows::new(ctx.lang, pathway),
        },
    )
}

/// Every field defaults, so who may send the form is checked before what it holds.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CaseForm {
    csrf: String,
    action: String,
    term: String,
    decision: String,
    policy: String,
    /// Why the case is released with review items undecided.
    reason: String,
}

pub async fn case_action(
    ctx: Ctx,
    case: String,
    form: CaseForm,
) -> Result<Box<dyn Reply>, Rejection> {
    let by = ctx.check_csrf(&form.csrf)?.user.clone();
    let shared = ctx.shared.clone();
    let id = case.clone();
    ctx.blocking(move |wb| {
        let bad = |what: &str| AppError::bad_form(what.to_owned());
        match form.action.as_str() {
            "decide" => {
                let decision = RiskDecision::parse(&form.decision)
                    .ok_or_else(|| bad("decision must be accept or redact"))?;
                wb.decide(&id, &form.term, decision, &by).map(|_| ())
            }
            "release" => {
                let policy = DatePolicy::parse(&form.policy)
                    .ok_or_else(|| bad("policy must be relative_days or shifted_weeks"))?;
                let reason = Some(form.reason.as_str());
                wb.release(&id, &shared.key, policy, &by, reason)
                    .map(|_| ())
            }
            _ => Err(bad("unknown action")),
        }
    })
    .await?;
    Ok(see_other(format!("/cases/{case}")))
}

/// Attaches material to a case: typed text, or the text of an uploaded PDF (or both).
pub async fn attach_material(
    ctx: Ctx,
    case: String,
    form: warp::multipart::FormData,
) -> Result<Box<dyn Reply>, Rejection> {
    let (session, mut upload) = read_multipart(&ctx, form).await?;
    let by = session.user;
    let id = case.clone();
    ctx.blocking(move |wb| {
        let bad = |what: &str| AppError::bad_form(what.to_owned());
        let source = casetrail_app::MaterialSource::parse(upload.field("source"))
            .ok_or_else(|| bad("choose the material's source"))?;
        let date: NaiveDate = upload
            .field("date")
            .trim()
            .parse()
            .map_err(|_| bad("the material's date (YYYY-MM-DD)"))?;
        let mut text = upload.field("text").trim().to_owned();
        if let Some((_, pdf)) = upload.files.remove("pdf").filter(|(_, b)| !b.is_empty()) {
            let extracted = casetrail_app::pdf_text(&pdf)?;
            text = [text, extracted]
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
        }
        wb.attach_material(&id, source, date, &text, &by)
    })
    .await?;
    Ok(see_other(format!("/cases/{case}")))
}
