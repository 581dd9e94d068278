//! Assembling a case file: the identifiable pathway, material, consent, the residual-risk
//! review and the release. Every view is an access event, like a panel member's.

use casetrail_app::{
    AppError, CaseFileError, DatePolicy, MAX_DECISIONS, NaiveDate, RiskDecision, Viewed,
};
use serde::{Deserialize, Serialize};
use warp::{Rejection, Reply};

use crate::ctx::{Chrome, Ctx, render_page, see_other};
use crate::i18n::{Lang, text};
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

mod preview;

pub const ROUTES: &[&RouteDoc] = &[&SHOW, &ACT, &MATERIAL, &preview::PREVIEW];

pub fn routes(b: &Base) -> Vec<Route> {
    let mut routes = preview::routes(b);
    routes.extend([
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
                .and(form::<Vec<(String, String)>>())
                .and_then(|case, c, f| case_action(c, case, CaseForm::from_pairs(f))),
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
    ]);
    routes
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
    /// The confirmation line after an action.
    done: Option<String>,
    /// The kinds of review item listed, for deciding all of one kind at once.
    kinds: Vec<KindChoice>,
    releases: Vec<ReleaseRow>,
    sources: Vec<Choice>,
}

/// An option of a select: the code sent, the words shown.
#[derive(Debug, Serialize)]
struct Choice {
    value: &'static str,
    label: String,
}

/// A kind of review item, with how many of the list are of it.
#[derive(Debug, Serialize)]
struct KindChoice {
    value: String,
    label: String,
    count: usize,
}

fn kind_choices(lang: Lang, findings: &[casetrail_app::RiskFinding]) -> Vec<KindChoice> {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for f in findings {
        *counts.entry(code_of(&f.kind)).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(value, count)| KindChoice {
            label: vocab(lang, "risk", &value),
            value,
            count,
        })
        .collect()
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
    /// The action just done, to confirm it in words.
    #[serde(default)]
    done: String,
    /// How many review items that action decided.
    #[serde(default)]
    decided: Option<usize>,
}

/// The confirmation line after an action of the case file.
fn done_line(lang: Lang, query: &CaseFileQuery) -> Option<String> {
    match query.done.as_str() {
        "decide" => match query.decided.unwrap_or(1).min(MAX_DECISIONS) {
            1 => Some(text(lang, "done_decided_one").to_owned()),
            n => Some(crate::views::fill(
                lang,
                "done_decided",
                &[("count", &n.to_string())],
            )),
        },
        "release" => Some(text(lang, "done_released").to_owned()),
        "material" => Some(text(lang, "done_material").to_owned()),
        _ => None,
    }
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
    let done = done_line(ctx.lang, &query);
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
        ctx.lang,
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
                .iter()
                .cloned()
                .map(|f| FindingRow {
                    term: f.term,
                    kind: vocab(ctx.lang, "risk", &code_of(&f.kind)),
                    occurrences: f.occurrences,
                    first_seen: f.first_seen,
                    context: f.context,
                })
                .collect(),
            reviewing,
            done,
            kinds: kind_choices(ctx.lang, &findings),
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

/// The case file's forms: which one is in `action`, its fields beside it. Read from the
/// form's pairs, because the bulk review form sends `term` once per item ticked.
#[derive(Debug, Default)]
pub struct CaseForm {
    csrf: String,
    action: String,
    /// Every `term` sent, in order (one for a row's own form).
    terms: Vec<String>,
    decision: String,
    /// The kind of review item to decide all of.
    kind: String,
    policy: String,
    /// Why the case is released with review items undecided.
    reason: String,
    /// The content hash of the preview the release was confirmed on.
    previewed: String,
}

impl CaseForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> CaseForm {
        let mut form = CaseForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "csrf" => form.csrf = value,
                "action" => form.action = value,
                "term" => form.terms.push(value),
                "decision" => form.decision = value,
                "kind" => form.kind = value,
                "policy" => form.policy = value,
                "reason" => form.reason = value,
                "previewed" => form.previewed = value,
                _ => {}
            }
        }
        form
    }
}

/// What a case-file action did, for the page it returns to.
enum Done {
    Decided(usize),
    Released,
    /// Not released: the preview is to be looked at (again).
    Preview {
        changed: bool,
    },
}

pub async fn case_action(
    ctx: Ctx,
    case: String,
    form: CaseForm,
) -> Result<Box<dyn Reply>, Rejection> {
    let by = ctx.check_csrf(&form.csrf)?.user.clone();
    let shared = ctx.shared.clone();
    let id = case.clone();
    let policy_code = form.policy.clone();
    let done = ctx
        .blocking(move |wb| {
            let bad = |what: &str| AppError::bad_form(what.to_owned());
            let decision = || {
                RiskDecision::parse(&form.decision)
                    .ok_or_else(|| bad("decision must be accept or redact"))
            };
            match form.action.as_str() {
                "decide" => {
                    let decision = decision()?;
                    if form.terms.is_empty() {
                        return Err(bad("choose the review items to decide"));
                    }
                    let all: Vec<_> = form.terms.iter().map(|t| (t.clone(), decision)).collect();
                    Ok(Done::Decided(wb.decide_all(&id, &all, &by)?.len()))
                }
                "decide_kind" => {
                    let decision = decision()?;
                    let listed = wb.review(
                        &id,
                        &shared.key,
                        DatePolicy::RelativeDays,
                        casetrail_app::RedactionPolicy::Strict,
                    )?;
                    let all: Vec<_> = listed
                        .into_iter()
                        .filter(|f| code_of(&f.kind) == form.kind)
                        .map(|f| (f.term, decision))
                        .take(MAX_DECISIONS)
                        .collect();
                    if all.is_empty() {
                        return Err(bad("no review item of that kind is undecided"));
                    }
                    Ok(Done::Decided(wb.decide_all(&id, &all, &by)?.len()))
                }
                "release" => {
                    let policy = DatePolicy::parse(&form.policy)
                        .ok_or_else(|| bad("policy must be relative_days or shifted_weeks"))?;
                    // A release is confirmed on its preview; without one, show it.
                    if form.previewed.trim().is_empty() {
                        return Ok(Done::Preview { changed: false });
                    }
                    let reason = Some(form.reason.as_str());
                    match wb.release_previewed(
                        &id,
                        &shared.key,
                        policy,
                        &by,
                        reason,
                        form.previewed.trim(),
                    ) {
                        Ok(_) => Ok(Done::Released),
                        Err(AppError::CaseFile(CaseFileError::PreviewOutdated { .. })) => {
                            Ok(Done::Preview { changed: true })
                        }
                        Err(e) => Err(e),
                    }
                }
                _ => Err(bad("unknown action")),
            }
        })
        .await?;
    Ok(see_other(match done {
        Done::Decided(n) => format!("/cases/{case}?done=decide&decided={n}#review"),
        Done::Released => format!("/cases/{case}?done=release#releases"),
        Done::Preview { changed } => preview::again(&case, &policy_code, changed),
    }))
}

/// Attaches material to a case: typed text, or the text of an uploaded document (PDF, RTF or
/// plain text in any common encoding), or both.
pub async fn attach_material(
    ctx: Ctx,
    case: String,
    form: warp::multipart::FormData,
) -> Result<Box<dyn Reply>, Rejection> {
    let (session, mut upload) = read_multipart(&ctx, form).await?;
    let by = session.user;
    let id = case.clone();
    let lang = ctx.lang;
    ctx.blocking(move |wb| {
        let bad = |key: &str| AppError::bad_form(text(lang, key).to_owned());
        let source = casetrail_app::MaterialSource::parse(upload.field("source"))
            .ok_or_else(|| bad("material_no_source"))?;
        let date: NaiveDate = upload
            .field("date")
            .trim()
            .parse()
            .map_err(|_| bad("material_bad_date"))?;
        let mut text = upload.field("text").trim().to_owned();
        if let Some((_, pdf)) = upload.files.remove("pdf").filter(|(_, b)| !b.is_empty()) {
            let (_, extracted) = casetrail_app::document_text(&pdf)?;
            text = [text, extracted]
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
        }
        wb.attach_material(&id, source, date, &text, &by)
    })
    .await?;
    Ok(see_other(format!("/cases/{case}?done=material#material")))
}
