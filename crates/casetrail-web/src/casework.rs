//! The facilitator's casework: importing an extract, the stage-1 analysis with its charts,
//! case selection by the inclusion criteria, and assembling a case file (the identifiable
//! pathway, material, consent, the residual-risk review, release). Views of identifiable
//! material are access events, like a panel member's.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use casetrail_app::{
    AppError, Criteria, DatePolicy, DiagnosisGroup, NaiveDate, RiskDecision, Role, Viewed,
};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use warp::http::StatusCode;
use warp::{Buf, Rejection, Reply};

use crate::bounds;
use crate::ctx::{Chrome, Ctx, html, render_page, see_other, server_error};
use crate::i18n::text;
use crate::lifelines::when;
use casetrail_report::charts::{BarChart, bar_chart, percent};

const FACILITATOR: &[Role] = &[Role::Facilitator];

fn group_name(group: DiagnosisGroup) -> String {
    serde_json::to_value(group)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
/// The largest extract accepted in one upload.
pub const MAX_UPLOAD: u64 = 64 * 1024 * 1024;

#[derive(Debug, Serialize)]
struct RejectedRow {
    line: u64,
    reasons: String,
}

#[derive(Debug, Serialize)]
struct ImportPage {
    #[serde(flatten)]
    chrome: Chrome,
    done: bool,
    file: String,
    rows: usize,
    patients: usize,
    appended: usize,
    already_stored: usize,
    rejected: Vec<RejectedRow>,
    rejected_total: usize,
    problem: Option<String>,
    /// Events done of the total, while the import runs.
    running: Option<String>,
}

fn import_page(ctx: &Ctx, session: &crate::sessions::Session) -> ImportPage {
    ImportPage {
        chrome: ctx.chrome(session),
        done: false,
        file: String::new(),
        rows: 0,
        patients: 0,
        appended: 0,
        already_stored: 0,
        rejected: Vec::new(),
        rejected_total: 0,
        problem: None,
        running: None,
    }
}

pub async fn import_form(ctx: Ctx) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.require(FACILITATOR)?;
    render_page("import", &import_page(&ctx, session))
}

/// A multipart form as read: its text fields, and its files with their names.
#[derive(Debug, Default)]
struct Multipart {
    fields: std::collections::BTreeMap<String, String>,
    files: std::collections::BTreeMap<String, (String, Vec<u8>)>,
}

impl Multipart {
    fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

/// Parts a multipart form may have, and the bytes a text field may hold.
const MAX_PARTS: usize = 16;
const MAX_FIELD_BYTES: usize = 64 * 1024;

/// A part's bytes, at most `limit` of them (the route's body limit bounds files).
async fn part_bytes(part: warp::multipart::Part, limit: usize) -> Result<Vec<u8>, String> {
    let name = part.name().to_owned();
    let mut stream = part.stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.try_next().await.map_err(|e| e.to_string())? {
        let mut chunk = chunk;
        while chunk.has_remaining() {
            let piece = chunk.chunk();
            if bytes.len() + piece.len() > limit {
                return Err(format!("the field {name} is longer than {limit} bytes"));
            }
            bytes.extend_from_slice(piece);
            let n = piece.len();
            chunk.advance(n);
        }
    }
    Ok(bytes)
}

/// Reads a multipart form for a session of one of `roles`. The role is checked before a byte
/// of the body is read, and the form's first part must be its CSRF token, checked before
/// the rest (a file) is read; so nobody without a valid form makes the server read an upload.
/// A body that is no valid multipart form is a 422 that says why.
async fn read_multipart(
    ctx: &Ctx,
    roles: &[Role],
    mut form: warp::multipart::FormData,
) -> Result<(crate::sessions::Session, Multipart), Rejection> {
    ctx.require(roles)?;
    let unreadable = |e: String| ctx.invalid(format!("the upload is not a readable form: {e}"));
    let first = form
        .try_next()
        .await
        .map_err(|e| unreadable(e.to_string()))?
        .ok_or_else(|| unreadable("it is empty".into()))?;
    if first.name() != "csrf" {
        return Err(warp::reject::custom(crate::ctx::StaleForm {
            lang: ctx.lang,
        }));
    }
    let csrf = part_bytes(first, 128).await.map_err(unreadable)?;
    let session = ctx
        .check_form(roles, &String::from_utf8_lossy(&csrf))?
        .clone();
    let mut out = Multipart::default();
    let mut parts = 1;
    while let Some(part) = form
        .try_next()
        .await
        .map_err(|e| unreadable(e.to_string()))?
    {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(unreadable(format!("it has more than {MAX_PARTS} parts")));
        }
        let name = part.name().to_owned();
        match part.filename().map(str::to_owned) {
            Some(file) => {
                let bytes = part_bytes(part, usize::MAX).await.map_err(unreadable)?;
                out.files.insert(name, (file, bytes));
            }
            None => {
                let bytes = part_bytes(part, MAX_FIELD_BYTES)
                    .await
                    .map_err(unreadable)?;
                out.fields
                    .insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
    }
    Ok((session, out))
}

pub async fn import_upload(
    ctx: Ctx,
    form: warp::multipart::FormData,
) -> Result<Box<dyn Reply>, Rejection> {
    let (session, mut upload) = read_multipart(&ctx, FACILITATOR, form).await?;
    let (file, bytes) = upload.files.remove("extract").unwrap_or_default();
    let mut page = import_page(&ctx, &session);
    page.file = file.clone();
    let kind = casetrail_app::UploadKind::of_name(&file);
    let (Some(kind), false) = (kind, bytes.is_empty()) else {
        page.problem = Some(text(ctx.lang, "import_wrong_file").to_owned());
        let body = crate::templates::render("import", &page).map_err(server_error)?;
        return Ok(html(body, StatusCode::BAD_REQUEST));
    };
    let by = session.user.clone();
    let job = Arc::new(ImportJob::new(file));
    let id = ctx.shared.start_import(job.clone());
    let shared = ctx.shared.clone();
    // The import runs on its own; the reader follows it on /import/{id}. The façade keeps
    // the bytes only while it imports them.
    tokio::task::spawn_blocking(move || {
        let outcome =
            shared
                .workbench
                .import_bytes(&bytes, kind, &by, &mut JobProgress(job.clone()));
        job.finish(outcome);
    });
    Ok(see_other(format!("/import/{id}")))
}

/// An import under way, as its page shows it.
#[derive(Debug)]
pub struct ImportJob {
    file: String,
    total: AtomicU64,
    done: AtomicU64,
    outcome: Mutex<Option<Result<casetrail_app::ImportSummary, AppError>>>,
}

impl ImportJob {
    pub(crate) fn new(file: String) -> Self {
        ImportJob {
            file,
            total: AtomicU64::new(0),
            done: AtomicU64::new(0),
            outcome: Mutex::new(None),
        }
    }

    pub(crate) fn finish(&self, outcome: Result<casetrail_app::ImportSummary, AppError>) {
        if let Err(e) = &outcome
            && e.kind() == casetrail_app::ErrorKind::Internal
        {
            tracing::error!(error = %e, file = %self.file, "import failed");
        }
        *self.outcome.lock().unwrap_or_else(|e| e.into_inner()) = Some(outcome);
    }
}

pub(crate) struct JobProgress(pub(crate) Arc<ImportJob>);

impl casetrail_app::Progress for JobProgress {
    fn start(&mut self, total_events: u64) {
        self.0.total.store(total_events, Ordering::Relaxed);
    }

    fn advance(&mut self, events: u64) {
        self.0.done.fetch_add(events, Ordering::Relaxed);
    }

    fn finish(&mut self) {}
}

pub async fn import_status(ctx: Ctx, id: String) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.require(FACILITATOR)?;
    let job = ctx.shared.import(&id).ok_or_else(|| {
        warp::reject::custom(crate::ctx::UserError {
            lang: ctx.lang,
            kind: casetrail_app::ErrorKind::NotFound,
            detail: format!("no import {id} since the server started"),
        })
    })?;
    let mut page = import_page(&ctx, session);
    page.file = job.file.clone();
    let outcome = job.outcome.lock().unwrap_or_else(|e| e.into_inner());
    let status = match &*outcome {
        None => {
            let (done, total) = (
                job.done.load(Ordering::Relaxed),
                job.total.load(Ordering::Relaxed),
            );
            page.running = Some(format!("{done} / {total} ({})", percent(done, total)));
            StatusCode::OK
        }
        Some(Ok(summary)) => {
            page.done = true;
            page.rows = summary.rows;
            page.patients = summary.patients;
            page.appended = summary.appended;
            page.already_stored = summary.already_stored;
            StatusCode::OK
        }
        Some(Err(AppError::InvalidRows { rejected, .. })) => {
            page.rejected_total = rejected.len();
            page.rejected = rejected
                .iter()
                .take(200)
                .map(|r| RejectedRow {
                    line: r.line,
                    reasons: r
                        .errors
                        .iter()
                        .map(|e| format!("{}: {}", e.column, e.reason))
                        .collect::<Vec<_>>()
                        .join("; "),
                })
                .collect();
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Some(Err(e)) if e.kind() != casetrail_app::ErrorKind::Internal => {
            page.problem = Some(e.to_string());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Some(Err(_)) => {
            page.problem = Some(text(ctx.lang, "error_server_advice").to_owned());
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let running = page.running.is_some();
    let body = crate::templates::render("import", &page).map_err(server_error)?;
    let reply = html(body, status);
    // Until it is done the page reloads itself each second, without any script.
    Ok(if running {
        Box::new(warp::reply::with_header(reply, "refresh", "1"))
    } else {
        reply
    })
}

#[derive(Debug, Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

#[derive(Debug, Serialize)]
struct Stage1Page {
    #[serde(flatten)]
    chrome: Chrome,
    year: i32,
    patients: u64,
    admissions: u64,
    acute_admissions: u64,
    readmissions: u64,
    charts: Vec<BarChart>,
}

pub async fn stage1(ctx: Ctx, query: YearQuery) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.require(FACILITATOR)?;
    let year = match query.year {
        None => 2019,
        Some(y) => bounds::year(y).ok_or_else(|| ctx.invalid(bounds::year_problem(y)))?,
    };
    let r = ctx.blocking(move |wb| wb.stage1(year)).await?;
    let lang = ctx.lang;
    let count = |n: u64| (n, n.to_string());
    let share =
        |s: &casetrail_app::Share| (s.count, format!("{} ({})", s.count, percent(s.count, s.of)));
    let rest = |s: &casetrail_app::Share| {
        let n = s.of - s.count;
        (n, format!("{n} ({})", percent(n, s.of)))
    };
    let row = |label: String, (n, shown): (u64, String)| (label, n, shown);
    let charts = vec![
        bar_chart(
            "per-patient",
            text(lang, "stage1_chart_per_patient").to_owned(),
            r.table
                .iter()
                .map(|e| row(e.episodes.clone(), count(e.patients)))
                .collect(),
        ),
        bar_chart(
            "length",
            text(lang, "stage1_chart_length").to_owned(),
            vec![
                row(
                    text(lang, "stage1_short").to_owned(),
                    share(&r.short_stay_share),
                ),
                row(
                    text(lang, "stage1_longer").to_owned(),
                    rest(&r.short_stay_share),
                ),
                row(
                    text(lang, "stage1_readmission_short").to_owned(),
                    share(&r.readmission_short_stay_share),
                ),
                row(
                    text(lang, "stage1_readmission_longer").to_owned(),
                    rest(&r.readmission_short_stay_share),
                ),
            ],
        ),
        bar_chart(
            "readmissions",
            text(lang, "stage1_chart_readmissions").to_owned(),
            r.by_diagnosis
                .iter()
                .map(|d| row(group_name(d.group), count(d.readmissions)))
                .collect(),
        ),
        bar_chart(
            "evening-night",
            text(lang, "stage1_chart_evening").to_owned(),
            vec![
                row(
                    text(lang, "stage1_evening").to_owned(),
                    share(&r.evening_night_share),
                ),
                row(
                    text(lang, "stage1_daytime").to_owned(),
                    rest(&r.evening_night_share),
                ),
            ],
        ),
    ];
    render_page(
        "stage1",
        &Stage1Page {
            chrome: ctx.chrome(session),
            year,
            patients: r.patients,
            admissions: r.admissions,
            acute_admissions: r.acute_admissions,
            readmissions: r.readmissions,
            charts,
        },
    )
}

#[derive(Debug, Deserialize, Default)]
pub struct SelectQuery {
    from: Option<String>,
    to: Option<String>,
    group: Option<String>,
    min_short_acute: Option<String>,
    min_actors: Option<String>,
    housing: Option<String>,
    substance_misuse: Option<String>,
}

#[derive(Debug, Serialize)]
struct CandidateRow {
    patient: String,
    group: String,
    admissions: usize,
    short_acute_admissions: usize,
    readmissions: usize,
    actors: usize,
    housing: bool,
    substance_misuse: bool,
}

#[derive(Debug, Serialize)]
struct SelectPage {
    #[serde(flatten)]
    chrome: Chrome,
    from: String,
    to: String,
    group: String,
    min_short_acute: String,
    min_actors: String,
    housing: bool,
    substance_misuse: bool,
    searched: bool,
    candidates: Vec<CandidateRow>,
    shown: usize,
    total: usize,
}

fn number(field: &Option<String>, name: &str) -> Result<usize, String> {
    match field.as_deref().map(str::trim) {
        None | Some("") => Ok(0),
        Some(v) => v
            .parse()
            .map_err(|_| format!("{name}: {v:?} is not a whole number")),
    }
}

fn date(field: &Option<String>, name: &str) -> Result<Option<NaiveDate>, String> {
    match field.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| format!("{name}: {v:?} is not a date (YYYY-MM-DD)")),
    }
}

fn criteria(q: &SelectQuery) -> Result<Criteria, String> {
    let groups = match q.group.as_deref().map(str::trim) {
        None | Some("") => Vec::new(),
        Some(g) => vec![
            serde_json::from_value::<DiagnosisGroup>(serde_json::Value::String(g.to_owned()))
                .map_err(|_| format!("group: {g:?} is not a diagnosis group (F20, F60, other)"))?,
        ],
    };
    Ok(Criteria {
        from: date(&q.from, "from")?,
        to: date(&q.to, "to")?,
        groups,
        min_short_acute: number(&q.min_short_acute, "min_short_acute")?,
        min_actors: number(&q.min_actors, "min_actors")?,
        housing: q.housing.is_some(),
        substance_misuse: q.substance_misuse.is_some(),
        ..Criteria::default()
    })
}

pub async fn select(ctx: Ctx, query: SelectQuery) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.require(FACILITATOR)?;
    let searched = query.from.is_some() || query.min_short_acute.is_some();
    let criteria = criteria(&query).map_err(|detail| {
        warp::reject::custom(crate::ctx::UserError {
            lang: ctx.lang,
            kind: casetrail_app::ErrorKind::Invalid,
            detail,
        })
    })?;
    let candidates = if searched {
        ctx.blocking(move |wb| wb.select(&criteria)).await?
    } else {
        Vec::new()
    };
    const SHOWN: usize = 500;
    render_page(
        "select",
        &SelectPage {
            chrome: ctx.chrome(session),
            from: query.from.clone().unwrap_or_else(|| "2019-01-01".into()),
            to: query.to.clone().unwrap_or_else(|| "2019-12-31".into()),
            group: query.group.clone().unwrap_or_default(),
            min_short_acute: query.min_short_acute.clone().unwrap_or_else(|| "3".into()),
            min_actors: query.min_actors.clone().unwrap_or_else(|| "3".into()),
            housing: query.housing.is_some(),
            substance_misuse: query.substance_misuse.is_some(),
            searched,
            shown: candidates.len().min(SHOWN),
            total: candidates.len(),
            candidates: candidates
                .into_iter()
                .take(SHOWN)
                .map(|c| CandidateRow {
                    patient: c.patient,
                    group: group_name(c.group),
                    admissions: c.admissions,
                    short_acute_admissions: c.short_acute_admissions,
                    readmissions: c.readmissions,
                    actors: c.actors.len(),
                    housing: c.housing,
                    substance_misuse: c.substance_misuse,
                })
                .collect(),
        },
    )
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
    event: &'static str,
    summary: String,
    note: String,
}

#[derive(Debug, Serialize)]
struct PathwayRows {
    cpr: String,
    name: String,
    birth_year: String,
    municipality: String,
    stays: Vec<casetrail_app::StayView>,
    entries: Vec<EntryRow>,
}

fn personal(p: &Option<casetrail_app::Personal>) -> String {
    p.as_ref().map(ToString::to_string).unwrap_or_default()
}

impl PathwayRows {
    fn new(p: casetrail_app::PathwayView) -> Self {
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
                    event: e.event,
                    summary: e.summary.clone(),
                    note: personal(&e.note),
                })
                .collect(),
            stays: p.stays,
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
    sources: Vec<&'static str>,
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
    let session = ctx.require(FACILITATOR)?.clone();
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
                    when: when(&c.at),
                })
                .collect(),
            material: t
                .material
                .iter()
                .map(|m| MaterialRow {
                    source: m.source.clone(),
                    when: when(&m.at),
                    text: m.text.clone(),
                })
                .collect(),
            findings: findings
                .into_iter()
                .map(|f| FindingRow {
                    term: f.term,
                    kind: format!("{:?}", f.kind),
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
                    policy: r.policy.as_str().to_owned(),
                    hash: r.content_hash.to_string(),
                    by: r.released_by,
                    events: r.stream_version,
                })
                .collect(),
            sources: casetrail_app::MaterialSource::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
            pathway: PathwayRows::new(pathway),
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
}

pub async fn case_action(
    ctx: Ctx,
    case: String,
    form: CaseForm,
) -> Result<Box<dyn Reply>, Rejection> {
    let by = ctx.check_form(FACILITATOR, &form.csrf)?.user.clone();
    let shared = ctx.shared.clone();
    let id = case.clone();
    ctx.blocking(move |wb| {
        let bad = |what: &str| AppError::BadForm {
            what: what.to_owned(),
        };
        match form.action.as_str() {
            "decide" => {
                let decision = RiskDecision::parse(&form.decision)
                    .ok_or_else(|| bad("decision must be accept or redact"))?;
                wb.decide(&id, &form.term, decision, &by).map(|_| ())
            }
            "release" => {
                let policy = DatePolicy::parse(&form.policy)
                    .ok_or_else(|| bad("policy must be relative_days or shifted_weeks"))?;
                wb.release(&id, &shared.key, policy, &by).map(|_| ())
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
    let (session, mut upload) = read_multipart(&ctx, FACILITATOR, form).await?;
    let by = session.user;
    let id = case.clone();
    ctx.blocking(move |wb| {
        let bad = |what: &str| AppError::BadForm {
            what: what.to_owned(),
        };
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

#[derive(Debug, Serialize)]
struct AccessRow {
    position: u64,
    at: String,
    user: String,
    role: String,
    case: String,
    viewed: String,
    release: String,
    hash: String,
}

#[derive(Debug, Serialize)]
struct AccessPage {
    #[serde(flatten)]
    chrome: Chrome,
    rows: Vec<AccessRow>,
}

pub async fn access_log(ctx: Ctx) -> Result<Box<dyn Reply>, Rejection> {
    let session = ctx.require(FACILITATOR)?;
    let entries = ctx.blocking(|wb| wb.access_log(None)).await?;
    render_page(
        "access",
        &AccessPage {
            chrome: ctx.chrome(session),
            rows: entries
                .into_iter()
                .take(1000)
                .map(|e| AccessRow {
                    position: e.position,
                    at: crate::ctx::utc(e.at_micros),
                    user: e.access.user,
                    role: e.access.role,
                    case: e.access.case,
                    viewed: format!("{:?}", e.access.viewed),
                    release: e.access.release.map(|r| r.to_string()).unwrap_or_default(),
                    hash: e
                        .access
                        .content_hash
                        .map(|h| h.chars().take(12).collect())
                        .unwrap_or_default(),
                })
                .collect(),
        },
    )
}
