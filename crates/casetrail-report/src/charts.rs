//! Horizontal bar charts as view structs, laid out in pixels for an inline SVG. Bars are
//! black outlines with a grey fill and the value written at the end, so a chart reads in
//! print and in black and white; the same rows are given to a table beside it.

use serde::Serialize;

const LABEL: f64 = 170.0;
const PLOT: f64 = 330.0;
const ROW: f64 = 22.0;

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
    let rows: Vec<BarRow> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, value, shown))| {
            let width = value as f64 / max as f64 * PLOT;
            BarRow {
                label,
                value,
                shown,
                y: 6.0 + i as f64 * ROW,
                text_y: 6.0 + i as f64 * ROW + 14.0,
                width,
                value_x: LABEL + width + 4.0,
            }
        })
        .collect();
    BarChart {
        id,
        title,
        label_x: LABEL - 6.0,
        bar_x: LABEL,
        width: LABEL + PLOT + 90.0,
        height: 12.0 + rows.len() as f64 * ROW,
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
        assert_eq!(percent(1, 3), "33,3 %");
        assert_eq!(percent(2, 3), "66,7 %");
        assert_eq!(percent(0, 0), "–");
    }
}
