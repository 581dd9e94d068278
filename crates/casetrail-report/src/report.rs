//! The audit report as one printable HTML page, in the shape a Danish audit report takes:
//! title, authors and date; background and aims; method (stage 1, criteria, panels, cases,
//! the questionnaire); results per question (distribution, alpha, quotes); consensus and themes;
//! numbered recommendations with their owners and an action-plan table; and the ledger head
//! the report was made at. Charts are SVG bars in black and grey, readable in print.

use casetrail_app::{AuditReport, ReportContent, ReportLayout};
use serde::Serialize;

use crate::RenderError;
use crate::charts::{BarChart, bar_chart, percent};

#[derive(Debug, Serialize)]
struct Stage1View {
    year: i32,
    patients: u64,
    admissions: u64,
    acute_admissions: u64,
    readmissions: u64,
    short_stays: String,
    evening_night: String,
    chart: BarChart,
}

#[derive(Debug, Serialize)]
struct QuestionView {
    number: usize,
    text: String,
    alpha: String,
    interval: String,
    chart: BarChart,
    /// Themes first, the rest last.
    quotes: Vec<QuoteGroup>,
}

/// A quote as (sector, value, text).
type QuoteRow = (String, String, String);

#[derive(Debug, Serialize)]
struct QuoteGroup {
    heading: String,
    quotes: Vec<QuoteRow>,
}

/// The report's heading and the parts the template shows as they are.
#[derive(Debug, Serialize)]
struct Heading {
    audit: String,
    title: String,
    topic: String,
    criteria: String,
    facilitator: String,
    closed: bool,
    questionnaire: String,
    scale: Vec<String>,
    cases: Vec<CaseRow>,
    /// (panel, case pseudonym, question, value, note)
    consensus: Vec<(String, String, String, String, String)>,
    /// (panel, theme)
    themes: Vec<(String, String)>,
    head_position: Option<u64>,
    head_hash: Option<String>,
}

#[derive(Debug, Serialize)]
struct CaseRow {
    pseudonym: String,
    panel: String,
    diagnosis_group: String,
    stays: usize,
    readmissions: usize,
    contacts: usize,
    days: i64,
}

impl Heading {
    fn new(r: &AuditReport) -> Heading {
        Heading {
            audit: r.audit.clone(),
            title: r.title.clone(),
            topic: r.topic.clone(),
            criteria: r.criteria.clone(),
            facilitator: r.facilitator.clone(),
            closed: r.closed,
            questionnaire: r.questionnaire.clone(),
            scale: r.scale.clone(),
            cases: r
                .cases
                .iter()
                .map(|c| CaseRow {
                    pseudonym: c.pseudonym.clone(),
                    panel: c.panel.clone(),
                    diagnosis_group: c.diagnosis_group.clone(),
                    stays: c.stays,
                    readmissions: c.readmissions,
                    contacts: c.contacts,
                    days: c.days,
                })
                .collect(),
            consensus: r.consensus.clone(),
            themes: r.themes.clone(),
            head_position: r.head_position,
            head_hash: r.head_hash.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
struct ReportView {
    r: Heading,
    /// The stylesheet inside the page, for a file opened on its own (the server links it:
    /// its content security policy allows no inline style).
    inline_css: Option<&'static str>,
    /// The checkpoint's time, in Danish local time (the checkpoint itself keeps UTC).
    made_at: String,
    created: String,
    stage1: Option<Stage1View>,
    /// Name, make-up, submissions made of expected, response rate.
    panels: Vec<(String, String, String, String)>,
    questions: Vec<QuestionView>,
    /// Number, text, owners, deadline, follow-up.
    recommendations: Vec<(u32, String, String, String, String)>,
    integrity: Option<IntegrityView>,
    /// Where the receipt goes once it is made (see `casetrail_receipt::embedded`).
    receipt_marker: &'static str,
}

/// The signed checkpoint the report was made against, as the integrity section shows it.
#[derive(Debug, Serialize)]
struct IntegrityView {
    size: u64,
    root: String,
    fingerprint: String,
    origin: String,
    events: usize,
}

fn sector_da(sector: &str) -> &str {
    match sector {
        "region" => "Regionspsykiatri",
        "municipality" => "Kommune",
        "general_practice" => "Almen praksis",
        "out_of_hours" => "Lægevagt",
        "police" => "Politi",
        other => other,
    }
}

/// How the report page is laid out: served by the workbench (linking its stylesheet, as the
/// content security policy allows no inline style) or a file of its own (carrying it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Served,
    Standalone,
}

impl ReportLayout for Layout {
    fn render(
        &self,
        content: &ReportContent<'_>,
    ) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
        Ok(report_html(content, *self)?)
    }
}

/// The report page, with the place for its receipt.
fn report_html(content: &ReportContent<'_>, layout: Layout) -> Result<String, RenderError> {
    let report = content.report;
    let stage1 = content.stage1;
    let made_at = crate::format::local_rfc3339(&content.checkpoint.checkpoint.made_at);
    let checkpoint = Some((content.checkpoint, content.events));
    let view = ReportView {
        integrity: checkpoint.map(|(c, events)| IntegrityView {
            size: c.checkpoint.size,
            root: c.checkpoint.root.to_hex(),
            fingerprint: c.fingerprint(),
            origin: c.checkpoint.origin.clone(),
            events,
        }),
        receipt_marker: if checkpoint.is_some() {
            casetrail_app::RECEIPT_MARKER
        } else {
            ""
        },
        r: Heading::new(report),
        inline_css: (layout == Layout::Standalone).then_some(crate::CSS),
        made_at,
        created: crate::format::local(report.created_at_micros),
        stage1: stage1.map(|s| Stage1View {
            year: s.year,
            patients: s.patients,
            admissions: s.admissions,
            acute_admissions: s.acute_admissions,
            readmissions: s.readmissions,
            short_stays: percent(s.short_stay_share.count, s.short_stay_share.of),
            evening_night: percent(s.evening_night_share.count, s.evening_night_share.of),
            chart: bar_chart(
                "per-patient",
                "Patienter efter antal indlæggelser".into(),
                s.table
                    .iter()
                    .map(|e| (e.episodes.clone(), e.patients, e.patients.to_string()))
                    .collect(),
            ),
        }),
        panels: report
            .panels
            .iter()
            .map(|(name, make_up)| {
                let (made, expected) = report
                    .response
                    .iter()
                    .find(|(p, _, _)| p == name)
                    .map_or((0, 0), |(_, m, e)| (*m, *e));
                (
                    name.clone(),
                    make_up
                        .iter()
                        .map(|(s, n)| format!("{} {n}", sector_da(s)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    format!("{made} af {expected}"),
                    crate::charts::percent(made as u64, expected as u64),
                )
            })
            .collect(),
        questions: report
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let total: u64 = q.distribution.iter().map(|(_, n)| n).sum();
                QuestionView {
                    number: i + 1,
                    text: q.text.clone(),
                    alpha: q
                        .alpha
                        .map(|a| format!("{a:.2}"))
                        .unwrap_or_else(|| "udefineret".into()),
                    interval: q
                        .interval
                        .map(|(lo, hi)| format!("{lo:.2} til {hi:.2}"))
                        .unwrap_or_else(|| "–".into()),
                    chart: bar_chart(
                        "distribution",
                        q.text.clone(),
                        q.distribution
                            .iter()
                            .map(|(label, n)| {
                                (label.clone(), *n, format!("{n} ({})", percent(*n, total)))
                            })
                            .collect(),
                    ),
                    quotes: quote_groups(&q.quotes),
                }
            })
            .collect(),
        recommendations: report
            .recommendations
            .iter()
            .map(|(n, text, owners)| {
                let (due, follow_up) = report.action_plan.get(n).cloned().unwrap_or_default();
                (
                    *n,
                    text.clone(),
                    owners
                        .iter()
                        .map(|o| sector_da(o))
                        .collect::<Vec<_>>()
                        .join(", "),
                    due,
                    follow_up,
                )
            })
            .collect(),
    };
    crate::templates::render("report", &view)
}

/// Quotes under their themes, in the order the themes first occur, then the unthemed.
fn quote_groups(quotes: &[casetrail_app::Quote]) -> Vec<QuoteGroup> {
    let mut groups: Vec<(Option<String>, Vec<QuoteRow>)> = Vec::new();
    for x in quotes {
        let row = (
            sector_da(&x.sector).to_owned(),
            x.value.clone(),
            x.text.clone(),
        );
        match groups.iter_mut().find(|(t, _)| *t == x.theme) {
            Some((_, rows)) => rows.push(row),
            None => groups.push((x.theme.clone(), vec![row])),
        }
    }
    groups.sort_by_key(|(t, _)| t.is_none());
    groups
        .into_iter()
        .map(|(t, quotes)| QuoteGroup {
            heading: t.map_or("Uden for temaerne".to_string(), |t| format!("Tema: {t}")),
            quotes,
        })
        .collect()
}
