//! The stage-1 analysis of a year with its charts, and case selection by the DEFACTUM
//! inclusion criteria.

use casetrail_app::{Criteria, DiagnosisGroup, NaiveDate};
use serde::{Deserialize, Serialize};
use warp::{Rejection, Reply};

use crate::bounds;
use crate::ctx::{Chrome, Ctx, render_page};
use crate::i18n::text;
use crate::routes::{Base, FACILITATOR, Route, RouteDoc, boxed, get};
use crate::views::percent;
use casetrail_report::charts::{BarChart, bar_chart};
use warp::Filter;

/// GET /stage1: facilitator.
pub const STAGE1: RouteDoc = RouteDoc::get(
    "/stage1",
    FACILITATOR,
    "the stage-1 analysis of a year (`?year=`)",
);
/// GET /select: facilitator.
pub const SELECT: RouteDoc = RouteDoc::get(
    "/select",
    FACILITATOR,
    "candidate cases by the inclusion criteria",
);

pub const ROUTES: &[&RouteDoc] = &[&STAGE1, &SELECT];

pub fn routes(b: &Base) -> Vec<Route> {
    vec![
        boxed(
            warp::path!("stage1")
                .and(get())
                .and(b.guard(&STAGE1))
                .and(warp::query())
                .and_then(stage1),
        ),
        boxed(
            warp::path!("select")
                .and(get())
                .and(b.guard(&SELECT))
                .and(warp::query())
                .and_then(select),
        ),
    ]
}

fn group_name(group: DiagnosisGroup) -> String {
    serde_json::to_value(group)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
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
    let session = ctx.session()?;
    let year = match query.year {
        None => 2019,
        Some(y) => bounds::year(y).ok_or_else(|| ctx.invalid(bounds::year_problem(y)))?,
    };
    let r = ctx.blocking(move |wb| wb.stage1(year)).await?;
    let lang = ctx.lang;
    let count = |n: u64| (n, n.to_string());
    let share = |s: &casetrail_app::Share| {
        (
            s.count,
            format!("{} ({})", s.count, percent(lang, s.count, s.of)),
        )
    };
    let rest = |s: &casetrail_app::Share| {
        let n = s.of - s.count;
        (n, format!("{n} ({})", percent(lang, n, s.of)))
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
        ctx.lang,
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
    let session = ctx.session()?;
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
        ctx.lang,
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
