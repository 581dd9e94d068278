//! The LifeLines view of an anonymised timeline: one lane per sector, stays as bars, contacts
//! as marks, plans as bands across their validity, the 30 days after each discharge shaded,
//! evening and night marked (filled marks), day 0 at the index admission. Everything is laid
//! out here, in pixels, so the template only draws what it is given and the page needs no
//! script. Every mark links to its details in the list beside the chart (keyboard reachable),
//! and carries a short reference (K12, I3, P2) that a justification can cite.

use casetrail_app::timeline::Moment;
use casetrail_app::{HashedTimeline, Timeline};

use crate::i18n::{Lang, text};
use crate::views::{fill, moment, sector_name, vocab};
use serde::Serialize;

mod bins;

pub use bins::CountBin;

/// Sector lanes, top to bottom, as the method names the actors.
pub const LANES: [&str; 6] = [
    "region",
    "municipality",
    "general_practice",
    "out_of_hours",
    "police",
    "other",
];
const LEFT: f64 = 150.0;
const WIDTH: f64 = 900.0;
const TOP: f64 = 30.0;
const LANE: f64 = 40.0;
/// The plans band sits under the sector lanes.
const PLAN_ROW: f64 = 34.0;
/// At most this many day ticks on the axis, whatever the window.
const MAX_TICKS: i64 = 64;

/// A lane's name: the sector's, or the plans band's.
fn lane_label(lang: Lang, lane: &str) -> String {
    match lane {
        "plans" => text(lang, "plans").to_owned(),
        "other" => text(lang, "sector_other").to_owned(),
        sector => sector_name(lang, sector),
    }
}

/// A period of days to show; `None` ends mean the whole pathway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: i64,
    pub to: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LaneView {
    pub key: &'static str,
    pub label: String,
    pub y: f64,
    pub label_y: f64,
    pub height: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub readmission: bool,
    pub title: String,
    /// A plan band's label, drawn in it when the band is wide enough to hold it.
    pub label: Option<String>,
}

/// One focusable thing on the chart, in the order of time: a contact, a plan or a count.
/// Keyboard users move through the chart as the pathway ran, not kind by kind.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Item {
    Mark(Mark),
    Plan(Bar),
    Bin(CountBin),
}

impl Item {
    /// Where the item starts on the time axis, in pixels.
    pub fn x(&self) -> f64 {
        match self {
            Item::Mark(m) => m.x,
            Item::Plan(p) => p.x,
            Item::Bin(b) => b.x,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Mark {
    pub id: String,
    pub x: f64,
    pub y: f64,
    /// SVG points of a diamond around (x, y).
    pub points: String,
    pub evening_night: bool,
    pub acute: bool,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Shade {
    pub x: f64,
    pub width: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

/// One line of the details list: what a mark stands for.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub id: String,
    pub day: i64,
    pub when: String,
    pub lane: String,
    pub actor: String,
    pub what: String,
    pub text: String,
    pub evening_night: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    pub plot_left: f64,
    pub plot_right: f64,
    pub lanes_bottom: f64,
    pub plan_y: f64,
    pub from: i64,
    pub to: i64,
    pub lanes: Vec<LaneView>,
    pub stays: Vec<Bar>,
    pub windows: Vec<Shade>,
    /// Contacts, plans and counts, by time.
    pub items: Vec<Item>,
    /// The days a count column covers, when contacts are drawn as counts.
    pub bin_days: Option<i64>,
    pub ticks: Vec<Tick>,
    pub day0: Option<f64>,
    pub details: Vec<Detail>,
    /// Marks left out because they fall outside the window.
    pub outside: usize,
}

/// Day (with the time of day as a fraction) of a moment; for drawing only.
fn at(m: &Moment) -> f64 {
    let minutes = m
        .time
        .as_deref()
        .and_then(|t| {
            let (h, mm) = t.split_once(':')?;
            Some(h.parse::<f64>().ok()? * 60.0 + mm.parse::<f64>().ok()?)
        })
        .unwrap_or(0.0);
    m.day as f64 + minutes / 1440.0
}

/// The first and last day with anything on them.
pub fn extent(t: &Timeline) -> (i64, i64) {
    let days = t
        .stays
        .iter()
        .flat_map(|s| [Some(&s.start), s.end.as_ref(), s.window_until.as_ref()])
        .chain(t.contacts.iter().map(|c| Some(&c.start)))
        .chain(t.plans.iter().map(|p| Some(&p.from)))
        .flatten()
        .map(|m| m.day);
    let (lo, hi) = days.fold((i64::MAX, i64::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
    if lo > hi {
        (0, 1)
    } else {
        (lo, hi.max(lo + 1))
    }
}

fn lane_index(key: &str) -> usize {
    LANES
        .iter()
        .position(|l| *l == key)
        .unwrap_or(LANES.len() - 1)
}

fn diamond(x: f64, y: f64, r: f64) -> String {
    format!(
        "{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
        x,
        y - r,
        x + r,
        y,
        x,
        y + r,
        x - r,
        y
    )
}

/// Lays out the timeline for the days in `window`; `lane_label` names a lane (a sector, or
/// `plans`) in the reader's language.
pub fn chart(hashed: &HashedTimeline, window: Window, lang: Lang) -> Chart {
    let t = &hashed.timeline;
    let span = (window.to - window.from).max(1) as f64;
    // Tenths of a pixel are plenty, and keep long pages short.
    let x = |day: f64| {
        let px = LEFT + ((day - window.from as f64) / span * WIDTH).clamp(0.0, WIDTH);
        (px * 10.0).round() / 10.0
    };
    let inside = |a: f64, b: f64| b >= window.from as f64 && a <= window.to as f64 + 1.0;
    let lane_y = |i: usize| TOP + i as f64 * LANE;
    let lanes_bottom = lane_y(LANES.len());
    let plan_y = lanes_bottom + 4.0;
    let mut outside = 0;
    let mut details = Vec::new();

    let mut stays = Vec::new();
    let mut windows = Vec::new();
    for (i, s) in t.stays.iter().enumerate() {
        let id = format!("I{}", i + 1);
        let (a, b) = (at(&s.start), s.end.as_ref().map_or(window.to as f64, at));
        details.push(Detail {
            id: id.clone(),
            day: s.start.day,
            when: moment(lang, &s.start),
            lane: lane_label(lang, "region"),
            actor: s.actor.clone(),
            what: [
                Some(text(lang, "tl_admission").to_owned()),
                s.acute.then(|| vocab(lang, "priority", "acute")),
                s.length_days.map(|d| match d {
                    1 => text(lang, "tl_day").to_owned(),
                    n => fill(lang, "tl_days", &[("n", &n.to_string())]),
                }),
                s.readmission
                    .then(|| text(lang, "tl_readmission").to_owned()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
            text: s.main_diagnosis.clone().unwrap_or_default(),
            evening_night: s.start.evening_night == Some(true),
        });
        if let Some(until) = &s.window_until {
            let (w0, w1) = (b, at(until));
            if inside(w0, w1) {
                windows.push(Shade {
                    x: x(w0),
                    width: (x(w1) - x(w0)).max(1.0),
                });
            }
        }
        if !inside(a, b) {
            outside += 1;
            continue;
        }
        let what = details.last().map_or("", |d| d.what.as_str());
        stays.push(Bar {
            title: format!("{id}: {what}"),
            id,
            x: x(a),
            y: lane_y(0) + 8.0,
            width: (x(b) - x(a)).max(3.0),
            height: LANE - 16.0,
            readmission: s.readmission,
            label: None,
        });
    }

    let mut marks = Vec::new();
    let mut counted: Vec<(usize, i64, bool, String)> = Vec::new();
    for (i, c) in t.contacts.iter().enumerate() {
        let id = format!("K{}", i + 1);
        let d = at(&c.start);
        details.push(Detail {
            id: id.clone(),
            day: c.start.day,
            when: moment(lang, &c.start),
            lane: lane_label(lang, c.lane),
            actor: c.actor.clone(),
            what: match c.acute {
                true => format!(
                    "{}, {}",
                    vocab(lang, "kind", &c.kind),
                    vocab(lang, "priority", "acute")
                ),
                false => vocab(lang, "kind", &c.kind),
            },
            text: c.note.clone().unwrap_or_default(),
            evening_night: c.start.evening_night == Some(true),
        });
        if !inside(d, d) {
            outside += 1;
            continue;
        }
        counted.push((lane_index(c.lane), c.start.day, c.acute, id.clone()));
        let (mx, my) = (x(d), lane_y(lane_index(c.lane)) + LANE / 2.0);
        marks.push(Mark {
            title: format!(
                "{id}: {} {}, {}",
                c.actor,
                vocab(lang, "kind", &c.kind),
                moment(lang, &c.start)
            ),
            id,
            x: mx,
            y: my,
            points: diamond(mx, my, if c.acute { 8.0 } else { 6.0 }),
            evening_night: c.start.evening_night == Some(true),
            acute: c.acute,
        });
    }

    let mut plans = Vec::new();
    for (i, p) in t.plans.iter().enumerate() {
        let id = format!("P{}", i + 1);
        let (a, b) = (at(&p.from), p.until.as_ref().map_or(window.to as f64, at));
        details.push(Detail {
            id: id.clone(),
            day: p.from.day,
            when: moment(lang, &p.from),
            lane: lane_label(lang, "plans"),
            actor: p
                .participants
                .iter()
                .map(|s| sector_name(lang, s))
                .collect::<Vec<_>>()
                .join(", "),
            what: format!(
                "{} ({}, {})",
                p.plan,
                vocab(lang, "plan", &p.kind),
                vocab(lang, "plan_action", &p.action)
            ),
            text: p.content.clone().unwrap_or_default(),
            evening_night: false,
        });
        if !inside(a, b) {
            outside += 1;
            continue;
        }
        plans.push(Bar {
            title: format!(
                "{id}: {} {}",
                vocab(lang, "plan", &p.kind),
                vocab(lang, "plan_action", &p.action)
            ),
            id,
            x: x(a),
            y: plan_y + 4.0 + (i % 3) as f64 * 9.0,
            width: (x(b) - x(a)).max(3.0),
            height: 7.0,
            readmission: false,
            // About 6 px a character at the band's font size.
            label: Some(format!("{} {}", p.plan, vocab(lang, "plan", &p.kind)))
                .filter(|l| (l.chars().count() as f64) * 6.0 < x(b) - x(a) - 4.0),
        });
    }

    details.sort_by_key(|d| d.day);
    details.retain(|d| d.day >= window.from && d.day <= window.to);

    let bin_days = (marks.len() > bins::MARKS_BEFORE_BINS).then(|| bins::bin_days(span as i64));
    let count_bins = match bin_days {
        Some(size) => {
            let contacts: Vec<bins::Counted<'_>> = counted
                .iter()
                .map(|(lane, day, acute, id)| bins::Counted {
                    lane: *lane,
                    day: *day,
                    acute: *acute,
                    id,
                })
                .collect();
            marks.clear();
            bins::bins(&contacts, size, x, (lane_y, LANE), |n, a, b| {
                let key = if n == 1 { "tl_bin_one" } else { "tl_bin" };
                fill(
                    lang,
                    key,
                    &[
                        ("n", &n.to_string()),
                        ("a", &a.to_string()),
                        ("b", &b.to_string()),
                    ],
                )
            })
        }
        None => Vec::new(),
    };
    let mut items: Vec<Item> = marks
        .into_iter()
        .map(Item::Mark)
        .chain(plans.into_iter().map(Item::Plan))
        .chain(count_bins.into_iter().map(Item::Bin))
        .collect();
    items.sort_by(|a, b| a.x().total_cmp(&b.x()));

    // Ticks 6 to 12 apart on the axis; years named on the widest windows.
    let step = [1, 2, 7, 14, 30, 60, 90, 180, 365, 730]
        .into_iter()
        .find(|s| span / *s as f64 <= 12.0)
        .unwrap_or(1825);
    let first = window.from.div_euclid(step) * step;
    // A budget on ticks as well as the bounded window: a layout never loops on its input.
    let ticks = (0..MAX_TICKS)
        .map(|k| first + k * step)
        .take_while(|d| *d <= window.to)
        .filter(|d| *d >= window.from)
        .map(|d| Tick {
            x: x(d as f64),
            label: if step >= 365 {
                let year = (d.div_euclid(365)).to_string();
                fill(lang, "tl_tick_year", &[("y", &year), ("d", &d.to_string())])
            } else {
                fill(lang, "tl_tick_day", &[("d", &d.to_string())])
            },
        })
        .collect();
    let height = plan_y + PLAN_ROW;
    Chart {
        width: LEFT + WIDTH + 20.0,
        height: height + 24.0,
        plot_left: LEFT,
        plot_right: LEFT + WIDTH,
        lanes_bottom,
        plan_y,
        from: window.from,
        to: window.to,
        lanes: LANES
            .iter()
            .enumerate()
            .map(|(i, key)| LaneView {
                key,
                label: lane_label(lang, key),
                y: lane_y(i),
                label_y: lane_y(i) + LANE / 2.0 + 4.0,
                height: LANE,
            })
            .collect(),
        stays,
        windows,
        items,
        bin_days,
        ticks,
        day0: (window.from..=window.to).contains(&0).then(|| x(0.0)),
        details,
        outside,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diamond_surrounds_its_point() {
        assert_eq!(
            diamond(10.0, 20.0, 5.0),
            "10.0,15.0 15.0,20.0 10.0,25.0 5.0,20.0"
        );
    }

    #[test]
    fn the_time_of_day_places_a_mark_within_its_day() {
        let m = Moment {
            day: 3,
            date: None,
            time: Some("18:00".into()),
            weekday: "mandag",
            evening_night: Some(true),
        };
        assert_eq!(at(&m), 3.75);
        assert_eq!(moment(Lang::Da, &m), "dag 3, mandag kl. 18:00");
        assert_eq!(moment(Lang::En, &m), "day 3, Monday at 18:00");
    }
}
