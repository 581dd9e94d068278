//! Contacts as counts: when a window holds more contacts than marks can show apart (a
//! ten-year pathway of 2,000 contacts drawn as diamonds is a solid black bar), each lane
//! shows how many fell in each week, or each 30 days on the widest windows, as a column
//! whose height is the count. Each column links to the first contact it counts in the
//! details list, and says the range it stands for.

use serde::Serialize;

/// Above this many contacts in the window, they are drawn as counts.
pub const MARKS_BEFORE_BINS: usize = 150;

/// One column of counts.
#[derive(Debug, Clone, Serialize)]
pub struct CountBin {
    /// The details-list entry of the first contact counted.
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub count: usize,
    /// Acute contacts among them (drawn darker when most are).
    pub mostly_acute: bool,
    pub title: String,
}

/// The days one column covers for a window of `span` days.
pub fn bin_days(span: i64) -> i64 {
    if span <= 730 { 7 } else { 30 }
}

/// One contact to count: its lane, day, whether acute, and its id.
pub struct Counted<'a> {
    pub lane: usize,
    pub day: i64,
    pub acute: bool,
    pub id: &'a str,
}

/// Columns for `contacts` (already inside the window), laid out by `x` (a day to pixels)
/// and `lane_top` (a lane's top edge), lanes `lane_height` high; `title` words a column
/// from (count, first day, last day).
pub fn bins(
    contacts: &[Counted<'_>],
    size: i64,
    x: impl Fn(f64) -> f64,
    (lane_top, lane_height): (impl Fn(usize) -> f64, f64),
    title: impl Fn(usize, i64, i64) -> String,
) -> Vec<CountBin> {
    let mut groups: std::collections::BTreeMap<(usize, i64), (usize, usize, &str)> =
        std::collections::BTreeMap::new();
    for c in contacts {
        let start = c.day.div_euclid(size) * size;
        let entry = groups.entry((c.lane, start)).or_insert((0, 0, c.id));
        entry.0 += 1;
        entry.1 += usize::from(c.acute);
    }
    let most = groups.values().map(|g| g.0).max().unwrap_or(1).max(1);
    let room = lane_height - 10.0;
    groups
        .into_iter()
        .map(|((lane, start), (count, acute, id))| {
            // At least a few pixels, so a single contact is still seen.
            let height = (room * count as f64 / most as f64).max(3.0);
            let (x0, x1) = (x(start as f64), x((start + size) as f64));
            CountBin {
                id: id.to_owned(),
                x: x0,
                y: lane_top(lane) + lane_height - 5.0 - height,
                width: (x1 - x0 - 1.0).max(1.0),
                height,
                count,
                mostly_acute: acute * 2 > count,
                title: title(count, start, start + size - 1),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_counted_per_lane_and_week_with_the_tallest_column_filling_the_lane() {
        let ids = ["K1", "K2", "K3", "K4"];
        let contacts = [
            Counted {
                lane: 0,
                day: 0,
                acute: true,
                id: ids[0],
            },
            Counted {
                lane: 0,
                day: 6,
                acute: true,
                id: ids[1],
            },
            Counted {
                lane: 0,
                day: 7,
                acute: false,
                id: ids[2],
            },
            Counted {
                lane: 1,
                day: -1,
                acute: false,
                id: ids[3],
            },
        ];
        let out = bins(
            &contacts,
            7,
            |d| d * 10.0,
            (|lane| lane as f64 * 40.0, 40.0),
            |n, a, b| format!("{n}: {a}-{b}"),
        );
        assert_eq!(out.len(), 3);
        let titles: Vec<&str> = out.iter().map(|b| b.title.as_str()).collect();
        assert_eq!(titles, ["2: 0-6", "1: 7-13", "1: -7--1"]);
        assert_eq!(out[0].id, "K1");
        assert!(out[0].mostly_acute && !out[1].mostly_acute);
        assert_eq!(
            out[0].height, 30.0,
            "the tallest fills the lane less its margins"
        );
        assert_eq!(out[1].height, 15.0);
        assert_eq!((out[0].x, out[0].width), (0.0, 69.0));
        assert_eq!(bin_days(700), 7);
        assert_eq!(bin_days(3615), 30);
    }
}
