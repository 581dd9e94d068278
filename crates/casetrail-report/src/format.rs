//! Times and moments as the documents write them (Danish, as the reports are).

use casetrail_app::timeline::Moment;

/// A time in microseconds since the epoch, as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| micros.to_string())
}

/// A moment of an anonymised timeline: its date when the policy keeps one, its day, weekday
/// and time (`2025-03-04 (dag 12), tirsdag kl. 22:10`).
pub fn when(m: &Moment) -> String {
    let mut out = match &m.date {
        Some(d) => format!("{d} (dag {})", m.day),
        None => format!("dag {}", m.day),
    };
    out.push_str(&format!(", {}", m.weekday));
    if let Some(t) = &m.time {
        out.push_str(&format!(" kl. {t}"));
    }
    out
}
