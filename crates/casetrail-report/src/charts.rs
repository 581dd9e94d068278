//! Horizontal bar charts as view structs, laid out in pixels for an inline SVG. Bars are
//! black outlines with a grey fill and the value written at the end, so a chart reads in
//! print and in black and white; the same rows are given to a table beside it.

use serde::Serialize;

/// The narrowest and widest room for the labels left of the bars.
const LABEL_MIN: f64 = 120.0;
const LABEL_MAX: f64 = 320.0;
/// About this many pixels a character of a 12 px label.
const CHAR: f64 = 6.6;
const PLOT: f64 = 330.0;
const ROW: f64 = 22.0;
/// The axis under the bars: its line, and the tick labels below it.
const AXIS: f64 = 26.0;

/// One mark of the value axis.
#[derive(Debug, Clone, Serialize)]
pub struct AxisTick {
    pub x: f64,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BarRow {
    pub label: String,
    pub value: u64,
    /// The value as the table shows it (a count, or a count with its share).
    pub shown: String,
    pub y: f64,
    pub text_y: f64,
    pub width: f64,
    pub value_x: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BarChart {
    pub id: &'static str,
    pub title: String,
    pub label_x: f64,
    pub bar_x: f64,
    pub width: f64,
    pub height: f64,
    pub rows: Vec<BarRow>,
    /// The value axis: its line's height and its ticks (0, then a round step up to the
    /// largest value).
    pub axis_y: f64,
    pub axis_end: f64,
    /// Where a tick mark ends below the axis line.
    pub tick_end: f64,
    pub axis: Vec<AxisTick>,
}

/// A round step (1, 2 or 5 times a power of ten) that puts at most five ticks up to `max`.
fn axis_step(max: u64) -> u64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if max / (step * m) <= 5 {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// Percent with one decimal, from integer counts (no float reaches anything hashed).
pub fn percent(count: u64, of: u64) -> String {
    if of == 0 {
        return "–".into();
    }
    let tenths = (count * 1000 + of / 2) / of;
    format!("{},{} %", tenths / 10, tenths % 10)
}

pub fn bar_chart(id: &'static str, title: String, rows: Vec<(String, u64, String)>) -> BarChart {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    // Room for the longest label, so none is cut off at the left edge.
    let longest = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let label = (longest as f64 * CHAR + 10.0).clamp(LABEL_MIN, LABEL_MAX);
    let rows: Vec<BarRow> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (text, value, shown))| {
            let width = value as f64 / max as f64 * PLOT;
            BarRow {
                label: text,
                value,
                shown,
                y: 6.0 + i as f64 * ROW,
                text_y: 6.0 + i as f64 * ROW + 14.0,
                width,
                value_x: label + width + 4.0,
            }
        })
        .collect();
    let axis_y = 8.0 + rows.len() as f64 * ROW;
    let step = axis_step(max);
    let axis = (0..=5)
        .map(|k| k * step)
        .take_while(|v| *v <= max)
        .map(|v| AxisTick {
            x: ((label + v as f64 / max as f64 * PLOT) * 10.0).round() / 10.0,
            label: v.to_string(),
        })
        .collect();
    BarChart {
        id,
        title,
        label_x: label - 6.0,
        bar_x: label,
        width: label + PLOT + 90.0,
        height: axis_y + AXIS,
        axis_y,
        axis_end: label + PLOT,
        tick_end: axis_y + 4.0,
        axis,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value_and_percent_rounds_half_up() {
        let chart = bar_chart(
            "x",
            "t".into(),
            vec![("a".into(), 10, "10".into()), ("b".into(), 5, "5".into())],
        );
        assert_eq!(chart.rows[0].width, PLOT);
        assert_eq!(chart.rows[1].width, PLOT / 2.0);
        let ticks: Vec<&str> = chart.axis.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(ticks, ["0", "2", "4", "6", "8", "10"]);
        assert_eq!(chart.axis[0].x, chart.bar_x);
        assert_eq!(chart.axis[5].x, chart.bar_x + PLOT);
        assert_eq!((axis_step(3), axis_step(37), axis_step(1234)), (1, 10, 500));
        // A long label widens the label column instead of being cut off.
        let long = "Genindlæggelser inden for 30 dage efter udskrivelse".to_string();
        let wide = bar_chart("y", "t".into(), vec![(long, 1, "1".into())]);
        assert!(
            wide.label_x > 300.0 && wide.label_x < LABEL_MAX,
            "{}",
            wide.label_x
        );
        assert_eq!(percent(1, 3), "33,3 %");
        assert_eq!(percent(2, 3), "66,7 %");
        assert_eq!(percent(0, 0), "–");
    }
}
