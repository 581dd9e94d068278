//! Dates as panels see them, and exact dates written in free text.
//!
//! The default policy counts days from the index admission (day 0) and keeps time of day,
//! weekday and evening/night, because those matter to the audit. The alternative moves every
//! date of a case back by a whole number of weeks derived from the key, which keeps weekday
//! and time of day too. Dates written in notes are converted to the same form.

use casetrail_domain::{DatePolicy, DayWindow, When};
use chrono::{Datelike, Duration, NaiveDate, Timelike, Weekday};
use serde::Serialize;

/// How one case's dates are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dating {
    /// Real dates: for the facilitator's identifiable view only.
    Identifiable {
        /// Day 0: the index admission.
        index: NaiveDate,
    },
    /// Days from the index date.
    Relative {
        /// Day 0: the index admission.
        index: NaiveDate,
    },
    /// Dates moved back by whole weeks.
    Shifted {
        /// Day 0: the index admission.
        index: NaiveDate,
        /// How many weeks back (from the key, the same for every date of the case).
        weeks: i64,
    },
}

/// A moment of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moment {
    /// Days from the index admission (day 0).
    pub day: i64,
    /// The calendar date, when the policy shows one (shifted, or identifiable).
    pub date: Option<String>,
    /// Time of day, HH:MM, when recorded.
    pub time: Option<String>,
    /// The weekday in Danish (kept under every policy: it matters
    /// to the audit, and identifies little).
    pub weekday: &'static str,
    /// 16:00-08:00; unknown without a time.
    pub evening_night: Option<bool>,
}

pub fn weekday_da(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mandag",
        Weekday::Tue => "tirsdag",
        Weekday::Wed => "onsdag",
        Weekday::Thu => "torsdag",
        Weekday::Fri => "fredag",
        Weekday::Sat => "lørdag",
        Weekday::Sun => "søndag",
    }
}

impl Dating {
    /// How dates read under a policy (None: identifiable) for a case with this index date.
    pub fn new(policy: Option<DatePolicy>, index: NaiveDate, shift_weeks: i64) -> Dating {
        match policy {
            None => Dating::Identifiable { index },
            Some(DatePolicy::RelativeDays) => Dating::Relative { index },
            Some(DatePolicy::ShiftedWeeks) => Dating::Shifted {
                index,
                weeks: shift_weeks,
            },
        }
    }

    fn index(&self) -> NaiveDate {
        match *self {
            Dating::Identifiable { index }
            | Dating::Relative { index }
            | Dating::Shifted { index, .. } => index,
        }
    }

    fn shown_date(&self, date: NaiveDate) -> Option<NaiveDate> {
        match *self {
            Dating::Identifiable { .. } => Some(date),
            Dating::Relative { .. } => None,
            Dating::Shifted { weeks, .. } => Some(date - Duration::weeks(weeks)),
        }
    }

    /// A moment of the timeline for a recorded time.
    pub fn moment(&self, when: &When) -> Moment {
        let date = when.calendar_date();
        Moment {
            day: (date - self.index()).num_days(),
            date: self
                .shown_date(date)
                .map(|d| d.format("%Y-%m-%d").to_string()),
            time: when
                .time_of_day()
                .map(|t| format!("{:02}:{:02}", t.hour(), t.minute())),
            weekday: weekday_da(date.weekday()),
            evening_night: when.in_window(DayWindow::EVENING_NIGHT),
        }
    }

    /// A date written in a note, as the redacted note says it.
    pub fn in_text(&self, date: NaiveDate) -> String {
        match self.shown_date(date) {
            Some(shown) => shown.format("%d.%m.%Y").to_string(),
            None => format!("dag {}", (date - self.index()).num_days()),
        }
    }
}

/// Age bands of five years: a birth date is never shown.
pub fn age_band(birth_year: i32, at: NaiveDate) -> String {
    let age = (at.year() - birth_year).max(0);
    let low = age / 5 * 5;
    format!("{low}-{}", low + 4)
}

const MONTHS: &[(&str, u32)] = &[
    ("januar", 1),
    ("februar", 2),
    ("marts", 3),
    ("april", 4),
    ("maj", 5),
    ("juni", 6),
    ("juli", 7),
    ("august", 8),
    ("september", 9),
    ("oktober", 10),
    ("november", 11),
    ("december", 12),
    ("sept", 9),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("okt", 10),
    ("nov", 11),
    ("dec", 12),
];

/// The number of a Danish month named in full or abbreviated, lower-cased.
pub(crate) fn month_number(lower: &str) -> Option<u32> {
    MONTHS.iter().find(|(n, _)| *n == lower).map(|(_, m)| *m)
}

/// A date found in text, and the time of day written with it in ISO form (`T22:40`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TextDate {
    pub end: usize,
    pub date: NaiveDate,
    pub time: Option<(u32, u32)>,
}

fn number(bytes: &[u8], at: usize, min: usize, max: usize) -> Option<(u32, usize)> {
    let len = bytes[at..]
        .iter()
        .take(max + 1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if len < min || len > max {
        return None;
    }
    let value = std::str::from_utf8(&bytes[at..at + len])
        .ok()?
        .parse()
        .ok()?;
    Some((value, at + len))
}

fn year_of(value: u32, digits: usize) -> i32 {
    match digits {
        2 if value <= 40 => 2000 + value as i32,
        2 => 1900 + value as i32,
        _ => value as i32,
    }
}

fn ends_word(bytes: &[u8], at: usize) -> bool {
    !bytes
        .get(at)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b >= 0x80)
}

/// `2019-01-14`, optionally with `T22:40`.
fn iso(bytes: &[u8], at: usize) -> Option<TextDate> {
    let (y, i) = number(bytes, at, 4, 4)?;
    (bytes.get(i) == Some(&b'-')).then_some(())?;
    let (m, i) = number(bytes, i + 1, 2, 2)?;
    (bytes.get(i) == Some(&b'-')).then_some(())?;
    let (d, mut end) = number(bytes, i + 1, 2, 2)?;
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    let mut time = None;
    if bytes.get(end) == Some(&b'T')
        && let Some((h, j)) = number(bytes, end + 1, 2, 2)
        && bytes.get(j) == Some(&b':')
        && let Some((min, k)) = number(bytes, j + 1, 2, 2)
        && h < 24
        && min < 60
    {
        time = Some((h, min));
        end = k;
    }
    ends_word(bytes, end).then_some(TextDate { end, date, time })
}

/// `14.01.2019`, `14/1-19`, `14-01-2019`; and `14/1` or `14.1.` without a year when
/// `year_less` (after "d." or "den"), taking `ref_year`.
fn numeric(bytes: &[u8], at: usize, ref_year: Option<i32>, year_less: bool) -> Option<TextDate> {
    let (d, i) = number(bytes, at, 1, 2)?;
    let sep = *bytes.get(i)?;
    if !matches!(sep, b'.' | b'/' | b'-') {
        return None;
    }
    let (m, j) = number(bytes, i + 1, 1, 2)?;
    let full = match bytes.get(j) {
        Some(b'.' | b'/' | b'-') => number(bytes, j + 1, 2, 4)
            .filter(|&(_, k)| k - (j + 1) != 3)
            .map(|(y, k)| (year_of(y, k - (j + 1)), k)),
        _ => None,
    };
    let (year, end) = match full {
        Some(found) => found,
        None if year_less && sep != b'-' => {
            // "d. 3.2." ends with the date's own full stop.
            let end = if sep == b'.' && bytes.get(j) == Some(&b'.') {
                j + 1
            } else {
                j
            };
            (ref_year?, end)
        }
        None => return None,
    };
    let date = NaiveDate::from_ymd_opt(year, m, d)?;
    ends_word(bytes, end).then_some(TextDate {
        end,
        date,
        time: None,
    })
}

/// `14. januar 2019`, `14 jan.`, `3. marts` (year from `ref_year` when not written).
fn named_month(text: &str, at: usize, ref_year: Option<i32>) -> Option<TextDate> {
    let bytes = text.as_bytes();
    let (d, mut i) = number(bytes, at, 1, 2)?;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
    }
    (bytes.get(i) == Some(&b' ')).then_some(())?;
    i += 1;
    let rest = &text[i..];
    let (name, month) = MONTHS.iter().find(|(name, _)| {
        rest.get(..name.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(name))
            && ends_word(bytes, i + name.len())
    })?;
    let mut end = i + name.len();
    if name.len() <= 4 && bytes.get(end) == Some(&b'.') {
        end += 1;
    }
    let year = if bytes.get(end) == Some(&b' ')
        && let Some((y, k)) = number(bytes, end + 1, 4, 4)
        && ends_word(bytes, k)
    {
        end = k;
        y as i32
    } else {
        ref_year?
    };
    let date = NaiveDate::from_ymd_opt(year, *month, d)?;
    Some(TextDate {
        end,
        date,
        time: None,
    })
}

/// Whether a word that introduces a date ("d.", "den", "siden", "fra", "indtil", "pr.")
/// stands just before `at`, which makes a bare `14/1` a date.
fn after_date_word(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches(' ');
    if before.len() == at {
        return false;
    }
    let lower = before.to_ascii_lowercase();
    let word_start = |len: usize| {
        lower.len() == len || !lower.as_bytes()[lower.len() - len - 1].is_ascii_alphanumeric()
    };
    ["d.", "den", "siden", "fra", "indtil", "pr."]
        .iter()
        .any(|w| lower.ends_with(w) && word_start(w.len()))
}

/// A date written at byte `at` (a word start), in any of the forms above.
pub(crate) fn date_at(text: &str, at: usize, ref_year: Option<i32>) -> Option<TextDate> {
    let bytes = text.as_bytes();
    iso(bytes, at)
        .or_else(|| numeric(bytes, at, ref_year, after_date_word(text, at)))
        .or_else(|| named_month(text, at, ref_year))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn found(text: &str, ref_year: Option<i32>) -> Option<(NaiveDate, &str)> {
        let at = text.find(|c: char| c.is_ascii_digit())?;
        date_at(text, at, ref_year).map(|t| (t.date, &text[at..t.end]))
    }

    #[test]
    fn written_dates_in_their_danish_forms() {
        let jan14 = d(2019, 1, 14);
        for (text, written) in [
            ("den 14.01.2019 kl. 8", "14.01.2019"),
            ("14/1-2019", "14/1-2019"),
            ("14/1-19.", "14/1-19"),
            ("14-01-2019", "14-01-2019"),
            ("14.1.19", "14.1.19"),
            ("2019-01-14 var", "2019-01-14"),
            ("2019-01-14T22:40", "2019-01-14T22:40"),
            ("14. januar 2019", "14. januar 2019"),
            ("14 jan. 2019", "14 jan. 2019"),
            ("d. 14/1 ringede", "14/1"),
            ("den 14.1. ringede", "14.1."),
            ("14. januar ringede", "14. januar"),
        ] {
            assert_eq!(found(text, Some(2019)), Some((jan14, written)), "{text}");
        }
        assert_eq!(
            found("født 03.11.1978", None),
            Some((d(1978, 11, 3), "03.11.1978"))
        );
    }

    #[test]
    fn numbers_that_are_not_dates_stay() {
        for text in [
            "1/2 tablet",
            "BT 140/90",
            "3-4 gange",
            "F20.0",
            "2,5 mg",
            "14. januar",
            "kl. 22.15",
            "10.5.123",
            "31.02.2019",
        ] {
            let ref_year = (text != "14. januar").then_some(2019);
            let at = text.find(|c: char| c.is_ascii_digit()).unwrap();
            let hit = if text == "14. januar" {
                date_at(text, at, None)
            } else {
                date_at(text, at, ref_year)
            };
            assert_eq!(hit, None, "{text}");
        }
    }

    #[test]
    fn policies_keep_intervals_weekday_and_time_of_day() {
        let index = d(2019, 1, 15);
        let rel = Dating::new(Some(DatePolicy::RelativeDays), index, 0);
        let shifted = Dating::new(Some(DatePolicy::ShiftedWeeks), index, 104);
        let a = When::parse("2019-01-14T21:40").unwrap();
        let b = When::parse("2019-03-02T09:05").unwrap();
        for dating in [rel, shifted] {
            let (ma, mb) = (dating.moment(&a), dating.moment(&b));
            assert_eq!((ma.day, mb.day), (-1, 46));
            assert_eq!((ma.weekday, mb.weekday), ("mandag", "lørdag"));
            assert_eq!(ma.time.as_deref(), Some("21:40"));
            assert_eq!(
                (ma.evening_night, mb.evening_night),
                (Some(true), Some(false))
            );
        }
        assert_eq!(
            rel.moment(&a).date,
            None,
            "relative days show no calendar date"
        );
        let moved = shifted.moment(&a).date.unwrap();
        assert_eq!(moved, "2017-01-16");
        let moved = NaiveDate::parse_from_str(&moved, "%Y-%m-%d").unwrap();
        assert_eq!(moved.weekday(), Weekday::Mon);
        assert_eq!(rel.in_text(d(2019, 1, 20)), "dag 5");
        assert_eq!(shifted.in_text(d(2019, 1, 20)), "22.01.2017");
    }

    #[test]
    fn birth_years_become_age_bands() {
        assert_eq!(age_band(1978, d(2019, 1, 15)), "40-44");
        assert_eq!(age_band(1995, d(2019, 1, 15)), "20-24");
    }
}
