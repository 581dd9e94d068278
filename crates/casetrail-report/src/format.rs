//! Times and moments as the documents write them: Danish by default, as the reports are, or
//! in the reader's language; wall-clock times in Danish local time (CET/CEST), which is what
//! the people who read them live by.

use casetrail_app::timeline::Moment;
use chrono_tz::Europe::Copenhagen;

/// The language a moment is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    Danish,
    English,
}

/// A time in microseconds since the epoch, as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| micros.to_string())
}

/// A time in microseconds since the epoch in Danish local time, with its zone:
/// `2026-12-02 07:10:33 CET`, `2026-06-02 08:10:33 CEST`.
pub fn local(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| {
            t.with_timezone(&Copenhagen)
                .format("%Y-%m-%d %H:%M:%S %Z")
                .to_string()
        })
        .unwrap_or_else(|| micros.to_string())
}

/// An RFC 3339 time (a checkpoint's `made_at`) in Danish local time, as [`local`] writes it;
/// the text as it is when it does not read.
pub fn local_rfc3339(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&Copenhagen)
                .format("%Y-%m-%d %H:%M:%S %Z")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_owned())
}

/// A moment of an anonymised timeline in Danish: its date when the policy keeps one, its
/// day, weekday and time (`2025-03-04 (dag 12), tirsdag kl. 22:10`).
pub fn when(m: &Moment) -> String {
    when_in(m, Words::Danish)
}

/// The English name of a weekday the timeline names in Danish.
fn weekday_en(da: &str) -> &str {
    match da {
        "mandag" => "Monday",
        "tirsdag" => "Tuesday",
        "onsdag" => "Wednesday",
        "torsdag" => "Thursday",
        "fredag" => "Friday",
        "lørdag" => "Saturday",
        "søndag" => "Sunday",
        other => other,
    }
}

/// A moment in `words`: `2025-03-04 (dag 12), tirsdag kl. 22:10` or
/// `2025-03-04 (day 12), Tuesday at 22:10`.
pub fn when_in(m: &Moment, words: Words) -> String {
    let (day, weekday, at) = match words {
        Words::Danish => ("dag", m.weekday, "kl."),
        Words::English => ("day", weekday_en(m.weekday), "at"),
    };
    let mut out = match &m.date {
        Some(d) => format!("{d} ({day} {})", m.day),
        None => format!("{day} {}", m.day),
    };
    out.push_str(&format!(", {weekday}"));
    if let Some(t) = &m.time {
        out.push_str(&format!(" {at} {t}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_follow_danish_summer_and_winter_time() {
        // 2026-01-15 12:00 UTC and 2026-07-15 12:00 UTC.
        assert_eq!(local(1_768_478_400_000_000), "2026-01-15 13:00:00 CET");
        assert_eq!(local(1_784_116_800_000_000), "2026-07-15 14:00:00 CEST");
        assert_eq!(utc(1_768_478_400_000_000), "2026-01-15 12:00:00 UTC");
        assert_eq!(
            local_rfc3339("2026-12-02T06:41:10Z"),
            "2026-12-02 07:41:10 CET"
        );
        assert_eq!(local_rfc3339("not a time"), "not a time");
    }
}
