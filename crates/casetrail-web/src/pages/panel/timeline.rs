//! The timeline part of a panel member's case page: the LifeLines chart of the period, the
//! zoom and material-filter links, and the redacted material. It is the same for every
//! member of a panel, so the page renders it once per released version, period, filter and
//! language (`state::FragmentKey`).

use casetrail_app::{HashedTimeline, Timeline};
use serde::Serialize;

use crate::bounds;
use crate::i18n::{Lang, text};
use crate::lifelines::{Chart, Window, chart, extent};
use crate::views::{moment, vocab};

#[derive(Debug, Serialize)]
struct ZoomLink {
    label: String,
    href: String,
}

#[derive(Debug, Serialize)]
struct MaterialView {
    source: String,
    when: String,
    text: String,
}

/// The timeline part of the case page: the same for every member of a panel, so it is
/// rendered once per released version, period, material filter and language.
#[derive(Debug, Serialize)]
pub(crate) struct TimelineView {
    chart: Chart,
    /// Said under the chart when contacts are drawn as counts.
    binned: Option<String>,
    zoom: Vec<ZoomLink>,
    sources: Vec<ZoomLink>,
    material: Vec<MaterialView>,
}

/// Days shown when a case opens: long pathways open on their first months.
const DEFAULT_SPAN: i64 = 120;

/// What a link adds its query with: `?`, or `&` when the base has a query already.
fn joiner(base: &str) -> char {
    if base.contains('?') { '&' } else { '?' }
}

/// The window a page shows (the one asked for, if it is within bounds; else the first
/// months from just before day 0) and the whole pathway's extent.
pub(crate) fn opening(t: &Timeline, from: Option<i64>, to: Option<i64>) -> (Window, (i64, i64)) {
    let whole = extent(t);
    let start = whole.0.clamp(-bounds::MAX_DAY, bounds::MAX_DAY).max(-30);
    let default = Window {
        from: start,
        to: whole.1.clamp(start + 1, start + DEFAULT_SPAN),
    };
    (bounds::window(from, to, default), whole)
}

fn zoom_links(lang: Lang, base: &str, window: Window, whole: (i64, i64)) -> Vec<ZoomLink> {
    let span = window.to - window.from;
    let link = |key, from: i64, to: i64| ZoomLink {
        label: text(lang, key).to_owned(),
        href: format!("{base}{}from={from}&to={to}", joiner(base)),
    };
    let mid = window.from + span / 2;
    vec![
        link("zoom_earlier", window.from - span, window.from),
        link("zoom_in", mid - span / 4, mid + span / 4 + 1),
        link("zoom_out", window.from - span / 2, window.to + span / 2),
        link("zoom_later", window.to, window.to + span),
        link("zoom_whole", whole.0, whole.1),
    ]
}

pub(crate) fn view(
    lang: Lang,
    timeline: &HashedTimeline,
    window: Window,
    whole: (i64, i64),
    base: &str,
    source: Option<&str>,
) -> TimelineView {
    let t = &timeline.timeline;
    let mut sources: Vec<String> = t.material.iter().map(|m| m.source.clone()).collect();
    sources.sort();
    sources.dedup();
    let chart = chart(timeline, window, lang);
    TimelineView {
        binned: chart
            .bin_days
            .map(|d| crate::views::fill(lang, "tl_binned", &[("days", &d.to_string())])),
        chart,
        zoom: zoom_links(lang, base, window, whole),
        sources: sources
            .iter()
            .map(|s| ZoomLink {
                label: vocab(lang, "source", s),
                href: format!(
                    "{base}{}from={}&to={}&source={s}",
                    joiner(base),
                    window.from,
                    window.to
                ),
            })
            .collect(),
        material: t
            .material
            .iter()
            .filter(|m| source.is_none_or(|s| s == m.source))
            .map(|m| MaterialView {
                source: vocab(lang, "source", &m.source),
                when: moment(lang, &m.at),
                text: m.text.clone(),
            })
            .collect(),
    }
}
